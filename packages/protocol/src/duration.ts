import { describeValue } from './describe-value.ts';

const UNIT_MS: Readonly<Record<string, number>> = Object.freeze({
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
});

const WHOLE = /^(?:\d+(?:\.\d+)?\s*(?:ms|s|m|h|d)?\s*)+$/;
const PART = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?/g;

/** What {@link readDuration} found: milliseconds, or why the value is not a duration. */
export type DurationRead = { ms: number; problem?: undefined } | { ms?: undefined; problem: string };

/**
 * Reads a duration as `config.yaml` and the wire (a silence's `for`) write it: a number of seconds (`300`), or a
 * string of numbers with units `ms`, `s`, `m`, `h`, `d` (`"30s"`, `"5m"`, `"1h30m"`; a bare number is seconds).
 * Zero is a duration; a negative or unreadable one is a problem whose message says what was expected.
 *
 * @example readDuration('1h30m') // { ms: 5_400_000 }
 * @example readDuration(-5) // { problem: 'must not be negative, got -5' }
 */
export function readDuration(value: unknown): DurationRead {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { problem: `expected a duration, got ${value}` };
    if (value < 0) return { problem: `must not be negative, got ${value}` };
    return { ms: Math.round(value * 1000) };
  }
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (/^-\s*\d/.test(text)) return { problem: `must not be negative, got ${JSON.stringify(value)}` };
    if (WHOLE.test(text)) {
      let ms = 0;
      for (const [, amount, unit] of text.matchAll(PART)) ms += Number(amount) * UNIT_MS[unit ?? 's']!;
      if (Number.isFinite(ms)) return { ms: Math.round(ms) };
    }
  }
  return {
    problem: `expected a duration such as "30s", "5m", "1h" or a number of seconds, got ${describeValue(value)}`,
  };
}

/**
 * A duration in milliseconds, or `undefined` when `value` is not one (see {@link readDuration}).
 *
 * @example parseDuration('5m') // 300000
 */
export function parseDuration(value: unknown): number | undefined {
  return readDuration(value).ms;
}
