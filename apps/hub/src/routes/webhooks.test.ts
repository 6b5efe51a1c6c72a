// The receivers of other monitors' webhooks through app.request, with payloads recorded from Alertmanager 0.25, from
// Grafana's documentation and from Uptime Kuma's source (@janitor/testkit's fixtures): what each queues, what a re-send
// or a bad payload does.
import type { PostAbout } from '@janitor/protocol';
import type { OutboxPayload } from '@janitor/publisher';
import { type WebhookFixture, webhookFixture } from '@janitor/testkit';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type HubFixture, json, jsonOf, startHub } from '../hub.test-support.ts';

const TOKEN = 'webhook-token-0123456789';
const READER = 'reader-token-0123456789';
const PI1 = 'pi1-token-0123456789abc';

const hubs: HubFixture[] = [];
afterEach(() => {
  for (const hub of hubs.splice(0)) hub.close();
});

function hub(options: Parameters<typeof startHub>[0] = {}): HubFixture {
  const started = startHub(options);
  hubs.push(started);
  return started;
}

const raw = (body: string, contentType = 'application/json'): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': contentType },
  body,
});
const fixture = (name: WebhookFixture) => raw(webhookFixture(name));

/** The queued posts, oldest first: what each is about and says. */
function queued(h: HubFixture) {
  return h.store.outbox.list().map((entry) => {
    const payload = entry.payload as OutboxPayload;
    const about = entry.about as PostAbout;
    if (payload.kind === 'report')
      return { about, type: payload.report.type, spoiler: payload.report.spoiler, text: payload.report.text };
    if (payload.kind === 'message')
      return { about, type: payload.message.type, spoiler: payload.message.summary, text: payload.message.text };
    throw new Error(`unexpected payload ${payload.kind}`);
  });
}

