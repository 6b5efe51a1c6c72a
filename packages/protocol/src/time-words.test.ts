import { describe, expect, it } from 'vitest';
import { formatAgo, formatSpan, formatUtcMinute } from './time-words.ts';

const NOW = 1_764_662_400_000;

describe('formatAgo', () => {
  it.each<[number, string]>([
    [0, 'just now'],
    [999, 'just now'],
    [-5000, 'just now'],
    [12_500, '12s ago'],
    [59_999, '59s ago'],
    [60_000, '1m ago'],
    [3_599_999, '59m ago'],
    [3_600_000, '1h ago'],
    [86_399_999, '23h ago'],
    [86_400_000, '1d ago'],
    [40 * 86_400_000, '40d ago'],
  ])('%d ms before now is %s', (ago, expected) => {
    expect(formatAgo(NOW - ago, NOW)).toBe(expected);
  });
});

describe('formatSpan', () => {
  it.each<[number, string]>([
    [0, '0s'],
    [45_000, '45s'],
    [5_400_000, '1h 30m'],
    [86_400_000, '1d'],
    [93_784_000, '1d 2h'],
    [86_700_000, '1d 5m'],
  ])('%d ms is %s', (ms, expected) => {
    expect(formatSpan(ms)).toBe(expected);
  });
});

describe('formatUtcMinute', () => {
  it('says the minute in UTC', () => {
    expect(formatUtcMinute(Date.UTC(2026, 11, 2, 9, 5, 59))).toBe('2026-12-02 09:05');
  });
});
