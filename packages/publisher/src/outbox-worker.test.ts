import { silentLogger } from '@janitor/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { postOnly, posts, runCleanups, setup, T0, until, withDeadline } from './outbox-worker.test-support.ts';

afterEach(runCleanups);

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
    expect(store.outbox.get(first.id)).toMatchObject({ id: first.id, state: 'pending' });
    expect(fake.statuses).toHaveLength(0);

    expect(await drained).toMatchObject({ posted: 3, retried: 0, dead: 0 });
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
    expect(await worker.drain()).toMatchObject({ posted: 0, retried: 1, dead: 0 });
    const once = store.outbox.get(entry.id)!;
    expect(once).toMatchObject({ state: 'pending', attempts: 1, idempotencyKey: entry.idempotencyKey });
    expect(once.lastError).toContain('503');
    expect(once.notBeforeMs).toBeGreaterThanOrEqual(T0 + 1000);
    expect(once.notBeforeMs).toBeLessThan(T0 + 2000);
    expect(once.notBeforeMs).toBe(T0 + 1250);

    // Not before its time.
    clock.set(once.notBeforeMs - 1);
    expect(await worker.drain()).toMatchObject({ posted: 0, retried: 0, dead: 0 });
    expect(posts(fake)).toHaveLength(1);

    // Attempt 2 fails too: the backoff doubles, 4000 ms jittered into [2000, 4000).
    clock.set(once.notBeforeMs);
    expect(await worker.drain()).toMatchObject({ posted: 0, retried: 1, dead: 0 });
    const twice = store.outbox.get(entry.id)!;
    expect(twice.attempts).toBe(2);
    expect(twice.notBeforeMs - once.notBeforeMs).toBeGreaterThanOrEqual(2000);
    expect(twice.notBeforeMs - once.notBeforeMs).toBeLessThan(4000);

    clock.set(twice.notBeforeMs);
    expect(await worker.drain()).toMatchObject({ posted: 1, retried: 0, dead: 0 });
    expect(fake.statuses).toHaveLength(1);
    expect(store.outbox.get(entry.id)).toBeUndefined();
    expect(posts(fake).map((r) => r.headers['idempotency-key'])).toEqual(Array(3).fill(entry.idempotencyKey));
  });

  it('waits for the X-RateLimit-Reset of a 429 before trying again', async () => {
    const { clock, store, fake, worker, enqueue } = await setup();
    const entry = enqueue('pi-1', 'rate limited');
    const resetAtMs = T0 + 10 * 60_000;
    fake.failNext({ kind: 'rate-limit', resetAt: new Date(resetAtMs) }, postOnly);

    expect(await worker.drain()).toMatchObject({ posted: 0, retried: 1, dead: 0 });
    expect(store.outbox.get(entry.id)).toMatchObject({ attempts: 1, notBeforeMs: resetAtMs });

    // Well past the backoff (1-2 s) but before the reset: nothing is sent.
    clock.set(resetAtMs - 1);
    expect(await worker.drain()).toMatchObject({ posted: 0, retried: 0, dead: 0 });
    expect(posts(fake)).toHaveLength(1);

    clock.set(resetAtMs);
    expect(await worker.drain()).toMatchObject({ posted: 1, retried: 0, dead: 0 });
    expect(fake.statuses).toHaveLength(1);
  });

  it('keeps a 422 as a dead letter and goes on with the later entries of the same host', async () => {
    const { store, fake, worker, enqueue } = await setup();
    const refused = enqueue('pi-1', 'refused');
    enqueue('pi-1', 'later one');
    enqueue('pi-1', 'later two');
    fake.failNext({ kind: 'status', status: 422, body: { error: 'Validation failed: Text is too long' } }, postOnly);

    expect(await worker.drain()).toMatchObject({ posted: 2, retried: 0, dead: 1 });
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

      expect(await worker.drain()).toMatchObject({ posted: 0, retried: 1, dead: 0 });
      expect(fake.statuses).toHaveLength(1);
      expect(store.outbox.get(entry.id)).toMatchObject({ attempts: 1, idempotencyKey: entry.idempotencyKey });

      clock.set(store.outbox.get(entry.id)!.notBeforeMs);
      expect(await worker.drain()).toMatchObject({ posted: 1, retried: 0, dead: 0 });
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
        ...outbox,
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
    expect(await worker.drain()).toMatchObject({ posted: 1, retried: 0, dead: 0 });
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
    expect(await worker.drain()).toMatchObject({ posted: 1, retried: 0, dead: 0 });
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
        ...outbox,
        nextDueAtMs() {
          if (failures-- > 0) throw new Error('database is locked');
          return outbox.nextDueAtMs();
        },
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

describe('threads', () => {
  const paragraphs = Array.from({ length: 10 }, (_, i) => `Part of the log ${i + 1}: ${'lines of output '.repeat(4)}`);
  const longText = paragraphs.join('\n\n');

  it('posts a long entry as a thread and completes it only when every part is posted', async () => {
    const { store, fake, worker, enqueue } = await setup({ fake: { maxCharacters: 200 } });
    const entry = enqueue('pi-1', longText);
    expect(await worker.drain()).toMatchObject({ posted: 1, retried: 0, dead: 0 });
    const n = fake.statuses.length;
    expect(n).toBeGreaterThan(2);
    fake.statuses.forEach((status, i) => {
      expect(status.status.endsWith(`\n(${i + 1}/${n})`)).toBe(true);
      expect(status.inReplyToId).toBe(i === 0 ? null : fake.statuses[i - 1]!.id);
      expect(status.idempotencyKey).toBe(i === 0 ? entry.idempotencyKey : `${entry.idempotencyKey}.${i + 1}`);
    });
    expect(store.outbox.counts().pending).toBe(0);
  });

  it('a failure mid-thread keeps the posted parts and resumes with the rest, replying to the last one', async () => {
    const { clock, store, fake, worker, enqueue } = await setup({ fake: { maxCharacters: 200 } });
    const entry = enqueue('pi-1', longText);
    // The first part goes through, the second gets a 503.
    fake.failNext({ kind: 'delay', ms: 0 }, postOnly);
    fake.failNext({ kind: 'status', status: 503 }, postOnly);

    expect(await worker.drain()).toMatchObject({ posted: 0, retried: 1 });
    expect(fake.statuses).toHaveLength(1);
    const pending = store.outbox.get(entry.id)!;
    const progress = pending.payload as { thread?: { parts: unknown[]; postedIds: string[] } };
    expect(progress.thread?.postedIds).toEqual([fake.statuses[0]!.id]);
    const total = progress.thread!.parts.length;

    clock.set(pending.notBeforeMs);
    expect(await worker.drain()).toMatchObject({ posted: 1, retried: 0 });
    expect(fake.statuses).toHaveLength(total);
    expect(fake.statuses.map((s) => s.status.match(/\((\d+)\/\d+\)$/)?.[1])).toEqual(
      Array.from({ length: total }, (_, i) => String(i + 1)),
    );
    fake.statuses.forEach((status, i) => {
      expect(status.inReplyToId).toBe(i === 0 ? null : fake.statuses[i - 1]!.id);
    });
    expect(store.outbox.counts().pending).toBe(0);
  });

  it('longText truncate posts one status cut to the limit', async () => {
    const { fake, worker, enqueue } = await setup({
      fake: { maxCharacters: 200 },
      publisher: { longText: 'truncate' },
    });
    enqueue('pi-1', longText);
    await worker.drain();
    expect(fake.statuses).toHaveLength(1);
    expect(fake.statuses[0]!.status.endsWith('\u2026')).toBe(true);
  });
});

describe('GoToSocial ignores Idempotency-Key: look before sending again', () => {
  const statusReads = (setupFake: { requests: readonly { method: string; path: string }[] }) =>
    setupFake.requests.filter((r) => r.method === 'GET' && /^\/api\/v1\/accounts\/[^/]+\/statuses$/.test(r.path));

  it('a post made although its answer was lost is found, not made twice', async () => {
    const { clock, store, fake, worker, enqueue } = await setup({ flavour: 'gotosocial' });
    const entry = enqueue('pi-1', 'posted but unanswered');
    fake.failNext({ kind: 'reset-after-commit' }, postOnly);

    expect(await worker.drain()).toMatchObject({ posted: 0, retried: 1 });
    expect(fake.statuses).toHaveLength(1);
    expect(store.outbox.get(entry.id)!.payload).toMatchObject({ unconfirmed: { part: 0, sinceMs: T0 } });

    clock.set(store.outbox.get(entry.id)!.notBeforeMs);
    expect(await worker.drain()).toMatchObject({ posted: 1, retried: 0 });
    expect(fake.statuses).toHaveLength(1);
    expect(posts(fake)).toHaveLength(1);
    expect(statusReads(fake)).toHaveLength(1);
    expect(store.outbox.counts().pending).toBe(0);
  });

  it('a post that timed out without being made is looked for, then sent', async () => {
    const { clock, store, fake, worker, enqueue } = await setup({
      flavour: 'gotosocial',
      publisher: { timeoutMs: 150 },
    });
    const entry = enqueue('pi-1', 'the server stalled');
    fake.failNext({ kind: 'stall' }, postOnly);

    expect(await worker.drain()).toMatchObject({ retried: 1 });
    expect(store.outbox.get(entry.id)!.lastError).toMatch(/timed out after 150 ms/);
    clock.set(store.outbox.get(entry.id)!.notBeforeMs);
    expect(await worker.drain()).toMatchObject({ posted: 1 });
    expect(statusReads(fake)).toHaveLength(1);
    expect(fake.statuses.map((s) => s.status)).toEqual([expect.stringContaining('the server stalled')]);
  });

  it('an error answer needs no look: the next attempt just sends', async () => {
    const { clock, store, fake, worker, enqueue } = await setup({ flavour: 'gotosocial' });
    const entry = enqueue('pi-1', 'refused once');
    fake.failNext({ kind: 'status', status: 503, headers: { 'Retry-After': '30' } }, postOnly);
    expect(await worker.drain()).toMatchObject({ retried: 1 });
    expect(store.outbox.get(entry.id)!.notBeforeMs).toBe(T0 + 30_000);
    clock.set(T0 + 30_000);
    expect(await worker.drain()).toMatchObject({ posted: 1 });
    expect(statusReads(fake)).toHaveLength(0);
    expect(fake.statuses).toHaveLength(1);
  });

  it('a thread part lost mid-thread is found, and the thread goes on from there', async () => {
    const { clock, store, fake, worker, enqueue } = await setup({
      flavour: 'gotosocial',
      fake: { maxCharacters: 200 },
    });
    const entry = enqueue(
      'pi-1',
      Array.from({ length: 8 }, (_, i) => `Block ${i}: ${'x y z '.repeat(8)}`).join('\n\n'),
    );
    fake.failNext({ kind: 'delay', ms: 0 }, postOnly);
    fake.failNext({ kind: 'reset-after-commit' }, postOnly);

    expect(await worker.drain()).toMatchObject({ retried: 1 });
    expect(fake.statuses).toHaveLength(2);
    clock.set(store.outbox.get(entry.id)!.notBeforeMs);
    expect(await worker.drain()).toMatchObject({ posted: 1 });
    const n = fake.statuses.length;
    expect(new Set(fake.statuses.map((s) => s.status)).size).toBe(n);
    fake.statuses.forEach((status, i) => {
      expect(status.status.endsWith(`(${i + 1}/${n})`)).toBe(true);
      expect(status.inReplyToId).toBe(i === 0 ? null : fake.statuses[i - 1]!.id);
    });
  });
});

describe('pacing under the posting limits', () => {
  it('Pleroma: 15 posts in 10 s, then waits for the window instead of running into 429', async () => {
    const { clock, fake, worker, store } = await setup({ flavour: 'pleroma' });
    // 20 hosts, one post each: nothing to merge, only to pace.
    for (let i = 0; i < 20; i++) {
      store.outbox.enqueue({
        payload: { kind: 'message', message: { type: 'info', hostname: `h${i}`, text: `n${i}` } },
        groupKey: `h${i}`,
      });
    }
    const first = await worker.drain();
    expect(first).toMatchObject({ posted: 15, merged: 0, resumeAtMs: T0 + 10_000 });
    expect(fake.statuses).toHaveLength(15);

    // A restart remembers what was spent (the times are in the store's kv).
    clock.set(T0 + 5_000);
    expect(await worker.drain()).toMatchObject({ posted: 0 });
    clock.set(T0 + 10_000);
    expect(await worker.drain()).toMatchObject({ posted: 5, resumeAtMs: null });
    expect(fake.requests.filter((r) => r.responseStatus === 429)).toEqual([]);
    expect(fake.statuses.map((s) => s.status.split('\n\n')[1])).toEqual(Array.from({ length: 20 }, (_, i) => `n${i}`));
  });

  it('a dry run is not paced: nothing reaches a server, so every entry is logged at once', async () => {
    const { fake, store, newWorker } = await setup({ flavour: 'pleroma', publisher: { dryRun: true } });
    for (let i = 0; i < 20; i++) {
      store.outbox.enqueue({
        payload: { kind: 'message', message: { type: 'info', hostname: `h${i}`, text: `n${i}` } },
        groupKey: `h${i}`,
      });
    }
    expect(await newWorker().drain()).toMatchObject({ posted: 20, merged: 0, resumeAtMs: null });
    expect(store.outbox.counts().pending).toBe(0);
    expect(fake.requests).toEqual([]);
  });

  it('a backlog with nothing to merge is not read again at every wake', async () => {
    let lists = 0;
    const { clock, store, worker } = await setup({
      flavour: 'pleroma',
      port: (outbox) => ({
        ...outbox,
        list: (...args: Parameters<typeof outbox.list>) => {
          lists += 1;
          return outbox.list(...args);
        },
      }),
    });
    // One post per host: over what Pleroma takes in the next 15 minutes, and nothing to merge.
    for (let i = 0; i < 2000; i++) {
      store.outbox.enqueue({
        payload: { kind: 'message', message: { type: 'info', hostname: `h${i}`, text: `n${i}` } },
        groupKey: `h${i}`,
      });
    }
    await worker.drain();
    expect(lists).toBe(1);
    for (let wake = 0; wake < 10; wake++) await worker.drain();
    expect(lists).toBe(1);
    // A minute later it looks again.
    clock.set(T0 + 61_000);
    await worker.drain();
    expect(lists).toBe(2);
  });

  it('a restarted worker remembers the posts of the last one', async () => {
    const { store, worker, newWorker } = await setup({ flavour: 'pleroma' });
    for (let i = 0; i < 16; i++) {
      store.outbox.enqueue({
        payload: { kind: 'message', message: { type: 'info', hostname: `h${i}`, text: `n${i}` } },
        groupKey: `h${i}`,
      });
    }
    expect(await worker.drain()).toMatchObject({ posted: 15 });
    expect(await newWorker().drain()).toMatchObject({ posted: 0, resumeAtMs: T0 + 10_000 });
  });

  it('start() sleeps until the window has room, then goes on', async () => {
    let looks = 0;
    const { clock, fake, worker, store } = await setup({
      flavour: 'pleroma',
      worker: { idlePollMs: 20 },
      port: (outbox) => ({
        ...outbox,
        next(nowMs) {
          looks++;
          return outbox.next(nowMs);
        },
      }),
    });
    for (let i = 0; i < 17; i++) {
      store.outbox.enqueue({
        payload: { kind: 'message', message: { type: 'info', hostname: `h${i}`, text: `n${i}` } },
        groupKey: `h${i}`,
      });
    }
    worker.start();
    await until(() => fake.statuses.length === 15, '15 posts');
    // Polling on its short idle wait (the window ends in the future of the manual clock), it looks again and again
    // but posts nothing until the clock says the window has moved.
    const seen = looks;
    await until(() => looks >= seen + 3, 'three more looks at the outbox');
    expect(fake.statuses).toHaveLength(15);
    clock.set(T0 + 10_000);
    await until(() => fake.statuses.length === 17, 'the last 2 posts');
  });
});
