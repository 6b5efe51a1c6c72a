// The check engine over a real store in a temporary file, the clock injected: pings and the periodic check move each
// check's state, only changes are posted (one thread per problem, through `about`), and everything survives a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CheckDefinition, parseChecks } from '@janitor/checks';
import { openStore, type Store } from '@janitor/store';
import { afterEach, describe, expect, it } from 'vitest';
import { type CheckEngine, type CheckEngineStore, createCheckEngine } from './check-engine.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** 2026-11-03 02:00 UTC. */
const T0 = Date.UTC(2026, 10, 3, 2, 0);

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function openTemp(dir = mkdtempSync(join(tmpdir(), 'janitor-check-engine-'))): Store {
  if (!dirs.includes(dir)) dirs.push(dir);
  const store = openStore({ path: join(dir, 'janitor.db') });
  stores.push(store);
  return store;
}

function declared(raw: unknown[]): CheckDefinition[] {
  const { checks, problems } = parseChecks(raw);
  expect(problems).toEqual([]);
  return checks;
}

const CHECKS = declared([
  { slug: 'backup', schedule: '0 2 * * *', grace: '5m', host: 'nas' },
  { slug: 'certbot', period: '12h', grace: '1h', repeat: '6h' },
]);

interface Rig {
  store: Store;
  engine: CheckEngine;
  clock: { now: number };
  /** The posts queued, oldest first: `[about.reason, about.host, about.key, about.incidentStartMs, type, text]`. */
  posts(): [string, string, string, number, string, string][];
  /** The alert log, oldest first, as `host key transition level`. */
  log(): string[];
}

interface RigOptions {
  store?: Store;
  checks?: CheckDefinition[];
  autoCreate?: boolean;
  maxChecks?: number;
  clock?: { now: number };
}

function rig(options: RigOptions = {}): Rig {
  const store = options.store ?? openTemp();
  const clock = options.clock ?? { now: T0 };
  const engine = createCheckEngine({
    checks: { list: options.checks ?? CHECKS, autoCreate: options.autoCreate ?? false },
    store,
    now: () => clock.now,
    ...(options.maxChecks === undefined ? {} : { maxChecks: options.maxChecks }),
  });
  return {
    store,
    engine,
    clock,
    posts: () =>
      store.outbox.list().map((entry) => {
        const about = entry.about as { reason: string; host: string; key: string; incidentStartMs: number };
        const report = (entry.payload as { report: { type: string; text: string } }).report;
        return [about.reason, about.host, about.key, about.incidentStartMs, report.type, report.text];
      }),
    log: () =>
      store.alertLog
        .list({ limit: 500 })
        .entries.reverse()
        .map((r) => `${r.hostname} ${r.key} ${r.transition} ${r.level}`),
  };
}

