import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Message, silentLogger } from '@janitor/protocol';
// A real store, by path: @janitor/store is not (yet) a devDependency of this package.
import { openStore, type Store } from '@janitor/store';
import { type FakeMastodon, type Flavour, type RecordedRequest, startFakeMastodon } from '@janitor/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createOutboxWorker, type OutboxPayload, type OutboxPort, type OutboxWorkerOptions } from './outbox-worker.ts';
import { createPublisher } from './publisher.ts';

const STATUSES = '/api/v1/statuses';
const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A clock the test moves by hand. */
function manualClock(start = T0) {
  let t = start;
  return {
    now: () => t,
    set(ms: number) {
      t = ms;
    },
  };
}

interface SetupOptions {
  flavour?: Flavour;
  worker?: Partial<OutboxWorkerOptions>;
  /** Wraps the store's outbox, e.g. to make one call fail. */
  port?: (outbox: OutboxPort) => OutboxPort;
}

/** A real store in a temporary folder, the fake server, a real publisher and the worker, all on one manual clock. */
async function setup(options: SetupOptions = {}) {
  const { flavour = 'mastodon' } = options;
  const dir = mkdtempSync(join(tmpdir(), 'janitor-outbox-worker-'));
  const clock = manualClock();
  const store: Store = openStore({ path: join(dir, 'janitor.db'), now: clock.now });
  const fake = await startFakeMastodon({ flavour });
  const publisher = createPublisher({
    url: fake.url,
    accessToken: 'test-token',
    instanceType: flavour,
    hostname: 'this-host',
    timeoutMs: 5000,
  });
  const worker = createOutboxWorker({
    outbox: options.port ? options.port(store.outbox) : store.outbox,
    publisher,
    now: clock.now,
    random: () => 0.25,
    ...options.worker,
  });
  cleanups.push(async () => {
    await withDeadline(worker.stop(), 5000, 'worker.stop() in cleanup');
    store.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const enqueue = (hostname: string, text: string) =>
    store.outbox.enqueue({ payload: messagePayload(hostname, text), groupKey: hostname });
  return { clock, store, fake, worker, enqueue };
}

function messagePayload(hostname: string, text: string): OutboxPayload {
  const message: Message = { type: 'info', hostname, text };
  return { kind: 'message', message };
}

/** The status posts the fake received, in order. */
const posts = (fake: FakeMastodon): RecordedRequest[] =>
  fake.requests.filter((r) => r.method === 'POST' && r.path === STATUSES);

const postOnly = { path: STATUSES, method: 'POST' } as const;

async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once `probe` is true, checking every 5 ms; rejects after the deadline. */
async function until(probe: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('drain', () => {
  it('posts entries oldest first and removes each only after the server confirmed it', async () => {
    const { store, fake, worker, enqueue } = await setup();
    const first = enqueue('pi-1', 'first');
    enqueue('pi-2', 'second');
    enqueue('pi-1', 'third');
    // The first post is answered late: while the server holds it, the entry must still be in the outbox.
    fake.failNext({ kind: 'delay', ms: 300 }, postOnly);

    const drained = worker.drain();
    await until(() => posts(fake).length === 1, 'the first post reaches the server');
    expect(store.outbox.get(first.id)).toBeDefined();
    expect(fake.statuses).toHaveLength(0);

    expect(await drained).toEqual({ posted: 3, retried: 0, dead: 0 });
    expect(fake.statuses.map((s) => s.status)).toEqual([
      expect.stringContaining('first'),
      expect.stringContaining('second'),
      expect.stringContaining('third'),
    ]);
    expect(store.outbox.counts()).toEqual({ pending: 0, dead: 0, oldestPendingMs: null });
    // Each post carried its entry's idempotency key.
    expect(posts(fake)[0]!.headers['idempotency-key']).toBe(first.idempotencyKey);
  });

  it('retries a 503 with exponential backoff and jitter, keeping the entry and its key, and posts it once', async () => {
    const { clock, store, fake, worker, enqueue } = await setup({ worker: { retryBaseMs: 2000 } });
    const entry = enqueue('pi-1', 'backup done');
    fake.failNext({ kind: 'status', status: 503 }, { ...postOnly, times: 2 });

    // Attempt 1 fails: backoff 2000 ms, jittered into [1000, 2000): random 0.25 gives 1250.
    expect(await worker.drain()).toEqual({ posted: 0, retried: 1, dead: 0 });
    const once = store.outbox.get(entry.id)!;
    expect(once).toMatchObject({ state: 'pending', attempts: 1, idempotencyKey: entry.idempotencyKey });
    expect(once.lastError).toContain('503');
    expect(once.notBeforeMs).toBeGreaterThanOrEqual(T0 + 1000);
    expect(once.notBeforeMs).toBeLessThan(T0 + 2000);
    expect(once.notBeforeMs).toBe(T0 + 1250);

    // Not before its time.
    clock.set(once.notBeforeMs - 1);
    expect(await worker.drain()).toEqual({ posted: 0, retried: 0, dead: 0 });
    expect(posts(fake)).toHaveLength(1);

    // Attempt 2 fails too: the backoff doubles, 4000 ms jittered into [2000, 4000).
    clock.set(once.notBeforeMs);
    expect(await worker.drain()).toEqual({ posted: 0, retried: 1, dead: 0 });
    const twice = store.outbox.get(entry.id)!;
    expect(twice.attempts).toBe(2);
    expect(twice.notBeforeMs - once.notBeforeMs).toBeGreaterThanOrEqual(2000);
    expect(twice.notBeforeMs - once.notBeforeMs).toBeLessThan(4000);

    clock.set(twice.notBeforeMs);
    expect(await worker.drain()).toEqual({ posted: 1, retried: 0, dead: 0 });
    expect(fake.statuses).toHaveLength(1);
    expect(store.outbox.get(entry.id)).toBeUndefined();
    expect(posts(fake).map((r) => r.headers['idempotency-key'])).toEqual(Array(3).fill(entry.idempotencyKey));
  });

  it('waits for the X-RateLimit-Reset of a 429 before trying again', async () => {
    const { clock, store, fake, worker, enqueue } = await setup();
    const entry = enqueue('pi-1', 'rate limited');
    const resetAtMs = T0 + 10 * 60_000;
    fake.failNext({ kind: 'rate-limit', resetAt: new Date(resetAtMs) }, postOnly);

    expect(await worker.drain()).toEqual({ posted: 0, retried: 1, dead: 0 });
    expect(store.outbox.get(entry.id)).toMatchObject({ attempts: 1, notBeforeMs: resetAtMs });

    // Well past the backoff (1-2 s) but before the reset: nothing is sent.
    clock.set(resetAtMs - 1);
    expect(await worker.drain()).toEqual({ posted: 0, retried: 0, dead: 0 });
    expect(posts(fake)).toHaveLength(1);

    clock.set(resetAtMs);
    expect(await worker.drain()).toEqual({ posted: 1, retried: 0, dead: 0 });
    expect(fake.statuses).toHaveLength(1);
  });

  it('keeps a 422 as a dead letter and goes on with the later entries of the same host', async () => {
    const { store, fake, worker, enqueue } = await setup();
    const refused = enqueue('pi-1', 'refused');
    enqueue('pi-1', 'later one');
    enqueue('pi-1', 'later two');
    fake.failNext({ kind: 'status', status: 422, body: { error: 'Validation failed: Text is too long' } }, postOnly);

    expect(await worker.drain()).toEqual({ posted: 2, retried: 0, dead: 1 });
    expect(store.outbox.counts()).toMatchObject({ pending: 0, dead: 1 });
    const dead = store.outbox.get(refused.id)!;
    expect(dead).toMatchObject({ state: 'dead', attempts: 1 });
    expect(dead.lastError).toContain('422');
    expect(fake.statuses.map((s) => s.status)).toEqual([
      expect.stringContaining('later one'),
      expect.stringContaining('later two'),
    ]);
  });

  describe('the idempotency key after an error response', () => {
    // Pleroma replays the answer it cached for a key, errors included: a retry with the same key gets the same 503.
    it.each([
      { errorResponsesCached: true, rotated: true, posted: 1, replayed: 200 },
      { errorResponsesCached: false, rotated: false, posted: 0, replayed: 503 },
    ])('errorResponsesCached $errorResponsesCached: key rotated $rotated, retry answered $replayed', async (row) => {
      const { clock, store, fake, worker, enqueue } = await setup({
        flavour: 'pleroma',
        worker: { errorResponsesCached: row.errorResponsesCached },
      });
      const entry = enqueue('pi-1', 'after an outage');
      fake.failNext({ kind: 'status', status: 503 }, postOnly);

      await worker.drain();
      const retried = store.outbox.get(entry.id)!;
      clock.set(retried.notBeforeMs);
      expect(await worker.drain()).toMatchObject({ posted: row.posted });

      const [first, second] = posts(fake).map((r) => r.headers['idempotency-key']);
      expect(first).toBe(entry.idempotencyKey);
      if (row.rotated) expect(second).not.toBe(first);
      else expect(second).toBe(first);
      expect(posts(fake)[1]!.responseStatus).toBe(row.replayed);
      expect(fake.statuses).toHaveLength(row.posted);
    });
  });

  // The connection drops after the server created the status: the worker cannot know, retries, and the server
  // recognises the key. A dropped connection is not an error response, so the key is kept even where error
  // responses are cached.
  it.each([false, true])(
    'a post whose answer was lost is not made twice on mastodon (errorResponsesCached %s)',
    async (errorResponsesCached) => {
      const { clock, store, fake, worker, enqueue } = await setup({ worker: { errorResponsesCached } });
      const entry = enqueue('pi-1', 'posted but unanswered');
      fake.failNext({ kind: 'reset-after-commit' }, postOnly);

      expect(await worker.drain()).toEqual({ posted: 0, retried: 1, dead: 0 });
      expect(fake.statuses).toHaveLength(1);
      expect(store.outbox.get(entry.id)).toMatchObject({ attempts: 1, idempotencyKey: entry.idempotencyKey });

      clock.set(store.outbox.get(entry.id)!.notBeforeMs);
      expect(await worker.drain()).toEqual({ posted: 1, retried: 0, dead: 0 });
      expect(fake.statuses).toHaveLength(1);
      expect(posts(fake).map((r) => r.headers['idempotency-key'])).toEqual([
        entry.idempotencyKey,
        entry.idempotencyKey,
      ]);
      expect(store.outbox.counts().pending).toBe(0);
    },
  );

  it('leaves a posted entry pending (not dead) when the store fails to remove it', async () => {
    let failComplete = true;
    const { store, fake, worker, enqueue } = await setup({
      port: (outbox) => ({
        next: (nowMs) => outbox.next(nowMs),
        nextDueAtMs: () => outbox.nextDueAtMs(),
        retry: (id, input) => outbox.retry(id, input),
        kill: (id, error) => outbox.kill(id, error),
        complete(id, key) {
          if (failComplete) {
            failComplete = false;
            throw new Error('disk I/O error');
          }
          return outbox.complete(id, key);
        },
      }),
    });
    const entry = enqueue('pi-1', 'posted, then the disk failed');

    await expect(worker.drain()).rejects.toThrow('disk I/O error');
    expect(store.outbox.get(entry.id)).toMatchObject({ state: 'pending', attempts: 0 });

    // The next pass posts it again with the same key, which Mastodon recognises: still one status.
    expect(await worker.drain()).toEqual({ posted: 1, retried: 0, dead: 0 });
    expect(fake.statuses).toHaveLength(1);
    expect(store.outbox.counts().pending).toBe(0);
  });
});

describe('start, notify, stop', () => {
  it('posts what is enqueued after notify() and stops promptly while idle', async () => {
    const { store, fake, worker, enqueue } = await setup({ worker: { idlePollMs: 60_000 } });
    worker.start();
    // One macrotask turn: the first (empty) pass is over and the loop sleeps on its 60 s idle poll.
    await new Promise((resolve) => setImmediate(resolve));

    enqueue('pi-1', 'woken up');
    worker.notify();
    await fake.waitFor(() => fake.statuses.length === 1, { timeoutMs: 5000 });
    await until(() => store.outbox.counts().pending === 0, 'the entry is removed');

    await withDeadline(worker.stop(), 2000, 'worker.stop()');
    enqueue('pi-1', 'after stop');
    worker.notify();
    // Stopped: a second drain by hand is the only thing that posts it.
    expect(fake.statuses).toHaveLength(1);
    expect(await worker.drain()).toEqual({ posted: 1, retried: 0, dead: 0 });
  });

  it('stop() lets the post in flight finish and starts no other', async () => {
    const { store, fake, worker, enqueue } = await setup({ worker: { idlePollMs: 60_000 } });
    enqueue('pi-1', 'in flight');
    enqueue('pi-2', 'waits');
    enqueue('pi-3', 'waits too');
    fake.failNext({ kind: 'delay', ms: 300 }, postOnly);

    worker.start();
    await until(() => posts(fake).length === 1, 'the first post reaches the server');
    await withDeadline(worker.stop(), 3000, 'worker.stop()');

    expect(fake.statuses.map((s) => s.status)).toEqual([expect.stringContaining('in flight')]);
    expect(posts(fake)).toHaveLength(1);
    expect(store.outbox.counts().pending).toBe(2);
  });

  it('stop() aborts a post that outlasts stopGraceMs and keeps it owed, unchanged', async () => {
    const { store, fake, worker, enqueue } = await setup({ worker: { idlePollMs: 60_000, stopGraceMs: 100 } });
    const entry = enqueue('pi-1', 'the server never answers');
    fake.failNext({ kind: 'stall' }, postOnly);

    worker.start();
    await until(() => posts(fake).length === 1, 'the post reaches the server');
    // The publisher would wait 5 s for the stalled server: stop() gives up after 100 ms.
    await withDeadline(worker.stop(), 2000, 'worker.stop()');

    expect(store.outbox.get(entry.id)).toMatchObject({
      state: 'pending',
      attempts: 0,
      idempotencyKey: entry.idempotencyKey,
      notBeforeMs: entry.notBeforeMs,
      lastError: null,
    });
    expect(fake.statuses).toHaveLength(0);
  });

  it('logs a failing store and goes on after a pause instead of dying', async () => {
    const errors: string[] = [];
    let failures = 1;
    const { fake, worker, enqueue } = await setup({
      worker: {
        idlePollMs: 60_000,
        retryBaseMs: 20,
        logger: { ...silentLogger, error: (message, fields) => errors.push(`${message}: ${fields?.error}`) },
      },
      port: (outbox) => ({
        next: (nowMs) => outbox.next(nowMs),
        nextDueAtMs() {
          if (failures-- > 0) throw new Error('database is locked');
          return outbox.nextDueAtMs();
        },
        retry: (id, input) => outbox.retry(id, input),
        kill: (id, error) => outbox.kill(id, error),
        complete: (id, key) => outbox.complete(id, key),
      }),
    });

    worker.start();
    await until(() => errors.length === 1, 'the failure is logged');
    expect(errors).toEqual(['outbox worker failed: database is locked']);
    // The loop survived: after its pause it sleeps on the idle poll, and a notify still wakes it.
    enqueue('pi-1', 'after the failure');
    worker.notify();
    await fake.waitFor(() => fake.statuses.length === 1, { timeoutMs: 5000 });
    await withDeadline(worker.stop(), 2000, 'worker.stop()');
  });
});
