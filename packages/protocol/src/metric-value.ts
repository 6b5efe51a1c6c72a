// How the command line shows a metric's value: percents with `%`, bytes in KB/MB/GB, seconds as a span.
import { formatSpan } from './time-words.ts';

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'] as const;

/** The metrics counted in bytes (per filesystem for the disk ones: `disk_usage_used@/data`). */
const BYTE_METRICS: ReadonlySet<string> = new Set([
  'memory_total',
  'memory_avail',
  'memory_used',
  'memory_free',
  'swap_total',
  'swap_used',
  'swap_free',
  'disk_usage_total',
  'disk_usage_used',
  'disk_usage_free',
]);

/**
 * A number as a person reads it in a table: no decimal from 100 on, one under 100, two under 1 (`1234`, `97.5`,
 * `0.42`), trailing zeros dropped.
 * @example formatNumber(12.25) // '12.3'
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 0 : magnitude >= 1 ? 1 : 2;
  const text = value.toFixed(digits);
  const trimmed = text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  return trimmed === '-0' ? '0' : trimmed;
}

/** A byte count, 1024-based, one decimal: `1.5 GB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  let size = Math.abs(bytes);
  let unit = 0;
  while (size >= 1024 && unit < BYTE_UNITS.length - 1) {
    size /= 1024;
    unit++;
  }
  const text = size >= 100 || unit === 0 ? Math.round(size).toString() : formatNumber(size);
  return `${bytes < 0 ? '-' : ''}${text} ${BYTE_UNITS[unit]}`;
}

/**
 * A value of a series in its unit, from the series key's metric: `71.2%` (`*_percent`), `1.5 GB` (memory, swap and
 * disk sizes), `1.2 MB/s` (`*_bytes_per_second`), `3d 4h` (`uptime_seconds`), `48.5 °C` (`cpu_temperature`), else the
 * number alone (`0.42` for `load_1`).
 * @example formatMetricValue('disk_usage_percent@/data', 71.234) // '71.2%'
 */
export function formatMetricValue(key: string, value: number): string {
  const at = key.indexOf('@');
  const metric = at === -1 ? key : key.slice(0, at);
  if (metric.endsWith('_percent')) return `${formatNumber(value)}%`;
  if (BYTE_METRICS.has(metric)) return formatBytes(value);
  if (metric.endsWith('_bytes_per_second')) return `${formatBytes(value)}/s`;
  if (metric === 'uptime_seconds') return formatSpan(value * 1000);
  if (metric === 'cpu_temperature') return `${formatNumber(value)} °C`;
  return formatNumber(value);
}