describe('POST /webhooks/alertmanager', () => {
  it('posts a firing alert of the recorded payload: keyed by fingerprint, typed by severity, its annotations as text', async () => {
    const h = hub({ now: () => Date.parse('2026-12-02T11:40:00Z') });
    const res = await h.request('/webhooks/alertmanager', fixture('alertmanager-firing'));
    expect(res.status).toBe(200);
    const body = await jsonOf(res);
    expect(body).toMatchObject({ status: 'queued', alerts: 1 });
    const [post, ...rest] = queued(h);
    expect(rest).toEqual([]);
    expect(post).toMatchObject({
      about: { kind: 'alert', host: 'pi1', key: 'alertmanager:4ea60a356c415082', reason: 'firing' },
      type: 'alarm',
      spoiler: '🚨 pi1',
    });
    expect(post!.text).toBe(
      'HighCPU on pi1 is firing since 11:11 UTC (Alertmanager)\n\nCPU at 97% on pi1\nThe load stays high',
    );
    expect(body.ids).toEqual([h.store.outbox.list()[0]!.id]);
  });

  it('posts nothing for Alertmanager’s re-send of the unchanged group, then the resolution in the same incident', async () => {
    const h = hub();
    await h.request('/webhooks/alertmanager', fixture('alertmanager-firing'));
    const again = await h.request('/webhooks/alertmanager', fixture('alertmanager-firing'));
    expect(await jsonOf(again)).toEqual({ status: 'ok', ids: [], alerts: 1 });
    expect(h.store.outbox.list()).toHaveLength(1);
    const resolved = await h.request('/webhooks/alertmanager', fixture('alertmanager-resolved'));
    expect(resolved.status).toBe(200);
    const [firing, end] = queued(h);
    expect(end).toMatchObject({
      type: 'info',
      about: { key: firing!.about.kind === 'alert' ? firing!.about.key : '', reason: 'resolved' },
    });
    expect((end!.about as { incidentStartMs: number }).incidentStartMs).toBe(
      (firing!.about as { incidentStartMs: number }).incidentStartMs,
    );
    expect(end!.text).toMatch(/^HighCPU on pi1 resolved after/);
    const log = h.store.alertLog.list().entries.map((e) => `${e.key} ${e.transition}`);
    expect(log).toEqual(['alertmanager:4ea60a356c415082 resolved', 'alertmanager:4ea60a356c415082 firing']);
  });

  it('says in a post how many alerts the group left out (truncatedAlerts)', async () => {
    const h = hub();
    const res = await h.request('/webhooks/alertmanager', fixture('alertmanager-truncated'));
    expect(await jsonOf(res)).toMatchObject({ status: 'queued', alerts: 2 });
    const posts = queued(h);
    expect(posts.map((p) => p.spoiler)).toEqual(['⚠️ nas1', '⚠️ nas2', '⚠️ Alertmanager']);
    expect(posts[2]!.text).toContain('Alertmanager left out 1 more alert of the group {job="node"}');
  });

  it.each([
    ['another payload version', { version: '3' }, 422, 'version'],
    ['alerts that are no list', { alerts: 'x' }, 400, 'alerts'],
    [
      'a label that is no string',
      { alerts: [{ status: 'firing', labels: { a: 1 }, fingerprint: 'f' }] },
      400,
      'alerts[0].labels.a',
    ],
    ['an alert without fingerprint', { alerts: [{ status: 'firing', labels: {} }] }, 400, 'alerts[0].fingerprint'],
  ])('refuses %s with a %s naming %s, keeping nothing', async (_, patch, status, field) => {
    const h = hub();
    const body = { ...JSON.parse(webhookFixture('alertmanager-firing')), ...patch };
    const res = await h.request('/webhooks/alertmanager', json(body));
    expect(res.status).toBe(status);
    expect(await jsonOf(res)).toMatchObject({ field });
    expect(h.store.outbox.list()).toEqual([]);
    expect(h.store.foreignAlerts.list()).toEqual([]);
  });

  it('refuses 10,000 alerts in one payload with a 413 on alerts, keeping none of them', async () => {
    const h = hub();
    const alerts = Array.from({ length: 10_000 }, (_, i) => ({ status: 'firing', labels: {}, fingerprint: `f${i}` }));
    const res = await h.request('/webhooks/alertmanager', json({ version: '4', alerts }));
    expect(res.status).toBe(413);
    expect(await jsonOf(res)).toMatchObject({ field: 'alerts', error: expect.stringMatching(/max_alerts/) });
    expect(h.store.foreignAlerts.list()).toEqual([]);
  });

  it('refuses a body that is not JSON (400 on body) or not declared JSON (415)', async () => {
    const h = hub();
    const broken = await h.request('/webhooks/alertmanager', raw('{"version":'));
    expect(broken.status).toBe(400);
    expect(await jsonOf(broken)).toMatchObject({ field: 'body' });
    const form = await h.request('/webhooks/alertmanager', raw('version=4', 'application/x-www-form-urlencoded'));
    expect(form.status).toBe(415);
  });

  it('keeps a mention in a label as text: the publisher neutralises it when it posts', async () => {
    const h = hub();
    const body = JSON.parse(webhookFixture('alertmanager-firing'));
    body.alerts[0].labels.alertname = '@admin@example.social';
    body.alerts[0].annotations.summary = 'ping https://x.org/?@boss@example.social';
    await h.request('/webhooks/alertmanager', json(body));
    expect(queued(h)[0]!.text).toContain('@admin@example.social');
  });

  it('needs the write scope, and a token limited to hosts may speak only of them', async () => {
    const h = hub({
      service: {
        tokens: [
          { name: 'am', token: TOKEN, scopes: ['write'] },
          { name: 'reader', token: READER, scopes: ['read'] },
          { name: 'pi1', token: PI1, hosts: ['pi1'] },
        ],
      },
    });
    const send = (token: string | undefined, name: WebhookFixture = 'alertmanager-firing') =>
      h.request(
        '/webhooks/alertmanager',
        {
          ...fixture(name),
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        },
        '203.0.113.9',
      );
    expect((await send(undefined)).status).toBe(401);
    expect((await send(READER)).status).toBe(403);
    const other = await send(PI1, 'alertmanager-truncated');
    expect(other.status).toBe(403);
    expect(await jsonOf(other)).toMatchObject({ field: 'hostname' });
    expect(h.store.outbox.list()).toEqual([]);
    expect((await send(PI1)).status).toBe(200);
    expect((await send(TOKEN, 'alertmanager-truncated')).status).toBe(200);
  });

  it('answers 405 to another method', async () => {
    const h = hub();
    const res = await h.request('/webhooks/alertmanager', { method: 'GET' });
    expect(res.status).toBe(405);
  });
});

