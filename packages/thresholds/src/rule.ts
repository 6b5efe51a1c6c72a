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
