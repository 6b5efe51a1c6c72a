// The alert engine over a real store in a temporary file, the clock injected, the posts read back from the outbox
// (no worker drains it). The hub's own suites drive the same engine over HTTP; these cover the engine by itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutboxPayload } from '@janitor/publisher';
import { openStore, type Store } from '@janitor/store';
import {
  type AlertState,
  DEFAULT_REPORT_FORMAT,
  fromLegacy,
  parseAlerting,
  parseThresholds,
} from '@janitor/thresholds';
import { afterEach, describe, expect, it } from 'vitest';
import { type AlertEngine, createAlertEngine, REPORT_TIMES_KEPT, SEEN_SLICE } from './alert-engine.ts';
import { sameStates } from './same-states.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** 2026-11-03 14:00 UTC. */
const T0 = Date.UTC(2026, 10, 3, 14, 0);

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function storePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'janitor-alert-engine-'));
  dirs.push(dir);
  return join(dir, 'janitor.db');
}

function open(path: string): Store {
  const store = openStore({ path });
  stores.push(store);
  return store;
}

/** The engine's config: a CPU limit of 80 (repeat 1 h unless `alerting` says otherwise). */
function configOf(alerting: unknown = {}, thresholds: unknown = { cpu_percent: { value: 80 } }) {
  const rules = parseThresholds(thresholds);
  const settings = parseAlerting(alerting);
  expect([...rules.problems, ...settings.problems]).toEqual([]);
  return { rules: rules.rules, alerting: settings.settings, reportFormat: DEFAULT_REPORT_FORMAT };
}

interface Rig {
  store: Store;
  engine: AlertEngine;
  clock: { now: number };
  /** One report of `host` at the clock's time. */
  report(host: string, cpu: number): Promise<number[]>;
  /** The spoiler and first line of every post queued so far. */
  posts(): string[];
}

function rig(options: { path?: string; alerting?: unknown; clock?: { now: number }; silentHosts?: boolean } = {}): Rig {
  const store = open(options.path ?? storePath());
  const clock = options.clock ?? { now: T0 };
  const engine = createAlertEngine({
    config: configOf(options.alerting),
    store,
    now: () => clock.now,
    ...(options.silentHosts === undefined ? {} : { silentHosts: options.silentHosts }),
  });
  return {
    store,
    engine,
    clock,
    report: async (host, cpu) => (await engine.ingest(host, fromLegacy({ hostname: host, cpu_percent: cpu }))).queued,
    posts: () =>
      store.outbox.list().map((e) => {
        const { report } = e.payload as Extract<OutboxPayload, { kind: 'report' }>;
        return `${report.spoiler}: ${report.text.split('\n')[0]}`;
      }),
  };
}

