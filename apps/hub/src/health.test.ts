// GET /health: ready or not, and why (the store, the publisher), with the outbox depth.
import type { AppLogger } from '@janitor/config';
import { startFakeMastodon } from '@janitor/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  captureLogger,
  GOOD_MESSAGE,
  goldenConfigData,
  hubConfig,
  jsonOf,
  remoteFromEnv,
  startHub,
  tempDir,
  until,
} from './hub.test-support.ts';
import { createHubService, type HubService } from './service.ts';

interface Health {
  status: 'ready' | 'not ready';
  problems: string[];
  store: { writable: boolean };
  publisher: string;
  dryRunBecause?: string;
  outbox: { pending: number | null; dead: number | null; oldestPendingMs: number | null };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function service(options: {
  dryRun: boolean;
  env?: Record<string, string>;
  logger?: AppLogger;
  mastodonUrl?: string;
}): Promise<HubService> {
  const dir = tempDir();
  const config = hubConfig(goldenConfigData(dir.path, options.mastodonUrl), dir.path);
  const hub = createHubService({
    config,
    logger: options.logger ?? captureLogger(),
    dryRun: options.dryRun,
    remoteAddress: remoteFromEnv,
    env: options.env ?? {},
  });
  cleanups.push(dir.remove, () => hub.close({ graceMs: 1000 }));
  await hub.start();
  return hub;
}

async function health(app: { request: HubService['app']['request'] }): Promise<{ status: number; body: Health }> {
  const res = await app.request('/health', {}, { remote: '203.0.113.9' });
  return { status: res.status, body: (await jsonOf(res)) as unknown as Health };
}

describe('GET /health', () => {
  it('is ready in a dry run, and answers anyone (it holds no secret)', async () => {
    const hub = await service({ dryRun: true });
    const { status, body } = await health(hub.app);
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'ready',
      problems: [],
      store: { writable: true },
      publisher: 'dry-run',
      outbox: { pending: 0, dead: 0, oldestPendingMs: null },
    });
  });

  it('is ready with a Mastodon token', async () => {
    const hub = await service({ dryRun: false, env: { JANITOR_MASTODON_ACCESS_TOKEN: 'test-token' } });
    await hub.worker?.stop();
    const { status, body } = await health(hub.app);
    expect(status).toBe(200);
    expect(body.publisher).toBe('ready');
  });

  it('runs dry without Mastodon credentials: says so once at start and in /health, and keeps no post', async () => {
    const logger = captureLogger();
    const hub = await service({ dryRun: false, logger });
    expect(hub.publisherState).toBe('dry-run');
    const said = logger.lines.filter((l) => /no Mastodon (access token|credentials)/.test(l.message));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatchObject({ level: 'warn', message: expect.stringMatching(/dry run/) });
    for (let i = 0; i < 3; i += 1) {
      expect((await hub.app.request('/message', GOOD_MESSAGE, { remote: '127.0.0.1' })).status).toBe(200);
    }
    // Logged as posts, not kept for a flood of old test posts once credentials come.
    await until(() => logger.lines.filter((l) => l.message === 'posted').length === 3, 'the dry-run posts');
    const { status, body } = await health(hub.app);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ready',
      problems: [],
      publisher: 'dry-run',
      dryRunBecause: 'no-credentials',
    });
    expect(body.outbox).toMatchObject({ pending: 0, dead: 0 });
    expect(hub.store.outbox.list()).toEqual([]);
  });

  it('is 503 while the server refuses the token: posting pauses, and it is ready again once the token works', async () => {
    await using fake = await startFakeMastodon({ flavour: 'mastodon', accessTokens: ['test-token'] });
    const token = fake.tokens.find((t) => t.accessToken === 'test-token')!;
    token.revoked = true;
    const hub = await service({
      dryRun: false,
      env: { JANITOR_MASTODON_ACCESS_TOKEN: 'test-token' },
      mastodonUrl: fake.url,
    });
    expect((await hub.app.request('/message', GOOD_MESSAGE, { remote: '127.0.0.1' })).status).toBe(200);
    await until(() => hub.worker?.status().paused === 'auth', 'posting to pause');
    const { status, body } = await health(hub.app);
    expect(status).toBe(503);
    expect(body.publisher).toBe('token-refused');
    expect(body.problems).toEqual([expect.stringContaining('refuses the Mastodon access token')]);
    expect(body.outbox).toMatchObject({ pending: 1, dead: 0 });
    token.revoked = false;
    hub.worker?.notify();
    await until(() => hub.worker?.status().paused === null && fake.statuses.length === 1, 'the post', 15_000);
    expect((await health(hub.app)).status).toBe(200);
  });

  it('reports the outbox depth as it fills and drains, and dead letters', async () => {
    const hub = startHub();
    cleanups.push(hub.close);
    for (let i = 0; i < 4; i += 1) await hub.request('/message', GOOD_MESSAGE);
    expect((await health(hub.app)).body.outbox).toMatchObject({ pending: 4, dead: 0 });
    const [first, second] = hub.store.outbox.list();
    hub.store.outbox.complete(first!.id);
    hub.store.outbox.kill(second!.id, 'refused');
    expect((await health(hub.app)).body.outbox).toMatchObject({ pending: 2, dead: 1 });
  });

  it('is 503 when the store refuses writes', async () => {
    const hub = startHub({ deps: { storeWritable: () => false } });
    cleanups.push(hub.close);
    const { status, body } = await health(hub.app);
    expect(status).toBe(503);
    expect(body.problems).toEqual(['the store is not writable']);
    expect(body.store.writable).toBe(false);
  });

  it('says the store is not writable when it has failed outright, instead of failing itself', async () => {
    const hub = await service({ dryRun: true });
    await hub.worker?.stop();
    hub.store.close();
    const res = await hub.app.request('/health', {}, { remote: '127.0.0.1' });
    expect(res.status).toBe(503);
    const body = (await jsonOf(res)) as unknown as Health;
    expect(body.status).toBe('not ready');
    expect(body.problems).toContain('the store is not writable');
    expect(body.outbox).toEqual({ pending: null, dead: null, oldestPendingMs: null });
    // A request it cannot store is a 503 the sender may retry, as JSON, without internals.
    const message = await hub.app.request('/message', GOOD_MESSAGE, { remote: '127.0.0.1' });
    expect(message.status).toBe(503);
    const text = await message.text();
    expect(JSON.parse(text)).toEqual({ error: 'the hub could not accept this request now; retry later' });
  });
});
