import { createRestAPIClient, MastoHttpError, MastoTimeoutError, MastoUnexpectedError } from 'masto';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeMastodon, type FakeMastodonOptions, startFakeMastodon } from './fake-mastodon.ts';
import { createFaultQueue, nginxErrorPage } from './faults.ts';

let fake: FakeMastodon | undefined;

async function start(options: FakeMastodonOptions = {}): Promise<FakeMastodon> {
  fake = await startFakeMastodon(options);
  return fake;
}

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function rest(server: FakeMastodon, timeout = 5000) {
  return createRestAPIClient({ url: server.url, accessToken: 'test-token', timeout });
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (error: unknown) => error,
  );
}

function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    }),
  ]);
}

describe('status faults', () => {
  it('answers the given status with a JSON error body, and the post does not take effect', async () => {
    const server = await start();
    server.failNext({ kind: 'status', status: 503 });
    const error = await failure(rest(server).v1.statuses.create({ status: 'x' }));
    expect(error).toBeInstanceOf(MastoHttpError);
    expect((error as MastoHttpError).statusCode).toBe(503);
    expect((error as MastoHttpError).message).toBe('Service Unavailable');
    expect(server.statuses).toHaveLength(0);
    expect(server.requests[0]?.fault).toBe('status');
    await rest(server).v1.statuses.create({ status: 'x' });
    expect(server.statuses).toHaveLength(1);
  });

  it.each([401, 403, 404, 422, 500] as const)('plays %i with a custom body', async (status) => {
    const server = await start();
    server.failNext({ kind: 'status', status, body: { error: `custom ${status}` } });
    const error = (await failure(rest(server).v1.statuses.create({ status: 'x' }))) as MastoHttpError;
    expect([error.statusCode, error.message]).toEqual([status, `custom ${status}`]);
  });

  it('passes extra headers, e.g. a GoToSocial 503 with Retry-After', async () => {
    const server = await start({ flavour: 'gotosocial' });
    server.failNext({ kind: 'status', status: 503, headers: { 'Retry-After': '120' } });
    const error = (await failure(rest(server).v1.statuses.create({ status: 'x' }))) as MastoHttpError;
    expect(error.statusCode).toBe(503);
    expect((error.cause as Response).headers.get('retry-after')).toBe('120');
  });

  it('a text/plain body becomes MastoUnexpectedError without the status', async () => {
    const server = await start();
    server.failNext({ kind: 'status', status: 503, body: 'upstream overloaded' });
    const error = await failure(rest(server).v1.statuses.create({ status: 'x' }));
    expect(error).toBeInstanceOf(MastoUnexpectedError);
  });
});

describe('rate-limit faults', () => {
  const resetAt = new Date('2026-11-23T10:05:00.000Z');

  it('mastodon: 429 with X-RateLimit-Reset as ISO 8601', async () => {
    const server = await start();
    server.failNext({ kind: 'rate-limit', resetAt });
    const error = (await failure(rest(server).v1.statuses.create({ status: 'x' }))) as MastoHttpError;
    expect(error).toBeInstanceOf(MastoHttpError);
    expect(error.statusCode).toBe(429);
    const headers = (error.cause as Response).headers;
    expect(headers.get('x-ratelimit-reset')).toBe('2026-11-23T10:05:00.000Z');
    expect(headers.get('x-ratelimit-remaining')).toBe('0');
    expect(headers.get('retry-after')).toBeNull();
    expect(server.statuses).toHaveLength(0);
  });

  it('gotosocial: 429 with X-RateLimit-Reset as unix seconds', async () => {
    const server = await start({ flavour: 'gotosocial' });
    server.failNext({ kind: 'rate-limit', resetAt });
    const error = (await failure(rest(server).v1.statuses.create({ status: 'x' }))) as MastoHttpError;
    expect([error.statusCode, error.message]).toEqual([429, 'rate limit reached']);
    expect((error.cause as Response).headers.get('x-ratelimit-reset')).toBe(String(resetAt.getTime() / 1000));
  });

  it('pleroma: 429 without rate-limit headers', async () => {
    const server = await start({ flavour: 'pleroma' });
    server.failNext({ kind: 'rate-limit', resetAt });
    const error = (await failure(rest(server).v1.statuses.create({ status: 'x' }))) as MastoHttpError;
    expect([error.statusCode, error.message]).toEqual([429, 'Throttled']);
    expect((error.cause as Response).headers.get('x-ratelimit-reset')).toBeNull();
  });
});

