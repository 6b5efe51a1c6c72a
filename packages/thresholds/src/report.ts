import type { MessageType } from '@janitor/protocol';
import { CROSSED_MARKER, MESSAGE_ICONS } from '@janitor/protocol';
import type { Evaluation } from './evaluation.ts';
import { humanDuration, humanSize } from './human-units.ts';
import type { ReportInput } from './report-input.ts';

/**
 * How a human-readable value is printed: `bytes` as {@link humanSize}, `bytesPerSecond` the same plus `/s`,
 * `seconds` as {@link humanDuration}, `celsius` plus ` °C`, `plain` as JavaScript prints the number.
 */
export type ValueUnit = 'bytes' | 'bytesPerSecond' | 'seconds' | 'celsius' | 'plain';

/** How a report prints its lines: the original's `formatting` settings, plus units for the v2 metrics. */
export interface ReportFormat {
  /** Line titles by metric; a metric without one is titled by its key. */
  namesMap: Readonly<Record<string, string>>;
  /** When false, every value prints as JavaScript prints the number. */
  humanReadable: boolean;
  /** Metrics printed as plain numbers even when `humanReadable`. */
  humanReadableExceptions: readonly string[];
  /**
   * The unit of a human-readable metric; a metric that is neither here nor an exception is bytes, as in the
   * original.
   * @default DEFAULT_VALUE_UNITS
   */
  units?: Readonly<Record<string, ValueUnit>>;
}

/**
 * Units of the v2 metrics that are not bytes. Kept apart from the exceptions so that a config written for the
 * original (whose exception list knows only the original's keys) still prints them right.
 */
export const DEFAULT_VALUE_UNITS: Readonly<Record<string, ValueUnit>> = Object.freeze({
  load_1: 'plain',
  load_5: 'plain',
  load_15: 'plain',
  swap_percent: 'plain',
  uptime_seconds: 'seconds',
  cpu_temperature: 'celsius',
  net_rx_bytes_per_second: 'bytesPerSecond',
  net_tx_bytes_per_second: 'bytesPerSecond',
});

/** The original's names map and exceptions, plus titles and units for the v2 metrics. */
export const DEFAULT_REPORT_FORMAT: ReportFormat = Object.freeze({
  namesMap: Object.freeze({
    cpu_percent: 'CPU %',
    cpu_count: 'CPU count',
    memory_total: 'Memory Total',
    memory_avail: 'Memory Available',
    memory_used: 'Memory Used',
    memory_free: 'Memory Free',
    memory_percent: 'Memory %',
    disk_usage_total: 'Disk Total',
    disk_usage_used: 'Disk Used',
    disk_usage_free: 'Disk Free',
    disk_usage_percent: 'Disk %',
    load_1: 'Load 1 min',
    load_5: 'Load 5 min',
    load_15: 'Load 15 min',
    swap_total: 'Swap Total',
    swap_used: 'Swap Used',
    swap_free: 'Swap Free',
    swap_percent: 'Swap %',
    uptime_seconds: 'Uptime',
    cpu_temperature: 'CPU temperature',
    net_rx_bytes_per_second: 'Network In',
    net_tx_bytes_per_second: 'Network Out',
  }),
  humanReadable: true,
  humanReadableExceptions: Object.freeze([
    'cpu_percent',
    'cpu_count',
    'memory_percent',
    'disk_usage_percent',
    'load_1',
    'load_5',
    'load_15',
    'swap_percent',
  ]),
  units: DEFAULT_VALUE_UNITS,
});

/** The text and type of a report post: `spoiler` goes to the content warning, `text` is the status. */
export interface Report {
  spoiler: string;
  text: string;
  /** The worst crossed type; `none` when nothing crossed. */
  type: MessageType;
}

/** The hostname shown when the input has none. */
export const UNKNOWN_HOST = 'unknown host';

/**
 * One value as its report line shows it.
 *
 * @example formatMetricValue('memory_total', 8589934592) // '8 GB'
 */
export function formatMetricValue(metric: string, value: number, format: ReportFormat = DEFAULT_REPORT_FORMAT): string {
  if (!format.humanReadable || format.humanReadableExceptions.includes(metric)) return String(value);
  const units = format.units ?? DEFAULT_VALUE_UNITS;
  const unit: ValueUnit = Object.hasOwn(units, metric) ? (units[metric] ?? 'bytes') : 'bytes';
  switch (unit) {
    case 'bytes':
      return humanSize(value);
    case 'bytesPerSecond':
      return `${humanSize(value)}/s`;
    case 'seconds':
      return humanDuration(value);
    case 'celsius':
      return `${value} °C`;
    case 'plain':
      return String(value);
  }
}

/**
 * The report post, as the original wrote it: spoiler `<icon> <hostname>` with the worst type's icon (just the
 * hostname for `none`), and one line `- **<title>**: <value>` per entry, with ` ❗️` when that metric crossed.
 * Then one marked line per crossed metric that is not an entry (an `unlisted` one), and one per crossed
 * filesystem of a `mount` rule, titled `<title> (<mount>)`, in the order of the breaches; a crossing on `/` whose
 * value is the flat entry's marks that entry instead, since the flat disk metrics are the root filesystem's.
 *
 * @example
 * const input = fromLegacy(sysData);
 * const { spoiler, text } = formatReport(input, evaluate(input, rules));
 */
export function formatReport(
  input: ReportInput,
  evaluation: Evaluation,
  format: ReportFormat = DEFAULT_REPORT_FORMAT,
): Report {
  const type = evaluation.worst ?? 'none';
  const hostname = input.hostname !== undefined && input.hostname.trim() !== '' ? input.hostname : UNKNOWN_HOST;
  const icon = MESSAGE_ICONS[type];
  const spoiler = icon === '' ? hostname : `${icon} ${hostname}`;
  const title = (metric: string): string =>
    Object.hasOwn(format.namesMap, metric) ? (format.namesMap[metric] ?? metric) : metric;

  const listed = new Set(input.entries.map(([metric]) => metric));
  const crossed = new Set<string>();
  // Crossed values that are not an entry (unlisted metrics, filesystems): one line per metric and mount.
  const extraLines = new Map<string, { title: string; metric: string; value: number }>();
  const addExtra = (key: string, title: string, metric: string, value: number) => {
    if (!extraLines.has(key)) extraLines.set(key, { title, metric, value });
  };
  for (const { metric, mount, value } of evaluation.breaches) {
    if (mount === undefined) {
      if (listed.has(metric)) crossed.add(metric);
      else addExtra(metric, title(metric), metric, value);
    } else if (mount === '/' && input.entries.some(([m, v]) => m === metric && v === value)) {
      crossed.add(metric);
    } else {
      addExtra(`${metric}\0${mount}`, `${title(metric)} (${mount})`, metric, value);
    }
  }

  const line = (name: string, metric: string, value: number, marked: boolean) =>
    `- **${name}**: ${formatMetricValue(metric, value, format)}${marked ? ` ${CROSSED_MARKER}` : ''}`;

  const lines = input.entries.map(([metric, value]) => line(title(metric), metric, value, crossed.has(metric)));
  for (const { title: name, metric, value } of extraLines.values()) lines.push(line(name, metric, value, true));
  return { spoiler, text: lines.join('\n'), type };
}
