import { describe, expect, it } from 'vitest';
import { parseDuration, readDuration } from './duration.ts';

describe('readDuration', () => {
  it.each<[string, unknown, number]>([
    ['a number is seconds', 300, 300_000],
    ['zero is a duration (fire at once, no reminders)', 0, 0],
    ['a fraction of a second rounds to the millisecond', 0.0015, 2],
    ['seconds with a unit', '30s', 30_000],
    ['minutes', '5m', 300_000],
    ['hours', '1h', 3_600_000],
    ['days', '2d', 172_800_000],
    ['milliseconds', '250ms', 250],
    ['a bare number in a string is seconds', '90', 90_000],
    ['parts add up', '1h30m', 5_400_000],
    ['blanks and case do not matter', ' 1H 30M ', 5_400_000],
    ['a decimal amount', '1.5h', 5_400_000],
  ])('%s', (_meaning, raw, ms) => {
    expect(readDuration(raw)).toEqual({ ms });
    expect(parseDuration(raw)).toBe(ms);
  });

  it.each<[string, unknown, string]>([
    ['a negative number', -5, 'must not be negative, got -5'],
    ['a negative string', '-5m', 'must not be negative, got "-5m"'],
    ['an unknown unit', '5w', 'expected a duration such as "30s", "5m", "1h" or a number of seconds, got "5w"'],
    ['an empty string', '', 'expected a duration such as "30s", "5m", "1h" or a number of seconds, got ""'],
    ['a unit without a number', 'm', 'expected a duration such as "30s", "5m", "1h" or a number of seconds, got "m"'],
    ['infinity', Number.POSITIVE_INFINITY, 'expected a duration, got Infinity'],
    ['NaN', Number.NaN, 'expected a duration, got NaN'],
    ['a boolean', true, 'expected a duration such as "30s", "5m", "1h" or a number of seconds, got true'],
    ['null', null, 'expected a duration such as "30s", "5m", "1h" or a number of seconds, got null'],
    ['a list', ['1h'], 'expected a duration such as "30s", "5m", "1h" or a number of seconds, got a list'],
    ['an object', { h: 1 }, 'expected a duration such as "30s", "5m", "1h" or a number of seconds, got an object'],
    ['nothing', undefined, 'expected a duration such as "30s", "5m", "1h" or a number of seconds, got nothing'],
  ])('rejects %s', (_meaning, raw, problem) => {
    expect(readDuration(raw)).toEqual({ problem });
    expect(parseDuration(raw)).toBeUndefined();
  });
});
