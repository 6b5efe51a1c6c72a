import type { MessageType } from '@janitor/protocol';

/** How a value is compared with a rule's limit. The original only knew `>`. */
export type Operator = '>' | '>=' | '<' | '<=';

/** Every operator a rule may use. */
export const OPERATORS: readonly Operator[] = Object.freeze(['>', '>=', '<', '<=']);

/** The `mount` that makes a disk rule apply to every mounted filesystem. */
export const EVERY_MOUNT = '*';

/**
 * One limit on one metric: the metric crossed when `<metric value> <operator> <value>` holds.
 *
 * @example { metric: 'disk_usage_percent', value: 90, operator: '>', type: 'alarm', mount: '/data' }
 */
export interface Rule {
  /** A metric name from `KNOWN_METRICS`. */
  metric: string;
  /** The limit. */
  value: number;
  operator: Operator;
  /** The severity of a crossing: decides the report's icon (the worst crossing wins). */
  type: MessageType;
  /**
   * Disk metrics only: the exact mount point (`/data`) whose usage is compared, or `*` for every mounted
   * filesystem. Without it a disk rule compares the flat value, which is the root filesystem's.
   */
  mount?: string;
  /**
   * Alert lifecycle: how long the limit must stay crossed before the alert fires, in milliseconds. Absent:
   * `alerting.default_for`. Ignored by `evaluate` and by the `every_report` mode.
   */
  forMs?: number;
  /** Alert lifecycle: time between reminders while firing, in milliseconds; `0` for none. Absent: `alerting.default_repeat`. */
  repeatMs?: number;
  /**
   * Alert lifecycle: the value a firing alert must get back to before it resolves (hysteresis), at or below `value`
   * for `>`/`>=`, at or above it for `<`/`<=`. Absent: {@link defaultClear}.
   */
  clear?: number;
}

/** Which values alert: `above` the limit (`>`, `>=`) or `below` it (`<`, `<=`). */
export type Direction = 'above' | 'below';

/** The direction of an operator: `>` and `>=` alert on high values, `<` and `<=` on low ones. */
export function directionOf(operator: Operator): Direction {
  return operator === '>' || operator === '>=' ? 'above' : 'below';
}

/** The share of a limit that a value must move back by to clear, when a rule sets no `clear`: 5 %. */
export const DEFAULT_CLEAR_MARGIN = 0.05;

/**
 * Where a firing rule without `clear` resolves: 5 % of the limit back on the safe side (80 -> 76 for `>`,
 * 1 GiB -> 1.05 GiB for `<`). Relative, so it suits percents, bytes, temperatures and loads alike; a limit of 0
 * has no margin.
 *
 * @example defaultClear({ value: 80, operator: '>' }) // 76
 */
export function defaultClear(rule: Pick<Rule, 'operator' | 'value'>): number {
  const margin = Math.abs(rule.value) * DEFAULT_CLEAR_MARGIN;
  const clear = directionOf(rule.operator) === 'above' ? rule.value - margin : rule.value + margin;
  // 12 significant digits: 75.5 clears at 71.725, not 71.72500000000001, in posts.
  return Number(clear.toPrecision(12));
}

/**
 * True when `value` is back past `clear`, on the safe side: at or below it for `>`/`>=`, at or above it for
 * `<`/`<=`. NaN never is.
 */
export function pastClear(value: number, operator: Operator, clear: number): boolean {
  return directionOf(operator) === 'above' ? value <= clear : value >= clear;
}

/** True when `operator` is one of {@link OPERATORS}. */
export function isOperator(operator: unknown): operator is Operator {
  return typeof operator === 'string' && (OPERATORS as readonly string[]).includes(operator);
}

/**
 * True when `value` crossed the rule's limit. NaN never crosses.
 *
 * @example crosses(80, { operator: '>', value: 80 }) // false: the original's crossing is strictly greater
 */
export function crosses(value: number, rule: Pick<Rule, 'operator' | 'value'>): boolean {
  switch (rule.operator) {
    case '>':
      return value > rule.value;
    case '>=':
      return value >= rule.value;
    case '<':
      return value < rule.value;
    case '<=':
      return value <= rule.value;
  }
}