describe('createAlertEngine', () => {
  it('a sustained crossing posts once, reminds after repeat, and posts the recovery once', async () => {
    const r = rig();
    expect(await r.report('pi1', 93)).toHaveLength(1);
    r.clock.now += 30 * MINUTE;
    expect(await r.report('pi1', 94)).toEqual([]);
    r.clock.now += 30 * MINUTE;
    expect(await r.report('pi1', 95)).toHaveLength(1);
    r.clock.now += MINUTE;
    expect(await r.report('pi1', 40)).toHaveLength(1);
    r.clock.now += MINUTE;
    expect(await r.report('pi1', 41)).toEqual([]);
    expect(r.posts()).toEqual([
      '⚠️ pi1: - **CPU %**: 93 ❗️',
      '⚠️ pi1: CPU % on pi1 firing for 1h, now 95 (fires over 80, clears at 76)',
      'ℹ️ pi1: CPU % on pi1 recovered: 40 (was over 80 for 1h 1m)',
    ]);
  });

  it("resolves an ingest that wrote only once the store synced (durability 'background')", async () => {
    const store = open(storePath());
    let release = () => {};
    let syncs = 0;
    const synced = () => {
      syncs++;
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    };
    const engine = createAlertEngine({ config: configOf(), store: Object.assign(Object.create(store), { synced }) });
    // Nothing to write: answered at once, no sync asked.
    expect((await engine.ingest('pi1', fromLegacy({ hostname: 'pi1', cpu_percent: 10 }))).queued).toEqual([]);
    expect(syncs).toBe(0);
    let done = false;
    const firing = engine.ingest('pi1', fromLegacy({ hostname: 'pi1', cpu_percent: 93 })).then((outcome) => {
      done = true;
      return outcome;
    });
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    expect([done, syncs, store.outbox.counts().pending]).toEqual([false, 1, 1]);
    release();
    expect((await firing).queued).toHaveLength(1);
  });

  it('writes the new state and its post before ingest resolves, for another connection to read', async () => {
    const path = storePath();
    const r = rig({ path });
    await r.report('pi1', 93);
    const other = open(path);
    expect(other.alerts.getHost<AlertState>('pi1').cpu_percent).toMatchObject({
      phase: 'firing',
      notifiedLevel: 'warning',
    });
    expect(other.outbox.counts().pending).toBe(1);
  });

  it('a new engine over the same store (a restart) neither re-announces nor forgets: the recovery comes', async () => {
    const path = storePath();
    const clock = { now: T0 };
    const first = rig({ path, clock });
    await first.report('pi1', 93);
    first.engine.flush();
    first.store.close();

    clock.now += 5 * MINUTE;
    const second = rig({ path, clock });
    expect(await second.report('pi1', 93)).toEqual([]);
    clock.now += MINUTE;
    expect(await second.report('pi1', 30)).toHaveLength(1);
    expect(second.posts()).toEqual([
      '⚠️ pi1: - **CPU %**: 93 ❗️',
      'ℹ️ pi1: CPU % on pi1 recovered: 30 (was over 80 for 6m)',
    ]);
  });

  it('a report that changes nothing durable writes nothing until flush, which writes its last value', async () => {
    const path = storePath();
    const r = rig({ path });
    await r.report('pi1', 93);
    r.clock.now += MINUTE;
    await r.report('pi1', 97);
    const other = open(path);
    expect(other.alerts.getHost<AlertState>('pi1').cpu_percent?.lastValue).toBe(93);
    r.engine.flush();
    expect(other.alerts.getHost<AlertState>('pi1').cpu_percent?.lastValue).toBe(97);
  });

  it('a tick writes every last value kept in memory, at most a slice of hosts per commit', async () => {
    const path = storePath();
    const r = rig({ path });
    const hosts = Array.from({ length: 2 * SEEN_SLICE + 50 }, (_, i) => `host-${i}`);
    await Promise.all(hosts.map((host) => r.report(host, 93)));
    r.clock.now += MINUTE;
    await Promise.all(hosts.map((host) => r.report(host, 97)));
    // Each commit of the tick: how many hosts' states it wrote.
    const perCommit: number[] = [];
    const { putHost } = r.store.alerts;
    const transaction = r.store.transaction.bind(r.store);
    let count = 0;
    r.store.alerts.putHost = (...args: Parameters<typeof putHost>) => {
      count++;
      return putHost.apply(r.store.alerts, args);
    };
    r.store.transaction = <T>(fn: () => T): T => {
      count = 0;
      const result = transaction(fn);
      perCommit.push(count);
      return result;
    };
    await r.engine.tick();
    // The states first (the report times fill the room they leave, then a commit of their own).
    expect(perCommit).toEqual([SEEN_SLICE, SEEN_SLICE, 50, 0]);
    const other = open(path);
    for (const host of hosts) expect(other.alerts.getHost<AlertState>(host).cpu_percent?.lastValue).toBe(97);
  });

  it('silences of the store apply from the start; one added later too; its end lets the post out', async () => {
    const path = storePath();
    const setup = open(path);
    setup.silences.add({ hostname: 'pi1', key: 'cpu_percent', untilMs: T0 + HOUR });
    setup.close();
    const r = rig({ path });
    expect(await r.report('pi1', 93)).toEqual([]);
    expect(await r.report('vps', 93)).toHaveLength(1);
    const added = r.engine.silence({ hostname: '*', forMs: 2 * HOUR, reason: 'maintenance' });
    r.clock.now += MINUTE;
    expect(await r.report('db', 93)).toEqual([]);
    expect(r.engine.silences().map((s) => [s.hostname, s.key])).toEqual([
      ['pi1', 'cpu_percent'],
      ['*', '*'],
    ]);
    expect(r.engine.unsilence(added.id)?.reason).toBe('maintenance');
    expect(r.engine.unsilence(added.id)).toBeUndefined();
    r.clock.now = T0 + HOUR;
    // pi1's silence has ended: the alert that fired meanwhile is told now.
    expect(await r.report('pi1', 93)).toHaveLength(1);
    expect(r.posts().map((p) => p.split(':')[0])).toEqual(['⚠️ vps', '⚠️ pi1']);
  });

  it('every_report mode posts the report for every crossing report, and nothing when it comes back', async () => {
    const r = rig({ alerting: { mode: 'every_report' } });
    expect(await r.report('pi1', 93)).toHaveLength(1);
    r.clock.now += MINUTE;
    expect(await r.report('pi1', 94)).toHaveLength(1);
    r.clock.now += MINUTE;
    expect(await r.report('pi1', 20)).toEqual([]);
    expect(r.posts()).toEqual(['⚠️ pi1: - **CPU %**: 93 ❗️', '⚠️ pi1: - **CPU %**: 94 ❗️']);
  });
});

