// How a firing alert of the read API reads in a line of text (`janitor status`, the bot's answers).
import type { FiringAlertView } from './fleet-view.ts';
import { formatMetricValue } from './metric-value.ts';

/**
 * A firing alert in a few words: its label, the value that made it fire and its level (`CPU %: 97% (warning)`);
 * `host silent (alarm)` for an alert without a value; no level when it has none.
 *
 * @example formatFiring({ key: 'cpu_percent', label: 'CPU %', level: 'warning', value: 97, limit: 80, sinceMs: 0 }) // 'CPU %: 97% (warning)'
 */
export function formatFiring(alert: FiringAlertView): string {
  const value = alert.value === null ? '' : `: ${formatMetricValue(alert.key, alert.value)}`;
  return `${alert.label}${value}${alert.level === null ? '' : ` (${alert.level})`}`;
}
