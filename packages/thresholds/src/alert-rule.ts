import { compareSeverity, type MessageType } from '@janitor/protocol';
import { isDiskMetric } from './metrics.ts';
import { type Direction, defaultClear, directionOf, EVERY_MOUNT, type Operator, type Rule } from './rule.ts';

/** One level of an alert: it is crossed when `<value> <operator> <level value>`; it clears past `clear`. */
export interface AlertLevel {
  type: MessageType;
  value: number;
  operator: Operator;
  /** The rule's `clear`, or {@link defaultClear}. */
  clear: number;
}

/**
 * What the lifecycle watches on one metric (and mount): the rules of `system_info.thresholds` that make one
 * alert, with their timing settled. A `*` rule is one alert per mounted filesystem.
 */
export interface AlertRule {
  /** The key of its state: {@link alertKey} (for a `*` rule, each filesystem's key is `alertKey(metric, mount)`). */
  key: string;
  metric: string;
  /** Undefined for a flat value, an exact mount point, or `*`. */
  mount?: string;
  direction: Direction;
  /** Least severe first, each further out than the one before. */
  levels: readonly AlertLevel[];
  /** How long a level must stay crossed before the alert fires at it, or escalates to it. */
  forMs: number;
  /** Time between reminders while firing; 0 for none. */
  repeatMs: number;
  /** A `*` rule: the filesystems that have a rule of their own (which already holds this rule's other levels). */
  exceptMounts?: readonly string[];
}

/** Timing for rules that set none, from `alerting`. */
export interface AlertDefaults {
  /** @default 0 */
  forMs?: number;
  /** @default 3_600_000 (1 h) */
  repeatMs?: number;
}

/** The default time between reminders while an alert fires: one hour. */
export const DEFAULT_REPEAT_MS = 3_600_000;

/**
 * The state key of an alert: the metric, `@<mount>` for a filesystem, `:below` when low values alert (so that a
 * metric may alert both ways).
 *
 * @example alertKey('disk_usage_percent', '/data') // 'disk_usage_percent@/data'
 * @example alertKey('disk_usage_free', undefined, 'below') // 'disk_usage_free:below'
 */
export function alertKey(metric: string, mount?: string, direction: Direction = 'above'): string {
  return `${metric}${mount === undefined ? '' : `@${mount}`}${direction === 'below' ? ':below' : ''}`;
}

/**
 * Joins rules into alerts: the rules on one metric with the same `mount` and direction are the levels of one
 * alert. A rule on an exact mount point also takes the levels of the metric's `*` rules whose types it does not set
 * (its own win), and their `for`/`repeat` when it sets none. An alert's `for` and `repeat` are the first its rules
 * set, else `defaults`. Rules as {@link parseThresholds} returns them make consistent alerts; for others, the first
 * rule of a type wins.
 *
 * @example compileAlertRules(parseThresholds({ cpu_percent: { levels: { warning: 80, alarm: 95 } } }).rules)
 */
export function compileAlertRules(rules: readonly Rule[], defaults: AlertDefaults = {}): AlertRule[] {
  const { forMs = 0, repeatMs = DEFAULT_REPEAT_MS } = defaults;
  const groups = new Map<string, Rule[]>();
  for (const rule of rules) {
    // As in evaluate(): a mount on a metric that is not a disk metric matches nothing.
    if (rule.mount !== undefined && !isDiskMetric(rule.metric)) continue;
    const key = alertKey(rule.metric, rule.mount, directionOf(rule.operator));
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [rule]);
    else group.push(rule);
  }
  const alerts: AlertRule[] = [];
  for (const [key, group] of groups) {
    const first = group[0]!;
    const direction = directionOf(first.operator);
    const { mount } = first;
    const every =
      mount !== undefined && mount !== EVERY_MOUNT
        ? groups.get(alertKey(first.metric, EVERY_MOUNT, direction))
        : undefined;
    const own = levelsOf(group);
    const types = new Set(own.map((level) => level.type));
    const inherited = every === undefined ? [] : levelsOf(every).filter((level) => !types.has(level.type));
    const timing = [...group, ...(every ?? [])];
    const alert: AlertRule = {
      key,
      metric: first.metric,
      direction,
      levels: [...own, ...inherited].sort((a, b) => compareSeverity(a.type, b.type)),
      forMs: timing.find((rule) => rule.forMs !== undefined)?.forMs ?? forMs,
      repeatMs: timing.find((rule) => rule.repeatMs !== undefined)?.repeatMs ?? repeatMs,
    };
    if (mount !== undefined) alert.mount = mount;
    alerts.push(alert);
  }
  for (const alert of alerts) {
    if (alert.mount !== EVERY_MOUNT) continue;
    const except = alerts
      .filter((a) => a.metric === alert.metric && a.direction === alert.direction && a.mount !== undefined)
      .map((a) => a.mount!)
      .filter((mount) => mount !== EVERY_MOUNT);
    if (except.length > 0) alert.exceptMounts = except;
  }
  return alerts;
}

function levelsOf(rules: readonly Rule[]): AlertLevel[] {
  const levels = new Map<MessageType, AlertLevel>();
  for (const rule of rules) {
    if (levels.has(rule.type)) continue;
    levels.set(rule.type, {
      type: rule.type,
      value: rule.value,
      operator: rule.operator,
      clear: rule.clear ?? defaultClear(rule),
    });
  }
  return [...levels.values()];
}

/** The state key (and mute name) of a host's "host silent" alert. */
export const HOST_SILENT_KEY = 'host_silent';
