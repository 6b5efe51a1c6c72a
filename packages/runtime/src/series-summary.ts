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
 * The averages of one series on the full grid of the answer's steps, from `fromMs` to `toMs`: null for every step
 * with no point (the answer lists only the steps with values), so that a time with no report shows as a gap.
 *
 * @example alignSeries({ ...view, fromMs: 0, toMs: 180_000, stepMs: 60_000, t: [0, 120_000] }, 'cpu_percent') // [avg0, null, avg1]
 */
export function alignSeries(view: SeriesView, key: string): (number | null)[] {
  const points = view.metrics[key];
  if (points === undefined) return [];
  const steps = Math.ceil((view.toMs - view.fromMs) / view.stepMs);
  if (!(steps > 0) || steps > MAX_GRID_STEPS) return points.avg.slice();
  const grid: (number | null)[] = new Array(steps).fill(null);
  view.t.forEach((t, i) => {
    const step = Math.floor((t - view.fromMs) / view.stepMs);
    if (step >= 0 && step < steps) grid[step] = points.avg[i] ?? null;
  });
  return grid;
}
