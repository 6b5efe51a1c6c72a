import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { convertToIncrementalVacuum } from './database.ts';
import { maintainHistory } from './history-upkeep.ts';
import { MIGRATIONS, migrate } from './migrations.ts';
import { openStore, type Store, type StoreOptions } from './store.ts';
import { StoreError } from './store-error.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// Midnight UTC: a day, a 6-hour block and a 10-minute bucket all start here.
const T0 = Date.parse('2026-03-01T00:00:00Z');

let dir: string;
let now: number;
const stores: Store[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'janitor-history-'));
  now = T0;
});

afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(options: Partial<StoreOptions> = {}): Store {
  const store = openStore({ path: join(dir, 'janitor.db'), now: () => now, synchronous: 'NORMAL', ...options });
  stores.push(store);
  return store;
}

/** Calls maintain until it says nothing remains; returns the results added up. */
function maintainAll(store: Store, nowMs: number, maxRows?: number) {
  const total = { calls: 0, tenMinuteBlocks: 0, hourBlocks: 0, lateReports: 0, expired: 0 };
  for (;;) {
    const r = store.history.maintain(maxRows === undefined ? { nowMs } : { nowMs, maxRows });
    total.calls++;
    total.tenMinuteBlocks += r.tenMinuteBlocks;
    total.hourBlocks += r.hourBlocks;
    total.lateReports += r.lateReports;
    total.expired += r.expired;
    if (!r.more) return total;
    if (total.calls > 100_000) throw new Error('maintain never finished');
  }
}

