import { MAX_POINTS_LIMIT } from '@janitor/history';
import { ChartInputError, type ChartInputProblem } from './chart-error.ts';
import { isTimeZone } from './time-axis.ts';

/** One metric of one host over a window, as {@link renderChart} and {@link describeChart} take it. */
export interface ChartInput {
  /** The host's name, as reports give it. */
  host: string;
  /** The report key: `cpu_percent`, `memory_percent`, `disk_usage_percent@/`, `load_1`. See {@link metricLabel}. */
  metric: string;
  /** The points' times (epoch ms), ascending. Points outside `from`..`to` are left out. */
  t: readonly number[];
  /** One value per time; `null` is a gap (no report), drawn as a break in the line. */
  values: readonly (number | null)[];
  /** The window's start (epoch ms). */
  from: number;
  /** The window's end (epoch ms), after `from`. */
  to: number;
  /** The alert's limit: drawn as a dashed line, and where values exceed it the area between is shaded. */
  limit?: number;
  /** The IANA time zone of the time axis and of the times in words. @default 'UTC' */
  timeZone?: string;
  /** The image's width in pixels, 240 to 4096. @default 800 */
  width?: number;
  /** The image's height in pixels, 160 to 4096. @default 400 */
  height?: number;
}

/** A checked input: defaults applied, only the points inside the window. */
export interface ValidChartInput {
  host: string;
  metric: string;
  /** The points inside `from`..`to`, in time order. */
  t: number[];
  values: (number | null)[];
  from: number;
  to: number;
  limit: number | undefined;
  timeZone: string;
  width: number;
  height: number;
}

/** The time of an input point or window must be a real date: within ±8.64e15 ms, as `Date` takes. */
const MAX_TIME_MS = 8.64e15;
export const DEFAULT_WIDTH = 800;
export const DEFAULT_HEIGHT = 400;
const SIZE_LIMITS = { width: [240, 4096], height: [160, 4096] } as const;

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'undefined') return String(value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= MAX_TIME_MS;

/**
 * Checks a chart's input and applies the defaults, or throws a {@link ChartInputError} listing every problem with
 * its field.
 */
export function checkChartInput(input: ChartInput): ValidChartInput {
  const problems: ChartInputProblem[] = [];
  const problem = (path: string, message: string) => problems.push({ path, message });
  if (typeof input !== 'object' || input === null) {
    throw new ChartInputError([{ path: 'input', message: `expected an object, got ${describe(input)}` }]);
  }
  const { host, metric, t, values, from, to, limit } = input;
  if (typeof host !== 'string' || host.trim() === '') problem('host', `expected a host name, got ${describe(host)}`);
  if (typeof metric !== 'string' || metric.trim() === '') {
    problem('metric', `expected a report key such as cpu_percent, got ${describe(metric)}`);
  }
  const timesOk = Array.isArray(t);
  if (!timesOk) problem('t', `expected an array of times (epoch ms), got ${describe(t)}`);
  else if (t.length > MAX_POINTS_LIMIT) problem('t', `expected at most ${MAX_POINTS_LIMIT} points, got ${t.length}`);
  else {
    for (let i = 0; i < t.length; i++) {
      const time = t[i];
      if (!isTime(time)) {
        problem(`t[${i}]`, `expected a time (epoch ms), got ${describe(time)}`);
        break;
      }
      if (i > 0 && isTime(t[i - 1]) && time < (t[i - 1] as number)) {
        problem(`t[${i}]`, `expected times in ascending order, got ${time} after ${t[i - 1]}`);
        break;
      }
    }
  }
  if (!Array.isArray(values)) problem('values', `expected an array of numbers or null, got ${describe(values)}`);
  else {
    if (timesOk && values.length !== t.length) {
      problem('values', `expected ${t.length} entries (one per time in t), got ${values.length}`);
    }
    const bad = values.findIndex((v) => v !== null && (typeof v !== 'number' || !Number.isFinite(v)));
    if (bad >= 0) problem(`values[${bad}]`, `expected a finite number or null, got ${describe(values[bad])}`);
  }
  if (!isTime(from)) problem('from', `expected a time (epoch ms), got ${describe(from)}`);
  if (!isTime(to)) problem('to', `expected a time (epoch ms), got ${describe(to)}`);
  if (isTime(from) && isTime(to) && from >= to) {
    problem('from', `expected a time before to (${to}), got ${from}`);
  }
  if (limit !== undefined && limit !== null && (typeof limit !== 'number' || !Number.isFinite(limit))) {
    problem('limit', `expected a finite number, got ${describe(limit)}`);
  }
  const timeZone = input.timeZone ?? 'UTC';
  if (typeof timeZone !== 'string' || !isTimeZone(timeZone)) {
    problem('timeZone', `expected an IANA time zone such as UTC or Europe/Madrid, got ${describe(timeZone)}`);
  }
  const size = (key: 'width' | 'height', fallback: number): number => {
    const value = input[key] ?? fallback;
    const [min, max] = SIZE_LIMITS[key];
    if (!Number.isInteger(value) || value < min || value > max) {
      problem(key, `expected a whole number of pixels from ${min} to ${max}, got ${describe(value)}`);
    }
    return value;
  };
  const width = size('width', DEFAULT_WIDTH);
  const height = size('height', DEFAULT_HEIGHT);
  if (problems.length > 0) throw new ChartInputError(problems);

  const inside: number[] = [];
  const insideValues: (number | null)[] = [];
  t.forEach((time, i) => {
    if (time < from || time > to) return;
    inside.push(time);
    insideValues.push(values[i] ?? null);
  });
  return {
    host,
    metric,
    t: inside,
    values: insideValues,
    from,
    to,
    limit: typeof limit === 'number' ? limit : undefined,
    timeZone,
    width,
    height,
  };
}
