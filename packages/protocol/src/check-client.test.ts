// Job check-ins on the wire: the ping URLs, the read API's answer, and the client's ping and checks against a hub
// stand-in on 127.0.0.1.
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePingSegment, pingPath } from './check-ping.ts';
import { type CheckView, parseChecksView } from './check-view.ts';
import { createJanitorClient, JanitorClientError } from './janitor-client.ts';

const NOW = 1_764_662_400_000;

const BACKUP: CheckView = {
  slug: 'backup',
  host: 'nas',
  status: 'late',
  kind: 'cron',
  periodMs: null,
  schedule: '0 2 * * *',
  timezone: 'Europe/Madrid',
  graceMs: 1_800_000,
  autoCreated: false,
  lastPingMs: NOW - 93_600_000,
  lastPingKind: 'success',
  lastExitStatus: 0,
  lastSuccessMs: NOW - 93_600_000,
  startedMs: null,
  nextDeadlineMs: null,
  problemSinceMs: NOW - 600_000,
};

describe('ping URLs', () => {
  it.each<[Parameters<typeof pingPath>[1], string]>([
    [undefined, '/ping/backup'],
    ['success', '/ping/backup'],
    ['start', '/ping/backup/start'],
    ['fail', '/ping/backup/fail'],
    [{ exit: 0 }, '/ping/backup/0'],
    [{ exit: 255 }, '/ping/backup/255'],
  ])('%j goes to %s', (kind, path) => {
    expect(pingPath('backup', kind)).toEqual({ ok: true, value: path });
  });

  it.each<[string, Parameters<typeof pingPath>[1], string]>([
    ['Backup', 'success', 'slug'],
    ['a/b', 'success', 'slug'],
    ['', 'success', 'slug'],
    ['backup', { exit: 256 }, 'exit-status'],
    ['backup', { exit: -1 }, 'exit-status'],
    ['backup', { exit: 1.5 }, 'exit-status'],
  ])('refuses %j with %j, naming %s', (slug, kind, field) => {
    const path = pingPath(slug, kind);
    expect(path.ok).toBe(false);
    if (!path.ok) expect(path.error).toMatchObject({ status: 400, field });
  });

  it.each([
    ['start', 'start'],
    ['fail', 'fail'],
    ['0', { exit: 0 }],
    ['3', { exit: 3 }],
    ['255', { exit: 255 }],
  ])('reads the segment %s', (segment, kind) => {
    expect(parsePingSegment(segment)).toEqual({ ok: true, value: kind });
  });

  it.each(['256', '-1', '1e2', '03x', 'stop', '0001', ''])('refuses the segment %j naming exit-status', (segment) => {
    const read = parsePingSegment(segment);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error).toMatchObject({ status: 400, field: 'exit-status' });
  });
});

describe('parseChecksView', () => {
  it('reads the answer of GET /api/v1/checks', () => {
    expect(parseChecksView({ nowMs: NOW, checks: [BACKUP], extra: 1 })).toEqual({
      ok: true,
      value: { nowMs: NOW, checks: [BACKUP] },
    });
  });

  it.each<[string, unknown, string]>([
    ['a status it does not know', { ...BACKUP, status: 'down' }, 'checks[0].status'],
    ['a slug no check has', { ...BACKUP, slug: 'Back Up' }, 'checks[0].slug'],
    ['a ping kind it does not know', { ...BACKUP, lastPingKind: 'log' }, 'checks[0].lastPingKind'],
    ['a grace that is not a number', { ...BACKUP, graceMs: '30m' }, 'checks[0].graceMs'],
    ['autoCreated missing', { ...BACKUP, autoCreated: undefined }, 'checks[0].autoCreated'],
  ])('refuses %s, naming the field', (_what, check, field) => {
    const read = parseChecksView({ nowMs: NOW, checks: [check] });
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error.field).toBe(field);
  });
});

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A hub stand-in: pings of `backup` answer OK (text, like Healthchecks), others a 404 on `slug`. */
async function pingHub() {
  const requests: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (req.url === '/api/v1/checks') {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ nowMs: NOW, checks: [BACKUP] }));
      } else if (req.url?.startsWith('/ping/backup')) res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
      else {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: 'no check "nope"', field: 'slug' }));
      }
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

describe('the client', () => {
  it('pings with the token, the run’s output as a plain text body', async () => {
    const hub = await pingHub();
    const client = createJanitorClient({ url: `${hub.url}/`, token: 'secret-token-0123456789' });
    await client.ping('backup', 'start');
    await client.ping('backup', { exit: 3 }, 'rsync: disk full\n');
    await client.ping('backup');
    expect(hub.requests.map((r) => [r.method, r.url, r.body, r.headers['content-type']])).toEqual([
      ['POST', '/ping/backup/start', '', undefined],
      ['POST', '/ping/backup/3', 'rsync: disk full\n', 'text/plain; charset=utf-8'],
      ['POST', '/ping/backup', '', undefined],
    ]);
    expect(hub.requests[0]!.headers.authorization).toBe('Bearer secret-token-0123456789');
  });

  it('refuses a slug or an exit status locally, and throws the hub’s 404 with its field', async () => {
    const hub = await pingHub();
    const client = createJanitorClient({ url: hub.url });
    const local = await client.ping('Back up').catch((error: unknown) => error);
    expect(local).toBeInstanceOf(JanitorClientError);
    expect(local).toMatchObject({ field: 'slug', retryable: false });
    await expect(client.ping('backup', { exit: 300 })).rejects.toMatchObject({ field: 'exit-status' });
    expect(hub.requests).toEqual([]);
    await expect(client.ping('nope')).rejects.toMatchObject({ status: 404, field: 'slug', retryable: false });
  });

  it('reads the checks', async () => {
    const hub = await pingHub();
    const view = await createJanitorClient({ url: hub.url }).checks();
    expect(view.checks.map((c) => [c.slug, c.status])).toEqual([['backup', 'late']]);
  });
});
