// The client's read API (fleet, host, series) against a hub stand-in on 127.0.0.1 that answers as the contract of
// GET /api/v1/hosts and /api/v1/hosts/{hostname}/series says.
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createJanitorClient, JanitorClientError } from './janitor-client.ts';

const NOW = 1_764_662_400_000;
const STEP = 60_000;

const PI1 = {
  hostname: 'pi1',
  state: 'up',
  lastSeenMs: NOW - 12_000,
  silencedUntilMs: null,
  latest: { atMs: NOW - 12_000, values: { cpu_percent: 12.5, 'disk_usage_percent@/': 71 } },
  worstDisk: { mount: '/', percent: 71 },
  firing: [],
};

const SERIES = {
  hostname: 'pi1',
  tier: 'raw',
  stepMs: STEP,
  fromMs: NOW - 2 * STEP,
  toMs: NOW,
  t: [NOW - 2 * STEP, NOW - STEP],
  'disk_usage_percent@/': { avg: [70, 71], min: [70, 71], max: [70, 71] },
};

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
}

/** A hub stand-in: the fleet, one host (pi1), its series; other hosts are a 404 on `hostname`. */
async function readHub(override?: { status: number; body: unknown }) {
  const requests: Seen[] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method, url: req.url, headers: req.headers });
    const url = new URL(req.url ?? '/', 'http://hub');
    const answer = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (override) return answer(override.status, override.body);
    if (url.pathname === '/api/v1/hosts') return answer(200, { nowMs: NOW, hosts: [PI1] });
    if (url.pathname === '/api/v1/hosts/pi1') return answer(200, { ...PI1, keys: ['cpu_percent'], limits: {} });
    if (url.pathname === '/api/v1/hosts/pi1/series') return answer(200, SERIES);
    return answer(404, {
      error: `unknown host ${decodeURIComponent(url.pathname.split('/')[4] ?? '')}`,
      field: 'hostname',
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function rejectionOf(promise: Promise<unknown>): Promise<JanitorClientError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(JanitorClientError);
  return outcome as JanitorClientError;
}

describe('the read API client', () => {
  it('reads the fleet with the bearer token, and only the problems when asked', async () => {
    const hub = await readHub();
    const client = createJanitorClient({ url: `${hub.url}/`, token: 's3cret' });
    expect(await client.fleet()).toEqual({ nowMs: NOW, hosts: [PI1] });
    await client.fleet({ problems: true });
    expect(hub.requests.map((r) => `${r.method} ${r.url} ${r.headers.authorization}`)).toEqual([
      'GET /api/v1/hosts Bearer s3cret',
      'GET /api/v1/hosts?problems=1 Bearer s3cret',
    ]);
  });

  it('reads one host with its keys and limits', async () => {
    const hub = await readHub();
    expect(await createJanitorClient({ url: hub.url }).host('pi1')).toEqual({
      ...PI1,
      keys: ['cpu_percent'],
      limits: {},
    });
  });

  it('asks for series with the metrics, the range and the points, and gathers them under metrics', async () => {
    const hub = await readHub();
    const client = createJanitorClient({ url: hub.url });
    const view = await client.series('pi1', {
      metrics: ['disk_usage_percent@/', 'cpu_percent'],
      from: NOW - 7_200_000,
      to: 'now',
      points: 60,
    });
    expect(view.metrics).toEqual({ 'disk_usage_percent@/': SERIES['disk_usage_percent@/'] });
    expect([view.tier, view.stepMs, view.t]).toEqual(['raw', STEP, SERIES.t]);
    await client.series('pi1', { metrics: ['cpu_percent'] });
    const [first, second] = hub.requests.map((r) => new URL(r.url ?? '', 'http://hub'));
    expect(first?.pathname).toBe('/api/v1/hosts/pi1/series');
    expect(Object.fromEntries(first?.searchParams ?? [])).toEqual({
      metrics: 'disk_usage_percent@/,cpu_percent',
      from: String(NOW - 7_200_000),
      to: 'now',
      points: '60',
    });
    // Left out, the range and the points are the hub's defaults.
    expect(second?.search).toBe('?metrics=cpu_percent');
  });

  it('puts the hostname in the path encoded, and refuses one that would change the path', async () => {
    const hub = await readHub();
    const client = createJanitorClient({ url: hub.url });
    const error = await rejectionOf(client.series('a/b c', { metrics: ['cpu_percent'] }));
    expect(hub.requests[0]?.url).toBe('/api/v1/hosts/a%2Fb%20c/series?metrics=cpu_percent');
    expect([error.status, error.field, error.retryable]).toEqual([404, 'hostname', false]);
    expect(error.message).toBe(
      `GET ${hub.url}/api/v1/hosts/a%2Fb%20c/series?metrics=cpu_percent: 404 unknown host a/b c (field hostname)`,
    );
    for (const name of ['', '.', '..']) {
      const local = await rejectionOf(client.host(name));
      expect([local.status, local.field]).toEqual([undefined, 'hostname']);
    }
    expect(hub.requests).toHaveLength(1);
  });

  it('throws the hub’s refusal of a bad range with its field', async () => {
    const hub = await readHub({ status: 400, body: { error: 'from must be before to', field: 'from' } });
    const error = await rejectionOf(
      createJanitorClient({ url: hub.url }).series('pi1', { metrics: ['cpu_percent'], from: NOW }),
    );
    expect([error.status, error.field]).toEqual([400, 'from']);
  });

  it.each<[string, unknown, string]>([
    ['a fleet without its clock', { hosts: [] }, 'nowMs'],
    ['a host in a state it does not know', { nowMs: NOW, hosts: [{ ...PI1, state: 'gone' }] }, 'hosts[0].state'],
  ])('throws on an answer that is not what the hub answers: %s', async (_what, body, field) => {
    const hub = await readHub({ status: 200, body });
    const error = await rejectionOf(createJanitorClient({ url: hub.url }).fleet());
    expect([error.status, error.retryable]).toEqual([200, false]);
    expect(error.message).toBe(
      `GET ${hub.url}/api/v1/hosts: 200 unexpected answer: ${field === 'nowMs' ? 'expected a number' : 'expected one of up, silent, silenced'} (field ${field})`,
    );
  });
});
