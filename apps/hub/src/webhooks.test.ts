// Other monitors' alerts end to end: recorded webhook payloads into a real hub service, posts on the fake Mastodon
// server through the real masto client: an incident and its end as one thread, the severity's route, nobody
// mentioned by what a label says.
import { type FakeMastodon, startFakeMastodon, webhookFixture } from '@janitor/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { captureLogger, goldenConfigData, hubConfig, json, remoteFromEnv, tempDir, until } from './hub.test-support.ts';
import { createHubService, type HubService } from './service.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function postingHub(extra: Record<string, unknown> = {}): Promise<{ hub: HubService; fake: FakeMastodon }> {
  const fake = await startFakeMastodon({ flavour: 'pleroma', accessTokens: ['test-token'] });
  const dir = tempDir();
  const raw = goldenConfigData(dir.path, fake.url);
  const mastodon = raw.mastodon as Record<string, unknown>;
  const hub = createHubService({
    config: hubConfig({ ...raw, mastodon: { ...mastodon, ...(extra.mastodon as object) } }, dir.path),
    logger: captureLogger(),
    dryRun: false,
    remoteAddress: remoteFromEnv,
    env: { JANITOR_MASTODON_ACCESS_TOKEN: 'test-token' },
    checkIntervalMs: 0,
    storeCheckIntervalMs: 0,
  });
  cleanups.push(
    () => fake.close(),
    dir.remove,
    () => hub.close({ graceMs: 1000 }),
  );
  await hub.start();
  return { hub, fake };
}

async function deliver(hub: HubService, path: string, body: string | object): Promise<void> {
  const init =
    typeof body === 'string' ? { method: 'POST', headers: { 'content-type': 'application/json' }, body } : json(body);
  const res = await hub.app.request(path, init, { remote: '127.0.0.1' });
  expect(res.status).toBe(200);
}

describe('other monitors’ alerts on the Fediverse', () => {
  it('posts an Alertmanager alert, nothing for its re-send, and its resolution as a reply in the same thread', async () => {
    const { hub, fake } = await postingHub();
    await deliver(hub, '/webhooks/alertmanager', webhookFixture('alertmanager-firing'));
    await until(() => fake.statuses.length === 1, 'the firing post');
    await deliver(hub, '/webhooks/alertmanager', webhookFixture('alertmanager-firing'));
    await deliver(hub, '/webhooks/alertmanager', webhookFixture('alertmanager-resolved'));
    await until(() => fake.statuses.length === 2 && hub.store.outbox.counts().pending === 0, 'the resolution');
    const [firing, resolved] = fake.statuses;
    expect(firing!.status).toContain('HighCPU on pi1 is firing');
    expect(firing!.inReplyToId).toBeNull();
    expect(resolved!.status).toContain('HighCPU on pi1 resolved after');
    expect(resolved!.inReplyToId).toBe(firing!.id);
    const [end] = hub.store.alertLog.list({ state: 'resolved' }).entries;
    expect(end!.statusUrl).toContain(resolved!.id);
  });

  it('routes by severity as Janitor’s own alerts: a critical alert takes the alarm route, its end the info one', async () => {
    const { hub, fake } = await postingHub({
      mastodon: { status_post: { by_type: { alarm: { visibility: 'unlisted' }, info: { visibility: 'private' } } } },
    });
    await deliver(hub, '/webhooks/alertmanager', webhookFixture('alertmanager-firing'));
    await deliver(hub, '/webhooks/alertmanager', webhookFixture('alertmanager-resolved'));
    await until(() => fake.statuses.length === 2, 'both posts');
    expect(fake.statuses.map((s) => s.visibility)).toEqual(['unlisted', 'private']);
  });

  it('mentions nobody whatever a label or an annotation says', async () => {
    const { hub, fake } = await postingHub();
    const body = JSON.parse(webhookFixture('alertmanager-firing'));
    body.alerts[0].labels.alertname = '@admin@example.social';
    body.alerts[0].labels.instance = '@owner@example.social:9100';
    body.alerts[0].annotations.summary = 'cc @boss@example.social and https://x.org/?@ceo@example.social #incident';
    await deliver(hub, '/webhooks/alertmanager', body);
    await until(() => fake.statuses.length === 1, 'the post');
    const [status] = fake.statuses;
    expect(status!.status).toContain('admin@example.social');
    expect(status!.mentions).toEqual([]);
    expect(status!.tags).toEqual([]);
  });

  it('posts an Uptime Kuma monitor going down and its coming back up as one thread', async () => {
    const { hub, fake } = await postingHub();
    await deliver(hub, '/webhooks/uptime-kuma', webhookFixture('uptime-kuma-down'));
    await until(() => fake.statuses.length === 1, 'the down post');
    await deliver(hub, '/webhooks/uptime-kuma', webhookFixture('uptime-kuma-up'));
    await until(() => fake.statuses.length === 2, 'the up post');
    expect(fake.statuses[1]!.inReplyToId).toBe(fake.statuses[0]!.id);
    expect(fake.statuses[1]!.status).toContain('200 - OK');
  });

  it('threads generic webhook messages by their thread key', async () => {
    const { hub, fake } = await postingHub();
    await deliver(hub, '/webhooks/generic', { title: 'Backup', message: 'failed', thread: 'backup' });
    await until(() => fake.statuses.length === 1, 'the first message');
    await deliver(hub, '/webhooks/generic', { title: 'Backup', message: 'failed again', thread: 'backup' });
    await until(() => fake.statuses.length === 2, 'the second message');
    expect(fake.statuses[1]!.inReplyToId).toBe(fake.statuses[0]!.id);
  });
});
