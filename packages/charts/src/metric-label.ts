import { parseSeriesKey } from '@janitor/history';
import { DEFAULT_REPORT_FORMAT, DEFAULT_VALUE_UNITS } from '@janitor/thresholds';

/** A metric in words and its unit: `{ label: 'CPU', unit: '%' }`. */
export interface MetricLabel {
  /** The metric's name as posts show it, without the unit: `CPU`, `Disk /data`, `Network In (eth0)`. */
  label: string;
  /** What its values count: `%`, `°C`, `B` (bytes), `B/s`, `s`, or `''` for a plain number (load, unknown metrics). */
  unit: string;
}

const UNIT_SYMBOLS = { bytes: 'B', bytesPerSecond: 'B/s', seconds: 's', celsius: '°C', plain: '' } as const;

/**
 * The words and unit of a report key (a series key of `@janitor/history`), from the names and units that report
 * posts use (`DEFAULT_REPORT_FORMAT` of `@janitor/thresholds`), so a chart says what the alert beside it says: a name
 * ending in ` %` gives the unit `%`; a per-filesystem key adds its mount point, a per-interface key its interface. A
 * key that names no known metric is its own label, with no unit.
 *
 * @example metricLabel('cpu_percent') // { label: 'CPU', unit: '%' }
 * @example metricLabel('disk_usage_percent@/data') // { label: 'Disk /data', unit: '%' }
 * @example metricLabel('net_rx_bytes_per_second@eth0') // { label: 'Network In (eth0)', unit: 'B/s' }
 * @example metricLabel('my_counter') // { label: 'my_counter', unit: '' }
 */
export function metricLabel(metric: string): MetricLabel {
  const parts = parseSeriesKey(metric);
  const names = DEFAULT_REPORT_FORMAT.namesMap;
  if (parts === undefined || !Object.hasOwn(names, parts.metric)) return { label: metric, unit: '' };
  const name = names[parts.metric] ?? parts.metric;
  let label = name;
  let unit: string;
  if (name.endsWith(' %')) {
    label = name.slice(0, -2);
    unit = '%';
  } else if (Object.hasOwn(DEFAULT_VALUE_UNITS, parts.metric)) {
    unit = UNIT_SYMBOLS[DEFAULT_VALUE_UNITS[parts.metric] ?? 'plain'];
  } else {
    // As in the report: a known metric that is neither a plain exception nor given a unit counts bytes.
    unit = DEFAULT_REPORT_FORMAT.humanReadableExceptions.includes(parts.metric) ? '' : 'B';
  }
  if (parts.mount !== undefined) label = `${label} ${parts.mount}`;
  if (parts.iface !== undefined) label = `${label} (${parts.iface})`;
  return { label, unit };
}