describe('createAlertEngine: silent hosts', () => {
  it('keeps each host’s recent report times, and announces a host that stops reporting once', async () => {
    const r = rig();
    for (let i = 0; i < REPORT_TIMES_KEPT + 3; i++) {
      await r.report('pi1', 10);
      r.clock.now += MINUTE;
    }
    await r.engine.tick();
    expect(r.store.alerts.getSeen('pi1')?.reportTimesMs).toHaveLength(REPORT_TIMES_KEPT);
    r.clock.now += 3 * MINUTE;
    expect((await r.engine.tick()).notifications.map((n) => [n.hostname, n.key, n.reason])).toEqual([
      ['pi1', 'host_silent', 'firing'],
    ]);
    r.clock.now += MINUTE;
    expect((await r.engine.tick()).queued).toEqual([]);
    expect(r.posts()).toEqual(['🚨 pi1: pi1 has not reported for 4m (last report 14:14 UTC)']);
  });

  it('writes a large fleet’s report times over several ticks, a slice at least each, and all of them on flush', async () => {
    const r = rig();
    const hosts = Array.from({ length: 2 * SEEN_SLICE + 200 }, (_, i) => `host-${i}`);
    await Promise.all(hosts.map((host) => r.report(host, 10)));
    const written = () => r.store.alerts.hosts().length;
    expect(written()).toBe(0);
    await r.engine.tick();
    expect(written()).toBe(SEEN_SLICE);
    await r.engine.tick();
    expect(written()).toBe(2 * SEEN_SLICE);
    r.engine.flush();
    expect(written()).toBe(hosts.length);
  });

  it('silentHosts: false records no host, times no expected host, and a tick announces nothing', async () => {
    const r = rig({ alerting: { expected_hosts: ['vps'] }, silentHosts: false });
    await r.report('pi1', 10);
    r.clock.now += 10 * HOUR;
    expect(await r.engine.tick()).toEqual({ queued: [], notifications: [] });
    r.engine.flush();
    expect(r.store.alerts.hosts()).toEqual([]);
    expect(r.store.kv.get('alerts.expected_since')).toBeUndefined();
    expect(r.posts()).toEqual([]);
  });

  it('with silent hosts on (the default), an expected host is timed once and announced after silent_after', async () => {
    const r = rig({ alerting: { expected_hosts: ['vps'], silent_after: '10m' } });
    expect(r.store.kv.get('alerts.expected_since')).toEqual({ vps: T0 });
    r.clock.now += 10 * MINUTE;
    expect((await r.engine.tick()).notifications).toEqual([]);
    r.clock.now += MINUTE;
    expect((await r.engine.tick()).notifications.map((n) => [n.hostname, n.reason])).toEqual([['vps', 'firing']]);
    expect(r.posts()).toEqual(['🚨 vps: vps has never reported (expected; nothing for 11m)']);
  });
});

describe('sameStates', () => {
  const firing: AlertState = { phase: 'firing', level: 'warning', since: T0, notifiedLevel: 'warning', lastValue: 90 };
  it.each<[string, Record<string, AlertState>, Record<string, AlertState>, boolean, boolean]>([
    ['the same states are the same, durable or not', { cpu: firing }, { cpu: { ...firing } }, true, true],
    [
      'only the last value changed: durably the same',
      { cpu: firing },
      { cpu: { ...firing, lastValue: 95 } },
      true,
      false,
    ],
    ['what followers were told changed', { cpu: firing }, { cpu: { ...firing, notifiedLevel: 'alarm' } }, false, false],
    ['a key more is not the same', { cpu: firing }, { cpu: firing, mem: firing }, false, false],
    ['another key is not the same', { cpu: firing }, { mem: firing }, false, false],
    [
      'pending times compare by value',
      { cpu: { ...firing, pendingSince: { alarm: T0 } } },
      { cpu: { ...firing, pendingSince: { alarm: T0 } } },
      true,
      true,
    ],
    [
      'a later pending time is a durable change',
      { cpu: { ...firing, pendingSince: { alarm: T0 } } },
      { cpu: { ...firing, pendingSince: { alarm: T0 + 1 } } },
      false,
      false,
    ],
  ])('%s', (_meaning, a, b, durable, all) => {
    expect(sameStates(a, b, true)).toBe(durable);
    expect(sameStates(a, b, false)).toBe(all);
  });
});

