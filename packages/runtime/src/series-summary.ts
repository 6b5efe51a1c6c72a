// What a series says over its range: lowest, average, highest, latest; and its points on a regular time grid.
import type { SeriesPointsView, SeriesView } from '@janitor/protocol';

/** The summary of one series over a range: {@link summarizeSeries}. */
export interface SeriesSummary {
  /** The lowest value (the lowest of the points' minimums). */
  min: number;
  /** The average of the points' averages. */
  avg: number;
  /** The highest value (the highest of the points' maximums). */
  max: number;
  /** The average of the newest point. */
  latest: number;
  /** How many points had a value. */
  count: number;
}

/** The most steps {@link alignSeries} lays out; a longer grid (an answer no hub gives) is left as answered. */
const MAX_GRID_STEPS = 100_000;

/**
 * Lowest, average, highest and latest of a series' points (`min` from the points' minimums, `max` from their
 * maximums, so a bucket's peak is not averaged away), or `undefined` when no point has a value.
 *
 * @example summarizeSeries({ avg: [10, null, 30], min: [5, null, 25], max: [15, null, 35] }) // { min: 5, avg: 20, max: 35, latest: 30, count: 2 }
 */
export function summarizeSeries(points: SeriesPointsView): SeriesSummary | undefined {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let count = 0;
  let latest: number | undefined;
  points.avg.forEach((avg, i) => {
    if (avg === null) return;
    min = Math.min(min, points.min[i] ?? avg);
    max = Math.max(max, points.max[i] ?? avg);
    sum += avg;
    count++;
    latest = avg;
  });
  if (latest === undefined) return undefined;
  return { min, avg: sum / count, max, latest, count };
}

/**
 * The averages of one series on a regular grid from `fromMs` to `toMs`, null where no point falls, so that a time
 * with no report shows as a gap. The grid's slots are the answer's steps, or the series' usual interval between two
 * points when that is longer (reports once a minute in 2-second steps): a missing step between two reports that came
 * as usual is no gap. Points falling in one slot are averaged.
 *
 * @example alignSeries({ ...view, fromMs: 0, toMs: 300_000, stepMs: 60_000, t: [0, 60_000, 240_000] }, 'cpu_percent') // [a, b, null, null, c]
 */
export function alignSeries(view: SeriesView, key: string): (number | null)[] {
  const points = view.metrics[key];
  if (points === undefined) return [];
  const times: number[] = [];
  const values: number[] = [];
  view.t.forEach((t, i) => {
    const value = points.avg[i];
    if (value === null || value === undefined) return;
    times.push(t);
    values.push(value);
  });
  const slotMs = Math.max(view.stepMs, usualInterval(times));
  const slots = Math.ceil((view.toMs - view.fromMs) / slotMs);
  if (!(slots > 0) || slots > MAX_GRID_STEPS) return values;
  const sums = new Array<number>(slots).fill(0);
  const counts = new Array<number>(slots).fill(0);
  times.forEach((t, i) => {
    const slot = Math.floor((t - view.fromMs) / slotMs);
    if (slot < 0 || slot >= slots) return;
    sums[slot] = (sums[slot] ?? 0) + (values[i] ?? 0);
    counts[slot] = (counts[slot] ?? 0) + 1;
  });
  return sums.map((sum, slot) => (counts[slot] ? sum / (counts[slot] ?? 1) : null));
}

/** The median time between two consecutive points (the lower one of an even count); 0 with fewer than two. */
function usualInterval(times: readonly number[]): number {
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) gaps.push((times[i] ?? 0) - (times[i - 1] ?? 0));
  if (gaps.length === 0) return 0;
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor((gaps.length - 1) / 2)] ?? 0;
}
