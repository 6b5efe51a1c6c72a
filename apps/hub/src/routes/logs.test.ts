// GET /api/v1/alerts and /api/v1/messages through app.request: what the alert engine and /message recorded, paged
// newest first, filtered, refused with a 400 naming the parameter, behind the `read` scope and a token's hosts; and a
// message's status URL once the fake Mastodon server confirmed its post.
import type { AlertLogPage, MessageLogPage } from '@janitor/protocol';
import { startFakeMastodon } from '@janitor/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  captureLogger,
  form,
  goldenConfigData,
  type HubFixture,
  hubConfig,
  json,
  jsonOf,
  remoteFromEnv,
  startHub,
  tempDir,
  until,
} from '../hub.test-support.ts';
import { createHubService } from '../service.ts';

const MINUTE = 60_000;
/** 2026-11-03 14:00 UTC. */
const T0 = Date.UTC(2026, 10, 3, 14, 0);

const TOKENS = {
  read: 'viewer-token-0123456789abcdef',
  write: 'agents-token-0123456789abcdef',
  pi1: 'pi1-only-token-0123456789abc',
};

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A hub with tokens (a reader, a writer, one for pi1 only), its alert clock in `clock`. */
function hubWithTokens(clock = { now: T0 }): HubFixture & { clock: { now: number } } {
  const hub = startHub({
    service: {
      tokens: [
        { name: 'viewer', token: TOKENS.read, scopes: ['read'] },
        { name: 'agents', token: TOKENS.write, scopes: ['write'] },
        { name: 'pi1', token: TOKENS.pi1, hosts: ['pi1'] },
      ],
    },
    now: () => clock.now,
  });
  cleanups.push(() => hub.close());
  return Object.assign(hub, { clock });
}

const bearer = (token: string): RequestInit => ({ headers: { authorization: `Bearer ${token}` } });
const withToken = (init: RequestInit, token: string): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
});

/** A legacy report of `hostname` with this CPU, sent with the writer's token. */
async function report(hub: HubFixture, hostname: string, cpu: number): Promise<void> {
  const res = await hub.request(
    '/sysinfo',
    withToken(json({ sys_data: { hostname, cpu_percent: cpu, memory_percent: 20 } }), TOKENS.write),
  );
  expect(res.status).toBe(200);
}

async function alerts(hub: HubFixture, query = '', token = TOKENS.read): Promise<AlertLogPage> {
  const res = await hub.request(`/api/v1/alerts${query}`, bearer(token));
  expect(res.status).toBe(200);
  return (await jsonOf(res)) as unknown as AlertLogPage;
}