describe('transport faults', () => {
  it('html: an nginx 502 page that masto turns into a plain TypeError', async () => {
    const server = await start();
    server.failNext({ kind: 'html', status: 502 });
    const response = await fetch(`${server.url}/api/v1/instance`);
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toBe(nginxErrorPage(502));
    server.failNext({ kind: 'html', status: 502 });
    const error = await failure(rest(server).v1.statuses.create({ status: 'x' }));
    expect(error).toBeInstanceOf(TypeError);
    expect(error).not.toBeInstanceOf(MastoHttpError);
    expect(server.statuses).toHaveLength(0);
  });

  it('delay: answers normally afterwards, so a client that timed out still posted', async () => {
    const server = await start();
    server.failNext({ kind: 'delay', ms: 300 });
    const error = await failure(rest(server, 100).v1.statuses.create({ status: 'slow' }));
    expect(error).toBeInstanceOf(MastoTimeoutError);
    const created = await server.waitFor(() => server.statuses[0], { timeoutMs: 3000 });
    expect(created.status).toBe('slow');
  });

  it('delay: a patient client gets the normal answer', async () => {
    const server = await start();
    server.failNext({ kind: 'delay', ms: 50 });
    const status = await rest(server).v1.statuses.create({ status: 'eventually' });
    expect(server.statuses[0]?.id).toBe(status.id);
  });

  it('stall: never answers (client timeout, nothing created) and close() still returns promptly', async () => {
    const server = await start();
    server.failNext({ kind: 'stall' });
    const error = await failure(rest(server, 200).v1.statuses.create({ status: 'x' }));
    expect(error).toBeInstanceOf(MastoTimeoutError);
    server.failNext({ kind: 'stall' });
    const pending = fetch(`${server.url}/api/v1/instance`).then(
      () => 'answered',
      () => 'failed',
    );
    await server.waitFor(() => server.requests.length === 2);
    await deadline(server.close(), 2000, 'close() with a stalled request');
    expect(await deadline(pending, 2000, 'the stalled fetch')).toBe('failed');
    expect(server.statuses).toHaveLength(0);
    expect(server.requests.map((request) => request.responseStatus)).toEqual([null, null]);
  });

  it('reset: the socket dies mid-response, masto sees TypeError fetch failed, nothing is created', async () => {
    const server = await start();
    server.failNext({ kind: 'reset' });
    const error = await failure(rest(server).v1.statuses.create({ status: 'x' }));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('fetch failed');
    expect(server.statuses).toHaveLength(0);
  });

  it('reset-after-commit: the status IS created, the client sees a network error, a keyed retry is deduplicated', async () => {
    const server = await start();
    server.failNext({ kind: 'reset-after-commit' });
    const send = () =>
      rest(server).v1.statuses.create({ status: 'once' }, { requestInit: { headers: { 'Idempotency-Key': 'abc' } } });
    const error = await failure(send());
    expect(error).toBeInstanceOf(TypeError);
    expect(server.statuses).toHaveLength(1);
    const retried = await send();
    expect(retried.id).toBe(server.statuses[0]?.id);
    expect(server.statuses).toHaveLength(1);
  });
});

describe('fault selection', () => {
  it('applies to `times` requests matching `path`, leaving other paths alone', async () => {
    const server = await start();
    server.failNext({ kind: 'status', status: 500 }, { times: 2, path: '/api/v1/statuses' });
    expect(server.pendingFaults).toBe(2);
    await rest(server).v1.instance.fetch();
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const error = (await failure(rest(server).v1.statuses.create({ status: 'x' }))) as MastoHttpError;
      expect(error.statusCode).toBe(500);
    }
    await rest(server).v1.statuses.create({ status: 'x' });
    expect(server.statuses).toHaveLength(1);
    expect(server.pendingFaults).toBe(0);
  });

  it('matches a RegExp path and a method; clearFaults() disarms', async () => {
    const server = await start();
    server.failNext({ kind: 'status', status: 404 }, { path: /^\/api\/v\d\/instance/, method: 'get' });
    expect((await fetch(`${server.url}/api/v2/instance`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/v2/instance`)).status).toBe(200);
    server.failNext({ kind: 'reset' });
    server.clearFaults();
    expect((await fetch(`${server.url}/api/v2/instance`)).status).toBe(200);
  });

  it('rejects malformed faults', () => {
    const queue = createFaultQueue();
    expect(() => queue.add({ kind: 'status', status: 200 })).toThrow(RangeError);
    expect(() => queue.add({ kind: 'delay', ms: -1 })).toThrow(RangeError);
    expect(() => queue.add({ kind: 'reset' }, { times: 0 })).toThrow(RangeError);
    expect(() => queue.add({ kind: 'rate-limit', resetAt: new Date(Number.NaN) })).toThrow(TypeError);
  });
});
