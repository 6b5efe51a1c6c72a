import type { SeriesView } from '@janitor/protocol';
import { describe, expect, it } from 'vitest';
import { alignSeries, summarizeSeries } from './series-summary.ts';

describe('summarizeSeries', () => {
  it('takes the lowest minimum, the highest maximum, the average and the newest average', () => {
    expect(summarizeSeries({ avg: [10, null, 30, 20], min: [5, null, 25, 1], max: [15, null, 90, 21] })).toEqual({
      min: 1,
      avg: 20,
      max: 90,
      latest: 20,
      count: 3,
    });
  });

  it('falls back to the average where a point has no minimum or maximum', () => {
    expect(summarizeSeries({ avg: [4, 8], min: [null, 7], max: [5, null] })).toEqual({
      min: 4,
      avg: 6,
      max: 8,
      latest: 8,
      count: 2,
    });
  });

  it('says nothing for a series without a value', () => {
    expect(summarizeSeries({ avg: [null, null], min: [null, null], max: [null, null] })).toBeUndefined();
    expect(summarizeSeries({ avg: [], min: [], max: [] })).toBeUndefined();
  });
});

describe('alignSeries', () => {
  const view: SeriesView = {
    hostname: 'pi1',
    tier: 'raw',
    stepMs: 60_000,
    fromMs: 600_000,
    toMs: 900_000,
    t: [600_000, 660_000, 780_000, 840_000],
    metrics: { cpu_percent: { avg: [1, 2, null, 3], min: [1, 2, null, 3], max: [1, 2, null, 3] } },
  };

  it('lays the points on every step of the range, null where the series has none', () => {
    expect(alignSeries(view, 'cpu_percent')).toEqual([1, 2, null, null, 3]);
  });

  it('answers nothing for a series the answer does not hold', () => {
    expect(alignSeries(view, 'memory_percent')).toEqual([]);
  });

  it('counts a range that ends inside a step as a step more, and leaves out points outside the range', () => {
    const longer = {
      ...view,
      toMs: 930_000,
      t: [0, 840_000, 900_000],
      metrics: { x: { avg: [7, 8, 9], min: [7, 8, 9], max: [7, 8, 9] } },
    };
    expect(alignSeries(longer, 'x')).toEqual([null, null, null, null, 8, 9]);
  });

  it('takes the series’ usual interval as the slot when it is longer than the step: a missed step is no gap', () => {
    // Reports once a minute in 10-second steps, none at 3 and 4 minutes (two averaged in the first minute).
    const minutes = [0, 0.5, 1, 2, 5, 6].map((m) => 600_000 + m * 60_000);
    const sparse: SeriesView = {
      ...view,
      stepMs: 10_000,
      toMs: 600_000 + 7 * 60_000,
      t: minutes,
      metrics: { x: { avg: [1, 3, 4, 5, 6, 7], min: [1, 3, 4, 5, 6, 7], max: [1, 3, 4, 5, 6, 7] } },
    };
    expect(alignSeries(sparse, 'x')).toEqual([2, 4, 5, null, null, 6, 7]);
  });
});
