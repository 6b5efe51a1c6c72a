import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { AlertLogEntry } from '@janitor/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AlertLogInput, LogCursorError, openStore, type Store } from './index.ts';
import { encodeLogCursor } from './log-page.ts';
import { MIGRATIONS, migrate, schemaVersion } from './migrations.ts';

let dir: string;
let store: Store;

const MINUTE = 60_000;
/** 2026-12-01 09:00 UTC. */
const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);

const row = (over: Partial<AlertLogInput> = {}): AlertLogInput => ({
  atMs: T0,
  hostname: 'pi1',
  key: 'cpu_percent',
  label: 'CPU %',
  transition: 'firing',
  level: 'warning',
  value: 93,
  limit: 80,
  incidentStartMs: T0,
  ...over,
});

/** Every page of `list`, followed through its cursors. */
function allPages(filter: Parameters<Store['alertLog']['list']>[0] = {}): AlertLogEntry[][] {
  const pages: AlertLogEntry[][] = [];
  let cursor: string | undefined;
  do {
    const page = store.alertLog.list({ ...filter, ...(cursor === undefined ? {} : { cursor }) });
    pages.push(page.entries);
    cursor = page.next ?? undefined;
  } while (cursor !== undefined && pages.length < 100);
  return pages;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'janitor-store-alert-log-'));
  store = openStore({ path: join(dir, 'janitor.db'), now: () => T0 });
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('record', () => {
  it('records a row with its defaults and lists it as the contract shows it', () => {
    const recorded = store.alertLog.record(row({ level: undefined, value: undefined, limit: undefined }));
    const expected: AlertLogEntry = {
      id: 1,
      atMs: T0,
      hostname: 'pi1',
      key: 'cpu_percent',
      label: 'CPU %',
      transition: 'firing',
      level: null,
      value: null,
      limit: null,
      incidentStartMs: T0,
      endMs: null,
      durationMs: null,
      peak: null,
      statusUrl: null,
      by: null,
    };
    expect(recorded).toEqual(expected);
    expect(store.alertLog.list()).toEqual({ entries: [expected], next: null });
  });

  it('a resolved row carries its incident: start, end, duration and peak', () => {
    const start = T0 - 35 * MINUTE;
    store.alertLog.record(
      row({ transition: 'resolved', value: 41.2, incidentStartMs: start, endMs: T0 - MINUTE, peak: 99.5 }),
    );
    expect(store.alertLog.list().entries[0]).toMatchObject({
      transition: 'resolved',
      incidentStartMs: start,
      endMs: T0 - MINUTE,
      durationMs: 34 * MINUTE,
      peak: 99.5,
      value: 41.2,
    });
  });

  it('recordMany is one transaction: a bad row keeps the others out', () => {
    expect(() =>
      store.alertLog.recordMany([row(), row({ transition: 'exploded' as AlertLogInput['transition'] })]),
    ).toThrow(/transition must be one of pending, firing/);
    expect(store.alertLog.list().entries).toEqual([]);
  });

  it('inside the caller transaction: rolled back with it', () => {
    expect(() =>
      store.transaction(() => {
        store.alertLog.record(row());
        store.outbox.enqueue({ payload: { status: 'x' } });
        throw new Error('the post could not be queued');
      }),
    ).toThrow('the post could not be queued');
    expect(store.alertLog.list().entries).toEqual([]);
    expect(store.outbox.counts().pending).toBe(0);
  });

  it.each([
    ['a time that is not finite', { atMs: Number.NaN }, /atMs must be a finite time/],
    ['an empty key', { key: '' }, /needs a hostname and an alert key/],
    ['a level that is not a message type', { level: 'bad' as 'info' }, /level is not a message type/],
    ['an infinite value', { value: Number.POSITIVE_INFINITY }, /value must be a finite number/],
    ['an outbox id that is not an integer', { outboxId: 1.5 }, /outboxId must be an integer/],
  ])('refuses %s', (_what, over, message) => {
    expect(() => store.alertLog.record(row(over))).toThrow(message);
  });
});

