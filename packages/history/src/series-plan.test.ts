import { describe, expect, it } from 'vitest';
import { bucketStart, planSeries, stepsIn } from './series-plan.ts';
import { DEFAULT_HISTORY_RETENTION } from './tiers.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// A Tuesday, 10:37:12.345 UTC: no range below starts on a step.
const NOW = Date.parse('2026-12-01T10:37:12.345Z');

describe('planSeries: the tier and step of a range', () => {
  it.each([
    // Each row: what the range means for a dashboard, its length back from now, the tier and step expected.
    ['the last hour: raw, in 5-second steps (a report a minute fills one of every 12)', HOUR, 'raw', 5_000],
    ['6 hours: raw, 15-second steps', 6 * HOUR, 'raw', 15_000],
    ['a day: raw, a point a minute', DAY, 'raw', MINUTE],
    ['48 hours, the whole raw tier: 2-minute steps', 2 * DAY, 'raw', 2 * MINUTE],
    ['49 hours: raw is gone at the start, so 10-minute buckets', 49 * HOUR, 'ten_minutes', 10 * MINUTE],
    ['a week: 10-minute buckets as they are', 7 * DAY, 'ten_minutes', 10 * MINUTE],
    ['10 days: 10-minute buckets, 1440 of them', 10 * DAY, 'ten_minutes', 10 * MINUTE],
    ['11 days: too many 10-minute buckets, grouped by 20 minutes', 11 * DAY, 'ten_minutes', 20 * MINUTE],
    ['30 days: the 10-minute tier grouped by 30 minutes', 30 * DAY, 'ten_minutes', 30 * MINUTE],
    ['35 days, the whole 10-minute tier: grouped by the hour', 35 * DAY, 'ten_minutes', HOUR],
    ['36 days: only hours hold the start', 36 * DAY, 'hour', HOUR],
    ['60 days: hour buckets', 60 * DAY, 'hour', HOUR],
    ['90 days: hour buckets grouped by 2 hours', 90 * DAY, 'hour', 2 * HOUR],
    ['a year: hour buckets grouped by 6 hours', 365 * DAY, 'hour', 6 * HOUR],
    ['400 days, the whole hour tier: 12 hours', 400 * DAY, 'hour', 12 * HOUR],
    ['ten years: beyond every tier, whole weeks', 3650 * DAY, 'hour', 7 * DAY],
  ] as const)('%s', (_meaning, lengthMs, tier, stepMs) => {
    const plan = planSeries({ fromMs: NOW - lengthMs, toMs: NOW, nowMs: NOW });
    expect({ tier: plan.tier, stepMs: plan.stepMs }).toEqual({ tier, stepMs });
    expect(plan.points).toBeLessThanOrEqual(1500);
    expect(plan.fromMs).toBe(bucketStart(NOW - lengthMs, stepMs));
    expect(plan.fromMs).toBeLessThanOrEqual(NOW - lengthMs);
    expect(plan.fromMs + stepMs).toBeGreaterThan(NOW - lengthMs);
  });

  it.each([
    [
      'an old day keeps to the tier that still holds it: a day 10 days ago reads 10-minute buckets',
      10 * DAY,
      DAY,
      'ten_minutes',
      10 * MINUTE,
    ],
    ['a day 100 days ago reads hours', 100 * DAY, DAY, 'hour', HOUR],
    ['a day 500 days ago is past every retention: the hour tier, whatever it holds', 500 * DAY, DAY, 'hour', HOUR],
  ] as const)('%s', (_meaning, agoMs, lengthMs, tier, stepMs) => {
    const plan = planSeries({ fromMs: NOW - agoMs, toMs: NOW - agoMs + lengthMs, nowMs: NOW });
    expect({ tier: plan.tier, stepMs: plan.stepMs }).toEqual({ tier, stepMs });
  });

  it('keeps to maxPoints, fewer points meaning longer steps', () => {
    // A day in 100 points: 10-minute buckets are fine enough, grouped by 20 minutes.
    expect(planSeries({ fromMs: NOW - DAY, toMs: NOW, nowMs: NOW, maxPoints: 100 })).toMatchObject({
      tier: 'ten_minutes',
      stepMs: 20 * MINUTE,
      points: 73,
    });
    expect(planSeries({ fromMs: NOW - 365 * DAY, toMs: NOW, nowMs: NOW, maxPoints: 10 })).toMatchObject({
      tier: 'hour',
      stepMs: 6 * 7 * DAY,
    });
    expect(planSeries({ fromMs: NOW - 365 * DAY, toMs: NOW, nowMs: NOW, maxPoints: 10 }).points).toBeLessThanOrEqual(
      10,
    );
  });

  it('follows a shorter retention: raw kept 6 hours serves 6 hours, not a day', () => {
    const retention = { ...DEFAULT_HISTORY_RETENTION, rawMs: 6 * HOUR };
    expect(planSeries({ fromMs: NOW - 6 * HOUR, toMs: NOW, nowMs: NOW, retention }).tier).toBe('raw');
    expect(planSeries({ fromMs: NOW - DAY, toMs: NOW, nowMs: NOW, retention }).tier).toBe('ten_minutes');
  });

  it.each([
    ['a range that ends where it starts', { fromMs: NOW, toMs: NOW }, /must end after it starts/],
    ['a range backwards', { fromMs: NOW, toMs: NOW - 1 }, /must end after it starts/],
    ['a time that is not a number', { fromMs: Number.NaN, toMs: NOW }, /finite times/],
    ['no points', { fromMs: NOW - DAY, toMs: NOW, maxPoints: 0 }, /maxPoints must be a whole number from 1 to 100000/],
    ['half a point', { fromMs: NOW - DAY, toMs: NOW, maxPoints: 1.5 }, /maxPoints must be a whole number/],
    ['more points than a chart can use', { fromMs: NOW - DAY, toMs: NOW, maxPoints: 100_001 }, /maxPoints must be/],
  ])('refuses %s', (_meaning, range, message) => {
    expect(() => planSeries({ nowMs: NOW, ...range })).toThrow(message);
  });
});

