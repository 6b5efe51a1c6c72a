// The client's two log readers against a stand-in hub on 127.0.0.1: the query they send, the page they return, and
// an answer that is not a page.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createJanitorClient, JanitorClientError } from './janitor-client.ts';
import type { AlertLogEntry, MessageLogEntry } from './log-entry.ts';

const T0 = Date.UTC(2026, 11, 1, 9);

const ALERT: AlertLogEntry = {
  id: 3,
  atMs: T0,
  hostname: 'pi1',
  key: 'cpu_percent',
  label: 'CPU %',
  transition: 'firing',
  level: 'warning',
  value: 93,
  limit: 80,
  incidentStartMs: T0,
  endMs: null,
  durationMs: null,
  peak: null,
  statusUrl: null,
  by: null,
};

const MESSAGE: MessageLogEntry = {
  id: 1,
  atMs: T0,
  hostname: 'web1',
  source: '203.0.113.5',
  type: 'info',
  summary: null,
  text: 'backup done',
  outboxId: 7,
  statusUrl: 'https://social.example/@janitor/1',
  posted: true,
};

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A stand-in hub answering `body` to every request, recording the request lines. */
async function standIn(body: unknown): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers.authorization ?? '-'}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

describe('the log readers of the client', () => {
  it('alertLog sends the parameters given and returns the page', async () => {
    const hub = await standIn({ alerts: [ALERT], next: 'YTox' });
    const client = createJanitorClient({ url: hub.url, token: 'r3ad' });
    expect(await client.alertLog({ state: 'firing', host: 'pi 1', from: '-7d', limit: 20 })).toEqual({
      alerts: [ALERT],
      next: 'YTox',
    });
    expect(await client.alertLog()).toEqual({ alerts: [ALERT], next: 'YTox' });
    expect(hub.requests).toEqual([
      'GET /api/v1/alerts?state=firing&host=pi+1&from=-7d&limit=20 Bearer r3ad',
      'GET /api/v1/alerts Bearer r3ad',
    ]);
  });

  it('messageLog sends the cursor and a time in ms', async () => {
    const hub = await standIn({ messages: [MESSAGE], next: null });
    const page = await createJanitorClient({ url: hub.url }).messageLog({ cursor: 'YTox', from: T0 });
    expect(page).toEqual({ messages: [MESSAGE], next: null });
    expect(hub.requests).toEqual([`GET /api/v1/messages?cursor=YTox&from=${T0} -`]);
  });

  it('throws on an answer that is not a page, naming the field', async () => {
    const hub = await standIn({ messages: [{ ...MESSAGE, posted: 'yes' }], next: null });
    const error = await createJanitorClient({ url: hub.url })
      .messageLog()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(JanitorClientError);
    expect((error as Error).message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/messages: 200 unexpected answer: expected true or false \(field messages\[0\]\.posted\)$/,
    );
  });
});
