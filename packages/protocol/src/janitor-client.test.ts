import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname as osHostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { createJanitorClient, JanitorClientError } from './janitor-client.ts';
import type { Sample } from './sample.ts';

interface Recorded {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

type Answer = (res: ServerResponse) => void;

const json =
  (status: number, body: unknown): Answer =>
  (res) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

/** A hub stand-in on 127.0.0.1: records every request and answers with `answer`. */
async function startHub(answer: Answer) {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      answer(res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const close = async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  };
  closers.push(close);
  return { url: `http://127.0.0.1:${port}`, requests, close };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close().catch(() => undefined)));
});

/** The rejection of `promise`, failing the test if it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<JanitorClientError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(JanitorClientError);
  return outcome as JanitorClientError;
}

const sample: Sample = {
  hostname: 'vm',
  collectedAtMs: 1_763_900_000_000,
  metrics: { cpu_percent: 26.8, load_1: 0.4 },
  disks: [
    {
      mount: '/',
      device: '/dev/sda1',
      fsType: 'ext4',
      totalBytes: 100,
      usedBytes: 20,
      freeBytes: 70,
      usedPercent: 22.2,
    },
  ],
  network: [{ iface: 'eth0', rxBytesPerSecond: 10, txBytesPerSecond: 5 }],
};

describe('createJanitorClient', () => {
  it('POSTs a message as JSON with the bearer token', async () => {
    const hub = await startHub(json(200, { ok: true }));
    const client = createJanitorClient({ url: `${hub.url}/`, token: 's3cret', hostname: 'web1' });
    await client.warning('3 files were skipped', 'Backup finished with warnings');
    expect(hub.requests).toHaveLength(1);
    const [request] = hub.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/message');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBe('Bearer s3cret');
    expect(JSON.parse(request?.body ?? '')).toStrictEqual({
      hostname: 'web1',
      message: '3 files were skipped',
      summary: 'Backup finished with warnings',
      message_type: 'warning',
    });
  });

  it.each([
    ['log', 'none'],
    ['info', 'info'],
    ['warning', 'warning'],
    ['error', 'error'],
    ['alarm', 'alarm'],
  ] as const)('%s sends message_type %s, without a summary when none is given', async (method, type) => {
    const hub = await startHub(json(200, {}));
    await createJanitorClient({ url: hub.url, hostname: 'h' })[method]('hello');
    expect(JSON.parse(hub.requests[0]?.body ?? '')).toStrictEqual({
      hostname: 'h',
      message: 'hello',
      message_type: type,
    });
  });

  it('sends no Authorization header without a token, and defaults the hostname to os.hostname()', async () => {
    const hub = await startHub(json(200, {}));
    await createJanitorClient({ url: hub.url }).send({ text: 'hi' });
    expect(hub.requests[0]?.headers.authorization).toBeUndefined();
    expect(JSON.parse(hub.requests[0]?.body ?? '')).toMatchObject({
      hostname: osHostname().trim(),
      message_type: 'none',
    });
  });

  it('lets one message override the hostname, and keeps a path prefix of the url', async () => {
    const hub = await startHub(json(200, {}));
    await createJanitorClient({ url: `${hub.url}/janitor//`, hostname: 'a' }).send({
      text: 't',
      hostname: 'b',
      type: 'info',
    });
    expect(hub.requests[0]?.url).toBe('/janitor/message');
    expect(JSON.parse(hub.requests[0]?.body ?? '')).toMatchObject({ hostname: 'b', message_type: 'info' });
  });

  it('reports a sample as a v2 body to /sysinfo', async () => {
    const hub = await startHub(json(200, {}));
    await createJanitorClient({ url: hub.url, token: 't' }).report(sample);
    expect(hub.requests[0]?.url).toBe('/sysinfo');
    expect(hub.requests[0]?.headers.authorization).toBe('Bearer t');
    expect(JSON.parse(hub.requests[0]?.body ?? '')).toStrictEqual({ version: 2, sample });
  });

  it("maps the hub's 400 to a non-retryable error naming the field", async () => {
    const hub = await startHub(json(400, { error: 'hostname is required', field: 'hostname' }));
    const error = await rejectionOf(createJanitorClient({ url: hub.url, hostname: 'h' }).info('x'));
    expect(error.name).toBe('JanitorClientError');
    expect(error.status).toBe(400);
    expect(error.retryable).toBe(false);
    expect(error.field).toBe('hostname');
    expect(error.message).toBe(`POST ${hub.url}/message: 400 hostname is required (field hostname)`);
  });

  it.each([
    [503, true],
    [500, true],
    [429, true],
    [401, false],
    [413, false],
  ])('a %i answer is retryable: %s', async (status, retryable) => {
    const hub = await startHub((res) => res.writeHead(status, { 'content-type': 'text/html' }).end('<h1>nope</h1>'));
    const error = await rejectionOf(createJanitorClient({ url: hub.url, hostname: 'h' }).report(sample));
    expect(error.status).toBe(status);
    expect(error.retryable).toBe(retryable);
    expect(error.field).toBeUndefined();
    expect(error.message).toMatch(new RegExp(`^POST ${hub.url}/sysinfo: ${status} \\S`));
  });

  it('gives up after timeoutMs when the hub never answers: retryable', async () => {
    const hub = await startHub(() => {});
    const error = await rejectionOf(createJanitorClient({ url: hub.url, hostname: 'h', timeoutMs: 200 }).log('x'));
    expect(error.retryable).toBe(true);
    expect(error.status).toBeUndefined();
    expect(error.message).toBe(`POST ${hub.url}/message timed out after 200 ms`);
  });

  it('a refused connection is a retryable network error', async () => {
    const hub = await startHub(json(200, {}));
    await hub.close();
    const error = await rejectionOf(createJanitorClient({ url: hub.url, hostname: 'h' }).log('x'));
    expect(error.retryable).toBe(true);
    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/message network error: .*ECONNREFUSED/);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('refuses an invalid message locally, without a request', async () => {
    const hub = await startHub(json(200, {}));
    const client = createJanitorClient({ url: hub.url, hostname: 'h' });
    const empty = await rejectionOf(client.log('  '));
    expect([empty.retryable, empty.field, empty.message]).toEqual([
      false,
      'message',
      'invalid message: message must not be empty (field message)',
    ]);
    const badType = await rejectionOf(client.send({ text: 'x', type: 'loud' as never }));
    expect(badType.field).toBe('message_type');
    const badSample = await rejectionOf(client.report({ ...sample, metrics: { cpu_percent: Number.NaN } }));
    expect([badSample.field, badSample.retryable]).toEqual(['sample.metrics.cpu_percent', false]);
    expect(hub.requests).toHaveLength(0);
  });

  it('uses the injected fetch', async () => {
    const calls: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      calls.push(String(input));
      return new Response('{}', { status: 200 });
    };
    await createJanitorClient({ url: 'http://hub.invalid:5000', hostname: 'h', fetch: fakeFetch }).log('x');
    expect(calls).toEqual(['http://hub.invalid:5000/message']);
  });

  it.each([['not a url'], ['ftp://hub/'], ['']])('refuses the hub url %j', (url) => {
    expect(() => createJanitorClient({ url })).toThrow(JanitorClientError);
  });
});
