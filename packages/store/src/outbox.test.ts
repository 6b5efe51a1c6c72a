import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store, StoreError } from './index.ts';

let dir: string;
let store: Store;
let clockMs: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'janitor-store-outbox-'));
  clockMs = 1_000_000;
  store = openStore({ path: join(dir, 'janitor.db'), now: () => clockMs });
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const ids = (entries: readonly { id: number }[]) => entries.map((e) => e.id);

/** Takes what a worker would post, in order, completing each: the posting order at `nowMs`. */
function drain(nowMs = clockMs): unknown[] {
  const posted: unknown[] = [];
  for (let entry = store.outbox.next(nowMs); entry; entry = store.outbox.next(nowMs)) {
    posted.push(entry.payload);
    store.outbox.complete(entry.id);
  }
  return posted;
}

describe('enqueue, next, complete', () => {
  it('returns a durable entry with a fresh idempotency key, due now', () => {
    const entry = store.outbox.enqueue({ payload: { status: 'disk full', n: 1 }, groupKey: 'pi' });
    expect(entry).toEqual({
      id: 1,
      createdAtMs: clockMs,
      payload: { status: 'disk full', n: 1 },
      groupKey: 'pi',
      idempotencyKey: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      attempts: 0,
      notBeforeMs: clockMs,
      lastError: null,
      state: 'pending',
    });
    expect(store.outbox.get(entry.id)).toEqual(entry);
    expect(store.outbox.enqueue({ payload: 2 }).idempotencyKey).not.toBe(entry.idempotencyKey);
  });

  it('posts in insertion order and forgets an entry once completed', () => {
    for (const text of ['a', 'b', 'c']) store.outbox.enqueue({ payload: text });
    const first = store.outbox.next()!;
    expect(first.payload).toBe('a');
    // Not completed yet: the worker asking again gets the same entry.
    expect(store.outbox.next()?.id).toBe(first.id);
    expect(store.outbox.complete(first.id)).toBe(true);
    expect(store.outbox.complete(first.id)).toBe(false);
    expect(store.outbox.get(first.id)).toBeUndefined();
    expect(drain()).toEqual(['b', 'c']);
    expect(store.outbox.next()).toBeUndefined();
  });

  it('enqueueMany adds a burst in order, in one transaction: a bad payload stores none of it', () => {
    const entries = store.outbox.enqueueMany([{ payload: 'a' }, { payload: 'b', groupKey: 'h' }, { payload: 'c' }]);
    expect(ids(entries)).toEqual([1, 2, 3]);
    expect(entries[1]?.groupKey).toBe('h');
    expect(() => store.outbox.enqueueMany([{ payload: 'd' }, { payload: undefined }, { payload: 'e' }])).toThrow(
      TypeError,
    );
    expect(ids(store.outbox.list())).toEqual([1, 2, 3]);
    expect(store.outbox.enqueueMany([])).toEqual([]);
  });

  it('reads the payload back as JSON', () => {
    const entry = store.outbox.enqueue({ payload: { at: new Date(0), list: [1, 'x', null], nested: { ok: true } } });
    expect(store.outbox.next()?.payload).toEqual({
      at: '1970-01-01T00:00:00.000Z',
      list: [1, 'x', null],
      nested: { ok: true },
    });
    expect(entry.payload).toEqual(store.outbox.next()?.payload);
    expect(() => store.outbox.enqueue({ payload: () => 1 })).toThrow(/not JSON-serialisable/);
  });

  it('never reuses an id, even after the newest entry was completed and the file reopened', () => {
    const a = store.outbox.enqueue({ payload: 'a' });
    store.outbox.complete(a.id);
    store.close();
    store = openStore({ path: join(dir, 'janitor.db'), now: () => clockMs });
    expect(store.outbox.enqueue({ payload: 'b' }).id).toBe(a.id + 1);
  });

  it('complete with an idempotency key deletes only the entry that still has that key', () => {
    const entry = store.outbox.enqueue({ payload: 'a' });
    expect(store.outbox.complete(entry.id, 'another-key')).toBe(false);
    expect(store.outbox.get(entry.id)).toMatchObject({ id: entry.id, payload: 'a' });
    expect(store.outbox.complete(entry.id, entry.idempotencyKey)).toBe(true);
  });
});

