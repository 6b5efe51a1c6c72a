// The storm of the issue "Alerts that behave, and nothing lost": Mastodon unreachable for an hour of simulated time
// while 500 messages for 50 hosts arrive. After it returns, every one is posted (merged where the pacing demands),
// none twice, and the posts stay within the server's limits.
import type { FakeMastodon } from '@janitor/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { runCleanups, type Setup, setup, T0 } from './outbox-worker.test-support.ts';
import type { PostWindow } from './post-budget.ts';

afterEach(runCleanups);

const ENTRIES = 500;
const HOSTS = 50;
const HOUR_MS = 3_600_000;

const host = (k: number) => `pi-${k % HOSTS}`;
const token = (k: number) => `a${String(k).padStart(4, '0')}`;

/** The server is down for an hour while the entries arrive; the worker tries once a minute, as its loop would. */
async function outage(s: Setup): Promise<void> {
  await s.stopFake();
  const everyMs = HOUR_MS / ENTRIES;
  let next = 0;
  for (let minute = 0; minute < 60; minute++) {
    s.clock.set(T0 + minute * 60_000);
    for (; next < ENTRIES && next * everyMs <= minute * 60_000 + 59_999; next++) {
      s.enqueue(host(next), `alert ${token(next)} on ${host(next)}`);
    }
    const drained = await s.worker.drain();
    expect(drained.posted).toBe(0);
  }
  expect(next).toBe(ENTRIES);
}

/** The server is back: drain, moving the clock to wherever the worker says it may go on, until nothing is left. */
async function recover(s: Setup): Promise<FakeMastodon> {
  s.clock.set(T0 + HOUR_MS);
  const fake = await s.restartFake();
  for (let round = 0; s.store.outbox.counts().pending > 0; round++) {
    if (round > 50) throw new Error('the backlog did not drain in 50 rounds');
    const drained = await s.worker.drain();
    s.clock.set(Math.max(s.clock.now() + 1000, drained.resumeAtMs ?? 0));
  }
  return fake;
}

/** Every entry's token, in posting order, read from what the server holds. */
function postedTokens(fake: FakeMastodon): string[] {
  return fake.statuses.flatMap((s) => s.status.match(/a\d{4}/g) ?? []);
}

function expectEachPostedOnceInHostOrder(fake: FakeMastodon): void {
  const tokens = postedTokens(fake);
  expect([...tokens].sort()).toEqual(Array.from({ length: ENTRIES }, (_, k) => token(k)));
  for (let h = 0; h < HOSTS; h++) {
    const ofHost = tokens.filter((t) => Number(t.slice(1)) % HOSTS === h);
    expect(ofHost).toEqual([...ofHost].sort());
  }
}

/** The most posts in any window of `windowMs`. */
function busiestWindow(fake: FakeMastodon, windowMs: number): number {
  const times = fake.statuses.map((s) => Date.parse(s.createdAt)).sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe('a storm while Mastodon is unreachable for an hour', () => {
  it('posts every message once after it returns, merged as the default budget demands, within the limits', async () => {
    const s = await setup();
    await outage(s);
    expect(s.store.outbox.counts().dead).toBe(0);
    const fake = await recover(s);

    expectEachPostedOnceInHostOrder(fake);
    expect(s.store.outbox.counts()).toMatchObject({ pending: 0, dead: 0 });
    // Merged where needed: fewer posts than messages, some of them merges of one host's messages.
    expect(fake.statuses.length).toBeLessThan(ENTRIES);
    expect(fake.statuses.some((st) => /^\d+ messages for pi-\d+:/.test(st.status))).toBe(true);
    // Within Mastodon's 300 posts in 3 hours (and the worker's 290 in 5 minutes), never refused by the server.
    expect(busiestWindow(fake, 3 * HOUR_MS)).toBeLessThanOrEqual(300);
    expect(busiestWindow(fake, 5 * 60_000)).toBeLessThanOrEqual(290);
    expect(fake.requests.filter((r) => r.responseStatus === 429)).toEqual([]);
  });

  it('with a budget of 60 posts in 3 hours, merges down to the budget less its reserve', async () => {
    const budget: PostWindow[] = [{ limit: 60, windowMs: 3 * HOUR_MS }];
    const s = await setup({ worker: { budget } });
    await outage(s);
    const fake = await recover(s);

    expectEachPostedOnceInHostOrder(fake);
    // 60 less the 10 % kept for what comes next: at most 54 posts, so at least 50 hosts' worth of merging.
    expect(fake.statuses.length).toBeGreaterThanOrEqual(HOSTS);
    expect(fake.statuses.length).toBeLessThanOrEqual(54);
    const merged = fake.statuses.filter((st) => /^\d+ messages for pi-\d+:\n\n/.test(st.status));
    expect(merged.length).toBeGreaterThanOrEqual(HOSTS - 4);
    expect(busiestWindow(fake, 3 * HOUR_MS)).toBeLessThanOrEqual(60);
  });
});
