// Durations as people write them in a command: `2h`, `1h30m`, `7d`, `1w`, `1y`, `90 min`, `2 hours`.
import { readDuration } from '@janitor/protocol';

/** A unit word, as the unit `readDuration` knows and how many of it the word is. */
interface UnitWord {
  unit: 'ms' | 's' | 'm' | 'h' | 'd';
  times: number;
}

const unit = (u: UnitWord['unit'], times = 1): UnitWord => ({ unit: u, times });
const UNIT_WORDS: ReadonlyMap<string, UnitWord> = new Map([
  ...['ms'].map((w) => [w, unit('ms')] as const),
  ...['s', 'sec', 'secs', 'second', 'seconds'].map((w) => [w, unit('s')] as const),
  ...['m', 'min', 'mins', 'minute', 'minutes'].map((w) => [w, unit('m')] as const),
  ...['h', 'hr', 'hrs', 'hour', 'hours'].map((w) => [w, unit('h')] as const),
  ...['d', 'day', 'days'].map((w) => [w, unit('d')] as const),
  ...['w', 'wk', 'week', 'weeks'].map((w) => [w, unit('d', 7)] as const),
  ...['y', 'yr', 'year', 'years'].map((w) => [w, unit('d', 365)] as const),
]);

const NUMBER = /^\d+(?:\.\d+)?$/;
const COMPOUND = /^(?:\d+(?:\.\d+)?[a-z]+)+$/;
const PART = /(\d+(?:\.\d+)?)([a-z]+)/g;

/** A duration read from the words of a command (how many words it took), or why the words are not one. */
export type SpanRead = { ms: number; words: number } | { problem: string; words: number };

/**
 * The duration at `words[0]`: numbers with units in one word (`2h`, `1h30m`, `7d`, `1w`, `1y` = 365 days, `90min`)
 * or a number and a unit word (`2 hours`, `90 min`), through `readDuration`. A number alone is a problem (a unit
 * is needed: `2` could be hours or seconds); anything else is `undefined` (not a duration).
 *
 * @example readSpan(['1h30m', 'upgrade']) // { ms: 5_400_000, words: 1 }
 * @example readSpan(['2', 'hours']) // { ms: 7_200_000, words: 2 }
 */
export function readSpan(words: readonly string[]): SpanRead | undefined {
  const first = words[0]?.toLowerCase();
  if (first === undefined) return undefined;
  if (NUMBER.test(first)) {
    const unitWord = UNIT_WORDS.get(words[1]?.toLowerCase() ?? '');
    if (unitWord === undefined) {
      return { problem: `${first} needs a unit, such as ${first}h, ${first}m or ${first}d`, words: 1 };
    }
    return durationOf([[first, unitWord]], 2);
  }
  if (!COMPOUND.test(first)) return undefined;
  const parts: [string, UnitWord][] = [];
  for (const [, amount, word] of first.matchAll(PART)) {
    const unitWord = UNIT_WORDS.get(word ?? '');
    if (amount === undefined || unitWord === undefined) return undefined;
    parts.push([amount, unitWord]);
  }
  return durationOf(parts, 1);
}

function durationOf(parts: readonly [string, UnitWord][], words: number): SpanRead {
  const text = parts.map(([amount, { unit, times }]) => `${Number(amount) * times}${unit}`).join('');
  const read = readDuration(text);
  return read.problem === undefined ? { ms: read.ms, words } : { problem: read.problem, words };
}