describe('POST /webhooks/grafana', () => {
  it('posts each alert of Grafana’s documented payload under the source grafana, by PUT too', async () => {
    const h = hub();
    const res = await h.request('/webhooks/grafana', { ...fixture('grafana-firing'), method: 'PUT' });
    expect(await jsonOf(res)).toMatchObject({ status: 'queued', alerts: 2 });
    expect(queued(h).map((p) => [p.about.kind === 'alert' && p.about.key, p.type])).toEqual([
      ['grafana:c6eadffa33fcdf37', 'warning'],
      ['grafana:bc97ff14869b13e3', 'warning'],
    ]);
    expect(queued(h)[0]!.text).toContain('https://play.grafana.org/alerting/1afz29v7z/edit');
  });

  it('refuses Alertmanager’s version on Grafana’s receiver (422 on version)', async () => {
    const h = hub();
    const res = await h.request('/webhooks/grafana', fixture('alertmanager-firing'));
    expect(res.status).toBe(422);
    expect(await jsonOf(res)).toMatchObject({ field: 'version' });
  });
});

describe('POST /webhooks/uptime-kuma', () => {
  it('posts a monitor going down once, and its coming back up as the incident’s end', async () => {
    const h = hub();
    const down = await h.request('/webhooks/uptime-kuma', fixture('uptime-kuma-down'));
    expect(await jsonOf(down)).toMatchObject({ status: 'queued', alerts: 1 });
    // Uptime Kuma's resend of a monitor still down (resendInterval): nothing new.
    expect(await jsonOf(await h.request('/webhooks/uptime-kuma', fixture('uptime-kuma-down')))).toMatchObject({
      status: 'ok',
    });
    await h.request('/webhooks/uptime-kuma', fixture('uptime-kuma-up'));
    const [first, end] = queued(h);
    expect(first).toMatchObject({
      type: 'alarm',
      spoiler: '🚨 test.com',
      about: { key: 'uptime-kuma:29', reason: 'firing' },
    });
    expect(first!.text).toMatch(/^Test on test\.com is firing \(Uptime Kuma\)\n\ngetaddrinfo ENOTFOUND test\.com/);
    expect(end).toMatchObject({ type: 'info', about: { key: 'uptime-kuma:29', reason: 'resolved' } });
    expect(end!.text).toMatch(/resolved after .*\(Uptime Kuma\)\n\n200 - OK$/);
  });

  it('posts the Test button’s message as a message, in the message log', async () => {
    const h = hub();
    const res = await h.request('/webhooks/uptime-kuma', fixture('uptime-kuma-test'));
    expect(await jsonOf(res)).toMatchObject({ status: 'queued' });
    expect(queued(h)).toEqual([
      {
        about: { kind: 'message', groupKey: '' },
        type: 'info',
        spoiler: 'Uptime Kuma',
        text: 'My Janitor Webhook Testing',
      },
    ]);
    expect(h.store.messageLog.list().entries[0]).toMatchObject({
      text: 'My Janitor Webhook Testing',
      source: '127.0.0.1',
    });
  });

  it('reads the form-data body (the JSON in its data field)', async () => {
    const h = hub();
    const form = new FormData();
    form.append('data', webhookFixture('uptime-kuma-down'));
    const res = await h.request('/webhooks/uptime-kuma', { method: 'POST', body: form });
    expect(res.status).toBe(200);
    expect(queued(h)).toHaveLength(1);
  });

  it('ignores a pending heartbeat, and refuses a heartbeat without a status, naming it', async () => {
    const h = hub();
    const pending = JSON.parse(webhookFixture('uptime-kuma-down'));
    pending.heartbeat.status = 2;
    expect(await jsonOf(await h.request('/webhooks/uptime-kuma', json(pending)))).toMatchObject({ status: 'ignored' });
    delete pending.heartbeat.status;
    const bad = await h.request('/webhooks/uptime-kuma', json(pending));
    expect(bad.status).toBe(400);
    expect(await jsonOf(bad)).toMatchObject({ field: 'heartbeat.status' });
    expect(queued(h)).toEqual([]);
  });
});

