// Every kind of malformed input gets a 4xx with a JSON `{ error, field }`, never a 5xx or a stack trace, and the hub
// answers the next good request as usual.
import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { form, GOOD_MESSAGE, json, jsonOf, startHub } from './hub.test-support.ts';

const MiB = 1024 * 1024;
const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

const raw = (contentType: string | undefined, body: RequestInit['body'], method = 'POST'): RequestInit => ({
  method,
  ...(contentType === undefined ? {} : { headers: { 'content-type': contentType } }),
  ...(body === null ? {} : { body }),
});

/** A body streamed in 64 KiB chunks without a Content-Length (what chunked transfer encoding gives the app). */
function chunked(contentType: string, size: number, fill = 0x61): RequestInit {
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) return controller.close();
      const n = Math.min(65_536, size - sent);
      sent += n;
      controller.enqueue(new Uint8Array(n).fill(fill));
    },
  });
  return { method: 'POST', headers: { 'content-type': contentType }, body: stream, duplex: 'half' } as RequestInit;
}

function multipart(parts: Record<string, string | Blob>): RequestInit {
  const data = new FormData();
  for (const [k, v] of Object.entries(parts)) data.append(k, v);
  return { method: 'POST', body: data };
}

/** A multipart body with boundary `xyz`, its values as raw bytes. */
function multipartBytes(parts: readonly [string, Buffer][]): Uint8Array {
  const chunks = parts.flatMap(([name, value]) => [
    Buffer.from(`--xyz\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`),
    value,
    Buffer.from('\r\n'),
  ]);
  return new Uint8Array(Buffer.concat([...chunks, Buffer.from('--xyz--\r\n')]));
}

const sysinfo = (sysData: string) => raw(JSON_TYPE, `{"sys_data": {"hostname": "h", "cpu_percent": ${sysData}}}`);
const manyKeys = (n: number, prefix = 'k') =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, i])) as Record<string, number>;
const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
const oneMiBString = 'x'.repeat(1_000_000);
const INVALID_UTF8_JSON = new Uint8Array([...Buffer.from('{"hostname":"h'), 0xff, ...Buffer.from('","message":"m"}')]);
const INVALID_UTF8_FORM = new Uint8Array([...Buffer.from('hostname=h'), 0xc3, 0x28, ...Buffer.from('&message=m')]);
const OVERLONG_SLASH = new Uint8Array([
  ...Buffer.from('{"hostname":"h'),
  0xc0,
  0xaf,
  ...Buffer.from('","message":"m"}'),
]);
const ENCODED_SURROGATE = new Uint8Array([...Buffer.from('hostname=h&message=m'), 0xed, 0xa0, 0x80]);

type Case = [name: string, path: string, init: () => RequestInit, field: string | undefined, status?: number];

