// The hub's connection limits on a real server on loopback, with small limits so that each is seen at work: one
// address holding its share, the whole server full, and a body or a keep-alive connection that never goes on.
import type { IncomingMessage, Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { serve } from '@hono/node-server';
import { CONNECTION_LIMITS, type ConnectionLimits, limitConnections, serverOptions } from '@janitor/runtime/hub';
import { afterEach, describe, expect, it } from 'vitest';
import { startHub } from '../hub.test-support.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function servedHub(limits: Partial<ConnectionLimits>, exempt?: (address: string) => boolean) {
  const hub = startHub();
  cleanups.push(() => hub.close());
  const all = { ...CONNECTION_LIMITS, ...limits };
  const server = await new Promise<Server>((resolve) => {
    const s = serve(
      {
        fetch: (req, env) =>
          hub.app.fetch(req, { ...env, remote: (env.incoming as IncomingMessage).socket.remoteAddress }),
        hostname: '127.0.0.1',
        port: 0,
        serverOptions: serverOptions(all),
      },
      () => resolve(s as Server),
    );
  });
  limitConnections(server, { limits: all, logger: hub.logger, ...(exempt ? { exempt } : {}) });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { hub, port: (server.address() as AddressInfo).port };
}

/** A connection from `from` that sends `text`; `closed` resolves (ms after connecting) when the hub closes it. */
function open(port: number, from: string, text = '') {
  return new Promise<{ socket: Socket; closed: Promise<number>; received: () => string }>((resolve, reject) => {
    let received = '';
    const socket = connect({ host: '127.0.0.1', port, localAddress: from }, () => {
      const at = performance.now();
      const closed = new Promise<number>((done) => socket.once('close', () => done(performance.now() - at)));
      if (text) socket.write(text);
      resolve({ socket, closed, received: () => received });
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', reject);
    cleanups.push(() => {
      socket.destroy();
    });
  });
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const health = (port: number) => fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(3000) });

describe('limitConnections', () => {
  it('closes one connection more than an address may hold at once, and serves the other addresses', async () => {
    const { hub, port } = await servedHub({ maxConnectionsPerAddress: 5 });
    const held = await Promise.all([1, 2, 3, 4, 5].map(() => open(port, '127.0.0.2')));
    const refused = await open(port, '127.0.0.2');
    expect(await within(refused.closed, 2000, 'the sixth connection to be closed')).toBeLessThan(2000);
    expect(refused.received()).toBe('');
    expect((await health(port)).status).toBe(200);
    const warning = hub.logger.lines.find((l) => l.level === 'warn' && /one address/.test(l.message));
    expect(warning?.fields).toMatchObject({ limit: 5, from: '127.0.0.2' });
    // One of them goes: there is room again, once the hub has seen it close.
    held[0]!.socket.destroy();
    const deadline = Date.now() + 3000;
    let answer = '';
    while (answer === '' && Date.now() < deadline) {
      const again = await open(port, '127.0.0.2', 'GET /health HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n');
      await within(again.closed, 3000, 'the answer');
      answer = again.received();
    }
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('does not count an exempt address (a trusted proxy) per address', async () => {
    const { port } = await servedHub({ maxConnectionsPerAddress: 2 }, (a) => a === '127.0.0.3');
    await Promise.all([1, 2, 3, 4].map(() => open(port, '127.0.0.3')));
    const fifth = await open(port, '127.0.0.3', 'GET /health HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n');
    await within(fifth.closed, 3000, 'the answer');
    expect(fifth.received()).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('closes one connection more than the server may hold, and says so once', async () => {
    const { hub, port } = await servedHub({ maxConnections: 6 });
    for (let i = 0; i < 6; i += 1) await open(port, `127.0.0.${10 + i}`);
    const refused = await Promise.all([1, 2, 3].map((i) => open(port, `127.0.0.${20 + i}`)));
    for (const r of refused) await within(r.closed, 2000, 'a connection over the limit to be closed');
    const warnings = hub.logger.lines.filter((l) => l.level === 'warn' && /as many as it may/.test(l.message));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.fields).toMatchObject({ limit: 6 });
  });
});

describe('serverOptions', () => {
  const short = { headersTimeoutMs: 400, requestTimeoutMs: 800, keepAliveTimeoutMs: 300, checkIntervalMs: 100 };

  it('cuts a body that never ends after the request timeout, with a 408', async () => {
    const { hub, port } = await servedHub(short);
    const slow = await open(
      port,
      '127.0.0.1',
      'POST /message HTTP/1.1\r\nHost: hub\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nhostname=h',
    );
    const afterMs = await within(slow.closed, 3000, 'the slow body to be cut');
    expect(afterMs).toBeGreaterThanOrEqual(short.requestTimeoutMs - 50);
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(hub.store.outbox.counts().pending).toBe(0);
  });

  it('cuts headers that never end after the headers timeout', async () => {
    const { port } = await servedHub(short);
    const slow = await open(port, '127.0.0.1', 'GET /health HTTP/1.1\r\nHost: hub\r\n');
    const afterMs = await within(slow.closed, 3000, 'the slow headers to be cut');
    expect(afterMs).toBeGreaterThanOrEqual(short.headersTimeoutMs - 50);
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const { port } = await servedHub(short);
    const kept = await open(port, '127.0.0.1', 'GET /health HTTP/1.1\r\nHost: hub\r\n\r\n');
    await within(kept.closed, 3000, 'the idle connection to be closed');
    expect(kept.received()).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('are the documented defaults', () => {
    expect(serverOptions()).toEqual({
      headersTimeout: 10_000,
      requestTimeout: 30_000,
      keepAliveTimeout: 5_000,
      connectionsCheckingInterval: 1_000,
    });
  });
});
