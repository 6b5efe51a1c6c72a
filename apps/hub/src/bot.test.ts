// The bot end to end: a real hub service, the fake Mastodon server's mentions, favourites and streams, the real masto
// client both ways. Answers are replies in the asker's thread; only allowed accounts are answered; a restart answers
// each mention once; without streaming, polling answers; ack stops repeats; a silence by mention is a silence.
import { type FakeMastodon, type FakeMastodonOptions, startFakeMastodon } from '@janitor/testkit';
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
const OWNER = 'owner@example.social';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface BotRig {
  fake: FakeMastodon;
  clock: { now: number };
  dir: string;
  hub: HubService;
  /** Starts another hub service on the same state directory (a restart). */
  restart(): Promise<HubService>;
}

async function botHub(
  options: { fake?: FakeMastodonOptions; bot?: Record<string, unknown>; extra?: Record<string, unknown> } = {},
): Promise<BotRig> {
  const fake = await startFakeMastodon({ accessTokens: ['test-token'], ...options.fake });
  const dir = tempDir();
  cleanups.push(() => fake.close(), dir.remove);
  const clock = { now: Date.now() };
  const raw: Record<string, unknown> = {
    ...goldenConfigData(dir.path, fake.url),
    bot: { enabled: true, allowed_accounts: [OWNER], poll_interval: '10s', ...options.bot },
    ...options.extra,
  };
  raw.mastodon = { ...(raw.mastodon as object), instance_type: options.fake?.flavour ?? 'mastodon' };
  const config = hubConfig(raw, dir.path);
  const start = async () => {
    const hub = createHubService({
      config,
      logger: captureLogger(),
      dryRun: false,
      remoteAddress: remoteFromEnv,
      env: { JANITOR_MASTODON_ACCESS_TOKEN: 'test-token' },
      now: () => clock.now,
      checkIntervalMs: 0,
      storeCheckIntervalMs: 0,
    });
    cleanups.push(() => hub.close({ graceMs: 500 }));
    await hub.start();
    return hub;
  };
  const hub = await start();
  return { fake, clock, dir: dir.path, hub, restart: start };
}

/** The bot's statuses that reply to `statusId`. */
const repliesTo = (fake: FakeMastodon, statusId: string) => fake.statuses.filter((s) => s.inReplyToId === statusId);

async function report(hub: HubService, hostname: string, cpu: number): Promise<void> {
  const res = await hub.app.request(
    '/sysinfo',
    json({ sys_data: { hostname, cpu_percent: cpu, memory_percent: 41 } }),
    { remote: '127.0.0.1' },
  );
  expect(res.status).toBe(200);
}

/** Waits until the stream is subscribed, so that a mention made now is pushed on it. */
async function subscribed(fake: FakeMastodon): Promise<void> {
  await fake.waitFor(() => fake.streams.some((s) => s.open && s.subscriptions.length > 0), { timeoutMs: 8000 });
}

