import {
  compareSeverity,
  describeValue as describe,
  MESSAGE_TYPES,
  type MessageType,
  parseMessageType,
} from '@janitor/protocol';
import { readDuration } from './duration.ts';
import { DISK_METRICS, isDiskMetric, KNOWN_METRICS } from './metrics.ts';
import {
  type Direction,
  directionOf,
  EVERY_MOUNT,
  isOperator,
  OPERATORS,
  type Operator,
  pastClear,
  type Rule,
} from './rule.ts';

/**
 * One threshold as `config.yaml` writes it under `system_info.thresholds.<metric>`. The original knew
 * `value` and `message_type` (or its older name `type`); `operator`, `mount` and the alert lifecycle's `for`,
 * `repeat`, `clear` and `levels` are additions.
 */
export interface ThresholdSpec {
  /** The limit; required unless `levels` is given. */
  value?: number;
  /** @default 'warning' */
  message_type?: string;
  /** The original's older name for `message_type`. */
  type?: string;
  /** @default '>' */
  operator?: Operator;
  /** Disk metrics only: an exact mount point, or `*` for every mounted filesystem. */
  mount?: string;
  /** How long the limit must stay crossed before the alert fires: `"5m"`, `"30s"`, or seconds. @default alerting.default_for */
  for?: string | number;
  /** Time between reminders while firing; `0` or `"never"` for none. @default alerting.default_repeat */
  repeat?: string | number;
  /** Where a firing alert resolves (hysteresis). @default 5 % of the limit back */
  clear?: number;
  /** Several levels of one alert instead of `value` + `message_type`: `{ warning: 80, alarm: { value: 95, clear: 90 } }`. */
  levels?: Record<string, number | { value: number; clear?: number }>;
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

const RULE_KEYS = ['value', 'message_type', 'type', 'operator', 'mount', 'for', 'repeat', 'clear', 'levels'] as const;
const LEVEL_KEYS = ['value', 'clear'] as const;
const KNOWN = new Set(KNOWN_METRICS);

/**
 * Turns the config's `system_info.thresholds` object into rules. Each entry is one rule object
 * `{ value, message_type?|type?, operator?, mount?, for?, repeat?, clear? }`, the same with `levels` instead of
 * `value` and `message_type`, or a list of them (several rules per metric, e.g. per mount). A rule without a type
 * is a warning; without an operator it is `>` (strictly greater), as in the original. `levels` gives one rule per
 * level, least severe first.
 *
 * The rules on one metric that the alert lifecycle joins into one alert (same `mount`, same direction) must make
 * sense together: one rule per message type, a higher limit for a more severe type (lower for `<`), one `for` and
 * one `repeat`; a rule on an exact mount point with the `*` rules of its metric too.
 *
 * Never throws: every problem is returned with its key path, and only valid rules are kept. `undefined` and
 * `null` (an empty YAML key) give no rules and no problem; the caller decides whether defaults apply.
 *
 * @param raw the parsed YAML/JSON value
 * @param path the key path of `raw`, prefixed to every problem's path
 * @default path 'system_info.thresholds'
 * @example
 * parseThresholds({ cpu_percent: { value: 80 }, disk_usage_percent: [{ value: 90, type: 'alarm', mount: '*' }] })
 * parseThresholds({ cpu_percent: { levels: { warning: 80, alarm: 95 }, for: '5m', clear: 70 } })
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
    const items: Item[] = [];
    if (Array.isArray(entry)) {
      entry.forEach((element, index) => {
        const item = parseRule(metric, element, `${at}[${index}]`, problems);
        if (item !== undefined) items.push(item);
      });
    } else {
      const item = parseRule(metric, entry, at, problems);
      if (item !== undefined) items.push(item);
    }
    const rejected = checkAlerts(items, problems);
    for (const item of items) if (!rejected.has(item)) rules.push(...item.levels.map((level) => level.rule));
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

/** One level of a parsed entry and the key paths that problems about it name. */
interface ParsedLevel {
  rule: Rule;
  /** The level itself: the entry, or `<entry>.levels.<type>`. */
  path: string;
  /** Where its limit is written. */
  valuePath: string;
}

/** A level as an entry writes it, before the checks, with the key paths of its limit and its clear. */
interface LevelSpec {
  type: MessageType;
  value: number;
  clear?: number;
  path: string;
  valuePath: string;
  clearPath: string;
}

/** One valid config entry: its levels (least severe first) and its lifecycle timing, with their key paths. */
interface Item {
  path: string;
  mount: string | undefined;
  direction: Direction;
  levels: ParsedLevel[];
  forMs?: number;
  repeatMs?: number;
}

function parseRule(metric: string, entry: unknown, at: string, problems: ThresholdProblem[]): Item | undefined {
  if (!isRecord(entry)) {
    problems.push({
      path: at,
      message: `expected a rule { value, message_type?, operator?, mount? } or a list of them, got ${describe(entry)}`,
    });
    return undefined;
  }
  const before = problems.length;
  const problem = (key: string, message: string) => problems.push({ path: `${at}.${key}`, message });

  for (const key of Object.keys(entry)) {
    if (!(RULE_KEYS as readonly string[]).includes(key)) {
      problem(key, `unknown key; expected ${RULE_KEYS.join(', ')}`);
    }
  }

  const hasLevels = Object.hasOwn(entry, 'levels');
  const value = entry.value;
  let type: MessageType | undefined;
  if (hasLevels) {
    const extra = ['value', 'message_type', 'type'].filter((key) => Object.hasOwn(entry, key));
    if (extra.length > 0)
      problem('levels', `give either value (with message_type) or levels, not both (${extra.join(', ')})`);
  } else {
    if (!Object.hasOwn(entry, 'value')) problem('value', 'required: expected a finite number');
    else if (typeof value !== 'number' || !Number.isFinite(value)) {
      problem('value', `expected a finite number, got ${describe(value)}`);
    }
    type = readType(entry, problem);
  }

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

  let forMs: number | undefined;
  if (Object.hasOwn(entry, 'for')) {
    const read = readDuration(entry.for);
    if (read.problem !== undefined) problem('for', read.problem);
    else forMs = read.ms;
  }

  let repeatMs: number | undefined;
  if (Object.hasOwn(entry, 'repeat')) {
    const read = readRepeat(entry.repeat);
    if (read.problem !== undefined) problem('repeat', read.problem);
    else repeatMs = read.ms;
  }

  let clear: number | undefined;
  if (Object.hasOwn(entry, 'clear')) {
    if (typeof entry.clear === 'number' && Number.isFinite(entry.clear)) clear = entry.clear;
    else problem('clear', `expected a finite number, got ${describe(entry.clear)}`);
  }

  const levels: LevelSpec[] = [];
  if (hasLevels) {
    levels.push(...readLevels(entry.levels, `${at}.levels`, problems));
    if (clear !== undefined && levels[0] !== undefined) {
      // The entry's `clear` is where the alert resolves: the least severe level's.
      if (levels[0].clear !== undefined) {
        problem('clear', `conflicts with levels.${levels[0].type}.clear: give one`);
      } else {
        levels[0].clear = clear;
        levels[0].clearPath = `${at}.clear`;
      }
    }
  } else if (typeof value === 'number' && type !== undefined) {
    const level = { type, value, path: at, valuePath: `${at}.value`, clearPath: `${at}.clear` };
    levels.push(clear === undefined ? level : { ...level, clear });
  }

  for (const level of levels) {
    if (level.clear === undefined || pastClear(level.clear, operator, level.value)) continue;
    const side = directionOf(operator) === 'above' ? 'at or below' : 'at or above';
    problems.push({
      path: level.clearPath,
      message: `must be ${side} value ${level.value} for a "${operator}" rule, got ${level.clear}`,
    });
  }

  if (problems.length > before || levels.length === 0) return undefined;
  const item: Item = { path: at, mount, direction: directionOf(operator), levels: [] };
  if (forMs !== undefined) item.forMs = forMs;
  if (repeatMs !== undefined) item.repeatMs = repeatMs;
  for (const level of levels) {
    const rule: Rule = { metric, value: level.value, operator, type: level.type };
    if (mount !== undefined) rule.mount = mount;
    if (forMs !== undefined) rule.forMs = forMs;
    if (repeatMs !== undefined) rule.repeatMs = repeatMs;
    if (level.clear !== undefined) rule.clear = level.clear;
    item.levels.push({ rule, path: level.path, valuePath: level.valuePath });
  }
  return item;
}

/** `repeat`: a duration, with `"never"` (like `0`) for no reminders. */
function readRepeat(raw: unknown): ReturnType<typeof readDuration> {
  if (typeof raw === 'string' && raw.trim().toLowerCase() === 'never') return { ms: 0 };
  const read = readDuration(raw);
  return read.problem === undefined ? read : { problem: `${read.problem} (or "never")` };
}

/** `levels: { warning: 80, alarm: { value: 95, clear: 90 } }`, least severe first. */
function readLevels(raw: unknown, at: string, problems: ThresholdProblem[]): LevelSpec[] {
  const levels: LevelSpec[] = [];
  if (!isRecord(raw)) {
    problems.push({
      path: at,
      message: `expected an object of message types to limits, e.g. { warning: 80, alarm: 95 }, got ${describe(raw)}`,
    });
    return levels;
  }
  const seen = new Map<MessageType, string>();
  for (const [key, spec] of Object.entries(raw)) {
    const path = `${at}.${key}`;
    const type = parseMessageType(key);
    if (type === undefined) {
      problems.push({ path, message: `unknown message type; expected one of ${MESSAGE_TYPES.join(', ')}` });
      continue;
    }
    const first = seen.get(type);
    if (first !== undefined) {
      problems.push({ path, message: `the same level as ${first}: give each message type once` });
      continue;
    }
    seen.set(type, path);
    if (typeof spec === 'number') {
      if (Number.isFinite(spec)) levels.push({ type, value: spec, path, valuePath: path, clearPath: `${path}.clear` });
      else problems.push({ path, message: `expected a finite number or { value, clear? }, got ${describe(spec)}` });
      continue;
    }
    if (!isRecord(spec)) {
      problems.push({ path, message: `expected a finite number or { value, clear? }, got ${describe(spec)}` });
      continue;
    }
    const before = problems.length;
    for (const k of Object.keys(spec)) {
      if (!(LEVEL_KEYS as readonly string[]).includes(k)) {
        problems.push({ path: `${path}.${k}`, message: `unknown key; expected ${LEVEL_KEYS.join(', ')}` });
      }
    }
    const { value, clear } = spec;
    if (!Object.hasOwn(spec, 'value')) {
      problems.push({ path: `${path}.value`, message: 'required: expected a finite number' });
    } else if (typeof value !== 'number' || !Number.isFinite(value)) {
      problems.push({ path: `${path}.value`, message: `expected a finite number, got ${describe(value)}` });
    }
    if (Object.hasOwn(spec, 'clear') && (typeof clear !== 'number' || !Number.isFinite(clear))) {
      problems.push({ path: `${path}.clear`, message: `expected a finite number, got ${describe(clear)}` });
    }
    if (problems.length > before || typeof value !== 'number') continue;
    const level = { type, value, path, valuePath: `${path}.value`, clearPath: `${path}.clear` };
    levels.push(typeof clear === 'number' ? { ...level, clear } : level);
  }
  if (Object.keys(raw).length === 0) {
    problems.push({ path: at, message: 'expected at least one level, e.g. { warning: 80, alarm: 95 }' });
  }
  return levels.sort((a, b) => compareSeverity(a.type, b.type));
}

/**
 * The checks across the entries of one metric that the alert lifecycle joins into one alert (same mount, same
 * direction; an exact mount also with the `*` entries). Returns the entries that must be dropped.
 */
function checkAlerts(items: readonly Item[], problems: ThresholdProblem[]): Set<Item> {
  const rejected = new Set<Item>();
  const groups = new Map<string, Item[]>();
  for (const item of items) {
    const key = `${item.direction}\0${item.mount ?? ''}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  const reject = (item: Item, path: string, message: string) => {
    problems.push({ path, message });
    rejected.add(item);
  };

  for (const group of groups.values()) {
    const types = new Map<MessageType, string>();
    let firstFor: Item | undefined;
    let firstRepeat: Item | undefined;
    for (const item of group) {
      for (const level of item.levels) {
        const first = types.get(level.rule.type);
        if (first !== undefined && first !== level.path) {
          reject(item, level.path, `a second ${level.rule.type} level of one alert (the first is ${first})`);
        } else types.set(level.rule.type, level.path);
      }
      if (item.forMs !== undefined) {
        if (firstFor === undefined) firstFor = item;
        else if (firstFor.forMs !== item.forMs) {
          reject(
            item,
            `${item.path}.for`,
            `conflicts with ${firstFor.path}.for: the levels of one alert share one for`,
          );
        }
      }
      if (item.repeatMs !== undefined) {
        if (firstRepeat === undefined) firstRepeat = item;
        else if (firstRepeat.repeatMs !== item.repeatMs) {
          reject(
            item,
            `${item.path}.repeat`,
            `conflicts with ${firstRepeat.path}.repeat: the levels of one alert share one repeat`,
          );
        }
      }
    }
    checkOrder(
      group.flatMap((item) => item.levels.map((level) => ({ item, level }))),
      () => true,
      reject,
    );
  }

  // A filesystem with its own rule also takes the `*` rule's levels of the types it does not set.
  for (const [key, group] of groups) {
    const [direction, mount] = key.split('\0') as [Direction, string];
    if (mount === '' || mount === EVERY_MOUNT) continue;
    const every = groups.get(`${direction}\0${EVERY_MOUNT}`);
    if (every === undefined) continue;
    const exact = group.flatMap((item) => item.levels.map((level) => ({ item, level })));
    const own = new Set(exact.map(({ level }) => level.rule.type));
    const inherited = every.flatMap((item) =>
      item.levels.filter((level) => !own.has(level.rule.type)).map((level) => ({ item, level })),
    );
    const exactItems = new Set(group);
    checkOrder([...inherited, ...exact], (item) => exactItems.has(item), reject);
  }
  return rejected;
}

/**
 * A more severe level needs a limit further out: higher when high values alert, lower when low ones do. Only
 * pairs with at least one level of an entry that `blame` accepts are checked; the problem names that entry.
 */
function checkOrder(
  levels: { item: Item; level: ParsedLevel }[],
  blame: (item: Item) => boolean,
  reject: (item: Item, path: string, message: string) => void,
): void {
  const sorted = [...levels].sort((a, b) => compareSeverity(a.level.rule.type, b.level.rule.type));
  for (let i = 1; i < sorted.length; i++) {
    const lower = sorted[i - 1]!;
    const higher = sorted[i]!;
    if (lower.level.rule.type === higher.level.rule.type) continue;
    const above = higher.item.direction === 'above';
    const ordered = above
      ? higher.level.rule.value > lower.level.rule.value
      : higher.level.rule.value < lower.level.rule.value;
    if (ordered) continue;
    const blamed = blame(higher.item) ? higher : blame(lower.item) ? lower : undefined;
    if (blamed === undefined) continue;
    const other = blamed === higher ? lower : higher;
    const { type, value } = higher.level.rule;
    reject(
      blamed.item,
      blamed.level.valuePath,
      `${type} at ${value} must be ${above ? 'above' : 'below'} ${lower.level.rule.type} at ${lower.level.rule.value} ` +
        `(${other.level.path}): a more severe level needs a ${above ? 'higher' : 'lower'} limit`,
    );
  }
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
