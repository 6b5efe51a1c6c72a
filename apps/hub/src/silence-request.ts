import {
  bodyKind,
  decodeUtf8Strict,
  type ParseResult,
  parseFormBody,
  parseJsonBody,
  type RawRequest,
  WIRE_LIMITS,
} from '@janitor/protocol';
import { SILENCE_ALL, type Silence } from '@janitor/store';
import { DISK_METRICS, HOST_SILENT_KEY, KNOWN_METRICS, readDuration } from '@janitor/thresholds';

/** A valid `POST /silences` body. */
export interface SilenceFields {
  /** The host, or `*` for every host. */
  host: string;
  /** An alert key, a metric, `host_silent`, or `*` (the default: every alert of the host). */
  rule: string;
  forMs: number;
  reason?: string;
}

/** The longest silence: a year. Longer is a mute (`alerting.hosts.<host>.mute`), which belongs in config.yaml. */
export const MAX_SILENCE_MS = 366 * 24 * 3_600_000;

/** The longest reason of a silence. */
export const MAX_REASON_LENGTH = 500;

const FIELDS = ['host', 'rule', 'for', 'reason'] as const;
const METRICS: ReadonlySet<string> = new Set(KNOWN_METRICS);
const DISKS: ReadonlySet<string> = new Set(DISK_METRICS);
// metric, metric@mount, metric:below, metric@mount:below (as @janitor/thresholds' alertKey writes them)
const ALERT_KEY = /^([a-z0-9_]+)(?:@(\/[^\s]*))?(:below)?$/;

/**
 * Reads a `POST /silences` request: JSON (or a form, for curl) `{ host, rule?, for, reason? }`, `for` a duration
 * such as `"2h"`, `"30m"`, `"1h30m"` or seconds. Never throws: a problem is a 4xx naming its field.
 */
export function parseSilenceRequest(request: RawRequest): ParseResult<SilenceFields> {
  const kind = bodyKind(request.contentType);
  if (kind === undefined) {
    return fail(
      'Content-Type must be application/json or application/x-www-form-urlencoded (UTF-8)',
      'content-type',
      415,
    );
  }
  const text = decodeUtf8Strict(request.body, { maxBytes: WIRE_LIMITS.bodyBytes });
  if (!text.ok) return text;
  const parsed = kind === 'form' ? parseFormBody(text.value) : parseJsonBody(text.value);
  if (!parsed.ok) return parsed;
  return parseSilenceFields(parsed.value);
}

/** Checks the fields of a silence (see {@link parseSilenceRequest}). */
export function parseSilenceFields(body: unknown): ParseResult<SilenceFields> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail('expected an object { host, rule?, for, reason? }', 'body');
  }
  const fields = body as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      return fail(`unknown field; expected ${FIELDS.join(', ')}`, key);
    }
  }
  const own = (key: string) => (Object.hasOwn(fields, key) ? fields[key] : undefined);

  const host = own('host');
  if (host === undefined) return fail('host is required: a hostname, or * for every host', 'host');
  if (typeof host !== 'string' || host.trim() === '') return fail('expected a hostname, or * for every host', 'host');
  if (host.length > WIRE_LIMITS.hostnameLength) {
    return fail(`must not be longer than ${WIRE_LIMITS.hostnameLength} characters`, 'host');
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(host)) return fail('must not contain control characters', 'host');

  const rule = own('rule') ?? SILENCE_ALL;
  if (typeof rule !== 'string') return fail('expected a metric, an alert key, host_silent or *', 'rule');
  const ruleProblem = checkRule(rule.trim());
  if (ruleProblem !== undefined) return fail(ruleProblem, 'rule');

  const duration = own('for');
  if (duration === undefined) return fail('for is required: how long, e.g. "2h", "30m", "1h30m"', 'for');
  const read = readDuration(
    typeof duration === 'string' && /^\d+(\.\d+)?$/.test(duration.trim()) ? Number(duration) : duration,
  );
  if (read.problem !== undefined) return fail(read.problem, 'for');
  if (read.ms <= 0) return fail('must be more than 0', 'for');
  if (read.ms > MAX_SILENCE_MS) return fail('must be at most 366d (for longer, mute the host in config.yaml)', 'for');

  const reason = own('reason');
  if (reason !== undefined && reason !== null && typeof reason !== 'string') return fail('expected a text', 'reason');
  if (typeof reason === 'string' && reason.length > MAX_REASON_LENGTH) {
    return fail(`must not be longer than ${MAX_REASON_LENGTH} characters`, 'reason');
  }
  return {
    ok: true,
    value: {
      host: host.trim(),
      rule: rule.trim(),
      forMs: read.ms,
      ...(typeof reason === 'string' && reason.trim() !== '' ? { reason: reason.trim() } : {}),
    },
  };
}

function checkRule(rule: string): string | undefined {
  if (rule === SILENCE_ALL || rule === HOST_SILENT_KEY) return undefined;
  const match = ALERT_KEY.exec(rule);
  const metric = match?.[1];
  if (match === null || metric === undefined || !METRICS.has(metric)) {
    return `unknown rule ${JSON.stringify(rule)}: expected a metric (${KNOWN_METRICS.slice(0, 3).join(', ')}, ...), an alert key such as disk_usage_percent@/data, host_silent or *`;
  }
  if (match[2] !== undefined && !DISKS.has(metric)) return `${metric} has no mount: only disk metrics do`;
  return undefined;
}

/** A silence as the hub's API shows it. */
export interface SilenceView {
  id: number;
  host: string;
  rule: string;
  /** When it ends, ISO 8601 (UTC), and in ms since the epoch. */
  until: string;
  untilMs: number;
  reason: string | null;
  createdAtMs: number;
}

/** The API's view of a stored silence. */
export function silenceView(silence: Silence): SilenceView {
  return {
    id: silence.id,
    host: silence.hostname,
    rule: silence.key,
    until: new Date(silence.untilMs).toISOString(),
    untilMs: silence.untilMs,
    reason: silence.reason,
    createdAtMs: silence.createdAtMs,
  };
}

function fail<T>(error: string, field: string, status: 400 | 415 = 400): ParseResult<T> {
  return { ok: false, error: { status, error, field } };
}
