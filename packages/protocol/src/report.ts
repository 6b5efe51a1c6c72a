import { type DiskSample, type LegacySysData, type NetworkSample, REPORT_VERSION, type Sample } from './sample.ts';
import { createIssueList, fail, type IssueList, type ParseResult } from './wire-error.ts';
import { METRIC_NAME_PATTERN, WIRE_LIMITS } from './wire-limits.ts';
import { isFiniteNumber, isRecord, own, type TextRule, textProblem } from './wire-text.ts';

/**
 * A `POST /sysinfo` body once validated: the original's `{"sys_data": {...}}` (keys in payload order, hostname
 * optional: the report then names an unknown host) or a v2 `{"version": 2, "sample": {...}}`.
 */
export type ParsedReport = { kind: 'legacy'; sysData: LegacySysData } | { kind: 'v2'; sample: Sample };

const METRIC_VALUE_ERROR = 'metric values must be finite numbers';
const METRIC_NAME_ERROR =
  'metric names must be 1 to 64 lower-case letters, digits or underscores, starting with a letter';
const HOSTNAME_RULE: TextRule = { maxLength: WIRE_LIMITS.hostnameLength, multiline: false, visibleOnly: true };
const PATH_RULE: TextRule = { maxLength: WIRE_LIMITS.pathLength, multiline: false };
const NAME_RULE: TextRule = { maxLength: WIRE_LIMITS.nameLength, multiline: false };

/** Reads a hostname: trimmed; `undefined` when absent or blank, `null` once a problem with it is recorded. */
function readHostname(value: unknown, field: string, issues: IssueList): string | undefined | null {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    issues.add(field, `${field} must be a string`);
    return null;
  }
  const hostname = value.trim();
  if (hostname === '') return undefined;
  const problem = textProblem(field, hostname, HOSTNAME_RULE);
  if (problem === undefined) return hostname;
  issues.add(field, problem);
  return null;
}

/** Whether `name: value` is a valid metric of the object at `field`, recording the problem when it is not. */
function isValidMetric(name: string, value: unknown, field: string, issues: IssueList): value is number {
  // A name that breaks the pattern is not echoed into the field path: it may hold anything.
  if (!METRIC_NAME_PATTERN.test(name)) issues.add(field, METRIC_NAME_ERROR);
  else if (!isFiniteNumber(value)) issues.add(`${field}.${name}`, METRIC_VALUE_ERROR);
  else return true;
  return false;
}

function tooManyMetrics(count: number, field: string, issues: IssueList): boolean {
  if (count <= WIRE_LIMITS.metricKeys) return false;
  issues.add(field, `${field} must not hold more than ${WIRE_LIMITS.metricKeys} metrics`);
  return true;
}

function parseLegacy(sysData: unknown): ParseResult<ParsedReport> {
  if (!isRecord(sysData)) return fail(400, 'sys_data must be an object of metrics', 'sys_data');
  const issues = createIssueList(WIRE_LIMITS.issues);
  const keys = Object.keys(sysData);
  const hasHostname = Object.hasOwn(sysData, 'hostname');
  if (tooManyMetrics(keys.length - (hasHostname ? 1 : 0), 'sys_data', issues)) {
    return { ok: false, error: issues.toError(400) };
  }
  // One walk in payload order: the report lists metrics in the order the sender gave them.
  const out: LegacySysData = {};
  for (const key of keys) {
    const value = sysData[key];
    if (key === 'hostname') {
      const hostname = readHostname(value, 'sys_data.hostname', issues);
      if (typeof hostname === 'string') out.hostname = hostname;
    } else if (isValidMetric(key, value, 'sys_data', issues)) out[key] = value;
  }
  if (issues.count > 0) return { ok: false, error: issues.toError(400) };
  return { ok: true, value: { kind: 'legacy', sysData: out } };
}

function readNumber(
  record: Record<string, unknown>,
  key: string,
  path: string,
  issues: IssueList,
  range: { min: number; max?: number; error: string },
): number {
  const value = own(record, key);
  if (isFiniteNumber(value) && value >= range.min && (range.max === undefined || value <= range.max)) return value;
  issues.add(`${path}.${key}`, range.error);
  return 0;
}

function readText(
  record: Record<string, unknown>,
  key: string,
  path: string,
  issues: IssueList,
  rule: TextRule,
  required: boolean,
): string {
  const value = own(record, key);
  const field = `${path}.${key}`;
  if (typeof value !== 'string') {
    issues.add(field, `${field} must be a string`);
    return '';
  }
  if (required && value.trim() === '') issues.add(field, `${field} must not be empty`);
  else {
    const problem = textProblem(field, value, rule);
    if (problem !== undefined) issues.add(field, problem);
  }
  return value;
}

const SIZE = { min: 0, error: 'disk sizes must be finite numbers of bytes, 0 or more' };
const PERCENT = { min: 0, max: 100, error: 'usedPercent must be a finite number from 0 to 100' };
const RATE = { min: 0, error: 'network rates must be finite numbers of bytes per second, 0 or more' };

