// The alert engine's rows in the alert log, over a real store in a temporary file, the clock injected: each
// transition once, in the transaction of its state and post, with the post's status once the server confirmed it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertLogEntry } from '@janitor/protocol';
import { openStore, type Store } from '@janitor/store';
import { DEFAULT_REPORT_FORMAT, fromLegacy, parseAlerting, parseThresholds } from '@janitor/thresholds';
import { afterEach, describe, expect, it } from 'vitest';
import { type AlertEngine, type AlertEngineStore, createAlertEngine } from './alert-engine.ts';

const MINUTE = 60_000;
/** 2026-11-03 14:00 UTC. */
const T0 = Date.UTC(2026, 10, 3, 14, 0);

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function openTemp(): Store {
  const dir = mkdtempSync(join(tmpdir(), 'janitor-alert-engine-log-'));
  dirs.push(dir);
  const store = openStore({ path: join(dir, 'janitor.db') });
  stores.push(store);
  return store;
}

const THRESHOLDS = {
  cpu_percent: { levels: { warning: 80, alarm: 95 }, for: '2m', repeat: '1h' },
  memory_percent: { value: 90 },
  load_1: { value: 4 },
};

interface Rig {
  store: Store;
  engine: AlertEngine;
  clock: { now: number };
  report(host: string, metrics: Record<string, number>): Promise<number[]>;
  /** The alert log, oldest first, as `minute host key transition level value limit`. */
  log(): string[];
  rows(): AlertLogEntry[];
}

function rig(options: { alerting?: unknown; store?: AlertEngineStore & { outbox: Store['outbox'] } } = {}): Rig {
  const store = openTemp();
  const rules = parseThresholds(THRESHOLDS);
  const settings = parseAlerting(options.alerting ?? {});
  expect([...rules.problems, ...settings.problems]).toEqual([]);
  const clock = { now: T0 };
  const engine = createAlertEngine({
    config: { rules: rules.rules, alerting: settings.settings, reportFormat: DEFAULT_REPORT_FORMAT },
    store: options.store ?? store,
    now: () => clock.now,
  });
  const rows = () => store.alertLog.list({ limit: 500 }).entries.reverse();
  return {
    store,
    engine,
    clock,
    report: async (host, metrics) => (await engine.ingest(host, fromLegacy({ hostname: host, ...metrics }))).queued,
    rows,
    log: () =>
      rows().map(
        (e) =>
          `${(e.atMs - T0) / MINUTE} ${e.hostname} ${e.key} ${e.transition} ${e.level ?? '-'} ${e.value ?? '-'} ${e.limit ?? '-'}`,
      ),
  };
}

/** Confirms every queued post as the worker does after the server answered, with a status URL per entry. */
function postEverything(store: Store): void {
  for (const entry of store.outbox.list()) {
    store.outbox.complete(entry.id, entry.idempotencyKey, {
      statuses: [{ id: `s${entry.id}`, url: `https://social.example/@janitor/s${entry.id}` }],
    });
  }
}

