// The silences routes through @janitor/protocol's client, against the hub served on 127.0.0.1 (port 0), its clock
// injected; and the protocol's silence vocabulary held against the packages that act on silences.
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import {
  createJanitorClient,
  HOST_SILENT_RULE,
  JanitorClientError,
  parseSilenceFields,
  SILENCE_WILDCARD,
} from '@janitor/protocol';
import { silenceView } from '@janitor/runtime/hub';
import { SILENCE_ALL } from '@janitor/store';
import { DISK_METRICS, HOST_SILENT_KEY, KNOWN_METRICS } from '@janitor/thresholds';
import { afterEach, describe, expect, it } from 'vitest';
import { type HubFixture, type HubFixtureOptions, startHub } from '../hub.test-support.ts';
import { MAX_ACTIVE_SILENCES } from './silences.ts';

/** 2026-11-03 14:00 UTC. */
const T0 = Date.UTC(2026, 10, 3, 14, 0);
const TOKEN = 'cli-token-0123456789abcdef';
const PI_TOKEN = 'pi1-only-token-0123456789ab';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The fixture's hub (tokens, clock at T0) served on 127.0.0.1, port 0; the sender is the socket's address. */
async function servedHub(deps: HubFixtureOptions['deps'] = {}): Promise<{ hub: HubFixture; url: string }> {
  const hub = startHub({
    service: {
      tokens: [
        { name: 'cli', token: TOKEN },
        { name: 'pi1', token: PI_TOKEN, hosts: ['pi1'] },
      ],
    },
    now: () => T0,
    deps,
  });
  cleanups.push(() => hub.close());
  const server = await new Promise<Server>((resolve) => {
    const s = serve(
      {
        fetch: (req, env) =>
          hub.app.fetch(req, { ...env, remote: (env.incoming as IncomingMessage).socket.remoteAddress }),
        hostname: '127.0.0.1',
        port: 0,
      },
      () => resolve(s as Server),
    );
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { hub, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

describe('the silences routes through the protocol client', () => {
  it('start, list and end silences', async () => {
    const { hub, url } = await servedHub();
    const client = createJanitorClient({ url, token: TOKEN });
    const added = await client.silence({ host: 'pi1', rule: 'cpu_percent', for: '2h', reason: 'upgrade' });
    expect(added).toEqual({
      id: 1,
      host: 'pi1',
      rule: 'cpu_percent',
      until: '2026-11-03T16:00:00.000Z',
      untilMs: T0 + 7_200_000,
      reason: 'upgrade',
      // Stamped by the store's own clock.
      createdAtMs: expect.any(Number),
    });
    await client.silence({ host: '*', for: '90' });
    expect((await client.silences()).map((s) => [s.id, s.host, s.rule])).toEqual([
      [1, 'pi1', 'cpu_percent'],
      [2, '*', '*'],
    ]);
    expect((await client.unsilence(1)).id).toBe(1);
    expect((await client.silences()).map((s) => s.id)).toEqual([2]);
    expect(hub.store.silences.list().map((s) => s.id)).toEqual([2]);
  });

  it('throw the hub’s refusal with its status and field', async () => {
    const { url } = await servedHub();
    const client = createJanitorClient({ url, token: TOKEN });
    const error = await client.silence({ host: 'pi1', for: 'soon' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JanitorClientError);
    expect(error).toMatchObject({ status: 400, field: 'for', retryable: false });
    expect((error as Error).message).toMatch(
      /^POST http:\/\/127\.0\.0\.1:\d+\/silences: 400 expected a duration .*\(field for\)$/,
    );
    const unknownRule = await client.silence({ host: 'pi1', rule: 'gpu_percent', for: '1h' }).catch((e: unknown) => e);
    expect(unknownRule).toMatchObject({ status: 400, field: 'rule' });
    const missing = await client.unsilence(9).catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404, field: 'id' });
    const denied = await createJanitorClient({ url, token: 'wrong-token-0123456789' })
      .silences()
      .catch((e: unknown) => e);
    expect(denied).toMatchObject({ status: 401, field: 'authorization' });
  });

  it('let a token for some hosts see and silence those only', async () => {
    const { url } = await servedHub();
    const admin = createJanitorClient({ url, token: TOKEN });
    const pi = createJanitorClient({ url, token: PI_TOKEN });
    await admin.silence({ host: 'vps', for: '1h' });
    expect((await pi.silence({ host: 'pi1', for: '1h' })).id).toBe(2);
    expect(await pi.silence({ host: '*', for: '1h' }).catch((e: unknown) => e)).toMatchObject({
      status: 403,
      field: 'hostname',
    });
    expect(await pi.unsilence(1).catch((e: unknown) => e)).toMatchObject({ status: 403 });
    expect((await pi.silences()).map((s) => s.host)).toEqual(['pi1']);
    expect((await admin.silences()).map((s) => s.host)).toEqual(['vps', 'pi1']);
  });
});

describe('the number of silences', () => {
  it('is bounded: one more than the limit is a 409 naming it, and ending one makes room', async () => {
    const { url } = await servedHub({ maxSilences: 3 });
    const client = createJanitorClient({ url, token: TOKEN });
    for (const host of ['a', 'b', 'c']) await client.silence({ host, for: '1h' });
    const refused = await client.silence({ host: 'd', for: '1h' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(JanitorClientError);
    expect(refused).toMatchObject({ status: 409, retryable: false });
    expect((refused as Error).message).toMatch(/at most 3 silences/);
    await client.unsilence(2);
    expect((await client.silence({ host: 'd', for: '1h' })).host).toBe('d');
  });

  it('is bounded at 1000 by default', async () => {
    const { hub, url } = await servedHub();
    hub.store.transaction(() => {
      for (let i = 0; i < MAX_ACTIVE_SILENCES; i += 1) hub.alerts.silence({ hostname: `host-${i}`, forMs: 3_600_000 });
    });
    const refused = await createJanitorClient({ url, token: TOKEN })
      .silence({ host: 'one-more', for: '1h' })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 409 });
    expect((refused as Error).message).toMatch(/at most 1000 silences/);
    expect(hub.store.silences.list()).toHaveLength(1000);
  });
});

describe('a silence the store cannot keep', () => {
  it('is a 503 in JSON that the client may retry, never a 200 with a made-up id', async () => {
    const { hub, url } = await servedHub();
    // The store throws as it does on a failed commit (a full disk, a read-only file): here, a closed file.
    hub.store.close();
    const res = await fetch(`${url}silences`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ host: 'pi1', for: '1h' }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error: 'the hub could not accept this request now; retry later' });
    const error = await createJanitorClient({ url, token: TOKEN })
      .silence({ host: 'pi1', for: '1h' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, retryable: true });
  });
});

describe('silenceView', () => {
  it('shows a stored silence with the wire’s names and its end in ISO 8601', () => {
    const stored = {
      id: 7,
      hostname: 'nas',
      key: 'disk_usage_percent@/data',
      untilMs: T0,
      reason: null,
      createdAtMs: 1,
    };
    expect(silenceView(stored)).toEqual({
      id: 7,
      host: 'nas',
      rule: 'disk_usage_percent@/data',
      until: '2026-11-03T14:00:00.000Z',
      untilMs: T0,
      reason: null,
      createdAtMs: 1,
    });
  });
});

describe('the silence wire format agrees with the packages that act on it', () => {
  it('has the store’s wildcard and the alert engine’s host-silent key', () => {
    expect(SILENCE_WILDCARD).toBe(SILENCE_ALL);
    expect(HOST_SILENT_RULE).toBe(HOST_SILENT_KEY);
  });

  it.each(KNOWN_METRICS)('takes %s as a rule, with a mount exactly when it is a disk metric', (metric) => {
    const order = (rule: string) => parseSilenceFields({ host: 'pi1', rule, for: '1h' }).ok;
    expect(order(metric)).toBe(true);
    expect(order(`${metric}:below`)).toBe(true);
    expect(order(`${metric}@/data`)).toBe((DISK_METRICS as readonly string[]).includes(metric));
  });
});
