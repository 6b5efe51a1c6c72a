// Job check-ins end to end: pings into a real hub service, its periodic check on an injected clock, posts on the fake
// Mastodon server through the real masto client; the resolution is a reply in the problem's thread, found through the
// notification log.
import { type FakeMastodon, startFakeMastodon } from '@janitor/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { captureLogger, goldenConfigData, hubConfig, remoteFromEnv, tempDir, until } from './hub.test-support.ts';
import { createHubService, type HubService } from './service.ts';

const MINUTE = 60_000;
/** 2026-11-03 02:00 UTC. */
const T0 = Date.UTC(2026, 10, 3, 2, 0);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function hubWithChecks(
  checks: unknown[],
  checkIntervalMs = 0,
): Promise<{ hub: HubService; fake: FakeMastodon; clock: { now: number } }> {
  const fake = await startFakeMastodon({ flavour: 'pleroma', accessTokens: ['test-token'] });
  const dir = tempDir();
  const clock = { now: T0 };
  const hub = createHubService({
    config: hubConfig({ ...goldenConfigData(dir.path, fake.url), checks }, dir.path),
    logger: captureLogger(),
    dryRun: false,
    remoteAddress: remoteFromEnv,
    env: { JANITOR_MASTODON_ACCESS_TOKEN: 'test-token' },
    now: () => clock.now,
    checkIntervalMs,
    storeCheckIntervalMs: 0,
  });
  cleanups.push(
    () => fake.close(),
    dir.remove,
    () => hub.close({ graceMs: 1000 }),
  );
  await hub.start();
  return { hub, fake, clock };
}

async function ping(hub: HubService, path: string, body?: string): Promise<void> {
  const res = await hub.app.request(path, { method: 'POST', ...(body ? { body } : {}) }, { remote: '127.0.0.1' });
  expect([res.status, await res.text()]).toEqual([200, 'OK']);
}

describe('job check-ins on the Fediverse', () => {
  it('posts a check that missed its window, and the next ping’s resolution as a reply in its thread', async () => {
    const { hub, fake, clock } = await hubWithChecks([{ slug: 'backup', schedule: '0 2 * * *', grace: '5m' }]);
    clock.now = T0 + 3 * MINUTE;
    await ping(hub, '/ping/backup');
    // The service's timer ticks every 30 s: the first tick after tomorrow's 02:05 finds it late.
    clock.now = T0 + 24 * 60 * MINUTE + 5 * MINUTE + 30_000;
    await hub.checks.tick();
    await until(() => fake.statuses.length === 1, 'the late post');
    clock.now += 20 * MINUTE;
    await ping(hub, '/ping/backup');
    await until(() => fake.statuses.length === 2, 'the resolution');
    const [late, back] = fake.statuses;
    expect(late!.spoilerText).toBe('⚠️ backup');
    expect(late!.status).toBe('backup is late: expected by 02:05 UTC, last ping 24h ago\n0 2 * * * (UTC), grace 5m');
    expect(late!.inReplyToId).toBeNull();
    expect(back!.status).toBe('backup is back: success at 02:25 UTC, after being late for 20m');
    expect(back!.inReplyToId).toBe(late!.id);
    // Both in the alert log, with the status the firing row's post became.
    const rows = hub.store.alertLog.list().entries;
    expect(rows.map((r) => r.transition)).toEqual(['resolved', 'firing']);
    expect(rows[1]!.statusUrl).toMatch(new RegExp(`/${late!.id}$`));
  });

  it('posts a failing job once, its output neutralised, and its return in the same thread', async () => {
    const { hub, fake, clock } = await hubWithChecks([{ slug: 'db-dump', period: '1d', host: 'db1' }]);
    await ping(hub, '/ping/db-dump/2', 'pg_dump: connection refused\nask @admin@example.social #oncall');
    await until(() => fake.statuses.length === 1, 'the failure');
    clock.now += 10 * MINUTE;
    await ping(hub, '/ping/db-dump/fail', 'again');
    clock.now += 10 * MINUTE;
    await ping(hub, '/ping/db-dump/0');
    await until(() => fake.statuses.length === 2, 'the return');
    await until(() => hub.store.outbox.counts().pending === 0, 'the outbox to empty');
    const [failed, back] = fake.statuses;
    expect(failed!.spoilerText).toBe('🔥 db1: db-dump');
    expect(failed!.status).toMatch(
      /^db-dump failed \(exit 2\)\n\nlast 2 lines of output:\npg_dump: connection refused\n/,
    );
    // Text from outside mentions nobody and tags nothing.
    expect(failed!.mentions).toEqual([]);
    expect(failed!.status).not.toContain('@admin@example.social');
    expect(back!.inReplyToId).toBe(failed!.id);
    expect(fake.statuses).toHaveLength(2);
  });

  it('is looked at by the service’s own timer: a check past its deadline is posted without anyone asking', async () => {
    const { fake, clock } = await hubWithChecks([{ slug: 'certbot', period: '12h', grace: '1h' }], 20);
    clock.now += 13 * 60 * MINUTE + 1;
    await until(() => fake.statuses.length === 1, 'the late post from the timer');
    expect(fake.statuses[0]!.status).toMatch(/^certbot is late: expected by 15:00 UTC, never pinged\n/);
  });
});
