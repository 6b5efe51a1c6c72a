import { MESSAGE_TYPES, type MessageType, parseMessageType } from '@janitor/protocol';
import { DISK_METRICS, isDiskMetric, KNOWN_METRICS } from './metrics.ts';
import { EVERY_MOUNT, isOperator, OPERATORS, type Operator, type Rule } from './rule.ts';

/**
 * One threshold as `config.yaml` writes it under `system_info.thresholds.<metric>`. The original knew
 * `value` and `message_type` (or its older name `type`); `operator` and `mount` are additions.
 */
export interface ThresholdSpec {
  value: number;
  /** @default 'warning' */
  message_type?: string;
  /** The original's older name for `message_type`. */
  type?: string;
  /** @default '>' */
  operator?: Operator;
  /** Disk metrics only: an exact mount point, or `*` for every mounted filesystem. */
  mount?: string;
}

/** The `system_info.thresholds` object: one spec, or a list of them, per metric. */
export type ThresholdsConfig = Record<string, ThresholdSpec | readonly ThresholdSpec[]>;

/** Something wrong in the thresholds config: where (a key path) and what. */
export interface ThresholdProblem {
  /** Key path, e.g. `system_info.thresholds.cpu_percent.value` or `...disk_usage_percent[1].mount`. */
  path: string;
  message: string;
}

/** What {@link parseThresholds} returns: the valid rules and every problem found. */
export interface ParsedThresholds {
  rules: Rule[];
  problems: ThresholdProblem[];
}

/** The thresholds of the original's shipped `config.yaml.dist`, in config form (what `config.yaml` writes). */
export const DEFAULT_THRESHOLDS_CONFIG: Readonly<Record<string, Readonly<ThresholdSpec>>> = Object.freeze({
  cpu_percent: Object.freeze({ value: 80, message_type: 'warning' }),
  memory_percent: Object.freeze({ value: 80, message_type: 'warning' }),
  disk_usage_percent: Object.freeze({ value: 80, message_type: 'alarm' }),
});

const RULE_KEYS = ['value', 'message_type', 'type', 'operator', 'mount'] as const;
const KNOWN = new Set(KNOWN_METRICS);

/**
 * Turns the config's `system_info.thresholds` object into rules. Each entry is one rule object
 * `{ value, message_type?|type?, operator?, mount? }` or a list of them (several rules per metric, e.g. per
 * mount). A rule without a type is a warning; without an operator it is `>` (strictly greater), as in the original.
 *
 * Never throws: every problem is returned with its key path, and only valid rules are kept. `undefined` and
 * `null` (an empty YAML key) give no rules and no problem; the caller decides whether defaults apply.
 *
 * @param raw the parsed YAML/JSON value
 * @param path the key path of `raw`, prefixed to every problem's path
 * @default path 'system_info.thresholds'
 * @example
 * parseThresholds({ cpu_percent: { value: 80 }, disk_usage_percent: [{ value: 90, type: 'alarm', mount: '*' }] })
 */
export function parseThresholds(raw: unknown, path = 'system_info.thresholds'): ParsedThresholds {
  const rules: Rule[] = [];
  const problems: ThresholdProblem[] = [];
  if (raw === undefined || raw === null) return { rules, problems };
  if (!isRecord(raw)) {
    problems.push({ path, message: `expected an object of metric names to rules, got ${describe(raw)}` });
    return { rules, problems };
  }
  for (const [metric, entry] of Object.entries(raw)) {
    const at = `${path}.${metric}`;
    if (!KNOWN.has(metric)) {
      problems.push({ path: at, message: `unknown metric; known metrics: ${KNOWN_METRICS.join(', ')}` });
      continue;
    }
    if (Array.isArray(entry)) {
      entry.forEach((item, index) => {
        parseRule(metric, item, `${at}[${index}]`, rules, problems);
      });
    } else {
      parseRule(metric, entry, at, rules, problems);
    }
  }
  return { rules, problems };
}

/**
 * The original's default rules, for a config without `system_info.thresholds`: cpu_percent > 80 warning,
 * memory_percent > 80 warning, disk_usage_percent > 80 alarm ({@link DEFAULT_THRESHOLDS_CONFIG} parsed).
 */
export const DEFAULT_THRESHOLDS: readonly Readonly<Rule>[] = Object.freeze(
  parseThresholds(DEFAULT_THRESHOLDS_CONFIG).rules.map((rule) => Object.freeze(rule)),
);

function parseRule(metric: string, entry: unknown, at: string, rules: Rule[], problems: ThresholdProblem[]): void {
  if (!isRecord(entry)) {
    problems.push({
      path: at,
      message: `expected a rule { value, message_type?, operator?, mount? } or a list of them, got ${describe(entry)}`,
    });
    return;
  }
  const before = problems.length;
  const problem = (key: string, message: string) => problems.push({ path: `${at}.${key}`, message });

  for (const key of Object.keys(entry)) {
    if (!(RULE_KEYS as readonly string[]).includes(key)) {
      problem(key, `unknown key; expected ${RULE_KEYS.join(', ')}`);
    }
  }

  const value = entry.value;
  if (!Object.hasOwn(entry, 'value')) problem('value', 'required: expected a finite number');
  else if (typeof value !== 'number' || !Number.isFinite(value)) {
    problem('value', `expected a finite number, got ${describe(value)}`);
  }

  const type = readType(entry, problem);

  let operator: Operator = '>';
  if (Object.hasOwn(entry, 'operator')) {
    if (isOperator(entry.operator)) operator = entry.operator;
    else problem('operator', `expected one of ${OPERATORS.join(', ')}, got ${describe(entry.operator)}`);
  }

  let mount: string | undefined;
  if (Object.hasOwn(entry, 'mount')) {
    if (!isDiskMetric(metric)) {
      problem('mount', `only disk metrics (${DISK_METRICS.join(', ')}) have a mount point`);
    } else if (typeof entry.mount !== 'string' || entry.mount.trim() === '') {
      problem('mount', `expected a mount point such as "/data", or "${EVERY_MOUNT}", got ${describe(entry.mount)}`);
    } else {
      mount = entry.mount;
    }
  }

  if (problems.length > before || typeof value !== 'number' || type === undefined) return;
  const rule: Rule = { metric, value, operator, type };
  if (mount !== undefined) rule.mount = mount;
  rules.push(rule);
}

/** Reads `message_type` or its older name `type`; `warning` when neither is given. */
function readType(
  entry: Record<string, unknown>,
  problem: (key: string, message: string) => void,
): MessageType | undefined {
  const read = (key: 'message_type' | 'type'): MessageType | undefined | null => {
    if (!Object.hasOwn(entry, key)) return null;
    const parsed = parseMessageType(entry[key]);
    if (parsed === undefined) problem(key, `expected one of ${MESSAGE_TYPES.join(', ')}, got ${describe(entry[key])}`);
    return parsed;
  };
  const messageType = read('message_type');
  const legacyType = read('type');
  if (messageType === undefined || legacyType === undefined) return undefined;
  if (messageType !== null && legacyType !== null && messageType !== legacyType) {
    problem('type', `conflicts with message_type "${messageType}" (type is its older name): give only one`);
    return undefined;
  }
  return messageType ?? legacyType ?? 'warning';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}