function readList<T>(
  value: unknown,
  field: string,
  max: number,
  issues: IssueList,
  readItem: (item: Record<string, unknown>, path: string) => T,
): T[] {
  if (!Array.isArray(value)) {
    issues.add(field, `${field} must be an array`);
    return [];
  }
  if (value.length > max) {
    issues.add(field, `${field} must not hold more than ${max} entries`);
    return [];
  }
  const out: T[] = [];
  value.forEach((item: unknown, index) => {
    const path = `${field}[${index}]`;
    if (isRecord(item)) out.push(readItem(item, path));
    else issues.add(path, `${path} must be an object`);
  });
  return out;
}

function readDisk(item: Record<string, unknown>, path: string, issues: IssueList): DiskSample {
  return {
    mount: readText(item, 'mount', path, issues, PATH_RULE, true),
    device: readText(item, 'device', path, issues, PATH_RULE, false),
    fsType: readText(item, 'fsType', path, issues, NAME_RULE, false),
    totalBytes: readNumber(item, 'totalBytes', path, issues, SIZE),
    usedBytes: readNumber(item, 'usedBytes', path, issues, SIZE),
    freeBytes: readNumber(item, 'freeBytes', path, issues, SIZE),
    usedPercent: readNumber(item, 'usedPercent', path, issues, PERCENT),
  };
}

function readInterface(item: Record<string, unknown>, path: string, issues: IssueList): NetworkSample {
  return {
    iface: readText(item, 'iface', path, issues, NAME_RULE, true),
    rxBytesPerSecond: readNumber(item, 'rxBytesPerSecond', path, issues, RATE),
    txBytesPerSecond: readNumber(item, 'txBytesPerSecond', path, issues, RATE),
  };
}

function parseV2(body: Record<string, unknown>): ParseResult<ParsedReport> {
  const version = own(body, 'version');
  if (typeof version !== 'number') return fail(400, `version must be the number ${REPORT_VERSION}`, 'version');
  if (version !== REPORT_VERSION) {
    const shown = Number.isFinite(version) ? String(version) : 'that is not finite';
    return fail(
      422,
      `unsupported report version ${shown}: this hub reads version ${REPORT_VERSION} and {"sys_data"}`,
      'version',
    );
  }
  const raw = own(body, 'sample');
  if (!isRecord(raw)) return fail(400, 'sample must be an object', 'sample');
  const issues = createIssueList(WIRE_LIMITS.issues);

  const hostname = readHostname(own(raw, 'hostname'), 'sample.hostname', issues);
  if (hostname === undefined) issues.add('sample.hostname', 'sample.hostname is required');
  const collectedAtMs = readNumber(raw, 'collectedAtMs', 'sample', issues, {
    min: 0,
    error: 'collectedAtMs must be a finite number of milliseconds since the epoch',
  });

  const metrics: Record<string, number> = {};
  const rawMetrics = own(raw, 'metrics');
  if (isRecord(rawMetrics)) {
    const names = Object.keys(rawMetrics);
    if (!tooManyMetrics(names.length, 'sample.metrics', issues)) {
      for (const name of names) {
        const value = rawMetrics[name];
        if (isValidMetric(name, value, 'sample.metrics', issues)) metrics[name] = value;
      }
    }
  } else issues.add('sample.metrics', 'sample.metrics must be an object of metrics');

  const disks = readList(own(raw, 'disks'), 'sample.disks', WIRE_LIMITS.disks, issues, (item, path) =>
    readDisk(item, path, issues),
  );
  const network = readList(own(raw, 'network'), 'sample.network', WIRE_LIMITS.networkInterfaces, issues, (item, path) =>
    readInterface(item, path, issues),
  );

  if (issues.count > 0 || typeof hostname !== 'string') return { ok: false, error: issues.toError(400) };
  return { ok: true, value: { kind: 'v2', sample: { hostname, collectedAtMs, metrics, disks, network } } };
}

/**
 * Validates a `POST /sysinfo` body (already parsed JSON), never throwing. A body with `version` is a v2 report
 * (`{"version": 2, "sample": {...}}`, every field of {@link Sample} checked, paths like `sample.disks[3].usedPercent`;
 * another version is a 422); otherwise `sys_data` is the original's payload, accepted as it sent it: any metric
 * named like `cpu_percent`, at most 256, values finite JSON numbers (`"95"`, `true`, `null` and `1e999` are a 400
 * `metric values must be finite numbers` with field `sys_data.<name>`). Every problem is listed.
 *
 * @example
 * const parsed = parseReport({ sys_data: { hostname: 'vm', cpu_percent: 26.8 } });
 * // { ok: true, value: { kind: 'legacy', sysData: { hostname: 'vm', cpu_percent: 26.8 } } }
 */
export function parseReport(body: unknown): ParseResult<ParsedReport> {
  if (!isRecord(body)) {
    return fail(400, 'body must be a JSON object: {"sys_data": {...}} or {"version": 2, "sample": {...}}', 'body');
  }
  if (Object.hasOwn(body, 'version')) return parseV2(body);
  if (Object.hasOwn(body, 'sys_data')) return parseLegacy(body.sys_data);
  return fail(400, 'sys_data is required (or "version": 2 with a "sample")', 'sys_data');
}