describe('ordering within a group', () => {
  it('keeps per-group order across a backoff while other groups overtake', () => {
    const a1 = store.outbox.enqueue({ payload: 'a1', groupKey: 'a' });
    store.outbox.enqueue({ payload: 'a2', groupKey: 'a' });
    store.outbox.enqueue({ payload: 'b1', groupKey: 'b' });
    store.outbox.enqueue({ payload: 'n1' });
    store.outbox.retry(a1.id, { notBeforeMs: clockMs + 60_000, error: '503' });
    // a1 waits, so a2 waits behind it; b1 and the ungrouped entry go.
    expect(drain()).toEqual(['b1', 'n1']);
    expect(store.outbox.nextDueAtMs()).toBe(clockMs + 60_000);
    expect(drain(clockMs + 60_000)).toEqual(['a1', 'a2']);
  });

  it('a later entry of a group that is due waits for an older one that is not', () => {
    store.outbox.enqueue({ payload: 'later', groupKey: 'a', notBeforeMs: clockMs + 10 });
    store.outbox.enqueue({ payload: 'now', groupKey: 'a' });
    expect(store.outbox.next()).toBeUndefined();
    expect(store.outbox.nextDueAtMs()).toBe(clockMs + 10);
    expect(drain(clockMs + 10)).toEqual(['later', 'now']);
  });

  it('entries without a group are not ordered against each other', () => {
    store.outbox.enqueue({ payload: 'x', notBeforeMs: clockMs + 10 });
    store.outbox.enqueue({ payload: 'y' });
    expect(drain()).toEqual(['y']);
  });

  it('a dead entry does not block its group', () => {
    const a1 = store.outbox.enqueue({ payload: 'a1', groupKey: 'a' });
    store.outbox.enqueue({ payload: 'a2', groupKey: 'a' });
    store.outbox.kill(a1.id, '422 Unprocessable');
    expect(drain()).toEqual(['a2']);
  });

  it('nextDueAtMs is null when nothing is pending', () => {
    expect(store.outbox.nextDueAtMs()).toBeNull();
    store.outbox.kill(store.outbox.enqueue({ payload: 1 }).id, '400');
    expect(store.outbox.nextDueAtMs()).toBeNull();
  });
});