const cases: Case[] = [
  // Invalid JSON and the wrong content type.
  ['invalid JSON on /message', '/message', () => raw(JSON_TYPE, '{"hostname": "h", "message": '), 'body'],
  ['invalid JSON on /sysinfo', '/sysinfo', () => raw(JSON_TYPE, "{'sys_data': {}}"), 'body'],
  ['a trailing comma', '/sysinfo', () => raw(JSON_TYPE, '{"sys_data": {"cpu_percent": 1,}}'), 'body'],
  [
    'JSON text/plain on /sysinfo',
    '/sysinfo',
    () => raw('text/plain', '{"sys_data": {"cpu_percent": 1}}'),
    'content-type',
    415,
  ],
  ['a form text/plain on /message', '/message', () => raw('text/plain', 'hostname=h&message=m'), 'content-type', 415],
  [
    'no content type on /message',
    '/message',
    () => raw(undefined, new Uint8Array(Buffer.from('hostname=h&message=m'))),
    'content-type',
    415,
  ],
  [
    'no content type on /sysinfo',
    '/sysinfo',
    () => raw(undefined, new Uint8Array(Buffer.from('{"sys_data":{}}'))),
    'content-type',
    415,
  ],
  ['a form on /sysinfo', '/sysinfo', () => form({ sys_data: '{}' }), 'content-type', 415],
  [
    'a charset other than UTF-8',
    '/message',
    () => raw(`${FORM}; charset=latin1`, 'hostname=h&message=m'),
    'content-type',
    415,
  ],
  ['an XML body', '/sysinfo', () => raw('application/xml', '<sys_data/>'), 'content-type', 415],
  // Empty bodies.
  ['an empty form', '/message', () => raw(FORM, ''), 'hostname'],
  ['an empty JSON body on /message', '/message', () => raw(JSON_TYPE, ''), 'body'],
  ['an empty JSON body on /sysinfo', '/sysinfo', () => raw(JSON_TYPE, ''), 'body'],
  ['no body at all on /message', '/message', () => raw(FORM, null), 'hostname'],
  ['no body at all on /sysinfo', '/sysinfo', () => raw(JSON_TYPE, null), 'body'],
  // Missing, empty and mistyped fields.
  ['no hostname', '/message', () => form({ message: 'm' }), 'hostname'],
  ['no message', '/message', () => form({ hostname: 'h' }), 'message'],
  ['an empty hostname', '/message', () => form({ hostname: '', message: 'm' }), 'hostname'],
  ['a blank hostname', '/message', () => form({ hostname: '   ', message: 'm' }), 'hostname'],
  ['an empty message', '/message', () => form({ hostname: 'h', message: '' }), 'message'],
  ['a blank message', '/message', () => form({ hostname: 'h', message: ' \n\t ' }), 'message'],
  ['hostname given twice', '/message', () => raw(FORM, 'hostname=a&hostname=b&message=m'), 'hostname'],
  ['a number as hostname', '/message', () => json({ hostname: 5, message: 'm' }), 'hostname'],
  ['an object as message', '/message', () => json({ hostname: 'h', message: { text: 'm' } }), 'message'],
  ['a JSON array on /message', '/message', () => json([{ hostname: 'h', message: 'm' }]), 'body'],
  ['a JSON string on /message', '/message', () => json('hostname=h&message=m'), 'body'],
  ['JSON null on /sysinfo', '/sysinfo', () => json(null), 'body'],
  ['no sys_data', '/sysinfo', () => json({ hostname: 'h', cpu_percent: 1 }), undefined],
  ['sys_data not an object', '/sysinfo', () => json({ sys_data: [1, 2] }), 'sys_data'],
  ['a v2 report without a sample', '/sysinfo', () => json({ version: 2 }), 'sample'],
  ['a v2 report of another version', '/sysinfo', () => json({ version: 3, sample: {} }), 'version', 422],
  ['a metric name that is not one', '/sysinfo', () => json({ sys_data: { 'CPU %': 1 } }), 'sys_data'],
  [
    'hostname as a number in sys_data',
    '/sysinfo',
    () => json({ sys_data: { hostname: 7, cpu_percent: 1 } }),
    'sys_data.hostname',
  ],
  // message_type.
  [
    'an unknown message_type',
    '/message',
    () => form({ hostname: 'h', message: 'm', message_type: 'critical' }),
    'message_type',
  ],
  [
    'message_type as a number',
    '/message',
    () => json({ hostname: 'h', message: 'm', message_type: 3 }),
    'message_type',
  ],
  [
    'message_type given twice',
    '/message',
    () => raw(FORM, 'hostname=h&message=m&message_type=info&message_type=error'),
    'message_type',
  ],
  // Metric values.
  ['"95" (a string)', '/sysinfo', () => sysinfo('"95"'), 'sys_data.cpu_percent'],
  ['the NaN literal', '/sysinfo', () => sysinfo('NaN'), 'body'],
  ['the Infinity literal', '/sysinfo', () => sysinfo('Infinity'), 'body'],
  ['1e999 (Infinity once parsed)', '/sysinfo', () => sysinfo('1e999'), 'sys_data.cpu_percent'],
  ['-1e999', '/sysinfo', () => sysinfo('-1e999'), 'sys_data.cpu_percent'],
  ['null', '/sysinfo', () => sysinfo('null'), 'sys_data.cpu_percent'],
  ['true', '/sysinfo', () => sysinfo('true'), 'sys_data.cpu_percent'],
  ['an array', '/sysinfo', () => sysinfo('[95]'), 'sys_data.cpu_percent'],
  [
    'a v2 metric of 1e999',
    '/sysinfo',
    () =>
      raw(
        JSON_TYPE,
        '{"version":2,"sample":{"hostname":"h","collectedAtMs":1,"metrics":{"cpu_percent":1e999},"disks":[],"network":[]}}',
      ),
    'sample.metrics.cpu_percent',
  ],
  [
    'a v2 usedPercent of 101',
    '/sysinfo',
    () =>
      json({
        version: 2,
        sample: {
          hostname: 'h',
          collectedAtMs: 1,
          metrics: {},
          disks: [
            { mount: '/', device: 'd', fsType: 'ext4', totalBytes: 1, usedBytes: 1, freeBytes: 0, usedPercent: 101 },
          ],
          network: [],
        },
      }),
    'sample.disks[0].usedPercent',
  ],
  // Absurd sizes.
  [
    'a 2 MB body with Content-Length',
    '/message',
    () => raw(FORM, `hostname=h&message=${'a'.repeat(2 * MiB)}`),
    'body',
    413,
  ],
  [
    'a 2 MB JSON body with Content-Length',
    '/sysinfo',
    () => raw(JSON_TYPE, `{"sys_data":{"hostname":"${'a'.repeat(2 * MiB)}"}}`),
    'body',
    413,
  ],
  ['a 2 MB form streamed without Content-Length', '/message', () => chunked(FORM, 2 * MiB), 'body', 413],
  ['a 2 MB JSON body streamed without Content-Length', '/sysinfo', () => chunked(JSON_TYPE, 2 * MiB), 'body', 413],
  [
    'a 2 MB multipart body streamed without Content-Length',
    '/message',
    () => chunked('multipart/form-data; boundary=x', 2 * MiB),
    'body',
    413,
  ],
  [
    'a 2 MB multipart upload',
    '/message',
    () => multipart({ hostname: 'h', message: 'm', file: new Blob([new Uint8Array(2 * MiB)]) }),
    'body',
    413,
  ],
  [
    '10 000 keys in a JSON object',
    '/message',
    () => json({ hostname: 'h', message: 'm', ...manyKeys(10_000) }),
    'body',
  ],
  ['10 000 keys in sys_data', '/sysinfo', () => json({ sys_data: manyKeys(10_000, 'metric_') }), 'body'],
  [
    '300 metrics in sys_data (over the metric limit)',
    '/sysinfo',
    () => json({ sys_data: manyKeys(300, 'metric_') }),
    'sys_data',
  ],
  [
    '10 000 form fields',
    '/message',
    () => raw(FORM, Array.from({ length: 10_000 }, (_, i) => `f${i}=${i}`).join('&')),
    'body',
  ],
  ['a 1 MB message', '/message', () => json({ hostname: 'h', message: oneMiBString }), 'message'],
  ['a 1 MB hostname', '/message', () => form({ hostname: oneMiBString, message: 'm' }), 'hostname'],
  ['a 1 MB summary', '/message', () => json({ hostname: 'h', message: 'm', summary: oneMiBString }), 'summary'],
  [
    'a 1 MB hostname in sys_data',
    '/sysinfo',
    () => json({ sys_data: { hostname: oneMiBString } }),
    'sys_data.hostname',
  ],
  ['a 1 MB metric name', '/sysinfo', () => json({ sys_data: { [oneMiBString]: 1 } }), 'sys_data'],
  ['100 000-deep arrays on /sysinfo', '/sysinfo', () => raw(JSON_TYPE, deep(100_000)), 'body'],
  ['100 000-deep objects on /message', '/message', () => raw(JSON_TYPE, deepObject(100_000)), 'body'],
  [
    '100 000-deep nesting inside sys_data',
    '/sysinfo',
    () => raw(JSON_TYPE, `{"sys_data":{"cpu_percent":${deep(100_000)}}}`),
    'body',
  ],
  [
    '40-deep nesting (over the depth limit)',
    '/message',
    () => raw(JSON_TYPE, `{"hostname":"h","message":"m","x":${deep(40)}}`),
    'body',
  ],
  // Control characters and invalid UTF-8.
  ['a NUL in the hostname', '/message', () => form({ hostname: 'h\u0000st', message: 'm' }), 'hostname'],
  [
    'an escape sequence in the message',
    '/message',
    () => form({ hostname: 'h', message: 'red \u001b[31m text' }),
    'message',
  ],
  ['a bell in the summary', '/message', () => json({ hostname: 'h', message: 'm', summary: 'ding\u0007' }), 'summary'],
  ['a line break in the hostname', '/message', () => form({ hostname: 'h\nX-Injected: 1', message: 'm' }), 'hostname'],
  ['a C1 control in the hostname', '/message', () => json({ hostname: 'h\u0085', message: 'm' }), 'hostname'],
  [
    'a NUL in sys_data.hostname',
    '/sysinfo',
    () => json({ sys_data: { hostname: 'h\u0000', cpu_percent: 1 } }),
    'sys_data.hostname',
  ],
  [
    'a lone surrogate (JSON escape)',
    '/message',
    () => raw(JSON_TYPE, '{"hostname":"h","message":"\\ud800"}'),
    'message',
  ],
  ['%FF in a form', '/message', () => raw(FORM, 'hostname=h%FF&message=m'), 'body'],
  ['%C0%AF (an overlong) in a form', '/message', () => raw(FORM, 'hostname=h&message=%C0%AF'), 'body'],
  ['%ED%A0%80 (an encoded surrogate) in a form', '/message', () => raw(FORM, 'hostname=h&message=%ED%A0%80'), 'body'],
  ['raw 0xFF in JSON', '/message', () => raw(JSON_TYPE, INVALID_UTF8_JSON), 'body'],
  ['raw 0xFF in /sysinfo JSON', '/sysinfo', () => raw(JSON_TYPE, new Uint8Array([0x7b, 0xff, 0x7d])), 'body'],
  ['a truncated sequence in a raw form', '/message', () => raw(FORM, INVALID_UTF8_FORM), 'body'],
  ['an overlong in raw JSON', '/message', () => raw(JSON_TYPE, OVERLONG_SLASH), 'body'],
  ['an encoded surrogate in a raw form', '/message', () => raw(FORM, ENCODED_SURROGATE), 'body'],
  // Multipart, as curl -F sends it.
  ['a multipart form without hostname', '/message', () => multipart({ message: 'm' }), 'hostname'],
  [
    'a file where the message belongs',
    '/message',
    () => multipart({ hostname: 'h', message: new Blob(['m'], { type: 'text/plain' }) }),
    'message',
  ],
  ['multipart garbage', '/message', () => raw('multipart/form-data; boundary=xyz', 'garbage'), 'body'],
  ['multipart without a boundary', '/message', () => raw('multipart/form-data', '--x\r\n\r\n'), 'body'],
  [
    'multipart with another boundary',
    '/message',
    () =>
      raw(
        'multipart/form-data; boundary=abc',
        '--xyz\r\nContent-Disposition: form-data; name="hostname"\r\n\r\nh\r\n--xyz--\r\n',
      ),
    'body',
  ],
  [
    'multipart cut off',
    '/message',
    () => raw('multipart/form-data; boundary=xyz', '--xyz\r\nContent-Disposition: form-data; name="hostname"\r\n\r\nh'),
    'body',
  ],
  [
    'raw 0xFF in a multipart field',
    '/message',
    () =>
      raw(
        'multipart/form-data; boundary=xyz',
        multipartBytes([
          ['hostname', Buffer.from([0x68, 0xff])],
          ['message', Buffer.from('m')],
        ]),
      ),
    'body',
  ],
  [
    'a binary file part, even in a field the hub ignores',
    '/message',
    () => multipart({ hostname: 'h', message: 'm', attachment: new Blob([new Uint8Array([0xff, 0xfe, 0x00])]) }),
    'body',
  ],
  [
    '2000 multipart fields',
    '/message',
    () =>
      raw(
        'multipart/form-data; boundary=xyz',
        multipartBytes(Array.from({ length: 2000 }, (_, i) => [`f${i}`, Buffer.from('x')])),
      ),
    'body',
  ],
  [
    'a multipart field given twice',
    '/message',
    () =>
      raw(
        'multipart/form-data; boundary=xyz',
        multipartBytes([
          ['hostname', Buffer.from('a')],
          ['hostname', Buffer.from('b')],
          ['message', Buffer.from('m')],
        ]),
      ),
    'hostname',
  ],
  ['multipart on /sysinfo', '/sysinfo', () => multipart({ sys_data: '{}' }), 'content-type', 415],
  // Prototype keys are plain keys.
  [
    '__proto__ as the body',
    '/message',
    () => raw(JSON_TYPE, '{"__proto__": {"hostname": "h", "message": "m"}}'),
    'hostname',
  ],
  [
    '__proto__ in sys_data',
    '/sysinfo',
    () => raw(JSON_TYPE, '{"sys_data": {"__proto__": {"cpu_percent": 99}}}'),
    'sys_data',
  ],
  ['constructor in a form', '/message', () => raw(FORM, 'constructor=x&message=m'), 'hostname'],
];

