// Incidents and message thread keys as threads, end to end: reports and messages into a real hub service, posts on
// the fake Mastodon server through the real masto client, each reply found through the notification log.
import { type FakeMastodon, startFakeMastodon } from '@janitor/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  captureLogger,
  form,
  goldenConfigData,
  hubConfig,
  json,
  remoteFromEnv,
  tempDir,
  until,
} from './hub.test-support.ts';
import { createHubService, type HubService } from './service.ts';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 3, 14, 0);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function threadedHub(extra: Record<string, unknown> = {}): Promise<{
  hub: HubService;
  fake: FakeMastodon;
  clock: { now: number };
}> {
  const fake = await startFakeMastodon({ flavour: 'pleroma', accessTokens: ['test-token'] });
  const dir = tempDir();
  const clock = { now: T0 };
  const raw = goldenConfigData(dir.path, fake.url);
  const hub = createHubService({
    config: hubConfig({ ...raw, ...extra }, dir.path),
    logger: captureLogger(),
    dryRun: false,
    remoteAddress: remoteFromEnv,
    env: { JANITOR_MASTODON_ACCESS_TOKEN: 'test-token' },
    now: () => clock.now,
    checkIntervalMs: 0,
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

async function report(hub: HubService, cpu: number): Promise<void> {
  const res = await hub.app.request(
    '/sysinfo',
    json({ sys_data: { hostname: 'pi1', cpu_percent: cpu, memory_percent: 20 } }),
    { remote: '127.0.0.1' },
  );
  expect(res.status).toBe(200);
}

describe('incidents as threads', () => {
  it('posts an alert that fires, repeats and resolves as one thread of three posts', async () => {
    const { hub, fake, clock } = await threadedHub({ alerting: { default_repeat: '30m' } });
    await report(hub, 95);
    await until(() => fake.statuses.length === 1, 'the firing post');
    clock.now += 31 * MINUTE;
    await report(hub, 96);
    await until(() => fake.statuses.length === 2, 'the repeat');
    clock.now += MINUTE;
    await report(hub, 20);
    await until(() => fake.statuses.length === 3, 'the recovery');
    const [first, repeat, resolved] = fake.statuses;
    expect(first!.inReplyToId).toBeNull();
    expect(repeat!.inReplyToId).toBe(first!.id);
    expect(resolved!.inReplyToId).toBe(repeat!.id);
    expect(resolved!.status).toMatch(/recovered/);
  });

  it('starts a new thread for the next incident of the same alert', async () => {
    const { hub, fake, clock } = await threadedHub();
    await report(hub, 95);
    clock.now += MINUTE;
    await report(hub, 20);
    await until(() => fake.statuses.length === 2, 'the first incident');
    clock.now += MINUTE;
    await report(hub, 97);
    await until(() => fake.statuses.length === 3, 'the second incident');
    expect(fake.statuses[1]!.inReplyToId).toBe(fake.statuses[0]!.id);
    expect(fake.statuses[2]!.inReplyToId).toBeNull();
  });

  it('posts a continuation on its own when the thread’s status was deleted', async () => {
    const { hub, fake, clock } = await threadedHub();
    await report(hub, 95);
    await until(() => fake.statuses.length === 1, 'the firing post');
    await fetch(`${fake.url}/api/v1/statuses/${fake.statuses[0]!.id}`, {
      method: 'DELETE',
      headers: { authorization: 'Bearer test-token' },
    });
    clock.now += MINUTE;
    await report(hub, 20);
    await until(() => fake.statuses.filter((s) => /recovered/.test(s.status)).length === 1, 'the recovery');
    expect(fake.statuses.find((s) => /recovered/.test(s.status))!.inReplyToId).toBeNull();
    await until(() => hub.store.outbox.counts().pending === 0, 'the outbox to empty');
  });
});

describe('a silent host', () => {
  it('posts its silence alarm and its return as one thread', async () => {
    const { hub, fake, clock } = await threadedHub({ alerting: { silent_after: '5m' } });
    await report(hub, 20);
    clock.now += 10 * MINUTE;
    await hub.alerts.tick();
    await until(() => fake.statuses.length === 1, 'the silence alarm');
    clock.now += MINUTE;
    await report(hub, 20);
    await hub.alerts.tick();
    await until(() => fake.statuses.length === 2, 'the back post');
    const [silent, back] = fake.statuses;
    expect(silent!.status).toMatch(/not reported/);
    expect(back!.status).toMatch(/reporting again/);
    expect(back!.inReplyToId).toBe(silent!.id);
  });
});

describe('message thread keys', () => {
  it('replies to the first message of a key within threads.window; other keys and no key stand alone', async () => {
    const { hub, fake } = await threadedHub({ threads: { window: '1h' } });
    const send = async (fields: Record<string, string>) => {
      const res = await hub.app.request('/message', form({ hostname: 'nas', ...fields }), { remote: '127.0.0.1' });
      expect(res.status).toBe(200);
      await until(() => hub.store.outbox.counts().pending === 0, 'the post');
    };
    await send({ message: 'backup failed', thread: 'backup' });
    await send({ message: 'backup failed again', thread: 'backup' });
    await send({ message: 'disk check', thread: 'fsck' });
    await send({ message: 'backup failed a third time', thread: 'backup' });
    await send({ message: 'no key' });
    const [first, second, other, third, loose] = fake.statuses;
    expect(second!.inReplyToId).toBe(first!.id);
    expect(third!.inReplyToId).toBe(first!.id);
    expect(other!.inReplyToId).toBeNull();
    expect(loose!.inReplyToId).toBeNull();
  });

  it('refuses a thread key that is not one line, naming the field', async () => {
    const { hub } = await threadedHub();
    const res = await hub.app.request('/message', form({ hostname: 'nas', message: 'x', thread: 'a\nb' }), {
      remote: '127.0.0.1',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: 'thread' });
  });
});
