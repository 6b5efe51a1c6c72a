import { type ChartInput, checkChartInput, type ValidChartInput } from './chart-input.ts';
import { metricLabel } from './metric-label.ts';
import { spanWords, timeWords } from './time-axis.ts';
import { formatValue } from './value-format.ts';

interface Point {
  t: number;
  v: number;
}

/**
 * Whether the values hardly moved: their spread is within 5 % of their size, or for a percentage within 2 points
 * (CPU between 11 % and 13 % is steady; between 20 % and 97 % it rose).
 */
function isSteady(low: number, high: number, unit: string): boolean {
  const spread = high / 2 - low / 2;
  const size = Math.max(Math.abs(low), Math.abs(high)) / 2;
  return spread <= 0.05 * size || (unit === '%' && spread <= 1);
}

/** The stretches where the value was above the limit, by their first and last point above it. */
function aboveRuns(input: ValidChartInput, limit: number): { from: number; to: number; ongoing: boolean }[] {
  const runs: { from: number; to: number; ongoing: boolean }[] = [];
  let open: { from: number; to: number; ongoing: boolean } | undefined;
  input.values.forEach((v, i) => {
    const t = input.t[i]!;
    if (v !== null && v > limit) {
      if (open === undefined) {
        open = { from: t, to: t, ongoing: false };
        runs.push(open);
      }
      open.to = t;
    } else {
      open = undefined;
    }
  });
  const last = input.values.findLastIndex((v) => v !== null);
  const latest = input.values[last];
  if (runs.length > 0 && latest !== null && latest !== undefined && latest > limit)
    runs[runs.length - 1]!.ongoing = true;
  return runs;
}

/** The alt text of a checked input (see {@link describeChart}). */
export function describeValid(input: ValidChartInput): string {
  const { label, unit } = metricLabel(input.metric);
  const value = (v: number) => formatValue(v, unit);
  const at = (t: number) => timeWords(t, input.timeZone, input.to);
  const subject = `${label} on ${input.host} over the last ${spanWords(input.to - input.from)}`;
  const points: Point[] = [];
  input.values.forEach((v, i) => {
    if (v !== null) points.push({ t: input.t[i]!, v });
  });
  const limit = input.limit;
  const limitWords = limit === undefined ? '' : `limit ${value(limit)}`;
  if (points.length === 0) return `${subject}: no data${limitWords === '' ? '' : `, ${limitWords}`}.`;

  let shape: string;
  if (points.length === 1) {
    shape = `one value, ${value(points[0]!.v)} at ${at(points[0]!.t)}`;
  } else {
    const first = points[0]!;
    const latest = points[points.length - 1]!;
    let lowest = first;
    let highest = first;
    let sum = 0;
    for (const p of points) {
      if (p.v < lowest.v) lowest = p;
      if (p.v > highest.v) highest = p;
      sum += p.v / points.length;
    }
    if (isSteady(lowest.v, highest.v, unit)) {
      shape = `steady around ${value(sum)} (${value(lowest.v)} to ${value(highest.v)})`;
    } else {
      const rose = highest.v / 2 - first.v / 2 >= first.v / 2 - lowest.v / 2;
      const peak = rose ? highest : lowest;
      const words = [`${rose ? 'rose' : 'fell'} from ${value(first.v)} to ${value(peak.v)} at ${at(peak.t)}`];
      // What the rise or fall leaves unsaid: a dip before the rise, a peak before the fall, where it ended.
      const other = rose ? lowest : highest;
      if (other !== first && other.v !== first.v) words.push(`${rose ? 'lowest' : 'highest'} ${value(other.v)}`);
      if (latest !== peak) words.push(`latest ${value(latest.v)} at ${at(latest.t)}`);
      shape = words.join(', ');
    }
  }
  if (limit === undefined) return `${subject}: ${shape}.`;
  const runs = aboveRuns(input, limit);
  const last = runs[runs.length - 1];
  let crossing: string;
  if (last === undefined) crossing = 'not exceeded';
  else {
    const span = last.ongoing
      ? `since ${at(last.from)}`
      : last.from === last.to
        ? `at ${at(last.from)}`
        : `from ${at(last.from)} to ${at(last.to)}`;
    crossing = runs.length === 1 ? `above it ${span}` : `above it ${runs.length} times, the last ${span}`;
  }
  return `${subject}: ${shape}; ${limitWords}, ${crossing}.`;
}

/**
 * The alt text of a chart: what it shows in words, with times in the chart's time zone. Says the shape (`rose from
 * 20 % to 97 % at 14:05`, `fell from …`, `steady around 12 % (11 % to 13 %)`, `one value, …`, `no data`), the lowest,
 * highest and latest value where the shape leaves them out, and the limit with when the values were above it.
 *
 * @throws {ChartInputError} listing every problem of the input with its field
 * @example
 * describeChart({ host: 'pi1', metric: 'cpu_percent', t, values, from, to, limit: 80, timeZone: 'Europe/Madrid' })
 * // 'CPU on pi1 over the last 6 hours: rose from 20 % to 97 % at 14:05; limit 80 %, above it since 13:50.'
 */
export function describeChart(input: ChartInput): string {
  return describeValid(checkChartInput(input));
}
