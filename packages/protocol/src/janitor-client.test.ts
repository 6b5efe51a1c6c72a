import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname as osHostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { createJanitorClient, type JanitorClient, JanitorClientError } from './janitor-client.ts';
import type { Sample } from './sample.ts';
import type { SilenceView } from './silence-view.ts';

interface Recorded {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How the stand-in answers; it is given the request it answers (already recorded). */
type Answer = (res: ServerResponse, request: Recorded) => void;

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
      const request: Recorded = {
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      answer(res, request);
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

describe('send', () => {
  it('resolves with the outbox id the hub queued the message as', async () => {
    const hub = await startHub(json(200, { status: 'queued', id: 42 }));
    expect(await createJanitorClient({ url: hub.url, hostname: 'h' }).info('x')).toEqual({ id: 42 });
  });

  it.each([
    ['an answer without an id', json(200, { status: 'queued' })],
    ['an id that is not a number', json(200, { status: 'queued', id: '42' })],
    ['an answer that is not JSON', ((res) => res.writeHead(200).end('OK')) as Answer],
    ['an empty answer', ((res) => res.writeHead(204).end()) as Answer],
  ])('resolves with no id after %s: the hub took it all the same', async (_what, answer) => {
    const hub = await startHub(answer);
    expect(await createJanitorClient({ url: hub.url, hostname: 'h' }).send({ text: 'x' })).toEqual({ id: undefined });
  });
});

/** 2026-11-03 14:00 UTC. */
const T0 = Date.UTC(2026, 10, 3, 14, 0);

const view = (id: number, host = 'pi1', rule = '*'): SilenceView => ({
  id,
  host,
  rule,
  until: new Date(T0 + 7_200_000).toISOString(),
  untilMs: T0 + 7_200_000,
  reason: null,
  createdAtMs: T0,
});

describe('silences', () => {
  /** A hub stand-in that keeps silences the way the hub's /silences answers. */
  async function silenceHub() {
    const running = new Map<number, SilenceView>();
    let next = 1;
    return startHub((res, request) => {
      const answer = (status: number, body: unknown) => json(status, body)(res, request);
      if (request.method === 'POST' && request.url === '/silences') {
        const order = JSON.parse(request.body) as { host: string; rule?: string; reason?: string };
        const silence = { ...view(next, order.host, order.rule ?? '*'), reason: order.reason ?? null };
        running.set(next++, silence);
        return answer(200, { status: 'silenced', silence });
      }
      if (request.method === 'GET' && request.url === '/silences') {
        return answer(200, { silences: [...running.values()] });
      }
      const id = Number(/^\/silences\/(\d+)$/.exec(request.url ?? '')?.[1]);
      const silence = running.get(id);
      if (request.method === 'DELETE' && silence) {
        running.delete(id);
        return answer(200, { status: 'removed', silence });
      }
      return answer(404, { error: `no running silence with id ${id}`, field: 'id' });
    });
  }

  it('starts, lists and ends silences, with the bearer token', async () => {
    const hub = await silenceHub();
    const client = createJanitorClient({ url: hub.url, token: 's3cret' });
    expect(await client.silence({ host: 'pi1', rule: 'cpu_percent', for: '2h', reason: 'upgrade' })).toEqual({
      ...view(1, 'pi1', 'cpu_percent'),
      reason: 'upgrade',
    });
    expect(await client.silence({ host: '*', for: 90 })).toEqual(view(2, '*'));
    expect((await client.silences()).map((s) => [s.id, s.host, s.rule])).toEqual([
      [1, 'pi1', 'cpu_percent'],
      [2, '*', '*'],
    ]);
    expect((await client.unsilence(1)).id).toBe(1);
    expect((await client.silences()).map((s) => s.id)).toEqual([2]);

    expect(hub.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /silences',
      'POST /silences',
      'GET /silences',
      'DELETE /silences/1',
      'GET /silences',
    ]);
    // The order as given, rule and reason only when given; no body (nor its content type) without one.
    expect(hub.requests.slice(0, 2).map((r) => JSON.parse(r.body))).toStrictEqual([
      { host: 'pi1', rule: 'cpu_percent', for: '2h', reason: 'upgrade' },
      { host: '*', for: 90 },
    ]);
    expect(hub.requests[0]?.headers['content-type']).toBe('application/json');
    expect(hub.requests[2]?.headers['content-type']).toBeUndefined();
    expect(hub.requests[2]?.body).toBe('');
    expect(hub.requests.map((r) => r.headers.authorization)).toEqual(Array(5).fill('Bearer s3cret'));
  });

  it('leaves the order to the hub, and throws its refusal with the status and the field', async () => {
    const hub = await startHub(json(400, { error: 'expected a duration such as "30s"', field: 'for' }));
    const error = await rejectionOf(createJanitorClient({ url: `${hub.url}/` }).silence({ host: 'pi1', for: 'soon' }));
    expect(hub.requests).toHaveLength(1);
    expect([error.status, error.field, error.retryable]).toEqual([400, 'for', false]);
    expect(error.message).toBe(`POST ${hub.url}/silences: 400 expected a duration such as "30s" (field for)`);
  });

  it('says which silence is not running', async () => {
    const hub = await silenceHub();
    const error = await rejectionOf(createJanitorClient({ url: hub.url }).unsilence(9));
    expect([error.status, error.field]).toEqual([404, 'id']);
    expect(error.message).toBe(`DELETE ${hub.url}/silences/9: 404 no running silence with id 9 (field id)`);
  });

  it.each([[0], [-1], [1.5], [Number.NaN]])('refuses the silence id %d locally, without a request', async (id) => {
    const hub = await silenceHub();
    const error = await rejectionOf(createJanitorClient({ url: hub.url }).unsilence(id));
    expect([error.field, error.retryable, error.status]).toEqual(['id', false, undefined]);
    expect(error.message).toMatch(/^invalid silence id: expected a positive integer/);
    expect(hub.requests).toHaveLength(0);
  });

  it.each<[string, (client: JanitorClient) => Promise<unknown>, unknown, string]>([
    ['a silence without one', (c) => c.silence({ host: 'pi1', for: '1h' }), { status: 'silenced' }, 'silence'],
    [
      'a silence with a bad field',
      (c) => c.unsilence(1),
      { silence: { ...view(1), untilMs: 'soon' } },
      'silence.untilMs',
    ],
    ['a list without one', (c) => c.silences(), { silence: view(1) }, 'silences'],
    ['a list with a bad entry', (c) => c.silences(), { silences: [view(1), { ...view(2), id: -2 }] }, 'silences[1].id'],
  ])('throws on an answer that is not what the hub answers: %s', async (_what, call, body, field) => {
    const hub = await startHub(json(200, body));
    const error = await rejectionOf(call(createJanitorClient({ url: hub.url })));
    expect([error.status, error.retryable, error.field]).toEqual([200, false, undefined]);
    expect(error.message).toMatch(
      /^(POST|GET|DELETE) http:\/\/127\.0\.0\.1:\d+\/silences(\/1)?: 200 unexpected answer: /,
    );
    expect(error.message.endsWith(` (field ${field})`)).toBe(true);
  });

  it('says when the hub cannot be reached: retryable', async () => {
    const error = await rejectionOf(
      createJanitorClient({
        url: 'http://127.0.0.1:9',
        fetch: async () => {
          throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
        },
      }).silences(),
    );
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('GET http://127.0.0.1:9/silences network error: fetch failed (ECONNREFUSED)');
  });
});
