import { METRIC_NAME_PATTERN, WIRE_LIMITS } from '@janitor/protocol';

/** What a series key names: a metric, and for a per-filesystem or per-interface value, which one. */
export interface SeriesKeyParts {
  /** The report's key: `cpu_percent`, `disk_usage_percent`, `net_rx_bytes_per_second`. */
  metric: string;
  /** The mount point of a per-filesystem value (`/data`); it always starts with `/`. */
  mount?: string;
  /** The network interface of a per-interface value (`eth0`). */
  iface?: string;
}

/** The longest series key {@link parseSeriesKey} accepts: a metric, `@` and the longest mount point the wire takes. */
export const MAX_SERIES_KEY_LENGTH: number = 64 + 1 + WIRE_LIMITS.pathLength;

/**
 * The key of one series of a host: the metric alone (`cpu_percent`), or the metric, `@` and the filesystem's mount
 * point (`disk_usage_percent@/data`: the same spelling as an alert key), or `@` and the interface
 * (`net_rx_bytes_per_second@eth0`). A mount starts with `/` and an interface name never holds one, so the two cannot
 * be confused; a metric name never holds `@`, so the first `@` ends it.
 *
 * @example seriesKey('disk_usage_percent', { mount: '/data' }) // 'disk_usage_percent@/data'
 * @example seriesKey('net_tx_bytes_per_second', { iface: 'wlan0' }) // 'net_tx_bytes_per_second@wlan0'
 */
export function seriesKey(metric: string, scope: { mount?: string; iface?: string } = {}): string {
  if (scope.mount !== undefined) return `${metric}@${scope.mount}`;
  if (scope.iface !== undefined) return `${metric}@${scope.iface}`;
  return metric;
}

/**
 * Reads a series key back into its parts, or `undefined` when it is not one: a metric that breaks the wire's pattern,
 * an empty scope, a mount or interface with a line break, an interface with `/`, or a key longer than
 * {@link MAX_SERIES_KEY_LENGTH}. What an API takes as a `metrics=` item.
 *
 * @example parseSeriesKey('disk_usage_percent@/data') // { metric: 'disk_usage_percent', mount: '/data' }
 * @example parseSeriesKey('cpu_percent') // { metric: 'cpu_percent' }
 * @example parseSeriesKey('../etc') // undefined
 */
export function parseSeriesKey(key: string): SeriesKeyParts | undefined {
  if (key.length > MAX_SERIES_KEY_LENGTH) return undefined;
  const at = key.indexOf('@');
  const metric = at === -1 ? key : key.slice(0, at);
  if (!METRIC_NAME_PATTERN.test(metric)) return undefined;
  if (at === -1) return { metric };
  const scope = key.slice(at + 1);
  // Control characters (line breaks, NUL) are in no mount point or interface name a report can carry.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
  if (scope === '' || /[\u0000-\u001f\u007f]/.test(scope)) return undefined;
  if (scope.startsWith('/')) return { metric, mount: scope };
  if (scope.includes('/')) return undefined;
  return { metric, iface: scope };
}