describe('pings', () => {
  it('posts a failure once, and its end as a reply in the same thread', async () => {
    const { engine, clock, posts, log, store } = rig();
    clock.now = T0 + 3 * MINUTE;
    const first = await engine.ping('backup', { exit: 3 }, 'copying\nrsync: disk full');
    expect(first).toMatchObject({ accepted: true, created: false, queued: [1] });
    clock.now += HOUR;
    const again = await engine.ping('backup', 'fail', 'still full');
    expect(again).toMatchObject({ accepted: true, queued: [] });
    clock.now += HOUR;
    await engine.ping('backup');
    const since = T0 + 3 * MINUTE;
    expect(posts()).toEqual([
      [
        'firing',
        'nas',
        'check:backup',
        since,
        'error',
        'backup failed (exit 3)\n\nlast 2 lines of output:\ncopying\nrsync: disk full',
      ],
      ['resolved', 'nas', 'check:backup', since, 'info', 'backup is back: success at 04:03 UTC, after failing for 2h'],
    ]);
    expect(log()).toEqual(['nas check:backup firing error', 'nas check:backup resolved error']);
    const [firing, resolved] = store.alertLog.list().entries.reverse();
    expect(firing).toMatchObject({ label: 'check backup', value: 3, incidentStartMs: since });
    expect(resolved).toMatchObject({ endMs: since + 2 * HOUR, durationMs: 2 * HOUR });
    // Both failures are in the message log with their output, linked to the thread's first post.
    const messages = store.messageLog.list().entries.reverse();
    expect(messages.map((m) => [m.source, m.hostname, m.type, m.summary, m.text, m.outboxId])).toEqual([
      ['ping:backup', 'nas', 'error', 'backup failed (exit 3)', 'copying\nrsync: disk full', 1],
      ['ping:backup', 'nas', 'error', 'backup failed', 'still full', 1],
    ]);
  });

  it('refuses an unknown slug without auto-creation, and writes nothing', async () => {
    const { engine, store } = rig();
    expect(await engine.ping('nope', 'fail')).toEqual({ accepted: false, reason: 'unknown' });
    expect(engine.find('nope')).toBeUndefined();
    expect(store.kv.get('checks.state.nope')).toBeUndefined();
    expect(store.outbox.list()).toEqual([]);
  });

  it('creates a check on its first ping when auto-creation is on, up to the limit', async () => {
    const { engine, clock } = rig({ autoCreate: true, maxChecks: 3 });
    expect(await engine.ping('db-dump', 'success')).toMatchObject({ accepted: true, created: true });
    expect(await engine.ping('db-dump', 'success')).toMatchObject({ accepted: true, created: false });
    expect(await engine.ping('one-too-many', 'success')).toEqual({ accepted: false, reason: 'full' });
    expect(engine.find('db-dump')).toMatchObject({ auto: true, graceMs: HOUR, timing: { periodMs: 24 * HOUR } });
    // Its daily period and hour's grace: late after 25 hours.
    clock.now += 25 * HOUR + 1;
    expect((await engine.tick()).queued).toHaveLength(3);
    expect(engine.view().checks.map((c) => [c.slug, c.status, c.autoCreated])).toEqual([
      ['backup', 'late', false],
      ['certbot', 'late', false],
      ['db-dump', 'late', true],
    ]);
  });
});

describe('time passing', () => {
  it('posts a late check at the tick after its deadline, once, and its return in the thread', async () => {
    const { engine, clock, posts } = rig({ checks: CHECKS.filter((c) => c.slug === 'backup') });
    clock.now = T0 + 2 * MINUTE;
    await engine.ping('backup');
    // Due again tomorrow 02:00, grace 5m.
    clock.now = T0 + 24 * HOUR + 5 * MINUTE;
    expect((await engine.tick()).queued).toEqual([]);
    clock.now += 30_000;
    const late = await engine.tick();
    expect(late.queued).toHaveLength(1);
    clock.now += 30_000;
    expect((await engine.tick()).queued).toEqual([]);
    clock.now += HOUR;
    await engine.ping('backup');
    const since = T0 + 24 * HOUR + 5 * MINUTE + 30_000;
    expect(posts().map(([reason, host, key, start, type]) => [reason, host, key, start, type])).toEqual([
      ['firing', 'nas', 'check:backup', since, 'warning'],
      ['resolved', 'nas', 'check:backup', since, 'info'],
    ]);
    expect(posts()[0]![5]).toBe('backup is late: expected by 02:05 UTC, last ping 24h ago\n0 2 * * * (UTC), grace 5m');
  });

  it('posts a run that ran too long, reminds with repeat, and resolves on success', async () => {
    const { engine, clock, posts, log } = rig();
    await engine.ping('certbot', 'start');
    clock.now += HOUR;
    expect((await engine.tick()).queued).toEqual([]);
    clock.now += 1;
    await engine.tick();
    clock.now += 6 * HOUR;
    await engine.tick();
    clock.now += MINUTE;
    await engine.ping('certbot', { exit: 0 });
    expect(posts().map(([reason, host, , , type]) => [reason, host, type])).toEqual([
      ['firing', 'checks', 'warning'],
      ['repeat', 'checks', 'warning'],
      ['resolved', 'checks', 'info'],
    ]);
    expect(posts()[0]![5]).toBe('certbot ran too long: started 02:00 UTC, no success within 1h');
    expect(log()).toEqual([
      'checks check:certbot firing warning',
      'checks check:certbot repeated warning',
      'checks check:certbot resolved warning',
    ]);
  });

  it('escalates a late check that then fails, in the same thread', async () => {
    const { engine, clock, posts, log } = rig();
    await engine.ping('certbot');
    clock.now += 13 * HOUR + 1;
    await engine.tick();
    clock.now += MINUTE;
    await engine.ping('certbot', { exit: 1 });
    expect(posts().map(([reason, , , start, type]) => [reason, start, type])).toEqual([
      ['firing', T0 + 13 * HOUR + 1, 'warning'],
      ['escalated', T0 + 13 * HOUR + 1, 'error'],
    ]);
    expect(log()).toEqual(['checks check:certbot firing warning', 'checks check:certbot escalated error']);
  });

  it('times a declared check that never pinged from when the hub first knew it', async () => {
    const { engine, clock } = rig();
    clock.now = T0 + 12 * HOUR + HOUR + 1;
    await engine.tick();
    const view = engine.view();
    expect(view.checks.find((c) => c.slug === 'certbot')).toMatchObject({
      status: 'late',
      lastPingMs: null,
      problemSinceMs: clock.now,
      nextDeadlineMs: null,
    });
    // backup: created at 02:00, so due at tomorrow's 02:00 + 5m.
    expect(view.checks.find((c) => c.slug === 'backup')).toMatchObject({
      status: 'new',
      nextDeadlineMs: T0 + 24 * HOUR + 5 * MINUTE,
    });
  });
});