describe('bucketStart and stepsIn: steps aligned to the epoch', () => {
  it.each([
    [
      '10 minutes: 10:37:12 is in the step of 10:30',
      '2026-12-01T10:37:12.345Z',
      10 * MINUTE,
      '2026-12-01T10:30:00.000Z',
    ],
    ['a step starts at its own start', '2026-12-01T10:30:00.000Z', 10 * MINUTE, '2026-12-01T10:30:00.000Z'],
    ['the last millisecond of a step', '2026-12-01T10:39:59.999Z', 10 * MINUTE, '2026-12-01T10:30:00.000Z'],
    ['an hour starts on the hour', '2026-12-01T10:37:12.345Z', HOUR, '2026-12-01T10:00:00.000Z'],
    ['6 hours start at 0, 6, 12 and 18 UTC', '2026-12-01T10:37:12.345Z', 6 * HOUR, '2026-12-01T06:00:00.000Z'],
    ['a day starts at midnight UTC', '2026-12-01T10:37:12.345Z', DAY, '2026-12-01T00:00:00.000Z'],
    ['a week starts on a Thursday, as the epoch did', '2026-12-01T10:37:12.345Z', 7 * DAY, '2026-11-26T00:00:00.000Z'],
    ['before 1970 too', '1969-12-31T23:59:59.000Z', HOUR, '1969-12-31T23:00:00.000Z'],
  ])('%s', (_meaning, at, stepMs, start) => {
    expect(new Date(bucketStart(Date.parse(at), stepMs)).toISOString()).toBe(start);
  });

  it.each([
    ['a range inside one step', 10, 20, 100, 1],
    ['a range of exactly one aligned step', 100, 200, 100, 1],
    ['one millisecond into the next step', 100, 201, 100, 2],
    ['an unaligned start touches one step more', 150, 350, 100, 3],
  ])('%s', (_meaning, fromMs, toMs, stepMs, count) => {
    expect(stepsIn(fromMs, toMs, stepMs)).toBe(count);
  });
});