describe('list', () => {
  it('pages through many rows newest first, each row once, the cursor ending with the last page', () => {
    // 7 hosts x 30 rows, times interleaved and some shared: order is time, then the order recorded.
    const inputs = Array.from({ length: 210 }, (_, i) =>
      row({ hostname: `pi${i % 7}`, atMs: T0 + Math.floor(i / 3) * MINUTE, value: i }),
    );
    store.alertLog.recordMany(inputs);
    const pages = allPages({ limit: 50 });
    expect(pages.map((p) => p.length)).toEqual([50, 50, 50, 50, 10]);
    const values = pages.flat().map((e) => e.value);
    expect(values).toEqual(inputs.map((_, i) => 209 - i));
    // A page exactly at the end says so (no empty page after it).
    expect(allPages({ limit: 105 }).map((p) => p.length)).toEqual([105, 105]);
    expect(store.alertLog.list().entries).toHaveLength(50);
  });

  it('a row recorded between two pages does not shift the next page', () => {
    store.alertLog.recordMany([1, 2, 3, 4].map((v) => row({ atMs: T0 + v * MINUTE, value: v })));
    const first = store.alertLog.list({ limit: 2 });
    store.alertLog.record(row({ atMs: T0 + 10 * MINUTE, value: 10 }));
    const second = store.alertLog.list({ limit: 2, cursor: first.next! });
    expect([...first.entries, ...second.entries].map((e) => e.value)).toEqual([4, 3, 2, 1]);
    expect(second.next).toBeNull();
  });

  it('filters by host, by time and by a token hosts', () => {
    store.alertLog.recordMany([
      row({ hostname: 'pi1', atMs: T0 }),
      row({ hostname: 'pi2', atMs: T0 + MINUTE }),
      row({ hostname: 'pi1', atMs: T0 + 2 * MINUTE }),
      row({ hostname: 'nas', atMs: T0 + 3 * MINUTE }),
    ]);
    const of = (filter: Parameters<Store['alertLog']['list']>[0]) =>
      store.alertLog.list(filter).entries.map((e) => `${e.hostname}@${(e.atMs - T0) / MINUTE}`);
    expect(of({ host: 'pi1' })).toEqual(['pi1@2', 'pi1@0']);
    expect(of({ fromMs: T0 + MINUTE })).toEqual(['nas@3', 'pi1@2', 'pi2@1']);
    expect(of({ hosts: ['pi2', 'nas'] })).toEqual(['nas@3', 'pi2@1']);
    expect(of({ hosts: [] })).toEqual([]);
    expect(of({ host: 'pi1', hosts: ['pi2'] })).toEqual([]);
    expect(of({ host: 'nobody' })).toEqual([]);
  });

  it('state=resolved: the rows that ended an incident, host_back included', () => {
    store.alertLog.recordMany([
      row({ transition: 'pending', atMs: T0 }),
      row({ transition: 'firing', atMs: T0 + MINUTE }),
      row({ transition: 'resolved', atMs: T0 + 2 * MINUTE, endMs: T0 + 2 * MINUTE }),
      row({ key: 'host_silent', transition: 'host_silent', atMs: T0 + 3 * MINUTE }),
      row({ key: 'host_silent', transition: 'host_back', atMs: T0 + 4 * MINUTE, endMs: T0 + 4 * MINUTE }),
    ]);
    const resolved = store.alertLog.list({ state: 'resolved' }).entries;
    expect(resolved.map((e) => e.transition)).toEqual(['host_back', 'resolved']);
  });

  it('state=firing: the latest row of each alert whose incident is open, per host', () => {
    store.alertLog.recordMany([
      // pi1 cpu: fired, reminded: open, shown by its latest row.
      row({ transition: 'firing', atMs: T0 }),
      row({ transition: 'repeated', atMs: T0 + 60 * MINUTE, value: 95 }),
      // pi1 memory: fired and resolved: closed.
      row({ key: 'memory_percent', transition: 'firing', atMs: T0 + MINUTE }),
      row({ key: 'memory_percent', transition: 'resolved', atMs: T0 + 2 * MINUTE }),
      // pi2 cpu: only pending: not firing.
      row({ hostname: 'pi2', transition: 'pending', atMs: T0 + 3 * MINUTE }),
      // pi2 disk: fired during a silence (held back): open.
      row({ hostname: 'pi2', key: 'disk_usage_percent@/', transition: 'silenced', atMs: T0 + 4 * MINUTE }),
      // nas: silent host: open.
      row({ hostname: 'nas', key: 'host_silent', transition: 'host_silent', atMs: T0 + 5 * MINUTE }),
    ]);
    const firing = (filter = {}) =>
      store.alertLog.list({ state: 'firing', ...filter }).entries.map((e) => `${e.hostname} ${e.key} ${e.transition}`);
    expect(firing()).toEqual([
      'pi1 cpu_percent repeated',
      'nas host_silent host_silent',
      'pi2 disk_usage_percent@/ silenced',
    ]);
    expect(firing({ host: 'pi1' })).toEqual(['pi1 cpu_percent repeated']);
    expect(firing({ hosts: ['nas', 'pi2'] })).toEqual([
      'nas host_silent host_silent',
      'pi2 disk_usage_percent@/ silenced',
    ]);
    expect(store.alertLog.list({ state: 'firing', limit: 1 }).next).not.toBeNull();
  });

  it('joins the status URL of a transition whose post the server confirmed, by outbox entry', () => {
    const entry = store.outbox.enqueue({
      payload: { status: 'CPU' },
      groupKey: 'pi1',
      about: { kind: 'alert', host: 'pi1', key: 'cpu_percent', incidentStartMs: T0, reason: 'firing' },
    });
    store.alertLog.recordMany([row({ outboxId: entry.id }), row({ key: 'memory_percent', outboxId: entry.id })]);
    store.alertLog.record(row({ transition: 'pending', atMs: T0 - MINUTE }));
    expect(store.alertLog.list().entries.map((e) => e.statusUrl)).toEqual([null, null, null]);
    // A thread: the URL of its first part.
    store.outbox.complete(entry.id, entry.idempotencyKey, {
      statuses: [
        { id: '900', url: 'https://social.example/@janitor/900' },
        { id: '901', url: 'https://social.example/@janitor/901' },
      ],
    });
    expect(store.alertLog.list().entries.map((e) => e.statusUrl)).toEqual([
      'https://social.example/@janitor/900',
      'https://social.example/@janitor/900',
      null,
    ]);
  });

  it('a cursor that was tampered with, cut or taken from the other log is a LogCursorError, not a wrong page', () => {
    store.alertLog.recordMany([1, 2, 3].map((v) => row({ atMs: T0 + v * MINUTE })));
    const { next } = store.alertLog.list({ limit: 1 });
    expect(next).toMatch(/^[A-Za-z0-9_-]+$/);
    const bad = [
      `${next!.slice(0, -1)}${next!.endsWith('A') ? 'B' : 'A'}`,
      next!.slice(0, 5),
      'not a cursor!',
      Buffer.from('a:12:x').toString('base64url'),
      encodeLogCursor('m', { atMs: T0, id: 1 }),
      '',
    ];
    for (const cursor of bad) {
      let thrown: unknown;
      try {
        store.alertLog.list({ cursor });
      } catch (error) {
        thrown = error;
      }
      expect(thrown, cursor).toBeInstanceOf(LogCursorError);
      expect((thrown as LogCursorError).field).toBe('cursor');
      expect((thrown as Error).message).toMatch(
        /^cursor ".*" (is not a cursor this hub handed out|belongs to another log)$/,
      );
    }
  });

  it('refuses a page size outside 1..500', () => {
    for (const limit of [0, 501, 2.5]) expect(() => store.alertLog.list({ limit })).toThrow(/1 to 500 rows/);
    expect(store.alertLog.list({ limit: 500 }).entries).toEqual([]);
  });
});