describe('GET /api/v1/alerts', () => {
  it('lists what the reports made happen, newest first, with the contract fields', async () => {
    const hub = hubWithTokens();
    await report(hub, 'pi1', 93);
    hub.clock.now += MINUTE;
    await report(hub, 'pi1', 30);
    const page = await alerts(hub);
    expect(page.next).toBeNull();
    expect(page.alerts).toEqual([
      {
        id: 2,
        atMs: T0 + MINUTE,
        hostname: 'pi1',
        key: 'cpu_percent',
        label: 'CPU %',
        transition: 'resolved',
        level: 'warning',
        value: 30,
        limit: 80,
        incidentStartMs: T0,
        endMs: T0 + MINUTE,
        durationMs: MINUTE,
        peak: 93,
        statusUrl: null,
        by: null,
      },
      expect.objectContaining({ id: 1, transition: 'firing', value: 93, incidentStartMs: T0, endMs: null }),
    ]);
  });

  it('pages with the cursor it hands out, and filters by state, host and time', async () => {
    const hub = hubWithTokens();
    // pi1 and pi2 fire and resolve, three times each; pi3 fires and stays firing.
    for (let round = 0; round < 3; round += 1) {
      for (const host of ['pi1', 'pi2']) {
        await report(hub, host, 95);
        hub.clock.now += MINUTE;
        await report(hub, host, 10);
        hub.clock.now += MINUTE;
      }
    }
    await report(hub, 'pi3', 99);
    const seen: number[] = [];
    let query = '?limit=5';
    for (let pages = 0; pages < 10; pages += 1) {
      const page = await alerts(hub, query);
      seen.push(...page.alerts.map((a) => a.id));
      if (page.next === null) break;
      query = `?limit=5&cursor=${page.next}`;
    }
    expect(seen).toEqual(Array.from({ length: 13 }, (_, i) => 13 - i));

    const resolved = await alerts(hub, '?state=resolved&host=pi2');
    expect(resolved.alerts.map((a) => [a.hostname, a.transition])).toEqual(Array(3).fill(['pi2', 'resolved']));
    const firing = await alerts(hub, '?state=firing');
    expect(firing.alerts.map((a) => [a.hostname, a.transition, a.value])).toEqual([['pi3', 'firing', 99]]);
    const recent = await alerts(hub, `?from=${new Date(T0 + 10 * MINUTE).toISOString()}`);
    expect(recent.alerts.map((a) => (a.atMs - T0) / MINUTE)).toEqual([12, 11, 10]);
  });

  it.each<[string, string, string]>([
    ['a state it does not know', '?state=open', 'state'],
    ['a page size over 500', '?limit=501', 'limit'],
    ['a page size of nothing', '?limit=', 'limit'],
    ['a from that is no time', '?from=last-week', 'from'],
    ['an empty host', '?host=', 'host'],
    ['a cursor that cannot be one', '?cursor=%3Cscript%3E', 'cursor'],
    ['a cursor this hub did not hand out', `?cursor=${Buffer.from('a:1:99x').toString('base64url')}`, 'cursor'],
    ['a cursor of the message log', `?cursor=${Buffer.from('m:1:1').toString('base64url')}`, 'cursor'],
    ['a parameter given twice', '?state=firing&state=resolved', 'state'],
    ['a parameter it does not know', '?hostname=pi1', 'hostname'],
  ])('refuses %s with a 400 naming the parameter', async (_meaning, query, field) => {
    const hub = hubWithTokens();
    const res = await hub.request(`/api/v1/alerts${query}`, bearer(TOKENS.read));
    expect(res.status).toBe(400);
    expect(await jsonOf(res)).toEqual({ error: expect.any(String), field });
  });

  it('needs the read scope; a token limited to some hosts reads only theirs', async () => {
    const hub = hubWithTokens();
    await report(hub, 'pi1', 93);
    await report(hub, 'pi2', 93);
    expect((await hub.request('/api/v1/alerts', {}, '203.0.113.9')).status).toBe(401);
    const writer = await hub.request('/api/v1/alerts', bearer(TOKENS.write));
    expect(writer.status).toBe(403);
    expect((await alerts(hub)).alerts.map((a) => a.hostname)).toEqual(['pi2', 'pi1']);
    expect((await alerts(hub, '', TOKENS.pi1)).alerts.map((a) => a.hostname)).toEqual(['pi1']);
    expect((await alerts(hub, '?host=pi1', TOKENS.pi1)).alerts).toHaveLength(1);
    const other = await hub.request('/api/v1/alerts?host=pi2', bearer(TOKENS.pi1));
    expect(other.status).toBe(403);
    expect(await jsonOf(other)).toEqual({ error: expect.stringContaining('pi2'), field: 'host' });
  });
});

