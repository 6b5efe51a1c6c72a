import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { PostAbout } from '@janitor/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_NOTIFICATION_RETENTION_MS, type NotificationInput, openStore, type Store } from './index.ts';
import { MIGRATIONS, migrate, schemaVersion } from './migrations.ts';

let dir: string;
let store: Store;
let clockMs: number;

const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
const incident = { host: 'pi', key: 'disk_usage_percent@/data', incidentStartMs: T0 - 60_000 };
const alert = (reason: string, over: Partial<typeof incident> = {}): PostAbout => ({
  kind: 'alert',
  ...incident,
  ...over,
  reason,
});
const status = (statusId: string, about: PostAbout, postedAtMs: number, extra: Partial<NotificationInput> = {}) => ({
  statusId,
  url: `https://social.example/@janitor/${statusId}`,
  postedAtMs,
  about,
  ...extra,
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'janitor-store-notifications-'));
  clockMs = T0;
  store = openStore({ path: join(dir, 'janitor.db'), now: () => clockMs });
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('record and look up', () => {
  it('records a status with its defaults and reads it back by status id', () => {
    const entry = store.notifications.record(status('101', alert('firing'), T0));
    expect(entry).toEqual({
      id: 1,
      statusId: '101',
      url: 'https://social.example/@janitor/101',
      postedAtMs: T0,
      part: 0,
      outboxId: null,
      groupKey: null,
      about: alert('firing'),
    });
    expect(store.notifications.about('101')).toEqual(entry);
    expect(store.notifications.about('999')).toBeUndefined();
    expect(store.notifications.allAbout('999')).toEqual([]);
  });

  it('the first and last status of an incident, not those of another incident, host or rule', () => {
    const { notifications } = store;
    notifications.record(status('100', alert('firing', { incidentStartMs: T0 - 86_400_000 }), T0 - 86_000_000));
    notifications.record(status('101', alert('firing'), T0));
    notifications.record(status('102', alert('repeat'), T0 + 3_600_000));
    notifications.record(status('103', alert('resolved'), T0 + 7_200_000));
    notifications.record(status('104', alert('firing', { host: 'pi2' }), T0 + 8_000_000));
    notifications.record(status('105', alert('firing', { key: 'cpu_percent' }), T0 + 9_000_000));
    notifications.record(status('106', { kind: 'message', host: 'pi', groupKey: 'pi' }, T0 + 10_000_000));

    expect(notifications.firstOfIncident(incident)?.statusId).toBe('101');
    expect(notifications.lastOfIncident(incident)).toMatchObject({ statusId: '103', about: alert('resolved') });
    const earlier = { ...incident, incidentStartMs: T0 - 86_400_000 };
    expect(notifications.firstOfIncident(earlier)?.statusId).toBe('100');
    expect(notifications.lastOfIncident(earlier)?.statusId).toBe('100');
    expect(notifications.lastOfIncident({ ...incident, host: 'pi2' })?.statusId).toBe('104');
    expect(notifications.firstOfIncident({ ...incident, incidentStartMs: T0 })).toBeUndefined();
    expect(notifications.lastOfIncident({ ...incident, host: 'pi3' })).toBeUndefined();
  });

  it('orders by the time posted, and rows of the same time in the order recorded (a thread: its last part last)', () => {
    // Recorded out of time order: a late confirmation of an earlier post.
    store.notifications.record(status('202', alert('repeat'), T0 + 10));
    store.notifications.recordMany([
      status('200', alert('firing'), T0, { part: 0 }),
      status('201', alert('firing'), T0, { part: 1 }),
    ]);
    expect(store.notifications.firstOfIncident(incident)?.statusId).toBe('200');
    expect(store.notifications.lastOfIncident(incident)?.statusId).toBe('202');
    store.notifications.record(status('203', alert('repeat'), T0 + 10, { part: 0 }));
    store.notifications.record(status('204', alert('repeat'), T0 + 10, { part: 1 }));
    expect(store.notifications.lastOfIncident(incident)).toMatchObject({ statusId: '204', part: 1 });
  });

  it('a status about several things (a merged post) answers with its first row, and all of them', () => {
    const other: PostAbout = { kind: 'message', host: 'pi', thread: 'backup' };
    store.notifications.recordMany([
      status('300', alert('firing'), T0, { outboxId: 7, groupKey: 'pi' }),
      status('300', other, T0, { outboxId: 9, groupKey: 'pi' }),
    ]);
    expect(store.notifications.about('300')).toMatchObject({ outboxId: 7, about: alert('firing') });
    expect(store.notifications.allAbout('300').map((e) => [e.outboxId, e.about])).toEqual([
      [7, alert('firing')],
      [9, other],
    ]);
  });

  it('refuses what it cannot hold, and a bad row in a batch writes none of it', () => {
    const bad: [string, Partial<NotificationInput>][] = [
      ['an empty status id', { statusId: '' }],
      ['a NaN time', { postedAtMs: Number.NaN }],
      ['a negative part', { part: -1 }],
      ['a fractional outbox id', { outboxId: 1.5 }],
      ['an unknown kind', { about: { kind: 'checkin' } as unknown as PostAbout }],
      ['an alert without its incident', { about: { kind: 'alert', host: 'pi', key: 'x' } as unknown as PostAbout }],
    ];
    for (const [what, over] of bad) {
      expect({
        what,
        thrown: thrownName(() => store.notifications.record({ ...status('1', alert('x'), T0), ...over })),
      }).toEqual({ what, thrown: 'TypeError' });
    }
    expect(() =>
      store.notifications.recordMany([status('400', alert('firing'), T0), status('', alert('firing'), T0)]),
    ).toThrow(TypeError);
    expect(store.notifications.about('400')).toBeUndefined();
  });

  it('keeps the rows across a reopen', () => {
    store.notifications.record(status('500', alert('firing'), T0, { outboxId: 3, groupKey: 'pi' }));
    store.close();
    store = openStore({ path: join(dir, 'janitor.db'), now: () => clockMs });
    expect(store.notifications.lastOfIncident(incident)).toMatchObject({
      statusId: '500',
      outboxId: 3,
      groupKey: 'pi',
    });
  });
});