describe('POST /webhooks/generic', () => {
  it('queues shoutrrr’s JSON as a message with its title as summary, recorded in the message log', async () => {
    const h = hub();
    const res = await h.request('/webhooks/generic', fixture('generic-shoutrrr'));
    expect(await jsonOf(res)).toMatchObject({ status: 'queued', id: expect.any(Number) });
    expect(queued(h)).toEqual([
      {
        about: { kind: 'message', groupKey: '' },
        type: 'none',
        spoiler: 'Foo CPU above threshold',
        text: 'CPU averaged 63.53% for the previous 10 minutes.',
      },
    ]);
    expect(h.store.messageLog.list().entries).toHaveLength(1);
  });

  it('keeps the thread key and type, and takes a plain text body as the message', async () => {
    const h = hub();
    await h.request('/webhooks/generic', json({ title: 'Backup', message: 'failed', type: 'error', thread: 'backup' }));
    await h.request('/webhooks/generic', raw('disk full', 'text/plain'));
    const [first, second] = queued(h);
    expect(first).toMatchObject({ type: 'error', about: { kind: 'message', thread: 'backup' } });
    expect(second).toMatchObject({ type: 'none', text: 'disk full' });
  });

  it('refuses a message without text, naming it', async () => {
    const h = hub();
    const res = await h.request('/webhooks/generic', json({ title: 'x' }));
    expect(res.status).toBe(400);
    expect(await jsonOf(res)).toMatchObject({ field: 'message' });
  });
});

describe('bad input on every receiver', () => {
  it('answers any JSON value with a 2xx or a 4xx naming a field, never a 5xx', async () => {
    const h = hub();
    const paths = ['/webhooks/alertmanager', '/webhooks/grafana', '/webhooks/uptime-kuma', '/webhooks/generic'];
    const versioned = fc.record(
      {
        version: fc.constantFrom('4', '1', 4, null),
        alerts: fc.array(
          fc.record(
            {
              status: fc.constantFrom('firing', 'resolved', 'x', 1),
              labels: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer())),
              annotations: fc.anything(),
              fingerprint: fc.oneof(fc.stringMatching(/^[0-9a-f]{1,16}$/), fc.anything()),
              startsAt: fc.oneof(
                fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
                fc.string(),
              ),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 5 },
        ),
        truncatedAlerts: fc.anything(),
        heartbeat: fc.oneof(
          fc.constant(null),
          fc.record({ status: fc.integer({ min: -1, max: 4 }), msg: fc.anything() }),
        ),
        monitor: fc.anything(),
        msg: fc.anything(),
        message: fc.anything(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.oneof(fc.jsonValue(), versioned), async (path, value) => {
        const res = await h.request(path, json(value));
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) expect((await jsonOf(res)).field).toEqual(expect.any(String));
      }),
      { numRuns: 150 },
    );
  });
});
