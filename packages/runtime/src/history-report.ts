// `janitor history HOST METRIC`: a series over a range in three lines: the range, min / avg / max, a sparkline.
import { formatMetricValue, formatSpan, formatUtcMinute, type SeriesView } from '@janitor/protocol';
import { alignSeries, summarizeSeries } from './series-summary.ts';
import { sparkline } from './sparkline.ts';

/** The sparkline's width when the output is not a terminal. */
export const DEFAULT_SPARKLINE_WIDTH = 60;

/** Options of {@link formatHistory}. */
export interface HistoryReportOptions {
  /** The most characters of the sparkline (a terminal's width). @default DEFAULT_SPARKLINE_WIDTH (60) */
  width?: number;
}

/**
 * One series of a host over the answered range: what it covers (and whether its points are the reports themselves or
 * 10-minute or hour buckets), its lowest, average, highest and latest values in their unit, and a sparkline (times
 * with no report are spaces). One line when the series has no value there.
 *
 * @example
 * formatHistory(view, 'cpu_percent')
 * // ['pi1 cpu_percent, 2026-12-01 10:00 to 2026-12-02 10:00 UTC (1d, every report)',
 * //  'min 2.1%  avg 12.5%  max 97%  latest 14%  (1440 points)',
 * //  '▁▁▂▁▃▂▁▁ ▁▂▇█▆▂▁']
 */
export function formatHistory(view: SeriesView, key: string, options: HistoryReportOptions = {}): string[] {
  const { width = DEFAULT_SPARKLINE_WIDTH } = options;
  const range = `${formatUtcMinute(view.fromMs)} to ${formatUtcMinute(view.toMs)} UTC`;
  const points = view.metrics[key];
  const summary = points === undefined ? undefined : summarizeSeries(points);
  if (summary === undefined) return [`${view.hostname} ${key}: no values from ${range}`];
  const value = (v: number) => formatMetricValue(key, v);
  // In whole steps: the first step starts before the range asked (`1d`, not `1d 34s`).
  const span = Math.floor((view.toMs - view.fromMs) / view.stepMs) * view.stepMs;
  return [
    `${view.hostname} ${key}, ${range} (${formatSpan(span)}, ${view.tier === 'raw' ? 'every report' : `${formatSpan(view.stepMs)} steps`})`,
    `min ${value(summary.min)}  avg ${value(summary.avg)}  max ${value(summary.max)}  latest ${value(summary.latest)}  (${summary.count} ${summary.count === 1 ? 'point' : 'points'})`,
    sparkline(alignSeries(view, key), width),
  ];
}