describe('purge', () => {
  it('deletes the rows posted before the time given and counts them', () => {
    store.notifications.record(status('600', alert('firing'), T0));
    store.notifications.record(status('601', alert('repeat'), T0 + 1000));
    store.notifications.record(status('602', alert('resolved'), T0 + 2000));
    expect(store.notifications.purge(T0 + 1000)).toBe(1);
    expect(store.notifications.about('600')).toBeUndefined();
    expect(store.notifications.firstOfIncident(incident)?.statusId).toBe('601');
    expect(store.notifications.purge(T0 + 1000)).toBe(0);
    expect(store.notifications.purge(T0 + 2001)).toBe(2);
    expect(store.notifications.lastOfIncident(incident)).toBeUndefined();
    expect(() => store.notifications.purge(Number.NaN)).toThrow(TypeError);
  });

  it('the default retention is 400 days', () => {
    expect(DEFAULT_NOTIFICATION_RETENTION_MS).toBe(400 * 86_400_000);
  });
});

describe('the lookups use the indexes', () => {
  const plan = (sql: string) => {
    const db = new DatabaseSync(store.path);
    try {
      return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('; ');
    } finally {
      db.close();
    }
  };

  it.each([
    [
      'lastOfIncident',
      `SELECT * FROM notification WHERE kind = 'alert' AND host = CAST('pi' AS TEXT) AND alert_key = CAST('k' AS TEXT)
       AND incident_start_ms = CAST(1 AS INTEGER) ORDER BY posted_at_ms DESC, id DESC LIMIT 1`,
      'notification_by_incident',
    ],
    ['about', `SELECT * FROM notification WHERE status_id = '1' ORDER BY id`, 'notification_by_status'],
    ['purge', 'DELETE FROM notification WHERE posted_at_ms < 5', 'notification_by_time'],
  ])('%s', (_, sql, index) => {
    expect(plan(sql)).toContain(index);
    expect(plan(sql)).not.toContain('USE TEMP B-TREE');
  });
});