const methodCases: Case[] = [
  ...['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'].flatMap((method): Case[] => [
    [`${method} /message`, '/message', () => ({ method }), 'method', 405],
    [`${method} /sysinfo`, '/sysinfo', () => ({ method }), 'method', 405],
  ]),
  ['POST /health', '/health', () => GOOD_MESSAGE, 'method', 405],
  ['DELETE /health', '/health', () => ({ method: 'DELETE' }), 'method', 405],
  // `/` is the dashboard (GET only): another method is a 405, a file it does not have a 404.
  ['POST /', '/', () => GOOD_MESSAGE, 'method', 405],
  ['GET /assets/nope.js', '/assets/nope.js', () => ({ method: 'GET' }), 'path', 404],
  ['GET /assets/../package.json', '/assets/%2e%2e/package.json', () => ({ method: 'GET' }), 'path', 404],
  ['GET /nope', '/nope', () => ({ method: 'GET' }), 'path', 404],
  ['POST /message/extra', '/message/extra', () => GOOD_MESSAGE, 'path', 404],
  ['POST /Message (paths are case-sensitive)', '/Message', () => GOOD_MESSAGE, 'path', 404],
  ['POST /api/v1/statuses', '/api/v1/statuses', () => GOOD_MESSAGE, 'path', 404],
  ['a percent-encoded path that is not UTF-8', '/%FF%FE', () => ({ method: 'GET' }), 'path', 404],
  ['a path with a NUL', '/message%00', () => GOOD_MESSAGE, 'path', 404],
];