describe('purge', () => {
  it('deletes the rows older than the time given, and only those', () => {
    store.alertLog.recordMany([0, 1, 2, 3].map((d) => row({ atMs: T0 + d * 86_400_000, value: d })));
    expect(store.alertLog.purge(T0 + 2 * 86_400_000)).toBe(2);
    expect(store.alertLog.list().entries.map((e) => e.value)).toEqual([3, 2]);
    expect(store.alertLog.purge(T0)).toBe(0);
    expect(() => store.alertLog.purge(Number.NaN)).toThrow(/olderThanMs must be a finite time/);
  });
});

describe('migration 5', () => {
  it('adds both logs to a file of the version before, whose notification log then joins by outbox entry', () => {
    const path = join(dir, 'old.db');
    const old = new DatabaseSync(path);
    migrate(old, MIGRATIONS.slice(0, 4));
    old
      .prepare(
        `INSERT INTO notification (status_id, url, posted_at_ms, outbox_id, kind, about)
         VALUES ('1', 'https://s.example/1', 0, 42, 'report', '{"kind":"report"}')`,
      )
      .run();
    old.close();
    const upgraded = openStore({ path });
    try {
      upgraded.alertLog.record(row({ outboxId: 42 }));
      upgraded.messageLog.record({ source: '127.0.0.1', type: 'none', text: 'hi', outboxId: 42 });
      expect(upgraded.alertLog.list().entries[0]?.statusUrl).toBe('https://s.example/1');
      expect(upgraded.messageLog.list().entries[0]).toMatchObject({ statusUrl: 'https://s.example/1', posted: true });
    } finally {
      upgraded.close();
    }
    const check = new DatabaseSync(path);
    expect(schemaVersion(check)).toBe(MIGRATIONS.length);
    check.close();
  });
});
