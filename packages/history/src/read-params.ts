import { parseTimeParameter } from '@janitor/protocol';
import { parseSeriesKey } from './series-key.ts';
import { DEFAULT_MAX_POINTS } from './series-plan.ts';

/** A query parameter that cannot be used: which one, and what was expected. */
export interface ParamProblem {
  ok: false;
  /** The parameter, as the request spells it (`from`, `metrics`, `hostname`). */
  field: string;
  error: string;
}

/** A parameter read, or why not. */
export type ParamResult<T> = { ok: true; value: T } | ParamProblem;

/** What {@link parseSeriesParams} makes of `?metrics=&from=&to=&points=`. */
export interface SeriesParams {
  metrics: string[];
  fromMs: number;
  toMs: number;
  maxPoints: number;
}

/** The longest range a series query may span, unless told otherwise: two years. */
export const MAX_SERIES_RANGE_MS = 2 * 366 * 86_400_000;
/** The most series one query may ask for. */
export const MAX_SERIES_METRICS = 64;
/** The longest hostname a read API takes (a DNS name is at most 253 characters). */
const MAX_HOSTNAME_LENGTH = 255;

/**
 * A hostname as a path or query parameter: 1 to 255 characters, no `/`, no `..`, no control characters. What the
 * read API checks before it looks anything up.
 */
export function parseHostnameParam(text: string | undefined, field = 'hostname'): ParamResult<string> {
  const value = text?.trim() ?? '';
  if (value === '') return { ok: false, field, error: 'expected a hostname' };
  if (value.length > MAX_HOSTNAME_LENGTH || value.includes('/') || value.includes('..') || hasControlCharacter(value)) {
    return {
      ok: false,
      field,
      error: `expected a hostname of at most ${MAX_HOSTNAME_LENGTH} characters without "/", ".." or control characters`,
    };
  }
  return { ok: true, value };
}

/** Options of {@link parseSeriesParams}. */
export interface SeriesParamsOptions {
  nowMs: number;
  /** The series the host has: a metric it never had is refused, naming it. Absent: any valid series key. */
  knownKeys?: readonly string[];
  /** @default MAX_SERIES_RANGE_MS */
  maxRangeMs?: number;
  /** The most points a response may hold. @default DEFAULT_MAX_POINTS (1,500) */
  maxPoints?: number;
}

/**
 * Reads a series query's parameters: `metrics` (comma-separated series keys, required), `from` (default `-24h`), `to`
 * (default `now`), `points` (1 to 1,500, default 1,500). Each problem names its parameter: a key that is not a
 * series key or that the host never had, a time that is none of @janitor/protocol's parseTimeParameter forms, `from` not before
 * `to`, a range longer than `maxRangeMs`.
 *
 * @example parseSeriesParams({ metrics: 'cpu_percent', from: '-6h' }, { nowMs }) // { ok: true, value: { metrics: ['cpu_percent'], fromMs: nowMs - 21_600_000, toMs: nowMs, maxPoints: 1500 } }
 */
export function parseSeriesParams(
  params: {
    metrics?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
    points?: string | undefined;
  },
  options: SeriesParamsOptions,
): ParamResult<SeriesParams> {
  const { nowMs, knownKeys, maxRangeMs = MAX_SERIES_RANGE_MS, maxPoints: limit = DEFAULT_MAX_POINTS } = options;
  const metrics = [
    ...new Set(
      (params.metrics ?? '')
        .split(',')
        .map((m) => m.trim())
        .filter((m) => m !== ''),
    ),
  ];
  if (metrics.length === 0) {
    return {
      ok: false,
      field: 'metrics',
      error: 'expected one or more series keys, e.g. metrics=cpu_percent,memory_percent',
    };
  }
  if (metrics.length > MAX_SERIES_METRICS) {
    return {
      ok: false,
      field: 'metrics',
      error: `expected at most ${MAX_SERIES_METRICS} series, got ${metrics.length}`,
    };
  }
  const known = knownKeys && new Set(knownKeys);
  for (const metric of metrics) {
    if (parseSeriesKey(metric) === undefined) {
      return {
        ok: false,
        field: 'metrics',
        error: `${JSON.stringify(metric.slice(0, 80))} is not a series key (cpu_percent, disk_usage_percent@/data)`,
      };
    }
    if (known && !known.has(metric)) {
      return { ok: false, field: 'metrics', error: `unknown metric ${JSON.stringify(metric)} for this host` };
    }
  }
  const from = readTime(params.from, '-24h', 'from', nowMs);
  if (!from.ok) return from;
  const to = readTime(params.to, 'now', 'to', nowMs);
  if (!to.ok) return to;
  if (from.value >= to.value) return { ok: false, field: 'from', error: 'expected from to be before to' };
  if (to.value - from.value > maxRangeMs) {
    return {
      ok: false,
      field: 'from',
      error: `expected a range of at most ${Math.floor(maxRangeMs / 86_400_000)} days`,
    };
  }
  let maxPoints = limit;
  if (params.points !== undefined && params.points !== '') {
    const n = Number(params.points);
    if (!/^\d+$/.test(params.points) || n < 1 || n > limit) {
      return { ok: false, field: 'points', error: `expected a whole number from 1 to ${limit}` };
    }
    maxPoints = n;
  }
  return { ok: true, value: { metrics, fromMs: from.value, toMs: to.value, maxPoints } };
}

function readTime(text: string | undefined, fallback: string, field: string, nowMs: number): ParamResult<number> {
  const value = parseTimeParameter(text === undefined || text === '' ? fallback : text, nowMs);
  if (value === undefined) {
    return {
      ok: false,
      field,
      error: 'expected a time: now, -24h (s, m, h, d, w, y before now), epoch milliseconds, or ISO 8601',
    };
  }
  return { ok: true, value };
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
