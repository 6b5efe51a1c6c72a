import { describe, expect, it } from 'vitest';
import { parseTimeParameter } from './time-parameter.ts';

/** 2026-12-02 00:00 UTC. */
const NOW = Date.UTC(2026, 11, 2);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('parseTimeParameter', () => {
  it.each<[string, string, number]>([
    ['now is the clock given', 'now', NOW],
    ['hours before now', '-24h', NOW - DAY],
    ['days before now', '-7d', NOW - 7 * DAY],
    ['minutes before now', '-30m', NOW - 30 * 60_000],
    ['a year is 365 days', '-1y', NOW - 365 * DAY],
    ['weeks', '-2w', NOW - 14 * DAY],
    ['units combined', '-1h30m', NOW - 1.5 * HOUR],
    ['blanks around are ignored', '  -1d ', NOW - DAY],
    ['epoch milliseconds', '1764662400000', 1_764_662_400_000],
    ['an ISO date is UTC midnight', '2026-12-01', Date.UTC(2026, 11, 1)],
    ['an ISO time in UTC', '2026-12-01T09:30:00Z', Date.UTC(2026, 11, 1, 9, 30)],
    ['an ISO time with an offset', '2026-12-01T10:30:00+01:00', Date.UTC(2026, 11, 1, 9, 30)],
    ['an ISO time without a zone is UTC', '2026-12-01T09:30', Date.UTC(2026, 11, 1, 9, 30)],
    ['milliseconds in an ISO time', '2026-12-01T09:30:00.250Z', Date.UTC(2026, 11, 1, 9, 30, 0, 250)],
  ])('%s', (_meaning, text, expected) => {
    expect(parseTimeParameter(text, NOW)).toBe(expected);
  });

  it.each([
    ['an empty text', ''],
    ['a duration without its minus (after now)', '24h'],
    ['a unit it does not know', '-3q'],
    ['a minus alone', '-'],
    ['a plus', '+1d'],
    ['a negative number without unit', '-5'],
    ['a date Date.parse would guess', 'March 7'],
    ['an epoch past what a time can be', '9'.repeat(17)],
    ['a month that does not exist', '2026-13-01'],
    ['a day the month does not have', '2026-02-31'],
    ['a decimal epoch', '1764662400000.5'],
    ['yesterday', 'yesterday'],
  ])('refuses %s', (_meaning, text) => {
    expect(parseTimeParameter(text, NOW)).toBeUndefined();
  });
});
