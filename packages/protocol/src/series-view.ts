import { choiceOf, isSeriesKeyLike, listAt, numberOf, readView, recordAt, textOf, ViewProblem } from './view-reader.ts';
import type { ParseResult } from './wire-error.ts';
import { isFiniteNumber, isRecord, own } from './wire-text.ts';

/** The tiers a series is read from: a point per report, 10-minute and hour buckets. */
export const SERIES_TIERS = ['raw', 'ten_minutes', 'hour'] as const;

/** A tier of the metric history. */
export type SeriesTier = (typeof SERIES_TIERS)[number];

/** The points of one series, one entry per time of {@link SeriesView.t}: null where it had no value. */
export interface SeriesPointsView {
  avg: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
}

/**
 * The answer of `GET /api/v1/hosts/{hostname}/series`, with the series gathered under `metrics` (on the wire each is a
 * top-level field named by its key: see {@link toSeriesBody}). `t[i]` is the start of a step of `stepMs`; only the
 * steps in which some series has a value are listed.
 */
export interface SeriesView {
  hostname: string;
  tier: SeriesTier;
  stepMs: number;
  /** The start of the first step, epoch ms. */
  fromMs: number;
  /** The end of the range, epoch ms (exclusive). */
  toMs: number;
  t: number[];
  /** By series key (`cpu_percent`, `disk_usage_percent@/data`), in the order the hub answered them. */
  metrics: Record<string, SeriesPointsView>;
}

/** What `GET /api/v1/hosts/{hostname}/series` is asked (see the client's `series`). */
export interface SeriesRequest {
  /** Series keys: `cpu_percent`, `disk_usage_percent@/data`. */
  metrics: readonly string[];
  /** ISO 8601, epoch ms, `now`, or relative (`-24h`, `-7d`). @default '-24h' (the hub's) */
  from?: string | number;
  /** As `from`. @default 'now' (the hub's) */
  to?: string | number;
  /** The most points to answer with, 1 to 1500. @default 1500 (the hub's) */
  points?: number;
}

/** The fields of a series answer that are not series. */
const HEADER_FIELDS: ReadonlySet<string> = new Set(['hostname', 'tier', 'stepMs', 'fromMs', 'toMs', 't']);

/**
 * Checks the answer of `GET /api/v1/hosts/{hostname}/series` and gathers its series under `metrics` (see
 * {@link SeriesView}). Every top-level object with an `avg` list is a series: its `avg`, `min` and `max` must be lists
 * of numbers or nulls as long as `t`. Other fields it does not know are dropped; a problem is a 400 naming the field
 * (`cpu_percent.avg[3]`). Never throws.
 *
 * @example parseSeriesView({ hostname: 'pi1', tier: 'raw', stepMs: 60000, fromMs, toMs, t: [fromMs], cpu_percent: { avg: [12], min: [10], max: [15] } })
 */
export function parseSeriesView(value: unknown): ParseResult<SeriesView> {
  return readView(() => {
    const record = recordAt(value, '');
    const stepMs = numberOf(record, 'stepMs', '');
    if (stepMs <= 0) throw new ViewProblem('stepMs', 'expected a positive number');
    const t = listAt(own(record, 't'), 't').map((time, i) => {
      if (!isFiniteNumber(time)) throw new ViewProblem(`t[${i}]`, 'expected a time in ms');
      return time;
    });
    const metrics: Record<string, SeriesPointsView> = {};
    for (const key of Object.keys(record)) {
      const series = record[key];
      if (HEADER_FIELDS.has(key) || !isRecord(series) || !Array.isArray(own(series, 'avg'))) continue;
      if (!isSeriesKeyLike(key)) throw new ViewProblem(key, 'expected a series key');
      metrics[key] = {
        avg: points(series, 'avg', key, t.length),
        min: points(series, 'min', key, t.length),
        max: points(series, 'max', key, t.length),
      };
    }
    return {
      hostname: textOf(record, 'hostname', ''),
      tier: choiceOf(record, 'tier', '', SERIES_TIERS),
      stepMs,
      fromMs: numberOf(record, 'fromMs', ''),
      toMs: numberOf(record, 'toMs', ''),
      t,
      metrics,
    };
  });
}

/**
 * The wire form of a {@link SeriesView}: the header fields, then each series as a top-level field named by its key.
 *
 * @example toSeriesBody(view) // { hostname: 'pi1', tier: 'raw', ..., t: [...], cpu_percent: { avg, min, max } }
 */
export function toSeriesBody(view: SeriesView): Record<string, unknown> {
  const body: Record<string, unknown> = {
    hostname: view.hostname,
    tier: view.tier,
    stepMs: view.stepMs,
    fromMs: view.fromMs,
    toMs: view.toMs,
    t: view.t,
  };
  for (const [key, series] of Object.entries(view.metrics)) {
    // A key that reads as a header field (or `__proto__`) cannot be a series key.
    if (!HEADER_FIELDS.has(key) && isSeriesKeyLike(key)) body[key] = series;
  }
  return body;
}

function points(series: Record<string, unknown>, part: 'avg' | 'min' | 'max', key: string, length: number) {
  const path = `${key}.${part}`;
  const list = listAt(own(series, part), path);
  if (list.length !== length) throw new ViewProblem(path, `expected ${length} points, one per time of t`);
  return list.map((value, i) => {
    if (value !== null && !isFiniteNumber(value)) throw new ViewProblem(`${path}[${i}]`, 'expected a number or null');
    return value;
  });
}