describe('the migration from a file of the previous version', () => {
  it('adds the log to a version-2 file and keeps its outbox, which then logs what it posts', () => {
    store.close();
    const path = join(dir, 'old.db');
    const old = new DatabaseSync(path);
    migrate(old, MIGRATIONS.slice(0, 2));
    old
      .prepare(
        `INSERT INTO outbox (created_at_ms, payload, group_key, idempotency_key, not_before_ms)
         VALUES (?, ?, 'pi', 'key-1', ?)`,
      )
      .run(T0, JSON.stringify({ kind: 'message', message: { text: 'queued before the upgrade' } }), T0);
    old.prepare(`INSERT INTO kv (key, value) VALUES ('budget', '[1, 2]')`).run();
    expect(schemaVersion(old)).toBe(2);
    old.close();

    store = openStore({ path, now: () => clockMs });
    const [entry] = store.outbox.list();
    expect(entry).toEqual({
      id: 1,
      createdAtMs: T0,
      payload: { kind: 'message', message: { text: 'queued before the upgrade' } },
      groupKey: 'pi',
      idempotencyKey: 'key-1',
      attempts: 0,
      notBeforeMs: T0,
      lastError: null,
      state: 'pending',
    });
    expect(store.kv.get('budget')).toEqual([1, 2]);
    expect(store.outbox.complete(1, 'key-1', { statuses: [{ id: '700', url: null }] })).toBe(true);
    expect(store.notifications.about('700')).toMatchObject({ outboxId: 1, groupKey: 'pi', about: { kind: 'report' } });
    store.close();

    const db = new DatabaseSync(path);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    db.close();
    store = openStore({ path, now: () => clockMs });
  });
});

function thrownName(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).name;
  }
  return 'nothing';
}

describe('threads: what a new post replies to', () => {
  const HOUR = 3_600_000;
  const message = (thread?: string): PostAbout => ({ kind: 'message', host: 'pi', ...(thread ? { thread } : {}) });

  it('continues an incident after its latest status, and knows nothing of another incident', () => {
    store.notifications.record(status('1', alert('firing'), T0));
    store.notifications.record(status('2', alert('repeat'), T0 + HOUR));
    const window = { nowMs: T0 + 2 * HOUR, threadWindowMs: 24 * HOUR };
    expect(store.notifications.replyTarget(alert('resolved'), window)).toBe('2');
    expect(store.notifications.replyTarget(alert('firing', { incidentStartMs: T0 + HOUR }), window)).toBeUndefined();
  });

  it('replies to the first message of a thread key within the window, and starts anew after it', () => {
    store.notifications.record(status('10', message('backup'), T0));
    store.notifications.record(status('11', message('backup'), T0 + HOUR));
    store.notifications.record(status('12', message('other'), T0 + HOUR));
    expect(
      store.notifications.replyTarget(message('backup'), { nowMs: T0 + 2 * HOUR, threadWindowMs: 24 * HOUR }),
    ).toBe('10');
    // 25 hours later the first is out of the window: the next one continues from the oldest still in it.
    expect(
      store.notifications.replyTarget(message('backup'), { nowMs: T0 + 24.5 * HOUR, threadWindowMs: 24 * HOUR }),
    ).toBe('11');
    expect(
      store.notifications.replyTarget(message('backup'), { nowMs: T0 + 48 * HOUR, threadWindowMs: 24 * HOUR }),
    ).toBeUndefined();
    expect(store.notifications.replyTarget(message(), { nowMs: T0 + HOUR, threadWindowMs: 24 * HOUR })).toBeUndefined();
    expect(store.notifications.firstOfThread('other', T0)?.statusId).toBe('12');
  });
});