describe('retry', () => {
  it('is not due before notBeforeMs, records the attempt and the error, keeps the key', () => {
    const entry = store.outbox.enqueue({ payload: 'a' });
    expect(store.outbox.retry(entry.id, { notBeforeMs: clockMs + 5_000, error: '503 Service Unavailable' })).toBe(true);
    expect(store.outbox.next(clockMs + 4_999)).toBeUndefined();
    clockMs += 5_000;
    expect(store.outbox.next()).toMatchObject({
      id: entry.id,
      attempts: 1,
      notBeforeMs: clockMs,
      lastError: '503 Service Unavailable',
      idempotencyKey: entry.idempotencyKey,
    });
    store.outbox.retry(entry.id, { notBeforeMs: clockMs + 10_000.2, error: 'fetch failed' });
    expect(store.outbox.get(entry.id)).toMatchObject({
      attempts: 2,
      notBeforeMs: clockMs + 10_001,
      lastError: 'fetch failed',
    });
  });

  it('rotateKey gives a new idempotency key', () => {
    const entry = store.outbox.enqueue({ payload: 'a' });
    store.outbox.retry(entry.id, { notBeforeMs: clockMs, error: '429', rotateKey: true });
    const rotated = store.outbox.get(entry.id)!;
    expect(rotated.idempotencyKey).not.toBe(entry.idempotencyKey);
    expect(rotated.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('is refused for an entry that is gone or dead', () => {
    const entry = store.outbox.enqueue({ payload: 'a' });
    store.outbox.kill(entry.id, '400');
    expect(store.outbox.retry(entry.id, { notBeforeMs: clockMs, error: 'x' })).toBe(false);
    expect(store.outbox.retry(999, { notBeforeMs: clockMs, error: 'x' })).toBe(false);
    expect(() => store.outbox.retry(entry.id, { notBeforeMs: Number.NaN, error: 'x' })).toThrow(TypeError);
  });
});

describe('dead letters', () => {
  it('kill, list, counts and revive', () => {
    const a = store.outbox.enqueue({ payload: 'a' });
    clockMs += 1;
    const b = store.outbox.enqueue({ payload: 'b' });
    clockMs += 1;
    const c = store.outbox.enqueue({ payload: 'c' });
    expect(store.outbox.counts()).toEqual({ pending: 3, dead: 0, oldestPendingMs: a.createdAtMs });

    expect(store.outbox.kill(a.id, '422 text too long')).toBe(true);
    expect(store.outbox.kill(a.id, 'again')).toBe(false);
    expect(store.outbox.counts()).toEqual({ pending: 2, dead: 1, oldestPendingMs: b.createdAtMs });
    expect(store.outbox.list({ state: 'dead' })).toEqual([
      expect.objectContaining({ id: a.id, state: 'dead', attempts: 1, lastError: '422 text too long' }),
    ]);
    expect(ids(store.outbox.list({ state: 'pending' }))).toEqual([b.id, c.id]);
    expect(ids(store.outbox.list())).toEqual([a.id, b.id, c.id]);
    expect(ids(store.outbox.list({ limit: 2 }))).toEqual([a.id, b.id]);
    expect(store.outbox.next()?.id).toBe(b.id);

    clockMs += 1_000;
    expect(store.outbox.revive(a.id)).toBe(true);
    expect(store.outbox.revive(a.id)).toBe(false);
    const revived = store.outbox.get(a.id)!;
    expect(revived).toMatchObject({
      state: 'pending',
      attempts: 0,
      notBeforeMs: clockMs,
      lastError: '422 text too long',
    });
    expect(revived.idempotencyKey).not.toBe(a.idempotencyKey);
    // Back in its place: it is the oldest.
    expect(store.outbox.next()?.id).toBe(a.id);
    expect(store.outbox.counts()).toEqual({ pending: 3, dead: 0, oldestPendingMs: a.createdAtMs });
  });

  it('retryNow makes any entry due now: a pending one keeps its key and attempts, a dead one is revived', () => {
    const far = clockMs + 94_951 * 86_400_000;
    const waiting = store.outbox.enqueue({ payload: 'waits for an absurd reset', groupKey: 'pi' });
    const behind = store.outbox.enqueue({ payload: 'behind it', groupKey: 'pi' });
    const dead = store.outbox.enqueue({ payload: 'refused' });
    store.outbox.retry(waiting.id, { notBeforeMs: far, error: '429' });
    store.outbox.kill(dead.id, '422');
    // The group waits behind its head.
    expect(store.outbox.next()).toBeUndefined();

    clockMs += 1_000;
    expect(store.outbox.retryNow(waiting.id)).toBe('pending');
    expect(store.outbox.get(waiting.id)).toMatchObject({
      state: 'pending',
      notBeforeMs: clockMs,
      attempts: 1,
      idempotencyKey: waiting.idempotencyKey,
      lastError: '429',
    });
    expect(store.outbox.retryNow(dead.id)).toBe('dead');
    expect(store.outbox.get(dead.id)).toMatchObject({ state: 'pending', notBeforeMs: clockMs, attempts: 0 });
    expect(store.outbox.get(dead.id)!.idempotencyKey).not.toBe(dead.idempotencyKey);
    expect(store.outbox.retryNow(999)).toBeUndefined();
    // A pending entry already due stays due; nothing moves later.
    clockMs += 1_000;
    expect(store.outbox.retryNow(behind.id)).toBe('pending');
    expect(store.outbox.get(behind.id)!.notBeforeMs).toBe(behind.notBeforeMs);
    expect(drain()).toEqual(['waits for an absurd reset', 'behind it', 'refused']);
  });

  it('counts an empty outbox', () => {
    expect(store.outbox.counts()).toEqual({ pending: 0, dead: 0, oldestPendingMs: null });
    expect(store.outbox.list()).toEqual([]);
    expect(() => store.outbox.list({ limit: -1 })).toThrow(TypeError);
  });
});

describe('replace', () => {
  it('merges a storm into the oldest entry: its place, age and backoff, a new payload and key', () => {
    const a1 = store.outbox.enqueue({ payload: 'a1', groupKey: 'a' });
    const b1 = store.outbox.enqueue({ payload: 'b1', groupKey: 'b' });
    const a2 = store.outbox.enqueue({ payload: 'a2', groupKey: 'a' });
    const a3 = store.outbox.enqueue({ payload: 'a3', groupKey: 'a' });
    store.outbox.retry(a1.id, { notBeforeMs: clockMs + 100, error: '503' });

    clockMs += 50;
    const merged = store.outbox.replace([a3.id, a1.id, a2.id], { payload: 'a1+a2+a3' });
    expect(merged).toEqual({
      id: a1.id,
      createdAtMs: a1.createdAtMs,
      payload: 'a1+a2+a3',
      groupKey: 'a',
      idempotencyKey: expect.any(String),
      attempts: 1,
      notBeforeMs: a1.createdAtMs + 100,
      lastError: '503',
      state: 'pending',
    });
    expect(merged.idempotencyKey).not.toBe(a1.idempotencyKey);
    expect(ids(store.outbox.list())).toEqual([a1.id, b1.id]);
    expect(store.outbox.complete(a1.id, a1.idempotencyKey)).toBe(false);
    expect(drain(clockMs + 100)).toEqual(['a1+a2+a3', 'b1']);
  });

  it('takes a new group and due time when given', () => {
    const a = store.outbox.enqueue({ payload: 'a', groupKey: 'x' });
    const b = store.outbox.enqueue({ payload: 'b', groupKey: 'x' });
    const merged = store.outbox.replace([a.id, b.id], { payload: 'ab', groupKey: null, notBeforeMs: clockMs + 7 });
    expect(merged).toMatchObject({ id: a.id, groupKey: null, notBeforeMs: clockMs + 7 });
  });

  it('changes nothing when an id is not pending, and refuses an empty list', () => {
    const a = store.outbox.enqueue({ payload: 'a' });
    const b = store.outbox.enqueue({ payload: 'b' });
    store.outbox.kill(b.id, '400');
    expect(() => store.outbox.replace([a.id, b.id, 42], { payload: 'ab' })).toThrow(
      new StoreError(`store outbox.replace failed at ${store.path}: not pending: ${b.id}, 42`, { path: store.path }),
    );
    expect(store.outbox.list().map((e) => [e.id, e.payload, e.state])).toEqual([
      [a.id, 'a', 'pending'],
      [b.id, 'b', 'dead'],
    ]);
    expect(() => store.outbox.replace([], { payload: 'x' })).toThrow(/no entries given/);
  });

  it('replacing one entry rewrites it in place', () => {
    const a = store.outbox.enqueue({ payload: 'a', groupKey: 'g' });
    expect(store.outbox.replace([a.id], { payload: 'a2' })).toMatchObject({ id: a.id, payload: 'a2', groupKey: 'g' });
  });
});

describe('update', () => {
  it('rewrites the payload of a pending entry and keeps its key, attempts, due time and place', () => {
    const a = store.outbox.enqueue({ payload: { text: 'long', postedIds: [] }, groupKey: 'g' });
    const b = store.outbox.enqueue({ payload: 'b', groupKey: 'g' });
    store.outbox.retry(a.id, { notBeforeMs: clockMs + 100, error: 'reset' });
    const before = store.outbox.get(a.id)!;

    expect(store.outbox.update(a.id, { text: 'long', postedIds: ['101'] })).toBe(true);
    expect(store.outbox.get(a.id)).toEqual({ ...before, payload: { text: 'long', postedIds: ['101'] } });
    expect(drain(clockMs + 100)).toEqual([{ text: 'long', postedIds: ['101'] }, 'b']);
    expect(b.id).toBeGreaterThan(a.id);
  });

  it('with a key, writes only while the entry still has it', () => {
    const a = store.outbox.enqueue({ payload: 'a', groupKey: 'g' });
    store.outbox.retry(a.id, { notBeforeMs: clockMs, error: '429', rotateKey: true });
    expect(store.outbox.update(a.id, 'stale', { idempotencyKey: a.idempotencyKey })).toBe(false);
    expect(store.outbox.get(a.id)?.payload).toBe('a');
    const current = store.outbox.get(a.id)!.idempotencyKey;
    expect(store.outbox.update(a.id, 'fresh', { idempotencyKey: current })).toBe(true);
    expect(store.outbox.get(a.id)?.payload).toBe('fresh');
  });

  it('refuses a dead or missing entry, and a payload JSON cannot hold', () => {
    const a = store.outbox.enqueue({ payload: 'a' });
    store.outbox.kill(a.id, '422');
    expect(store.outbox.update(a.id, 'x')).toBe(false);
    expect(store.outbox.update(999, 'x')).toBe(false);
    expect(store.outbox.get(a.id)?.payload).toBe('a');
    const b = store.outbox.enqueue({ payload: 'b' });
    expect(() => store.outbox.update(b.id, undefined)).toThrow(TypeError);
  });
});

describe('what a post is about, and the notification log', () => {
  const alertAbout = (host: string, reason: string) =>
    ({ kind: 'alert', host, key: 'cpu_percent', incidentStartMs: 500_000, reason }) as const;

  it('an entry keeps what it is about, across a reopen; unsaid, the entry has none', () => {
    const a = store.outbox.enqueue({ payload: 'a', groupKey: 'pi', about: alertAbout('pi', 'firing') });
    const [b] = store.outbox.enqueueMany([{ payload: 'b', about: { kind: 'message', host: 'pi', thread: 'x' } }]);
    const c = store.outbox.enqueue({ payload: 'c', about: null });
    expect(a.about).toEqual(alertAbout('pi', 'firing'));
    expect(b?.about).toEqual({ kind: 'message', host: 'pi', thread: 'x' });
    expect('about' in c).toBe(false);
    store.close();
    store = openStore({ path: join(dir, 'janitor.db'), now: () => clockMs });
    expect(store.outbox.list().map((e) => e.about)).toEqual([
      alertAbout('pi', 'firing'),
      { kind: 'message', host: 'pi', thread: 'x' },
      undefined,
    ]);
    expect(() => store.outbox.enqueue({ payload: 'd', about: { kind: 'nonsense' } as never })).toThrow(TypeError);
    expect(store.outbox.list()).toHaveLength(3);
  });

  it('complete with the statuses posted logs each of them with what the entry is about, then deletes it', () => {
    const entry = store.outbox.enqueue({ payload: 'a', groupKey: 'pi', about: alertAbout('pi', 'firing') });
    clockMs += 5;
    const statuses = [
      { id: '11', url: 'https://social.example/@j/11' },
      { id: '12', url: null },
    ];
    expect(store.outbox.complete(entry.id, entry.idempotencyKey, { statuses })).toBe(true);
    expect(store.outbox.get(entry.id)).toBeUndefined();
    const incident = { host: 'pi', key: 'cpu_percent', incidentStartMs: 500_000 };
    expect(store.notifications.firstOfIncident(incident)).toMatchObject({
      statusId: '11',
      url: 'https://social.example/@j/11',
      postedAtMs: clockMs,
      part: 0,
      outboxId: entry.id,
      groupKey: 'pi',
      about: alertAbout('pi', 'firing'),
    });
    expect(store.notifications.lastOfIncident(incident)).toMatchObject({ statusId: '12', url: null, part: 1 });
    // A time given is taken as the time posted; an entry about nothing said is logged as a report.
    const plain = store.outbox.enqueue({ payload: 'b' });
    store.outbox.complete(plain.id, undefined, { statuses: [{ id: '13', url: null }], postedAtMs: 42 });
    expect(store.notifications.about('13')).toMatchObject({ postedAtMs: 42, outboxId: plain.id, groupKey: null });
    expect(store.notifications.about('13')?.about).toEqual({ kind: 'report' });
  });

  it('logs nothing when nothing is deleted: a rewritten or missing entry', () => {
    const entry = store.outbox.enqueue({ payload: 'a', about: alertAbout('pi', 'firing') });
    expect(store.outbox.complete(entry.id, 'another-key', { statuses: [{ id: '21', url: null }] })).toBe(false);
    expect(store.outbox.complete(999, undefined, { statuses: [{ id: '22', url: null }] })).toBe(false);
    expect(store.notifications.about('21')).toBeUndefined();
    expect(store.notifications.about('22')).toBeUndefined();
    expect(store.outbox.get(entry.id)?.state).toBe('pending');
  });

  it('an entry is deleted only together with its log rows: a failing log keeps it pending', () => {
    const entry = store.outbox.enqueue({ payload: 'a', about: alertAbout('pi', 'firing') });
    const other = new DatabaseSync(store.path);
    other.exec(`CREATE TRIGGER full_disk BEFORE INSERT ON notification BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    try {
      expect(() =>
        store.outbox.complete(entry.id, entry.idempotencyKey, { statuses: [{ id: '31', url: null }] }),
      ).toThrow(StoreError);
    } finally {
      other.exec('DROP TRIGGER full_disk');
      other.close();
    }
    expect(store.outbox.get(entry.id)?.state).toBe('pending');
    expect(store.notifications.about('31')).toBeUndefined();
    expect(store.outbox.complete(entry.id, entry.idempotencyKey, { statuses: [{ id: '31', url: null }] })).toBe(true);
    expect(store.notifications.about('31')?.outboxId).toBe(entry.id);
  });

  it('a merged entry logs one row per entry merged into it, all with the same status id', () => {
    const a1 = store.outbox.enqueue({ payload: 'a1', groupKey: 'pi', about: alertAbout('pi', 'firing') });
    const a2 = store.outbox.enqueue({ payload: 'a2', groupKey: 'pi', about: { kind: 'message', host: 'pi' } });
    const a3 = store.outbox.enqueue({ payload: 'a3', groupKey: 'pi' });
    const a4 = store.outbox.enqueue({ payload: 'a4', groupKey: 'pi', about: alertAbout('pi', 'resolved') });
    // Merged in two steps: a merge of a merge stands for every entry of both.
    store.outbox.replace([a1.id, a2.id], { payload: 'a1+a2' });
    const merged = store.outbox.replace([a1.id, a3.id, a4.id], { payload: 'a1+a2+a3+a4', groupKey: null });
    expect(merged.about).toEqual(alertAbout('pi', 'firing'));
    expect(store.outbox.complete(merged.id, merged.idempotencyKey, { statuses: [{ id: '41', url: null }] })).toBe(true);
    expect(store.notifications.allAbout('41').map((e) => [e.statusId, e.outboxId, e.groupKey, e.about])).toEqual([
      ['41', a1.id, 'pi', alertAbout('pi', 'firing')],
      ['41', a2.id, 'pi', { kind: 'message', host: 'pi' }],
      ['41', a3.id, 'pi', { kind: 'report' }],
      ['41', a4.id, 'pi', alertAbout('pi', 'resolved')],
    ]);
    expect(
      store.notifications.lastOfIncident({ host: 'pi', key: 'cpu_percent', incidentStartMs: 500_000 }),
    ).toMatchObject({ statusId: '41', outboxId: a4.id });
  });

  it('complete without the statuses (a dry run) deletes and logs nothing', () => {
    const entry = store.outbox.enqueue({ payload: 'a', about: alertAbout('pi', 'firing') });
    expect(store.outbox.complete(entry.id, entry.idempotencyKey)).toBe(true);
    expect(store.notifications.purge(Number.POSITIVE_INFINITY)).toBe(0);
  });
});