const STACK = /\n\s+at |\bat .+\(.*:\d+:\d+\)|node:internal|\.ts:\d+/;

/** What every refusal looks like. */
async function expectRefusal(res: Response, field: string | undefined, status: number | undefined) {
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  if (status !== undefined) expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const text = await res.clone().text();
  expect(text).not.toMatch(STACK);
  const body = await jsonOf(res);
  expect(typeof body.error).toBe('string');
  expect((body.error as string).length).toBeGreaterThan(0);
  // A refusal never echoes a huge input back.
  expect(text.length).toBeLessThan(8192);
  if (field !== undefined) expect(body.field).toBe(field);
}

describe('bad input through app.request', () => {
  const hub = startHub();
  afterAll(() => hub.close());

  it.each([...cases, ...methodCases])('%s', async (_name, path, init, field, status) => {
    const pending = hub.store.outbox.counts().pending;
    const res = await hub.request(path, init());
    await expectRefusal(res, field, status);
    expect(hub.store.outbox.counts().pending).toBe(pending);
    // And the hub answers the next good request as usual.
    const good = await hub.request('/message', GOOD_MESSAGE);
    expect(good.status).toBe(200);
    expect(hub.store.outbox.counts().pending).toBe(pending + 1);
  });

  it('accepts a well-formed multipart form (curl -F) and a form at the limit', async () => {
    const ok = await hub.request(
      '/message',
      multipart({ hostname: 'h', message: 'from curl -F', message_type: 'Warning' }),
    );
    expect(ok.status).toBe(200);
    const id = (await jsonOf(ok)).id as number;
    expect(hub.store.outbox.get(id)?.payload).toEqual({
      kind: 'message',
      message: { hostname: 'h', text: 'from curl -F', type: 'warning' },
    });
    const big = await hub.request('/message', form({ hostname: 'h', message: 'm'.repeat(65_536) }));
    expect(big.status).toBe(200);
  });

  it('never answered with a 5xx nor logged an error', () => {
    const statuses = hub.logger.lines.filter((l) => l.message === 'request').map((l) => l.fields.status as number);
    expect(statuses.length).toBeGreaterThan(cases.length);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(hub.logger.lines.filter((l) => l.level === 'error')).toEqual([]);
  });
});