describe('the alert engine records every transition in the alert log', () => {
  it('pending, firing, escalated, repeated, deescalated, resolved: each once, with its values and incident', async () => {
    const r = rig();
    const at = async (minute: number, cpu: number) => {
      r.clock.now = T0 + minute * MINUTE;
      return r.report('pi1', { cpu_percent: cpu, memory_percent: 20 });
    };
    await at(0, 85);
    await at(1, 86);
    await at(2, 88);
    await at(3, 97);
    await at(5, 99);
    await at(20, 97);
    await at(66, 96);
    await at(67, 90);
    await at(68, 30);
    await at(69, 31);
    expect(r.log()).toEqual([
      '0 pi1 cpu_percent pending warning 85 80',
      '2 pi1 cpu_percent firing warning 88 80',
      // 97 at minute 3 waits for `for` while the warning fires: not a row of its own; the escalation is.
      '5 pi1 cpu_percent escalated alarm 99 95',
      '66 pi1 cpu_percent repeated alarm 96 95',
      '67 pi1 cpu_percent deescalated warning 90 80',
      '68 pi1 cpu_percent resolved warning 30 80',
    ]);
    const resolved = r.store.alertLog.list({ state: 'resolved' }).entries;
    expect(resolved).toHaveLength(1);
    expect(resolved[0]).toMatchObject({
      label: 'CPU %',
      incidentStartMs: T0 + 2 * MINUTE,
      endMs: T0 + 68 * MINUTE,
      durationMs: 66 * MINUTE,
      peak: 99,
    });
    expect(r.store.alertLog.list({ state: 'firing' }).entries).toEqual([]);
  });

  it('nothing on the fast path: reports that change nothing record nothing, and the peak they bring is kept', async () => {
    const r = rig();
    await r.report('pi1', { memory_percent: 93 });
    const before = r.rows().length;
    for (const value of [97, 99.5, 94]) {
      r.clock.now += MINUTE;
      expect(await r.report('pi1', { memory_percent: value })).toEqual([]);
    }
    expect(r.rows()).toHaveLength(before);
    r.clock.now += MINUTE;
    await r.report('pi1', { memory_percent: 40 });
    expect(r.log()).toEqual([
      '0 pi1 memory_percent firing warning 93 90',
      '4 pi1 memory_percent resolved warning 40 90',
    ]);
    expect(r.rows()[1]).toMatchObject({ peak: 99.5, durationMs: 4 * MINUTE, endMs: T0 + 4 * MINUTE });
  });

  it('alerts that fire in one report share its post: each row finds the status once it is posted', async () => {
    const r = rig();
    const queued = await r.report('pi1', { load_1: 6, memory_percent: 95 });
    expect(queued).toHaveLength(1);
    expect(r.rows().map((e) => [e.key, e.transition, e.statusUrl])).toEqual([
      ['memory_percent', 'firing', null],
      ['load_1', 'firing', null],
    ]);
    postEverything(r.store);
    const url = `https://social.example/@janitor/s${queued[0]}`;
    expect(r.rows().map((e) => e.statusUrl)).toEqual([url, url]);
    expect(
      r.store.alertLog
        .list({ state: 'firing' })
        .entries.map((e) => e.key)
        .sort(),
    ).toEqual(['load_1', 'memory_percent']);
  });

  it('a change held back by a silence is silenced once; its post when the silence ends is a row of its own', async () => {
    const r = rig();
    r.engine.silence({ hostname: 'pi1', key: 'memory_percent', forMs: 10 * MINUTE });
    for (let minute = 0; minute < 4; minute += 1) {
      r.clock.now = T0 + minute * MINUTE;
      await r.report('pi1', { memory_percent: 92 + minute });
    }
    r.clock.now = T0 + 10 * MINUTE;
    await r.report('pi1', { memory_percent: 91 });
    expect(r.log()).toEqual([
      '0 pi1 memory_percent silenced warning 92 90',
      '10 pi1 memory_percent firing warning 91 90',
    ]);
    expect(r.rows().map((e) => e.incidentStartMs)).toEqual([T0, T0]);
  });

  it('a host that stops reporting and comes back: host_silent and host_back, with the silence it ended', async () => {
    const r = rig();
    for (let minute = 0; minute < 5; minute += 1) {
      r.clock.now = T0 + minute * MINUTE;
      await r.report('pi1', { cpu_percent: 10 });
    }
    r.clock.now = T0 + 10 * MINUTE;
    await r.engine.tick();
    r.clock.now = T0 + 20 * MINUTE;
    await r.report('pi1', { cpu_percent: 10 });
    expect(r.rows().map((e) => [e.key, e.label, e.transition, e.level, e.value, e.limit])).toEqual([
      ['host_silent', 'Host silent', 'host_silent', 'alarm', 6 * MINUTE, 3 * MINUTE],
      ['host_silent', 'Host silent', 'host_back', 'alarm', 0, null],
    ]);
    expect(r.rows()[1]).toMatchObject({ incidentStartMs: T0 + 10 * MINUTE, endMs: T0 + 20 * MINUTE });
  });

  it('the rows are written with the state and the post, or not at all', async () => {
    const store = openTemp();
    let fail = true;
    const failing: AlertEngineStore & { outbox: Store['outbox'] } = {
      transaction: (fn) => store.transaction(fn),
      alerts: store.alerts,
      silences: store.silences,
      kv: store.kv,
      outbox: store.outbox,
      alertLog: {
        recordMany: (inputs) => {
          if (fail) throw new Error('disk full');
          return store.alertLog.recordMany(inputs);
        },
      },
    };
    const r = rig({ store: failing });
    await expect(r.engine.ingest('pi1', fromLegacy({ hostname: 'pi1', memory_percent: 95 }))).rejects.toThrow(
      'disk full',
    );
    expect(store.outbox.counts().pending).toBe(0);
    expect(store.alerts.getHost('pi1')).toEqual({});
    fail = false;
    r.clock.now += MINUTE;
    expect(await r.engine.ingest('pi1', fromLegacy({ hostname: 'pi1', memory_percent: 96 }))).toMatchObject({
      queued: [expect.any(Number)],
    });
    expect(store.alertLog.list().entries.map((e) => [e.transition, e.value])).toEqual([['firing', 96]]);
  });
});