describe('a restart', () => {
  it('keeps every check’s state and its open problem: the success after it still replies in the thread', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'janitor-check-engine-'));
    const clock = { now: T0 };
    const first = rig({ store: openTemp(dir), clock, autoCreate: true });
    await first.engine.ping('backup', 'fail');
    await first.engine.ping('made-up', 'start');
    first.store.close();

    clock.now += HOUR;
    // Auto-creation turned off: the check a ping created is still known.
    const second = rig({ store: openTemp(dir), clock, autoCreate: false });
    expect(second.engine.view().checks.map((c) => [c.slug, c.status, c.lastPingKind])).toEqual([
      ['backup', 'failed', 'fail'],
      ['certbot', 'new', null],
      ['made-up', 'running', 'start'],
    ]);
    expect(await second.engine.ping('backup', 'fail')).toMatchObject({ accepted: true, queued: [] });
    await second.engine.ping('backup');
    expect(second.posts().map(([reason, , , start]) => [reason, start])).toEqual([
      ['firing', T0],
      ['resolved', T0],
    ]);
    // The declared check that never pinged keeps being timed from the first start, not the restart.
    expect(second.engine.view().checks[1]!.nextDeadlineMs).toBe(T0 + 13 * HOUR);
  });
});

describe('one transaction', () => {
  it('writes nothing of a ping whose post cannot be queued, and answers with the failure', async () => {
    const store = openTemp();
    const failing: CheckEngineStore = {
      transaction: (fn) => store.transaction(fn),
      kv: store.kv,
      alertLog: store.alertLog,
      messageLog: store.messageLog,
      outbox: {
        enqueueMany: () => {
          throw new Error('disk full');
        },
      },
    };
    const engine = createCheckEngine({ checks: { list: CHECKS, autoCreate: false }, store: failing, now: () => T0 });
    await expect(engine.ping('backup', 'fail')).rejects.toThrow('disk full');
    expect(store.kv.get('checks.state.backup')).toMatchObject({ pings: 0 });
    expect(engine.view().checks[0]).toMatchObject({ slug: 'backup', status: 'new', lastPingMs: null });
    expect(store.alertLog.list().entries).toEqual([]);
  });
});
