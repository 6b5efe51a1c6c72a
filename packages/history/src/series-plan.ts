import {
  DEFAULT_HISTORY_RETENTION,
  HISTORY_TIERS,
  type HistoryRetention,
  type HistoryTier,
  retentionOf,
  TIER_WIDTH_MS,
} from './tiers.ts';

/** At most this many points come back from a series query unless it asks otherwise. */
export const DEFAULT_MAX_POINTS = 1500;

/** The most points a series query may ask for. */
export const MAX_POINTS_LIMIT = 100_000;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The widths a query's points may have, smallest first: round numbers a chart's axis reads well. Longer steps than
 * the last are whole multiples of it.
 */
export const SERIES_STEPS_MS: readonly number[] = Object.freeze([
  SECOND,
  2 * SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  20 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  4 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
]);

/** A series query's range, as {@link planSeries} takes it. */
export interface SeriesRange {
  /** Start of the range, epoch ms (inclusive). */
  fromMs: number;
  /** End of the range, epoch ms (exclusive); after `fromMs`. */
  toMs: number;
  /** Now, epoch ms: which tiers still hold the start of the range. */
  nowMs: number;
  /** The most points to answer with, 1 to {@link MAX_POINTS_LIMIT}. @default DEFAULT_MAX_POINTS */
  maxPoints?: number;
  /** @default DEFAULT_HISTORY_RETENTION */
  retention?: HistoryRetention;
}

/** Where a series query reads and how it groups what it reads. */
export interface SeriesPlan {
  /** The tier read (the newest part of the range, not yet in that tier, is read from the finer ones). */
  tier: HistoryTier;
  /** The width of every point: a multiple of the tier's width, aligned to the epoch (UTC). */
  stepMs: number;
  /** The start of the first point: `fromMs` rounded down to a multiple of `stepMs`. */
  fromMs: number;
  /** The end of the range, as asked. */
  toMs: number;
  /** How many steps the range spans: the most points the answer can hold, at most `maxPoints`. */
  points: number;
}

/**
 * The start of the step that holds `tMs`: steps are aligned to the epoch, so a 1-hour step starts on the hour (UTC)
 * and a 1-day step at midnight UTC.
 * @example bucketStart(Date.parse('2026-12-01T10:37:12Z'), 600_000) // Date.parse('2026-12-01T10:30:00Z')
 */
export function bucketStart(tMs: number, stepMs: number): number {
  return Math.floor(tMs / stepMs) * stepMs;
}

/** How many steps of `stepMs` the range [fromMs, toMs) touches. */
export function stepsIn(fromMs: number, toMs: number, stepMs: number): number {
  return Math.floor((toMs - 1) / stepMs) - Math.floor(fromMs / stepMs) + 1;
}

/**
 * Chooses the tier and the step of a series query so that it answers at most `maxPoints` points. The tier is the
 * coarsest one that still holds the start of the range and whose buckets are no wider than the range divided by
 * `maxPoints`; when none is that fine (a week: the raw points are gone), the finest that holds the start. The step is
 * the shortest of {@link SERIES_STEPS_MS} that is a multiple of the tier's width and spans the range in `maxPoints`
 * steps. With the default retention and 1,500 points: up to 48 h raw (a day in 1-minute steps), a week in 10-minute
 * steps, 30 days in 30-minute steps from the 10-minute tier, 60 days and a year from the hour tier (1 hour, 6 hours).
 *
 * @throws TypeError for a range that is not finite or not increasing, or a `maxPoints` that is not a whole number from
 * 1 to {@link MAX_POINTS_LIMIT}
 * @example planSeries({ fromMs: now - 86_400_000, toMs: now, nowMs: now }) // { tier: 'raw', stepMs: 60_000, ... }
 */
export function planSeries(range: SeriesRange): SeriesPlan {
  const { fromMs, toMs, nowMs, maxPoints = DEFAULT_MAX_POINTS, retention = DEFAULT_HISTORY_RETENTION } = range;
  if (![fromMs, toMs, nowMs].every(Number.isFinite)) {
    throw new TypeError(`a series range needs finite times, got from ${fromMs}, to ${toMs}, now ${nowMs}`);
  }
  if (fromMs >= toMs) throw new TypeError(`a series range must end after it starts, got from ${fromMs} to ${toMs}`);
  if (!Number.isInteger(maxPoints) || maxPoints < 1 || maxPoints > MAX_POINTS_LIMIT) {
    throw new TypeError(`maxPoints must be a whole number from 1 to ${MAX_POINTS_LIMIT}, got ${maxPoints}`);
  }
  const covering = HISTORY_TIERS.filter((tier) => fromMs >= nowMs - retentionOf(retention, tier));
  const idealStepMs = (toMs - fromMs) / maxPoints;
  const fineEnough = covering.filter((tier) => TIER_WIDTH_MS[tier] <= idealStepMs);
  // Nothing holds the start any more: the hour tier holds whatever is left.
  const tier: HistoryTier = fineEnough.at(-1) ?? covering[0] ?? 'hour';
  const stepMs = chooseStep(fromMs, toMs, maxPoints, TIER_WIDTH_MS[tier]);
  return { tier, stepMs, fromMs: bucketStart(fromMs, stepMs), toMs, points: stepsIn(fromMs, toMs, stepMs) };
}

function chooseStep(fromMs: number, toMs: number, maxPoints: number, widthMs: number): number {
  for (const stepMs of SERIES_STEPS_MS) {
    if (stepMs < widthMs || stepMs % Math.max(widthMs, 1) !== 0) continue;
    if (stepsIn(fromMs, toMs, stepMs) <= maxPoints) return stepMs;
  }
  // Longer than the list: whole multiples of its last step (a week), from the first that could do.
  const last = SERIES_STEPS_MS.at(-1)!;
  let stepMs = Math.max(last, Math.ceil((toMs - fromMs) / maxPoints / last) * last);
  while (stepsIn(fromMs, toMs, stepMs) > maxPoints) stepMs += last;
  return stepMs;
}