describe('the bot', { timeout: 30_000 }, () => {
  it('answers `status pi1` from an allowed account once, in its thread, with pi1’s values and a chart', async () => {
    const { fake, hub, clock } = await botHub();
    await report(hub, 'pi1', 12);
    clock.now += MINUTE;
    await report(hub, 'pi1', 14);
    await subscribed(fake);
    const { status: mention } = fake.mention({ from: OWNER, text: '@janitor status pi1', visibility: 'unlisted' });
    const [answer] = await fake.waitFor(
      () => (repliesTo(fake, mention.id).length > 0 ? repliesTo(fake, mention.id) : null),
      {
        timeoutMs: 8000,
      },
    );
    expect(answer!.status).toMatch(/^@owner@example\.social /);
    expect(answer!.status).toMatch(/pi1/);
    expect(answer!.visibility).toBe('unlisted');
    expect(answer!.mediaIds).toHaveLength(1);
    const media = fake.media.find((m) => m.id === answer!.mediaIds[0])!;
    expect(media.contentType).toBe('image/png');
    expect(media.description).toMatch(/CPU on pi1/);
    await until(() => hub.store.outbox.counts().pending === 0, 'the outbox to empty');
    expect(repliesTo(fake, mention.id)).toHaveLength(1);
  });

  it('never answers a stranger, and never more widely than the mention', async () => {
    const { fake } = await botHub();
    await subscribed(fake);
    const stranger = fake.mention({ from: 'someone@elsewhere.example', text: '@janitor silence * 1d' }).status;
    const owner = fake.mention({ from: OWNER, text: '@janitor help', visibility: 'direct' }).status;
    const [answer] = await fake.waitFor(
      () => (repliesTo(fake, owner.id).length > 0 ? repliesTo(fake, owner.id) : null),
      {
        timeoutMs: 8000,
      },
    );
    expect(answer!.visibility).toBe('direct');
    expect(answer!.mentions.map((m) => m.acct)).toEqual([OWNER]);
    expect(repliesTo(fake, stranger.id)).toEqual([]);
  });

  it('a silence asked by mention shows in GET /silences', async () => {
    const { fake, hub } = await botHub();
    await report(hub, 'pi1', 12);
    await subscribed(fake);
    const { status } = fake.mention({ from: OWNER, text: '@janitor silence pi1 2h kernel upgrade' });
    await fake.waitFor(() => repliesTo(fake, status.id)[0], { timeoutMs: 8000 });
    const res = await hub.app.request('/silences', {}, { remote: '127.0.0.1' });
    const body = (await res.json()) as { silences: { host: string; reason: string | null }[] };
    expect(body.silences).toEqual([
      expect.objectContaining({ host: 'pi1', reason: expect.stringMatching(/kernel upgrade/) }),
    ]);
  });

  it('answers each of 20 mentions exactly once across a restart in the middle of the burst', async () => {
    const rig = await botHub();
    await subscribed(rig.fake);
    const mentions = Array.from(
      { length: 20 },
      (_, i) => rig.fake.mention({ from: OWNER, text: `@janitor hosts ${i}` }).status,
    );
    await rig.fake.waitFor(() => mentions.some((m) => repliesTo(rig.fake, m.id).length > 0), { timeoutMs: 8000 });
    await rig.hub.close({ graceMs: 200 });
    const again = await rig.restart();
    await rig.fake.waitFor(() => mentions.every((m) => repliesTo(rig.fake, m.id).length > 0), { timeoutMs: 20_000 });
    await until(() => again.store.outbox.counts().pending === 0, 'the outbox to empty', 10_000);
    for (const m of mentions) expect(repliesTo(rig.fake, m.id)).toHaveLength(1);
  });

  it('with streaming refused, polling answers within its interval', async () => {
    const { fake } = await botHub({ fake: { streaming: false } });
    // The first catch-up has run (at start); this mention comes after it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { status } = fake.mention({ from: OWNER, text: '@janitor alerts' });
    const started = Date.now();
    await fake.waitFor(() => repliesTo(fake, status.id)[0], { timeoutMs: 15_000 });
    expect(Date.now() - started).toBeLessThan(12_000);
  });

  it('`ack` in reply to an alert post stops its repeats and says so in the incident’s thread', async () => {
    const { fake, hub, clock } = await botHub({ extra: { alerting: { default_repeat: '30m' } } });
    await report(hub, 'pi1', 95);
    const alert = await fake.waitFor(() => fake.statuses.find((s) => /CPU/.test(s.status)), { timeoutMs: 8000 });
    expect(alert.mediaIds).toHaveLength(1);
    await subscribed(fake);
    const { status: ack } = fake.mention({ from: OWNER, text: '@janitor ack', inReplyToId: alert.id });
    await fake.waitFor(() => repliesTo(fake, ack.id)[0], { timeoutMs: 8000 });
    const acknowledged = await fake.waitFor(
      () => repliesTo(fake, alert.id).find((s) => /acknowledged by/.test(s.status)),
      {
        timeoutMs: 8000,
      },
    );
    expect(acknowledged.status).toMatch(/owner@\u200B?example\.social/);
    clock.now += 31 * MINUTE;
    await report(hub, 'pi1', 96);
    clock.now += 31 * MINUTE;
    await report(hub, 'pi1', 97);
    await until(() => hub.store.outbox.counts().pending === 0, 'the outbox to empty');
    expect(fake.statuses.filter((s) => /firing for/.test(s.status))).toEqual([]);
    const log = await (await hub.app.request('/api/v1/alerts', {}, { remote: '127.0.0.1' })).json();
    expect((log as { alerts: { transition: string; by: string | null }[] }).alerts[0]).toMatchObject({
      transition: 'acknowledged',
      by: OWNER,
    });
  });

  it('a favourite of an alert post by an allowed account acknowledges it', async () => {
    const { fake, hub } = await botHub();
    await report(hub, 'pi1', 95);
    const alert = await fake.waitFor(() => fake.statuses.find((s) => /CPU/.test(s.status)), { timeoutMs: 8000 });
    await subscribed(fake);
    fake.favourite(alert.id, OWNER);
    await fake.waitFor(() => repliesTo(fake, alert.id).find((s) => /acknowledged by/.test(s.status)), {
      timeoutMs: 8000,
    });
  });
});

describe('routing by severity through the hub', () => {
  it('an alarm routed as direct reaches only the routed accounts', async () => {
    const fake = await startFakeMastodon({ accessTokens: ['test-token'] });
    const dir = tempDir();
    cleanups.push(() => fake.close(), dir.remove);
    const raw = goldenConfigData(dir.path, fake.url);
    raw.mastodon = {
      ...(raw.mastodon as object),
      instance_type: 'mastodon',
      status_post: { by_type: { alarm: { visibility: 'direct', mention: [OWNER] }, info: { visibility: 'unlisted' } } },
    };
    const routed = createHubService({
      config: hubConfig(raw, dir.path),
      logger: captureLogger(),
      dryRun: false,
      remoteAddress: remoteFromEnv,
      env: { JANITOR_MASTODON_ACCESS_TOKEN: 'test-token' },
      checkIntervalMs: 0,
      storeCheckIntervalMs: 0,
    });
    cleanups.push(() => routed.close({ graceMs: 500 }));
    await routed.start();
    for (const type of ['alarm', 'info']) {
      const res = await routed.app.request(
        '/message',
        form({ hostname: 'nas', message: `${type} here`, message_type: type }),
        {
          remote: '127.0.0.1',
        },
      );
      expect(res.status).toBe(200);
    }
    await fake.waitFor(() => fake.statuses.length === 2, { timeoutMs: 8000 });
    const [alarm, info] = fake.statuses;
    expect(alarm).toMatchObject({ visibility: 'direct' });
    expect(alarm!.mentions.map((m) => m.acct)).toEqual([OWNER]);
    expect(info).toMatchObject({ visibility: 'unlisted' });
    expect(info!.mentions).toEqual([]);
  });
});