describe('acknowledge', () => {
  it('stops the reminders of the incident, records who, posts in its thread, and survives a restart', async () => {
    const path = storePath();
    const r = rig({ path });
    await r.report('pi1', 93);
    const firingSinceMs = r.clock.now;
    r.clock.now += 5 * MINUTE;
    const outcome = await r.engine.acknowledge({ hostname: 'pi1', key: 'cpu_percent', by: 'owner@example.social' });
    expect(outcome).toMatchObject({ acknowledged: true, label: 'CPU %', level: 'warning', firingSinceMs });
    const ackEntry = r.store.outbox.list().at(-1)!;
    expect(ackEntry.about).toEqual({
      kind: 'alert',
      host: 'pi1',
      key: 'cpu_percent',
      incidentStartMs: firingSinceMs,
      reason: 'acknowledged',
    });
    expect(r.store.alertLog.list().entries[0]).toMatchObject({
      transition: 'acknowledged',
      by: 'owner@example.social',
    });

    // A restarted engine still knows: two hours of reports, no reminder; the recovery is still posted.
    const again = rig({ path, clock: r.clock });
    for (let i = 0; i < 4; i++) {
      again.clock.now += 30 * MINUTE;
      expect(await again.report('pi1', 95)).toEqual([]);
    }
    again.clock.now += MINUTE;
    expect(await again.report('pi1', 30)).toHaveLength(1);
    expect(again.posts().at(-1)).toMatch(/recovered/);
  });

  it('acknowledges nothing that is not firing, nor an incident that is over', async () => {
    const r = rig();
    expect(await r.engine.acknowledge({ hostname: 'pi1', key: 'cpu_percent', by: 'a@b.social' })).toEqual({
      acknowledged: false,
      reason: 'not-firing',
    });
    await r.report('pi1', 93);
    const stale = await r.engine.acknowledge({
      hostname: 'pi1',
      key: 'cpu_percent',
      incidentStartMs: T0 - HOUR,
      by: 'a@b.social',
    });
    expect(stale).toEqual({ acknowledged: false, reason: 'not-firing' });
    expect(r.store.outbox.list()).toHaveLength(1);
    await r.engine.acknowledge({ hostname: 'pi1', key: 'cpu_percent', by: 'a@b.social' });
    expect(await r.engine.acknowledge({ hostname: 'pi1', key: 'cpu_percent', by: 'c@d.social' })).toEqual({
      acknowledged: false,
      reason: 'already',
      by: 'a@b.social',
    });
  });
});

describe('forgetting hosts', () => {
  it('forget() drops a host’s states and report times, in memory and in the store', async () => {
    const path = storePath();
    const r = rig({ path });
    await r.report('pi1', 93);
    await r.report('pi2', 10);
    expect(await r.engine.forget('pi1')).toBe(true);
    expect(await r.engine.forget('nobody')).toBe(false);
    expect(r.engine.hosts().map((h) => h.hostname)).toEqual(['pi2']);
    r.clock.now += HOUR;
    await r.engine.tick();
    // No silence alarm for the forgotten host, and a restarted engine does not know it either.
    expect(r.posts().filter((p) => /pi1 has not reported/.test(p))).toEqual([]);
    expect(
      rig({ path, clock: r.clock })
        .engine.hosts()
        .map((h) => h.hostname),
    ).toEqual(['pi2']);
  });

  it('a host forgotten in the same commit as a tick is not written back by it', async () => {
    const r = rig();
    await r.report('pi1', 93);
    r.clock.now += MINUTE;
    await r.report('pi1', 97);
    // Forget and tick in the same turn: one group commit, the forget first.
    const [forgotten] = await Promise.all([r.engine.forget('pi1'), r.engine.tick()]);
    expect(forgotten).toBe(true);
    expect(r.store.alerts.getSeen('pi1')).toBeUndefined();
    expect(r.store.alerts.getHost<AlertState>('pi1')).toEqual({});
  });

  it('alerting.forget_after drops a host away that long with one post in its silence thread', async () => {
    const r = rig({ alerting: { silent_after: '5m', forget_after: '2d', expected_hosts: ['vps'] } });
    await r.report('pi1', 10);
    await r.report('vps', 10);
    r.clock.now += 10 * MINUTE;
    await r.engine.tick();
    const silence = r.store.outbox.list().find((e) => e.about?.kind === 'alert' && e.about.host === 'pi1')!;
    r.clock.now += 2 * 24 * HOUR;
    await r.engine.tick();
    await r.engine.tick();
    const forgotten = r.posts().filter((p) => /no longer watched/.test(p));
    expect(forgotten).toEqual([expect.stringMatching(/^: pi1 has not reported for 2d/)]);
    const last = r.store.outbox
      .list()
      .find((e) => (e.about as { reason?: string } | undefined)?.reason === 'forgotten')!;
    expect(last.about).toMatchObject({ kind: 'alert', host: 'pi1', key: 'host_silent', reason: 'forgotten' });
    expect((last.about as { incidentStartMs: number }).incidentStartMs).toBe(
      (silence.about as { incidentStartMs: number }).incidentStartMs,
    );
    expect(r.engine.hosts().map((h) => h.hostname)).toEqual(['vps']);
    expect(r.store.alertLog.list().entries.filter((e) => e.transition === 'forgotten')).toEqual([
      expect.objectContaining({ hostname: 'pi1', key: 'host_silent' }),
    ]);
  });
});
