import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { humanDuration, humanSize } from './human-units.ts';

describe('humanSize', () => {
  it.each([
    ['zero', 0, '0 B'],
    ['under 1024 stays bytes', 1000, '1000 B'],
    ['the largest byte count', 1023, '1023 B'],
    ['exactly 1024 is 1 KB', 1024, '1 KB'],
    ['a half', 1536, '1.5 KB'],
    ['a fraction of a byte keeps two decimals', 0.5, '0.5 B'],
    ['just under 1 MB rounds up but keeps its unit, as the original', 1048575, '1024 KB'],
    ['golden: memory total', 8589934592, '8 GB'],
    ['golden: 23.54 GB', 25276502016, '23.54 GB'],
    ['golden: 605.46 MB', 634871808, '605.46 MB'],
    ['golden: 251.97 GB', 270553174016, '251.97 GB'],
    ['an exact tie rounds to even, down (1.125 KB)', 1152, '1.12 KB'],
    ['an exact tie rounds to even, up (1.375 KB)', 1408, '1.38 KB'],
    ['an exact tie in bytes rounds to even (0.625 B)', 0.625, '0.62 B'],
    ['1 TB', 1024 ** 4, '1 TB'],
    ['1 PB', 1024 ** 5, '1 PB'],
    ['beyond PB stays PB', 1024 ** 6, '1024 PB'],
    ['far beyond PB stays PB', 1024 ** 7 * 2, '2097152 PB'],
    ['negative sizes keep their sign', -1536, '-1.5 KB'],
    ['negative zero is zero', -0, '0 B'],
    ['NaN prints as JavaScript prints it', Number.NaN, 'NaN'],
    ['Infinity prints as JavaScript prints it', Number.POSITIVE_INFINITY, 'Infinity'],
  ])('%s: %d -> %s', (_meaning, bytes, expected) => {
    expect(humanSize(bytes)).toBe(expected);
  });

  it('always prints a number under 1024 (or in PB) with at most two decimals and no trailing zero', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1024 ** 5 * 1000, noNaN: true }), (bytes) => {
        const match = /^(\d+)(?:\.(\d{1,2}))? (B|KB|MB|GB|TB|PB)$/.exec(humanSize(bytes));
        expect(match).not.toBeNull();
        const [, whole, decimals, unit] = match ?? [];
        if (unit !== 'PB') expect(Number(whole)).toBeLessThanOrEqual(1024);
        expect(decimals?.endsWith('0') ?? false).toBe(false);
      }),
    );
  });
});

describe('humanDuration', () => {
  it.each([
    ['zero', 0, '0s'],
    ['under a minute is seconds', 42.9, '42s'],
    ['one minute', 60, '1m'],
    ['an hour leaves out zero minutes', 3600, '1h'],
    ['a day', 86_400, '1d'],
    ['days, hours and minutes; seconds dropped', 93_784, '1d 2h 3m'],
    ['a zero part in the middle is left out', 86_400 + 5 * 60, '1d 5m'],
    ['negative prints as a number', -1, '-1'],
    ['NaN prints as a number', Number.NaN, 'NaN'],
  ])('%s: %d -> %s', (_meaning, seconds, expected) => {
    expect(humanDuration(seconds)).toBe(expected);
  });
});