describe('history.append and history.series (raw)', () => {
  it('keeps a report as one point per series, read back at its time', () => {
    const store = open();
    expect(
      store.history.append('pi', T0 + 7_000, [
        { key: 'cpu_percent', value: 12.5 },
        { key: 'disk_usage_percent@/data', value: 91 },
      ]),
    ).toBe(true);
    store.history.append('pi', T0 + MINUTE + 7_000, [{ key: 'cpu_percent', value: 30 }]);
    now = T0 + 10 * MINUTE;
    const s = store.history.series({
      hostname: 'pi',
      metrics: ['cpu_percent', 'disk_usage_percent@/data', 'load_1'],
      fromMs: T0,
      toMs: now,
    });
    expect(s).toMatchObject({ tier: 'raw', stepMs: 1000, fromMs: T0 });
    expect(s.t).toEqual([T0 + 7_000, T0 + MINUTE + 7_000]);
    expect(s.metrics).toEqual({
      cpu_percent: { avg: [12.5, 30], min: [12.5, 30], max: [12.5, 30] },
      // The second report had no disk: null there, not a zero.
      'disk_usage_percent@/data': { avg: [91, null], min: [91, null], max: [91, null] },
      // A series the host never had: every point null.
      load_1: { avg: [null, null], min: [null, null], max: [null, null] },
    });
    expect(store.history.keys('pi')).toEqual(['cpu_percent', 'disk_usage_percent@/data']);
    expect(store.history.hosts()).toEqual(['pi']);
    expect(store.history.latest('pi')).toEqual({ atMs: T0 + MINUTE + 7_000, values: { cpu_percent: 30 } });
  });

  it('groups raw points into steps when the range holds more than maxPoints', () => {
    const store = open();
    for (let m = 0; m < 60; m++) store.history.append('pi', T0 + m * MINUTE, [{ key: 'cpu_percent', value: m }]);
    now = T0 + HOUR;
    const s = store.history.series({ hostname: 'pi', metrics: ['cpu_percent'], fromMs: T0, toMs: now, maxPoints: 6 });
    expect(s.stepMs).toBe(10 * MINUTE);
    expect(s.t).toEqual([0, 1, 2, 3, 4, 5].map((i) => T0 + i * 10 * MINUTE));
    expect(s.metrics.cpu_percent).toEqual({
      avg: [4.5, 14.5, 24.5, 34.5, 44.5, 54.5],
      min: [0, 10, 20, 30, 40, 50],
      max: [9, 19, 29, 39, 49, 59],
    });
  });

  it('answers no points for an unknown host', () => {
    const store = open();
    const s = store.history.series({ hostname: 'nobody', metrics: ['cpu_percent'], fromMs: T0 - HOUR, toMs: T0 });
    expect(s.t).toEqual([]);
    expect(s.metrics).toEqual({ cpu_percent: { avg: [], min: [], max: [] } });
    expect(store.history.latest('nobody')).toBeUndefined();
    expect(store.history.keys('nobody')).toEqual([]);
  });

  it('keeps the first of two reports of a host at the same millisecond (a report sent again)', () => {
    const store = open();
    expect(store.history.append('pi', T0, [{ key: 'cpu_percent', value: 1 }])).toBe(true);
    expect(store.history.append('pi', T0, [{ key: 'cpu_percent', value: 2 }])).toBe(false);
    expect(store.history.append('pi', T0, [])).toBe(false);
    expect(store.history.latest('pi')).toEqual({ atMs: T0, values: { cpu_percent: 1 } });
  });

  it('appendMany keeps several reports in one transaction, one result each', () => {
    const store = open();
    expect(
      store.history.appendMany([
        { hostname: 'a', atMs: T0, samples: [{ key: 'cpu_percent', value: 1 }] },
        { hostname: 'b', atMs: T0, samples: [{ key: 'cpu_percent', value: 2 }] },
        { hostname: 'a', atMs: T0, samples: [{ key: 'cpu_percent', value: 3 }] },
      ]),
    ).toEqual([true, true, false]);
    expect(store.history.hosts()).toEqual(['a', 'b']);
  });

  it('keep writes the reports of one turn together and resolves each once durable', async () => {
    const store = open();
    const kept = Promise.all([
      store.history.keep({ hostname: 'a', atMs: T0, samples: [{ key: 'cpu_percent', value: 1 }] }),
      store.history.keep({ hostname: 'b', atMs: T0, samples: [{ key: 'cpu_percent', value: 2 }] }),
      store.history.keep({ hostname: 'a', atMs: T0, samples: [{ key: 'cpu_percent', value: 3 }] }),
    ]);
    // Nothing is written before the turn ends.
    expect(store.history.hosts()).toEqual([]);
    expect(await kept).toEqual([true, true, false]);
    expect(store.history.latest('a')).toEqual({ atMs: T0, values: { cpu_percent: 1 } });
  });

  it('refuses a settle time or a keep spacing that is not a duration of 0 or more, naming the option', () => {
    const path = join(dir, 'bad-options.db');
    expect(() => openStore({ path, history: { settleMs: -1 } })).toThrow(
      'history settleMs must be a duration of 0 or more, got -1',
    );
    expect(() => openStore({ path, history: { keepSpacingMs: Number.NaN } })).toThrow(
      'history keepSpacingMs must be a duration of 0 or more, got NaN',
    );
  });

  it("reads back a host whose reports alternate between shapes (the original report and the agent's)", () => {
    const store = open();
    const legacy = (v: number) => [
      { key: 'cpu_percent', value: v },
      { key: 'memory_percent', value: v + 1 },
    ];
    const v2 = (v: number) => [
      { key: 'memory_percent', value: v + 1 },
      { key: 'cpu_percent', value: v },
      { key: 'disk_usage_percent@/', value: v + 2 },
    ];
    for (let i = 0; i < 10; i++) store.history.append('pi', T0 + i * MINUTE, i % 2 === 0 ? legacy(i) : v2(i));
    const series = store.history.series({
      hostname: 'pi',
      metrics: ['cpu_percent', 'memory_percent', 'disk_usage_percent@/'],
      fromMs: T0,
      toMs: T0 + 10 * MINUTE,
    });
    expect(series.metrics.cpu_percent?.avg.filter((v) => v !== null)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(series.metrics.memory_percent?.avg.filter((v) => v !== null)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(series.metrics['disk_usage_percent@/']?.avg.filter((v) => v !== null)).toEqual([3, 5, 7, 9, 11]);
  });

  it('latestAll answers the newest report of every host, as latest does one by one', () => {
    const store = open();
    store.history.append('a', T0, [{ key: 'cpu_percent', value: 1 }]);
    store.history.append('a', T0 + MINUTE, [
      { key: 'cpu_percent', value: 2 },
      { key: 'disk_usage_percent@/data', value: 70 },
    ]);
    store.history.append('b', T0 - MINUTE, [{ key: 'memory_percent', value: 30 }]);
    const all = store.history.latestAll();
    expect(Object.fromEntries(all)).toEqual({
      a: { atMs: T0 + MINUTE, values: { cpu_percent: 2, 'disk_usage_percent@/data': 70 } },
      b: { atMs: T0 - MINUTE, values: { memory_percent: 30 } },
    });
    expect(all.get('a')).toEqual(store.history.latest('a'));
  });

  it('keep rejects every report of a batch that cannot be written', async () => {
    const store = open();
    const bad = store.history.keep({ hostname: '', atMs: T0, samples: [{ key: 'cpu_percent', value: 1 }] });
    const good = store.history.keep({ hostname: 'a', atMs: T0, samples: [{ key: 'cpu_percent', value: 1 }] });
    await expect(bad).rejects.toThrow(/needs a hostname/);
    await expect(good).rejects.toThrow(/needs a hostname/);
    expect(store.history.hosts()).toEqual([]);
  });

  it.each([
    ['an empty hostname', '', T0, [{ key: 'cpu_percent', value: 1 }], /needs a hostname/],
    ['a time that is not finite', 'pi', Number.NaN, [{ key: 'cpu_percent', value: 1 }], /atMs must be a finite time/],
    [
      'a value that is not finite',
      'pi',
      T0,
      [{ key: 'cpu_percent', value: Number.POSITIVE_INFINITY }],
      /must be a finite number/,
    ],
    ['a key that is not a series key', 'pi', T0, [{ key: '../etc', value: 1 }], /must be a series key/],
    [
      'a key given twice',
      'pi',
      T0,
      [
        { key: 'load_1', value: 1 },
        { key: 'load_1', value: 2 },
      ],
      /load_1 comes twice/,
    ],
  ])('refuses %s with a TypeError, keeping nothing', (_meaning, hostname, atMs, samples, message) => {
    const store = open();
    expect(() => store.history.append(hostname, atMs, samples)).toThrow(TypeError);
    expect(() => store.history.append(hostname, atMs, samples)).toThrow(message);
    expect(store.history.stats()).toMatchObject({ hosts: 0, rawRows: 0 });
  });

  it('refuses a query with no metric, a metric that is not a series key, or a range backwards', () => {
    const store = open();
    const range = { hostname: 'pi', fromMs: T0 - HOUR, toMs: T0 };
    expect(() => store.history.series({ ...range, metrics: [] })).toThrow(/at least one metric/);
    expect(() => store.history.series({ ...range, metrics: ['cpu_percent/x'] })).toThrow(/must be a series key/);
    expect(() => store.history.series({ ...range, metrics: ['cpu_percent'], toMs: T0 - 2 * HOUR })).toThrow(
      /must end after it starts/,
    );
  });

  it('forgets nothing it handed out when a transaction around an append rolls back', () => {
    const store = open();
    store.history.append('pi', T0, [{ key: 'cpu_percent', value: 1 }]);
    // The new host, series and layout of this append are rolled back with the transaction around it...
    expect(() =>
      store.transaction(() => {
        store.history.append('ghost', T0, [{ key: 'load_1', value: 9 }]);
        store.history.append('pi', T0 + MINUTE, [{ key: 'memory_percent', value: 9 }]);
        throw new Error('the caller changed its mind');
      }),
    ).toThrow('the caller changed its mind');
    // ...so the ids SQLite hands out again go to other hosts and series, and nothing is read under a wrong name.
    store.history.append('other', T0, [{ key: 'swap_percent', value: 5 }]);
    store.history.append('pi', T0 + 2 * MINUTE, [{ key: 'load_5', value: 2 }]);
    expect(store.history.hosts()).toEqual(['other', 'pi']);
    expect(store.history.keys('pi')).toEqual(['cpu_percent', 'load_5']);
    expect(store.history.latest('other')).toEqual({ atMs: T0, values: { swap_percent: 5 } });
    expect(store.history.latest('pi')).toEqual({ atMs: T0 + 2 * MINUTE, values: { load_5: 2 } });
  });

  it('forgetHost deletes every point and tier of one host', () => {
    const store = open();
    for (let m = 0; m < 8 * 60; m++) {
      store.history.append('a', T0 + m * MINUTE, [{ key: 'cpu_percent', value: m }]);
      store.history.append('b', T0 + m * MINUTE, [{ key: 'cpu_percent', value: m }]);
    }
    maintainAll(store, T0 + 8 * HOUR);
    expect(store.history.stats()).toMatchObject({ hosts: 2, tenMinuteBlocks: 2 });
    expect(store.history.forgetHost('a')).toBe(true);
    expect(store.history.forgetHost('a')).toBe(false);
    expect(store.history.stats()).toMatchObject({ hosts: 1, series: 1, tenMinuteBlocks: 1, rawRows: 8 * 60 });
    expect(store.history.hosts()).toEqual(['b']);
    // The name can come back, with a history of its own.
    store.history.append('a', T0 + 9 * HOUR, [{ key: 'load_1', value: 1 }]);
    expect(store.history.keys('a')).toEqual(['load_1']);
  });
});

describe('history.maintain: tiers', () => {
  /** A report a minute from T0 for `minutes`, cpu going 0..99 and round again, cpu_count always 4. */
  function fill(store: Store, minutes: number, hostname = 'pi') {
    for (let m = 0; m < minutes; m++) {
      store.history.append(hostname, T0 + m * MINUTE + 5_000, [
        { key: 'cpu_percent', value: m % 100 },
        { key: 'cpu_count', value: 4 },
      ]);
    }
  }

  it('tiers a 6-hour block once it is over (and settled), then folds a complete day into hours', () => {
    const store = open();
    fill(store, 30 * 60);
    // 6 hours and 30 seconds: the first block ended, but reports of its last minute may still come.
    expect(store.history.maintain({ nowMs: T0 + 6 * HOUR + 30_000 })).toMatchObject({
      more: false,
      tenMinuteBlocks: 0,
    });
    expect(store.history.maintain({ nowMs: T0 + 6 * HOUR + MINUTE })).toMatchObject({
      tenMinuteBlocks: 2,
      hourBlocks: 0,
    });
    // A day and more: the four blocks of the day are tiered, the day is folded into hours.
    expect(maintainAll(store, T0 + 30 * HOUR)).toMatchObject({ tenMinuteBlocks: 6, hourBlocks: 2 });
    expect(store.history.stats()).toMatchObject({ tenMinuteBlocks: 8, hourBlocks: 2, rawRows: 30 * 60 });

    now = T0 + 30 * HOUR;
    // 3 days back: past the raw tier's 48 h, so 10-minute buckets; the 6 newest hours still come from raw points.
    const s = store.history.series({
      hostname: 'pi',
      metrics: ['cpu_percent', 'cpu_count'],
      fromMs: now - 3 * DAY,
      toMs: now,
    });
    expect(s).toMatchObject({ tier: 'ten_minutes', stepMs: 10 * MINUTE });
    expect(s.t).toHaveLength(30 * 6);
    expect(s.t[0]).toBe(T0);
    expect(s.t[1]).toBe(T0 + 10 * MINUTE);
    // 10-minute bucket i holds minutes 10i..10i+9: cpu (m % 100) averages 10i + 4.5 in the first ones.
    expect(s.metrics.cpu_percent!.avg.slice(0, 3)).toEqual([4.5, 14.5, 24.5]);
    expect(s.metrics.cpu_percent!.min.slice(0, 3)).toEqual([0, 10, 20]);
    expect(s.metrics.cpu_percent!.max.slice(0, 3)).toEqual([9, 19, 29]);
    // Minutes 100-109 are 0..9 again.
    expect([s.metrics.cpu_percent!.avg[10], s.metrics.cpu_percent!.min[10], s.metrics.cpu_percent!.max[10]]).toEqual([
      4.5, 0, 9,
    ]);
    // The same in the last hours (read from raw points, not tiered yet).
    const last = 30 * 6 - 1; // minutes 1790-1799: 90..99
    expect([s.metrics.cpu_percent!.avg[last], s.metrics.cpu_percent!.min[last]]).toEqual([94.5, 90]);
    expect(new Set(s.metrics.cpu_count!.avg)).toEqual(new Set([4]));

    // 60 days back: hour buckets (the newest ones from the 10-minute tier and the raw points).
    const h = store.history.series({ hostname: 'pi', metrics: ['cpu_percent'], fromMs: now - 60 * DAY, toMs: now });
    expect(h).toMatchObject({ tier: 'hour', stepMs: HOUR });
    expect(h.t).toEqual(Array.from({ length: 30 }, (_, i) => T0 + i * HOUR));
    // Hour 1 holds minutes 60..119: 60..99 and 0..19.
    expect(h.metrics.cpu_percent!.avg[1]).toBeCloseTo((3180 + 190) / 60, 4);
    expect([h.metrics.cpu_percent!.min[1], h.metrics.cpu_percent!.max[1]]).toEqual([0, 99]);
  });

  it('reads the same points from the tiers as from the raw points they were made of', () => {
    const store = open();
    fill(store, (2 * DAY) / MINUTE);
    now = T0 + 2 * DAY;
    const query = { hostname: 'pi', metrics: ['cpu_percent'], fromMs: T0, toMs: now, maxPoints: 48 };
    const before = store.history.series(query);
    maintainAll(store, now);
    expect(store.history.stats().hourBlocks).toBe(2);
    const after = store.history.series(query);
    expect(after.stepMs).toBe(HOUR);
    expect(after.t).toEqual(before.t);
    expect(after.metrics.cpu_percent!.min).toEqual(before.metrics.cpu_percent!.min);
    expect(after.metrics.cpu_percent!.max).toEqual(before.metrics.cpu_percent!.max);
    after.metrics.cpu_percent!.avg.forEach((avg, i) => {
      expect(avg).toBeCloseTo(before.metrics.cpu_percent!.avg[i]!, 4);
    });
  });

  it('does the same work in small steps as in one, each step saying whether more remains', () => {
    const a = open({ path: join(dir, 'a.db') });
    const b = open({ path: join(dir, 'b.db') });
    for (const store of [a, b]) {
      fill(store, (3 * DAY) / MINUTE, 'h1');
      fill(store, (3 * DAY) / MINUTE, 'h2');
    }
    const nowMs = T0 + 3 * DAY;
    const big = maintainAll(a, nowMs, 1e9);
    const small = maintainAll(b, nowMs, 50);
    expect(big.calls).toBe(1);
    expect(small.calls).toBeGreaterThan(20);
    expect({ ...small, calls: 0 }).toEqual({ ...big, calls: 0 });
    expect(b.history.stats()).toEqual(a.history.stats());
    const query = { hostname: 'h2', metrics: ['cpu_percent'], fromMs: T0, toMs: nowMs, nowMs };
    expect(b.history.series(query)).toEqual(a.history.series(query));
    // Nothing left: the next call does nothing.
    expect(b.history.maintain({ nowMs })).toMatchObject({ more: false, tenMinuteBlocks: 0, hourBlocks: 0, expired: 0 });
  });

  it('maintainHistory loops maintain until nothing is left, summing what it did', async () => {
    const a = open({ path: join(dir, 'a.db') });
    const b = open({ path: join(dir, 'b.db') });
    for (const store of [a, b]) fill(store, (3 * DAY) / MINUTE, 'h1');
    const nowMs = T0 + 3 * DAY;
    const expected = maintainAll(a, nowMs);
    const done = await maintainHistory(b.history, { nowMs });
    expect(done).toMatchObject({
      more: false,
      tenMinuteBlocks: expected.tenMinuteBlocks,
      hourBlocks: expected.hourBlocks,
    });
    expect(b.history.stats()).toEqual(a.history.stats());
    expect(b.history.maintain({ nowMs }).more).toBe(false);
  });

  it('maintainHistory stops at maxSteps and says more remains', async () => {
    const store = open();
    fill(store, (3 * DAY) / MINUTE, 'h1');
    const steps: boolean[] = [];
    const history = {
      maintain: (o?: Parameters<Store['history']['maintain']>[0]) => {
        const r = store.history.maintain({ ...o, maxRows: 10 });
        steps.push(r.more);
        return r;
      },
    };
    const done = await maintainHistory(history, { nowMs: T0 + 3 * DAY, maxSteps: 3 });
    expect(done).toMatchObject({ steps: 3, more: true });
    expect(steps).toEqual([true, true, true]);
  });

  it('after a pass, calls read no host until one has work: only hosts created since, and late reports', () => {
    const store = open();
    for (const host of ['a', 'b', 'c']) fill(store, 6 * 60 + 30, host);
    expect(maintainAll(store, T0 + 6 * HOUR + MINUTE)).toMatchObject({ tenMinuteBlocks: 6 });
    // Nothing is due before the next blocks settle (12 h) or a cut-off moves: a call with no budget is done at once,
    // where visiting the hosts would stop after the first one.
    expect(store.history.maintain({ nowMs: T0 + 7 * HOUR, budgetMs: 0 })).toMatchObject({ more: false, rows: 0 });
    // A host created since, whose first report is old: its block is due now, and it alone is visited.
    fill(store, 60, 'new');
    expect(maintainAll(store, T0 + 7 * HOUR)).toMatchObject({ tenMinuteBlocks: 2 });
    // A late report of an old host is merged at once.
    store.history.append('a', T0 + 30_000, [{ key: 'cpu_percent', value: 1000 }]);
    expect(maintainAll(store, T0 + 7 * HOUR)).toMatchObject({ lateReports: 1 });
    expect(store.history.maintain({ nowMs: T0 + 11 * HOUR, budgetMs: 0 })).toMatchObject({ more: false, rows: 0 });
    // Once the next blocks settle, every host is visited again.
    expect(maintainAll(store, T0 + 12 * HOUR + MINUTE)).toMatchObject({ tenMinuteBlocks: 3 * 2 });
  });

  it('stops after budgetMs even when maxRows allows more', () => {
    const store = open();
    fill(store, (3 * DAY) / MINUTE);
    const r = store.history.maintain({ nowMs: T0 + 3 * DAY, maxRows: 1e9, budgetMs: 0 });
    // One step (a 6-hour block) is done before the budget is looked at.
    expect(r).toMatchObject({ more: true, tenMinuteBlocks: 2 });
  });

  it('adds a report that comes after its time was tiered to both tiers', () => {
    const store = open();
    fill(store, (2 * DAY) / MINUTE);
    now = T0 + 2 * DAY;
    maintainAll(store, now);
    const query = { hostname: 'pi', metrics: ['cpu_percent'], fromMs: T0, toMs: T0 + DAY, nowMs: now, maxPoints: 144 };
    const before = store.history.series(query);
    expect(before).toMatchObject({ tier: 'ten_minutes', stepMs: 10 * MINUTE });
    // Bucket 0 (minutes 0-9, cpu 0..9) gets a late point of 1000 at 00:05:30.
    expect(store.history.append('pi', T0 + 5 * MINUTE + 30_000, [{ key: 'cpu_percent', value: 1000 }])).toBe(true);
    expect(store.history.stats().lateRows).toBe(1);
    expect(maintainAll(store, now)).toMatchObject({ lateReports: 1 });
    expect(store.history.stats().lateRows).toBe(0);
    const after = store.history.series(query);
    expect(after.metrics.cpu_percent!.max[0]).toBe(1000);
    expect(after.metrics.cpu_percent!.avg[0]).toBeCloseTo((45 + 1000) / 11, 4);
    expect(after.metrics.cpu_percent!.avg.slice(1)).toEqual(before.metrics.cpu_percent!.avg.slice(1));
    // The hour tier has it too: hour 0 is 60 points of 0..59 and the late one.
    const hours = store.history.series({ hostname: 'pi', metrics: ['cpu_percent'], fromMs: T0 - 40 * DAY, toMs: now });
    expect(hours.stepMs).toBe(HOUR);
    expect(hours.tier).toBe('hour');
    const i = hours.t.indexOf(T0);
    expect(hours.metrics.cpu_percent!.max[i]).toBe(1000);
    expect(hours.metrics.cpu_percent!.avg[i]).toBeCloseTo((1770 + 1000) / 61, 4);
  });

  it('knows a report is late when another connection tiered its time after this one last looked', () => {
    const store = open();
    // This connection learns the hosts' cursors (at T0) with its first report.
    store.history.append('pi', T0 + 5_000, [{ key: 'cpu_percent', value: 1 }]);
    const other = open();
    fill(other, (2 * DAY) / MINUTE);
    maintainAll(other, T0 + 2 * DAY);
    expect(other.history.stats().lateRows).toBe(0);
    // 00:05:30 was tiered by the other connection: late, though this one last saw the cursor at T0.
    expect(store.history.append('pi', T0 + 5 * MINUTE + 30_000, [{ key: 'cpu_percent', value: 1000 }])).toBe(true);
    expect(store.history.stats().lateRows).toBe(1);
  });

  it('knows a report is late behind a host created earlier in the same batch', () => {
    const store = open();
    // The host is new: its first report (07:00) puts its cursor at 06:00, so the 05:00 report after it is late.
    expect(
      store.history.appendMany([
        { hostname: 'new', atMs: T0 + 7 * HOUR, samples: [{ key: 'cpu_percent', value: 1 }] },
        { hostname: 'new', atMs: T0 + 5 * HOUR, samples: [{ key: 'cpu_percent', value: 2 }] },
      ]),
    ).toEqual([true, true]);
    expect(store.history.stats().lateRows).toBe(1);
  });

  it('tiers a host that was silent for days from its next report on, skipping the empty blocks', () => {
    const store = open();
    store.history.append('pi', T0 + MINUTE, [{ key: 'load_1', value: 1 }]);
    store.history.append('pi', T0 + 20 * DAY + MINUTE, [{ key: 'load_1', value: 3 }]);
    const r = maintainAll(store, T0 + 21 * DAY + HOUR);
    expect(r).toMatchObject({ tenMinuteBlocks: 2, hourBlocks: 2 });
    now = T0 + 21 * DAY + HOUR;
    const s = store.history.series({ hostname: 'pi', metrics: ['load_1'], fromMs: T0, toMs: now });
    expect(s).toMatchObject({ tier: 'ten_minutes', stepMs: 30 * MINUTE });
    expect(s.t).toEqual([T0, T0 + 20 * DAY]);
    expect(s.metrics.load_1!.avg).toEqual([1, 3]);
  });
});

describe('history.maintain: retention', () => {
  it('deletes raw points older than 48 h once tiered, and blocks past their tier retention', () => {
    const store = open({ history: { retention: { tenMinutesMs: 3 * DAY, hourMs: 5 * DAY } } });
    for (let m = 0; m < 8 * 24 * 6; m++) {
      store.history.append('pi', T0 + m * 10 * MINUTE, [{ key: 'cpu_percent', value: m }]);
    }
    const nowMs = T0 + 8 * DAY;
    maintainAll(store, nowMs);
    const stats = store.history.stats();
    // Raw: the last 48 h. 10-minute blocks: 3 days of them, the blocks of the last 6 h not tiered yet, so 11 or 12.
    expect(stats.rawRows).toBe(2 * 24 * 6);
    expect(stats.tenMinuteBlocks).toBe(11);
    // Hour blocks: days 3 to 6 (days 0-2 are past 5 days; day 7 is folded once its last block is tiered, a minute on).
    expect(stats.hourBlocks).toBe(4);
    // Raw points go 6 hours at a time: 3 hours later the same are kept, 6 hours later 6 hours fewer.
    maintainAll(store, nowMs + 3 * HOUR);
    expect(store.history.stats().rawRows).toBe(2 * 24 * 6);
    maintainAll(store, nowMs + 6 * HOUR);
    expect(store.history.stats().rawRows).toBe(2 * 24 * 6 - 36);
    now = nowMs;
    const old = store.history.series({ hostname: 'pi', metrics: ['cpu_percent'], fromMs: T0, toMs: T0 + DAY });
    expect(old.t).toEqual([]);
    const kept = store.history.series({ hostname: 'pi', metrics: ['cpu_percent'], fromMs: now - 5 * DAY, toMs: now });
    expect(kept.tier).toBe('hour');
    expect(kept.t[0]).toBe(T0 + 3 * DAY);
  });

  it('keeps raw points that are not tiered yet, however old', () => {
    const store = open();
    for (let m = 0; m < 10; m++) store.history.append('pi', T0 + m * MINUTE, [{ key: 'cpu_percent', value: m }]);
    // Maintain never ran for 5 days; now it runs with a budget too small to tier anything but the first block.
    const r = store.history.maintain({ nowMs: T0 + 5 * DAY, maxRows: 1 });
    expect(r.tenMinuteBlocks).toBe(1);
    maintainAll(store, T0 + 5 * DAY);
    expect(store.history.stats()).toMatchObject({ rawRows: 0, tenMinuteBlocks: 1, hourBlocks: 1 });
    now = T0 + 5 * DAY;
    const s = store.history.series({ hostname: 'pi', metrics: ['cpu_percent'], fromMs: T0, toMs: now });
    expect(s.metrics.cpu_percent).toEqual({ avg: [4.5], min: [0], max: [9] });
  });
});

describe('the file', () => {
  it('a new file gives freed pages back (incremental vacuum)', () => {
    expect(open().history.stats().autoVacuum).toBe('incremental');
  });

  it('a file from before the history is converted to incremental vacuum when the history tables are added', () => {
    const path = join(dir, 'old.db');
    const db = new DatabaseSync(path);
    db.exec('PRAGMA journal_mode = WAL');
    migrate(db, MIGRATIONS.slice(0, 3));
    db.exec(`INSERT INTO kv (key, value) VALUES ('agent', '{"n":1}')`);
    expect(db.prepare('PRAGMA auto_vacuum').get()).toEqual({ auto_vacuum: 0 });
    db.close();
    const store = open({ path });
    expect(store.history.stats().autoVacuum).toBe('incremental');
    expect(store.kv.get('agent')).toEqual({ n: 1 });
    expect(store.checkIntegrity()).toBe(true);
  });

  it('a file that cannot be converted keeps reusing its free pages, and works', () => {
    // VACUUM is refused inside a transaction, as it is when the disk has no room for the copy it makes.
    const db = new DatabaseSync(join(dir, 'old.db'));
    db.exec('PRAGMA journal_mode = WAL');
    migrate(db, MIGRATIONS.slice(0, 3));
    db.exec('BEGIN');
    expect(convertToIncrementalVacuum(db)).toBe(false);
    db.exec('COMMIT');
    expect(db.prepare('PRAGMA auto_vacuum').get()).toEqual({ auto_vacuum: 0 });
    expect(convertToIncrementalVacuum(db)).toBe(true);
    db.close();
  });

  it('a damaged block is a StoreError naming it, and maintain goes on with the other hosts', () => {
    const store = open();
    for (const host of ['a', 'b']) {
      for (let m = 0; m < 6 * 60; m++) store.history.append(host, T0 + m * MINUTE, [{ key: 'cpu_percent', value: m }]);
    }
    maintainAll(store, T0 + 6 * HOUR + MINUTE);
    const db = new DatabaseSync(store.path);
    db.exec(
      `UPDATE history_block SET data = x'01ff' WHERE series_id = (SELECT s.id FROM history_series s JOIN history_host h ON h.id = s.host_id WHERE h.hostname = 'a')`,
    );
    db.close();
    now = T0 + 7 * HOUR;
    const query = { metrics: ['cpu_percent'], fromMs: now - 3 * DAY, toMs: now };
    expect(() => store.history.series({ hostname: 'a', ...query })).toThrow(StoreError);
    expect(() => store.history.series({ hostname: 'a', ...query })).toThrow(
      /the block of a cpu_percent at 2026-03-01T00:00:00.000Z is damaged/,
    );
    expect(store.history.series({ hostname: 'b', ...query }).t).toHaveLength(36);
    // Both hosts report 18 more hours; host a's day cannot be folded (its block is damaged), host b's is.
    for (const host of ['a', 'b']) {
      for (let m = 6 * 60; m < DAY / MINUTE; m++)
        store.history.append(host, T0 + m * MINUTE, [{ key: 'cpu_percent', value: m }]);
    }
    const nowMs = T0 + DAY + MINUTE;
    expect(() => maintainAll(store, nowMs)).toThrow(
      /store history\.maintain failed at .*: the block of series \d+ at 2026-03-01T00:00:00.000Z is damaged/,
    );
    expect(maintainAll(store, nowMs).calls).toBeGreaterThan(0);
    expect(store.history.series({ hostname: 'b', ...query, nowMs }).tier).toBe('ten_minutes');
    expect(store.history.stats().hourBlocks).toBe(1);
  });
});
