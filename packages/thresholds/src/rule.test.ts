import { describe, expect, it } from 'vitest';
import { crosses, type Operator } from './rule.ts';

describe('crosses', () => {
  it.each<[string, number, Operator, number, boolean]>([
    ['above a > limit crosses', 80.1, '>', 80, true],
    ['equal to a > limit does not cross (the original is strictly greater)', 80, '>', 80, false],
    ['below a > limit does not cross', 79.9, '>', 80, false],
    ['equal to a >= limit crosses', 80, '>=', 80, true],
    ['below a >= limit does not cross', 79.9, '>=', 80, false],
    ['below a < limit crosses (a low value alerts)', 9.9, '<', 10, true],
    ['equal to a < limit does not cross', 10, '<', 10, false],
    ['above a < limit does not cross', 10.1, '<', 10, false],
    ['equal to a <= limit crosses', 10, '<=', 10, true],
    ['above a <= limit does not cross', 10.1, '<=', 10, false],
    ['negative values compare as numbers', -5, '<', 0, true],
    ['NaN never crosses >', Number.NaN, '>', 0, false],
    ['NaN never crosses <=', Number.NaN, '<=', 0, false],
  ])('%s', (_meaning, value, operator, limit, expected) => {
    expect(crosses(value, { operator, value: limit })).toBe(expected);
  });
});
