import { describe, expect, it } from 'vitest';
import { pyRound } from './round.ts';

describe('pyRound', () => {
  // Expected values are what CPython 3 prints for round(value, digits).
  it.each([
    ['an exact tie rounds to the even digit (down)', 6.25, 1, 6.2],
    ['an exact tie rounds to the even digit (up)', 0.375, 2, 0.38],
    ['an exact tie at two digits, even below', 0.125, 2, 0.12],
    ['a decimal tie that is below the tie in binary rounds down', 2.675, 2, 2.67],
    ['another binary-below tie', 22.15, 1, 22.1],
    ['a value above the tie in binary rounds up', 0.05, 1, 0.1],
    ['ties at zero digits go to even (12)', 12.5, 0, 12],
    ['ties at zero digits go to even (14)', 13.5, 0, 14],
    ['negative ties mirror positive ones', -0.25, 1, -0.2],
    ['an ordinary value', 33.875, 1, 33.9],
    ['a repeating fraction', (1 / 3) * 100, 2, 33.33],
    ['rounding can carry into the integer', 99.95, 1, 100],
    ['tiny values become zero, not -0', -0.0049, 2, 0],
  ])('%s', (_what, value, digits, expected) => {
    expect(Object.is(pyRound(value, digits), expected)).toBe(true);
  });
});