describe('bad input over a real socket', () => {
  const hub = startHub();
  let server: ReturnType<typeof serve>;
  let base: string;

  beforeAll(async () => {
    const app = hub.app;
    server = await new Promise((resolve) => {
      const s = serve(
        {
          // The fixture's hub reads the sender from env.remote; here it is the socket's address.
          fetch: (req, env) =>
            app.fetch(req, { ...env, remote: (env.incoming as IncomingMessage).socket.remoteAddress }),
          hostname: '127.0.0.1',
          port: 0,
        },
        () => resolve(s),
      );
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    base = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      (server as import('node:http').Server).closeAllConnections();
    });
    hub.close();
  });

  const send = (path: string, init: RequestInit) =>
    fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });

  it.each([
    ['a 2 MB form with Content-Length', '/message', () => raw(FORM, `hostname=h&message=${'a'.repeat(2 * MiB)}`)],
    ['a 2 MB form, chunked', '/message', () => chunked(FORM, 2 * MiB)],
    ['a 2 MB JSON body, chunked', '/sysinfo', () => chunked(JSON_TYPE, 2 * MiB, 0x20)],
    ['a 2 MB multipart body, chunked', '/message', () => chunked('multipart/form-data; boundary=x', 2 * MiB)],
  ])('%s gets 413 and the connection stays usable for the next request', async (_name, path, init) => {
    const res = await send(path, init());
    await expectRefusal(res, 'body', 413);
    const good = await send('/message', GOOD_MESSAGE);
    expect(good.status).toBe(200);
  });

  it('a huge Content-Length is refused before the body arrives', async () => {
    const res = await rawRequest(
      base,
      'POST /message HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n{',
    );
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ field: 'body' });
  });

  it('a malformed request line is refused by the server, and the hub goes on', async () => {
    const res = await rawRequest(base, 'BLAH\r\n\r\n');
    expect(res.status).toBe(400);
    expect((await send('/message', GOOD_MESSAGE)).status).toBe(200);
  });

  it('the sender of a request over a socket is its address', () => {
    const froms = hub.logger.lines.filter((l) => l.message === 'request').map((l) => l.fields.from);
    expect(froms.length).toBeGreaterThan(0);
    expect(new Set(froms)).toEqual(new Set(['127.0.0.1']));
  });
});

/** Writes `text` to a new connection and reads the status line and body of the answer (or the close). */
function rawRequest(base: string, text: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    {
      const socket = connect({ host: '127.0.0.1', port: Number(port) });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error('no answer within 5 s'));
      }, 5000);
      let received = '';
      socket.setEncoding('utf8');
      socket.on('error', reject);
      socket.on('data', (chunk: string) => {
        received += chunk;
        const end = received.indexOf('\r\n\r\n');
        if (end === -1) return;
        const length = Number(/content-length:\s*(\d+)/i.exec(received.slice(0, end))?.[1] ?? 0);
        if (received.length - end - 4 < length) return;
        clearTimeout(timer);
        socket.destroy();
        resolve({ status: Number(received.slice(9, 12)), body: received.slice(end + 4, end + 4 + length) });
      });
      socket.write(text);
    }
  });
}
