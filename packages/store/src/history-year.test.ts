// A year and a quarter of history with an injected clock: two hosts reporting every 5 minutes, maintain() run every
// simulated hour. Afterwards each tier holds what its retention says, with the right averages, minimums and maximums,
// and the file stopped growing once the longest retention (400 days) was reached.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from './store.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const INTERVAL = 5 * MINUTE;
const T0 = Date.parse('2025-01-01T00:00:00Z');
const DAYS = 450;
const HOSTS = ['pi-1', 'vps'];

/** Report k of host h: when it was taken and what it said (integers, so that minimums and maximums are exact). */
function report(h: number, k: number) {
  return {
    atMs: T0 + k * INTERVAL + 20_000 + h * 1000,
    samples: [
      { key: 'cpu_percent', value: (k * 37 + h * 11) % 101 },
      { key: 'memory_percent', value: 40 + ((Math.floor(k / 12) + h) % 20) },
      { key: 'cpu_count', value: 4 },
      { key: 'disk_usage_percent@/data', value: 10 + Math.floor(k / 2000) },
    ],
  };
}

/** The average, minimum and maximum host `h` reported for `key` in [fromMs, fromMs + widthMs). */
function expected(h: number, key: string, fromMs: number, widthMs: number) {
  const values: number[] = [];
  for (let k = Math.max(0, Math.floor((fromMs - T0) / INTERVAL) - 1); ; k++) {
    const r = report(h, k);
    if (r.atMs >= fromMs + widthMs) break;
    if (r.atMs >= fromMs) values.push(r.samples.find((s) => s.key === key)!.value);
  }
  return { avg: values.reduce((a, b) => a + b, 0) / values.length, min: Math.min(...values), max: Math.max(...values) };
}

let dir: string;
let store: Store;
let now = T0;
/** The file's size in pages at the end of some days. */
const pagesAt = new Map<number, number>();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'janitor-history-year-'));
  store = openStore({ path: join(dir, 'janitor.db'), now: () => now, synchronous: 'NORMAL' });
  // The empty file: its schema's pages, which every other table adds to, are not history.
  pagesAt.set(0, store.history.stats().pageCount);
  const perHour = HOUR / INTERVAL;
  for (let hour = 0; hour < DAYS * 24; hour++) {
    const batch = [];
    for (let i = 0; i < perHour; i++) {
      for (let h = 0; h < HOSTS.length; h++) batch.push({ hostname: HOSTS[h]!, ...report(h, hour * perHour + i) });
    }
    store.history.appendMany(batch);
    now = T0 + (hour + 1) * HOUR;
    for (let r = store.history.maintain(); r.more; r = store.history.maintain()) {
      // Each call is one bounded transaction; the hub's timer yields to the event loop between them.
    }
    if ((hour + 1) % 24 === 0) {
      const day = (hour + 1) / 24;
      if ([100, 300, 405, 425, DAYS].includes(day)) pagesAt.set(day, store.history.stats().pageCount);
    }
  }
}, 120_000);

afterAll(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe(`${DAYS} days of history, ${HOSTS.length} hosts reporting every 5 minutes`, () => {
  it('keeps each tier for its retention, and no raw point older than 48 h', () => {
    const stats = store.history.stats();
    const seriesCount = HOSTS.length * 4;
    expect(stats).toMatchObject({ hosts: HOSTS.length, series: seriesCount, lateRows: 0 });
    // Raw: exactly the reports of the last 48 hours.
    const rawPerHost = (2 * DAY) / INTERVAL;
    expect(stats.rawRows).toBe(HOSTS.length * rawPerHost);
    // 10-minute blocks (6 hours each): 35 days of them, but the newest (still raw points), plus the ones of the day not
    // folded into hours yet.
    expect(stats.tenMinuteBlocks / seriesCount).toBeGreaterThanOrEqual(35 * 4 - 1);
    expect(stats.tenMinuteBlocks / seriesCount).toBeLessThanOrEqual(35 * 4 + 4);
    // Hour blocks (a day each): 400 days, give or take the day being folded.
    expect(stats.hourBlocks / seriesCount).toBeGreaterThanOrEqual(399);
    expect(stats.hourBlocks / seriesCount).toBeLessThanOrEqual(401);
  });

  it('answers a day from the raw points: every report, exactly', () => {
    const s = store.history.series({ hostname: 'vps', metrics: ['cpu_percent'], fromMs: now - DAY, toMs: now });
    expect(s).toMatchObject({ tier: 'raw', stepMs: MINUTE });
    expect(s.t).toHaveLength(DAY / INTERVAL);
    const first = Math.ceil((now - DAY - T0) / INTERVAL);
    const reports = Array.from({ length: DAY / INTERVAL }, (_, i) => report(1, first + i));
    expect(s.t).toEqual(reports.map((r) => Math.floor(r.atMs / MINUTE) * MINUTE));
    expect(s.metrics.cpu_percent!.avg).toEqual(reports.map((r) => r.samples[0]!.value));
  });

  it('answers 30 days from 10-minute buckets, with their averages, minimums and maximums', () => {
    const metrics = ['cpu_percent', 'memory_percent', 'cpu_count', 'disk_usage_percent@/data'];
    const s = store.history.series({ hostname: 'vps', metrics, fromMs: now - 30 * DAY, toMs: now });
    expect(s).toMatchObject({ tier: 'ten_minutes', stepMs: 30 * MINUTE });
    expect(s.t).toHaveLength((30 * DAY) / (30 * MINUTE));
    for (const i of [0, 1, 700, s.t.length - 1]) {
      for (const key of metrics) {
        const want = expected(1, key, s.t[i]!, s.stepMs);
        const got = s.metrics[key]!;
        expect([got.min[i], got.max[i]]).toEqual([want.min, want.max]);
        expect(got.avg[i]).toBeCloseTo(want.avg, 4);
      }
    }
  });

  it('answers a year from hour buckets, grouped by 6 hours', () => {
    const s = store.history.series({
      hostname: 'pi-1',
      metrics: ['cpu_percent', 'memory_percent'],
      fromMs: now - 365 * DAY,
      toMs: now,
    });
    expect(s).toMatchObject({ tier: 'hour', stepMs: 6 * HOUR });
    expect(s.t).toHaveLength(365 * 4);
    for (const i of [0, 1, 500, 1000, s.t.length - 2, s.t.length - 1]) {
      for (const key of ['cpu_percent', 'memory_percent']) {
        const want = expected(0, key, s.t[i]!, s.stepMs);
        expect([s.metrics[key]!.min[i], s.metrics[key]!.max[i]]).toEqual([want.min, want.max]);
        expect(s.metrics[key]!.avg[i]).toBeCloseTo(want.avg, 4);
      }
    }
  });

  it('has nothing older than the hour tier keeps', () => {
    const s = store.history.series({ hostname: 'pi-1', metrics: ['cpu_percent'], fromMs: T0, toMs: now - 402 * DAY });
    expect(s.t).toEqual([]);
  });

  it('stops growing the file once the longest retention is reached', () => {
    // Growing while the tiers fill up...
    const history = (day: number) => pagesAt.get(day)! - pagesAt.get(0)!;
    expect(history(300)).toBeGreaterThan(history(100) * 1.5);
    // ...then no more than a few pages once 400 days are kept: deleted pages are used again.
    expect(pagesAt.get(425)!).toBeLessThanOrEqual(pagesAt.get(405)! * 1.01);
    expect(pagesAt.get(DAYS)!).toBeLessThanOrEqual(pagesAt.get(405)! * 1.01);
    expect(store.checkIntegrity()).toBe(true);
  });
});
