import { describe, expect, it } from 'vitest';
import { isTimeZone, spanWords, timeTicks, timeWords, utcOffsetMs, wallClock } from './time-axis.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const utc = (iso: string) => Date.parse(`${iso}Z`);

describe('timeTicks', () => {
  it('puts ticks on whole hours of the window, labelled by the wall clock', () => {
    const ticks = timeTicks(utc('2026-12-01T08:30:00'), utc('2026-12-01T14:30:00'), 'UTC', 8);
    expect(ticks.map((t) => t.label)).toEqual(['09:00', '10:00', '11:00', '12:00', '13:00', '14:00']);
    expect(ticks[0]!.t).toBe(utc('2026-12-01T09:00:00'));
  });

  it('follows a zone a half hour off UTC: whole local hours are :30 in UTC', () => {
    const ticks = timeTicks(utc('2026-12-01T08:30:00'), utc('2026-12-01T14:30:00'), 'Asia/Kolkata', 8);
    expect(ticks.map((t) => t.label)).toEqual(['14:00', '15:00', '16:00', '17:00', '18:00', '19:00', '20:00']);
    expect(ticks.every((t) => new Date(t.t).getUTCMinutes() === 30)).toBe(true);
  });

  it('labels local midnight with the date', () => {
    const ticks = timeTicks(utc('2026-12-01T20:00:00'), utc('2026-12-02T02:00:00'), 'Europe/Madrid', 8);
    expect(ticks.map((t) => t.label)).toEqual(['21:00', '22:00', '23:00', 'Dec 2', '01:00', '02:00', '03:00']);
    expect(ticks[3]!.t).toBe(utc('2026-12-01T23:00:00'));
  });

  it('uses fewer, wider steps when fewer fit, and dates for days', () => {
    const to = utc('2026-12-08T00:00:00');
    const ticks = timeTicks(to - 7 * DAY, to, 'UTC', 8);
    expect(ticks.map((t) => t.label)).toEqual(['Dec 1', 'Dec 2', 'Dec 3', 'Dec 4', 'Dec 5', 'Dec 6', 'Dec 7', 'Dec 8']);
    expect(timeTicks(to - 6 * HOUR, to, 'UTC', 3).map((t) => t.label)).toEqual(['18:00', '21:00', 'Dec 8']);
  });

  it('over a DST change: increasing, inside the window, each on a whole local hour', () => {
    const from = utc('2026-03-28T22:00:00');
    const to = utc('2026-03-29T04:00:00');
    const ticks = timeTicks(from, to, 'Europe/Madrid', 8);
    expect(ticks.length).toBeGreaterThanOrEqual(5);
    ticks.forEach((tick, i) => {
      expect(tick.t).toBeGreaterThanOrEqual(from);
      expect(tick.t).toBeLessThanOrEqual(to);
      if (i > 0) expect(tick.t).toBeGreaterThan(ticks[i - 1]!.t);
      expect(wallClock(tick.t, 'Europe/Madrid').minute).toBe(0);
    });
    expect(ticks.map((t) => t.label)).toContain('03:00');
  });
});

describe('times in words', () => {
  it('gives the UTC offset of a zone at an instant', () => {
    expect(utcOffsetMs(utc('2026-12-01T12:00:00'), 'Europe/Madrid')).toBe(HOUR);
    expect(utcOffsetMs(utc('2026-07-01T12:00:00'), 'Europe/Madrid')).toBe(2 * HOUR);
    expect(utcOffsetMs(utc('2026-12-01T12:00:00'), 'America/New_York')).toBe(-5 * HOUR);
  });

  it('says the time, with the date when it is not on the reference day', () => {
    const ref = utc('2026-12-01T14:30:00');
    expect(timeWords(utc('2026-12-01T14:05:00'), 'UTC', ref)).toBe('14:05');
    expect(timeWords(utc('2026-11-30T23:10:00'), 'UTC', ref)).toBe('Nov 30 23:10');
    // 23:10 UTC is already Dec 1 in Madrid.
    expect(timeWords(utc('2026-11-30T23:10:00'), 'Europe/Madrid', ref)).toBe('00:10');
  });

  it.each([
    [6 * HOUR, '6 hours'],
    [HOUR, 'hour'],
    [DAY, '24 hours'],
    [7 * DAY, '7 days'],
    [90 * MINUTE, '90 minutes'],
    [3.5 * HOUR, '3.5 hours'],
    [MINUTE, 'minute'],
    [30_000, '30 seconds'],
  ])('a window of %i ms is "the last %s"', (ms, words) => {
    expect(spanWords(ms)).toBe(words);
  });

  it('knows real time zones only', () => {
    expect(isTimeZone('Europe/Madrid')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone(' ')).toBe(false);
  });
});
