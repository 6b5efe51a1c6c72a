// The faults of the issue "Alerts that behave, and nothing lost", each against the fake server through the real
// publisher, store and worker, on an injected clock: what the worker does about it, and that the post is made once.
import type { Fault, Flavour } from '@janitor/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { postOnly, posts, runCleanups, setup, T0 } from './outbox-worker.test-support.ts';
import { MAX_SERVER_WAIT_MS } from './outbox-worker.ts';

afterEach(runCleanups);

interface FaultCase {
  /** What the case means. */
  what: string;
  flavour: Flavour;
  fault: Fault;
  /** When the entry may be tried again, relative to the failure: exactly, or within [min, max). */
  retryAfter: { exactlyMs: number } | { minMs: number; maxMs: number };
  /** Whether the retry carries a new idempotency key. */
  newKey: boolean;
  /** The request timeout of the publisher (a stall is cut short by it). */
  timeoutMs?: number;
}

const RESET_AT = T0 + 7 * 60_000;
// retryBaseMs 2000, random 0.25: the first backoff is 1250 ms, within [1000, 2000).
const BACKOFF = { minMs: 1000, maxMs: 2000 };

const cases: FaultCase[] = [
  {
    what: "Mastodon's 429 waits until X-RateLimit-Reset",
    flavour: 'mastodon',
    fault: { kind: 'rate-limit', resetAt: new Date(RESET_AT) },
    retryAfter: { exactlyMs: RESET_AT - T0 },
    newKey: false,
  },
  {
    what: "GoToSocial's 503 waits for Retry-After",
    flavour: 'gotosocial',
    fault: { kind: 'status', status: 503, headers: { 'Retry-After': '120' } },
    retryAfter: { exactlyMs: 120_000 },
    newKey: false,
  },
  {
    what: 'a 429 whose X-RateLimit-Reset is 94951 days away waits 3 h at most, then asks again',
    flavour: 'mastodon',
    fault: { kind: 'rate-limit', resetAt: new Date(T0 + 94_951 * 86_400_000) },
    retryAfter: { exactlyMs: MAX_SERVER_WAIT_MS },
    newKey: false,
  },
  {
    what: 'a Retry-After of 10^12 seconds waits 3 h at most',
    flavour: 'gotosocial',
    fault: { kind: 'status', status: 503, headers: { 'Retry-After': '1000000000000' } },
    retryAfter: { exactlyMs: MAX_SERVER_WAIT_MS },
    newKey: false,
  },
  {
    what: 'a Retry-After too long for a number waits 3 h at most',
    flavour: 'mastodon',
    fault: { kind: 'status', status: 503, headers: { 'Retry-After': '9'.repeat(400) } },
    retryAfter: { exactlyMs: MAX_SERVER_WAIT_MS },
    newKey: false,
  },
  {
    what: 'a Retry-After date in the year 9999 waits 3 h at most',
    flavour: 'mastodon',
    fault: { kind: 'status', status: 429, headers: { 'Retry-After': 'Fri, 31 Dec 9999 23:59:59 GMT' } },
    retryAfter: { exactlyMs: MAX_SERVER_WAIT_MS },
    newKey: false,
  },
  {
    what: 'a 500 backs off, same key',
    flavour: 'mastodon',
    fault: { kind: 'status', status: 500 },
    retryAfter: BACKOFF,
    newKey: false,
  },
  {
    what: "a proxy's HTML 502 backs off, same key",
    flavour: 'mastodon',
    fault: { kind: 'html', status: 502 },
    retryAfter: BACKOFF,
    newKey: false,
  },
  {
    what: 'a connection reset mid-response backs off, same key',
    flavour: 'mastodon',
    fault: { kind: 'reset' },
    retryAfter: BACKOFF,
    newKey: false,
  },
  {
    what: 'a stalled server (20 s in real life: here the 150 ms timeout) backs off, same key',
    flavour: 'mastodon',
    fault: { kind: 'stall' },
    retryAfter: BACKOFF,
    newKey: false,
    timeoutMs: 150,
  },
  {
    what: "Pleroma's 429 is cached under the key: the retry takes a new one",
    flavour: 'pleroma',
    fault: { kind: 'rate-limit', resetAt: new Date(RESET_AT) },
    retryAfter: BACKOFF,
    newKey: true,
  },
  {
    what: "Pleroma's 500 is cached under the key: the retry takes a new one",
    flavour: 'akkoma',
    fault: { kind: 'status', status: 500 },
    retryAfter: BACKOFF,
    newKey: true,
  },
];

