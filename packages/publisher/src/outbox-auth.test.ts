// A token the server refuses: the worker pauses posting and keeps every entry, instead of turning each of them into a
// dead letter in turn, and resumes once the token is accepted again. Against the fake server, which refuses a
// revoked token as each server family does (Mastodon and GoToSocial 401, Pleroma and Akkoma 403).
import type { Logger } from '@janitor/protocol';
import type { Flavour } from '@janitor/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { postOnly, posts, runCleanups, setup, T0, until, withDeadline } from './outbox-worker.test-support.ts';

afterEach(runCleanups);

/** A logger that keeps what it was told. */
function recordingLogger() {
  const lines: { level: string; msg: string }[] = [];
  const at =
    (level: string) =>
    (msg: string): void => {
      lines.push({ level, msg });
    };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

describe('a refused token', () => {
  it.each([
    ['mastodon', 401],
    ['gotosocial', 401],
    ['pleroma', 403],
  ] as [Flavour, number][])(
    '%s (%i): posting pauses, nothing is dead; once the token is accepted again, everything is posted once',
    async (flavour, status) => {
      const { logger, lines } = recordingLogger();
      const { clock, store, fake, worker, enqueue } = await setup({ flavour, worker: { logger } });
      const texts = ['disk full on pi-1', 'backup done on pi-2', 'disk fine on pi-1'];
      enqueue('pi-1', texts[0]!);
      enqueue('pi-2', texts[1]!);
      enqueue('pi-1', texts[2]!);
      const token = fake.tokens.find((t) => t.accessToken === 'test-token')!;
      token.revoked = true;
      expect(worker.status()).toEqual({ paused: null });

      // One attempt is refused; the others are not tried, and none becomes a dead letter.
      expect(await worker.drain()).toMatchObject({ posted: 0, retried: 1, dead: 0 });
      expect(posts(fake).map((r) => r.responseStatus)).toEqual([status]);
      expect(store.outbox.counts()).toMatchObject({ pending: 3, dead: 0 });
      const first = worker.status();
      expect(first).toEqual({
        paused: 'auth',
        sinceMs: T0,
        error: expect.stringContaining(String(status)),
        nextCheckAtMs: expect.any(Number),
      });
      if (first.paused !== 'auth') throw new Error('not paused');
      expect(first.nextCheckAtMs).toBeGreaterThan(T0);

      // Still paused before the check; at the check, still refused: paused since the first refusal, backing off.
      clock.set(first.nextCheckAtMs - 1);
      expect(await worker.drain()).toMatchObject({ posted: 0, retried: 0, resumeAtMs: first.nextCheckAtMs });
      clock.set(first.nextCheckAtMs);
      expect(await worker.drain()).toMatchObject({ posted: 0, retried: 1, dead: 0 });
      const second = worker.status();
      if (second.paused !== 'auth') throw new Error('not paused');
      expect(second.sinceMs).toBe(T0);
      expect(second.nextCheckAtMs - first.nextCheckAtMs).toBeGreaterThan(first.nextCheckAtMs - T0);
      expect(store.outbox.counts()).toMatchObject({ pending: 3, dead: 0 });
      // Said once, not at every refusal.
      expect(lines.filter((l) => l.level === 'error')).toEqual([
        { level: 'error', msg: expect.stringContaining('refuses the access token') },
      ]);

      token.revoked = false;
      clock.set(second.nextCheckAtMs);
      expect(await worker.drain()).toMatchObject({ posted: 3, dead: 0 });
      expect(worker.status()).toEqual({ paused: null });
      expect(fake.statuses.map((s) => texts.find((t) => s.status.includes(t)))).toEqual(texts);
      expect(store.outbox.counts()).toMatchObject({ pending: 0, dead: 0 });
      expect(lines.filter((l) => l.msg.includes('accepts the access token again'))).toHaveLength(1);
    },
  );

  it('start(): the loop pauses on a refused token and resumes by itself once it is accepted', async () => {
    const { clock, store, fake, worker, enqueue } = await setup({ worker: { retryBaseMs: 20, retryMaxMs: 40 } });
    const token = fake.tokens.find((t) => t.accessToken === 'test-token')!;
    token.revoked = true;
    enqueue('pi-1', 'queued while refused');
    worker.start();
    await until(() => worker.status().paused === 'auth', 'the worker pauses');
    expect(store.outbox.counts()).toMatchObject({ pending: 1, dead: 0 });

    token.revoked = false;
    // The loop's clock is the test's: move it past the check, and wake the loop.
    clock.advance(60_000);
    worker.notify();
    await until(() => store.outbox.counts().pending === 0, 'the entry is posted');
    expect(fake.statuses).toHaveLength(1);
    expect(worker.status()).toEqual({ paused: null });
    await withDeadline(worker.stop(), 5000, 'worker.stop()');
  });

  it('a 403 about one post while the token is fine is that post’s dead letter; posting goes on', async () => {
    const { store, fake, worker, enqueue } = await setup({ flavour: 'gotosocial' });
    const refused = enqueue('pi-1', 'a reply the server forbids');
    enqueue('pi-2', 'an ordinary post');
    fake.failNext({ kind: 'status', status: 403, body: { error: 'Forbidden: reply not permitted' } }, postOnly);
    expect(await worker.drain()).toMatchObject({ posted: 1, dead: 1 });
    expect(worker.status()).toEqual({ paused: null });
    expect(store.outbox.get(refused.id)).toMatchObject({ state: 'dead', lastError: expect.stringContaining('403') });
    // The token was checked once, and was fine.
    expect(fake.requests.filter((r) => r.path === '/api/v1/accounts/verify_credentials')).toHaveLength(1);
  });
});