describe('GET /api/v1/messages', () => {
  it('lists every accepted message newest first: its source, fields and outbox entry, not posted yet', async () => {
    const hub = hubWithTokens();
    const first = await jsonOf(
      await hub.request(
        '/message',
        withToken(
          form({ hostname: 'web1', message: 'backup done', summary: 'Backup', message_type: 'info' }),
          TOKENS.write,
        ),
      ),
    );
    // The hub has tokens: a private address without one may not send, and nothing is recorded for a refusal.
    const refused = await hub.request('/message', form({ hostname: 'db1', message: 'vacuum' }), '192.168.1.20');
    expect(refused.status).toBe(401);
    const res = await hub.request('/api/v1/messages', bearer(TOKENS.read));
    expect(res.status).toBe(200);
    const page = (await jsonOf(res)) as unknown as MessageLogPage;
    expect(page).toEqual({
      messages: [
        {
          id: 1,
          atMs: expect.any(Number),
          hostname: 'web1',
          source: 'token:agents',
          type: 'info',
          summary: 'Backup',
          text: 'backup done',
          outboxId: first.id,
          statusUrl: null,
          posted: false,
        },
      ],
      next: null,
    });
  });

  it('without tokens, the source is the client address; filters by host and pages', async () => {
    const hub = startHub();
    cleanups.push(() => hub.close());
    for (let i = 0; i < 5; i += 1) {
      const host = i % 2 === 0 ? 'web1' : 'db1';
      expect((await hub.request('/message', form({ hostname: host, message: `m${i}` }), '192.168.1.20')).status).toBe(
        200,
      );
    }
    const read = async (query: string) =>
      (await jsonOf(await hub.request(`/api/v1/messages${query}`))) as unknown as MessageLogPage;
    const first = await read('?host=web1&limit=2');
    expect(first.messages.map((m) => [m.text, m.source, m.type])).toEqual([
      ['m4', '192.168.1.20', 'none'],
      ['m2', '192.168.1.20', 'none'],
    ]);
    const rest = await read(`?host=web1&limit=2&cursor=${first.next}`);
    expect(rest).toMatchObject({ messages: [{ text: 'm0' }], next: null });
    const refused = await hub.request('/api/v1/messages?state=firing');
    expect(refused.status).toBe(400);
    expect(await jsonOf(refused)).toMatchObject({ field: 'state' });
  });

  it('a message the log cannot record is not queued either: the sender gets a 503 and may retry', async () => {
    let hub: HubFixture | undefined;
    const failing = {
      transaction: <T>(fn: () => T) => hub!.store.transaction(fn),
      alertLog: { list: () => ({ entries: [], next: null }) },
      messageLog: {
        list: () => ({ entries: [], next: null }),
        recordMany: () => {
          throw new Error('database or disk is full');
        },
      },
    };
    hub = startHub({ deps: { logs: failing } });
    cleanups.push(() => hub.close());
    const res = await hub.request('/message', form({ hostname: 'web1', message: 'backup done' }));
    expect(res.status).toBe(503);
    expect(hub.store.outbox.counts().pending).toBe(0);
  });

  it('a message is listed with its status URL once the fake Mastodon server confirmed the post', async () => {
    await using fake = await startFakeMastodon({ flavour: 'pleroma', accessTokens: ['test-token'] });
    const dir = tempDir();
    const config = hubConfig(goldenConfigData(dir.path, fake.url), dir.path);
    const hub = createHubService({
      config,
      logger: captureLogger(),
      dryRun: false,
      remoteAddress: remoteFromEnv,
      env: { JANITOR_MASTODON_ACCESS_TOKEN: 'test-token' },
      checkIntervalMs: 0,
      storeCheckIntervalMs: 0,
    });
    cleanups.push(dir.remove, () => hub.close({ graceMs: 1000 }));
    await hub.start();
    const sent = await hub.app.request('/message', form({ hostname: 'web1', message: 'backup done' }), {
      remote: '127.0.0.1',
    });
    expect(sent.status).toBe(200);
    const read = async () =>
      (await jsonOf(
        await hub.app.request('/api/v1/messages', {}, { remote: '127.0.0.1' }),
      )) as unknown as MessageLogPage;
    await until(() => fake.statuses.length === 1, 'the post');
    await until(() => hub.store.outbox.counts().pending === 0, 'the outbox entry to be completed');
    const [message] = (await read()).messages;
    expect(message).toMatchObject({
      text: 'backup done',
      source: '127.0.0.1',
      posted: true,
      statusUrl: `${fake.url}/notice/${fake.statuses[0]!.id}`,
    });
  });
});