describe('faults', () => {
  it('the longest wait a server can impose is 3 h: the longest posting window (Mastodon, 300 posts in 3 h)', () => {
    expect(MAX_SERVER_WAIT_MS).toBe(3 * 60 * 60_000);
  });

  it.each(cases.map((c) => [c.what, c] as const))('%s; the post is made once', async (_what, c) => {
    const { clock, store, fake, worker, enqueue } = await setup({
      flavour: c.flavour,
      ...(c.timeoutMs ? { publisher: { timeoutMs: c.timeoutMs } } : {}),
    });
    const entry = enqueue('pi-1', 'disk almost full');
    const other = enqueue('pi-2', 'another host');
    await worker.drain(); // reads the instance first, so the fault meets the post
    expect(fake.statuses).toHaveLength(2);
    fake.reset();

    const third = enqueue('pi-1', 'after the fault');
    fake.failNext(c.fault, postOnly);
    const failed = await worker.drain();
    expect(failed).toMatchObject({ posted: 0, retried: 1, dead: 0 });
    const retried = store.outbox.get(third.id)!;
    const waitMs = retried.notBeforeMs - T0;
    if ('exactlyMs' in c.retryAfter) expect(waitMs).toBe(c.retryAfter.exactlyMs);
    else {
      expect(waitMs).toBeGreaterThanOrEqual(c.retryAfter.minMs);
      expect(waitMs).toBeLessThan(c.retryAfter.maxMs);
    }
    expect(failed.resumeAtMs).toBe(retried.notBeforeMs);
    expect(retried.idempotencyKey === third.idempotencyKey).toBe(!c.newKey);

    // Everything waits, not only the failed entry: a post of another host is not tried before then.
    enqueue('pi-3', 'waits for the server');
    clock.set(retried.notBeforeMs - 1);
    expect(await worker.drain()).toMatchObject({ posted: 0, retried: 0, resumeAtMs: retried.notBeforeMs });
    expect(posts(fake)).toHaveLength(1);

    clock.set(retried.notBeforeMs);
    expect(await worker.drain()).toMatchObject({ posted: 2, retried: 0, dead: 0, resumeAtMs: null });
    expect(fake.statuses.map((s) => s.status)).toEqual([
      expect.stringContaining('after the fault'),
      expect.stringContaining('waits for the server'),
    ]);
    expect(posts(fake)[1]!.headers['idempotency-key']).toBe(retried.idempotencyKey);
    expect(store.outbox.counts()).toMatchObject({ pending: 0, dead: 0 });
    expect([entry.id, other.id].map((id) => store.outbox.get(id))).toEqual([undefined, undefined]);
  });

  it('a reset after the server made the post: retried under the same key, and Mastodon makes it once', async () => {
    const { clock, store, fake, worker, enqueue } = await setup();
    const entry = enqueue('pi-1', 'made, answer lost');
    fake.failNext({ kind: 'reset-after-commit' }, postOnly);
    expect(await worker.drain()).toMatchObject({ retried: 1 });
    expect(fake.statuses).toHaveLength(1);
    clock.set(store.outbox.get(entry.id)!.notBeforeMs);
    expect(await worker.drain()).toMatchObject({ posted: 1 });
    expect(fake.statuses).toHaveLength(1);
    expect(posts(fake).map((r) => r.headers['idempotency-key'])).toEqual([entry.idempotencyKey, entry.idempotencyKey]);
  });

  it('a slow answer after the timeout: Mastodon replays the status made meanwhile, none twice', async () => {
    const { clock, store, fake, worker, enqueue } = await setup({ publisher: { timeoutMs: 150 } });
    const entry = enqueue('pi-1', 'slow server');
    await worker.drain();
    fake.reset();
    const slow = enqueue('pi-1', 'answered too late');
    fake.failNext({ kind: 'delay', ms: 400 }, postOnly);
    expect(await worker.drain()).toMatchObject({ retried: 1 });
    // The server makes the status after the client gave up.
    await fake.waitFor(() => fake.statuses.length === 1, { timeoutMs: 3000 });
    clock.set(store.outbox.get(slow.id)!.notBeforeMs);
    expect(await worker.drain()).toMatchObject({ posted: 1 });
    expect(fake.statuses).toHaveLength(1);
    expect(store.outbox.get(entry.id)).toBeUndefined();
  });

  it('a 4xx other than 429 is a dead letter, visible in the counts, and posts once revived by hand', async () => {
    const { store, fake, worker, enqueue } = await setup();
    const entry = enqueue('pi-1', 'refused');
    fake.failNext({ kind: 'status', status: 422, body: { error: 'Validation failed: Text is invalid' } }, postOnly);
    expect(await worker.drain()).toMatchObject({ posted: 0, retried: 0, dead: 1, resumeAtMs: null });
    expect(store.outbox.counts()).toMatchObject({ pending: 0, dead: 1 });
    expect(store.outbox.list({ state: 'dead' })[0]).toMatchObject({
      id: entry.id,
      lastError: expect.stringMatching(/422/),
    });

    expect(store.outbox.revive(entry.id)).toBe(true);
    expect(await worker.drain()).toMatchObject({ posted: 1 });
    expect(fake.statuses).toHaveLength(1);
    expect(store.outbox.counts()).toMatchObject({ pending: 0, dead: 0 });
  });
});
