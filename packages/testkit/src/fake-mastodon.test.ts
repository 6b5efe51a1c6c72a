import { createRestAPIClient, MastoHttpError } from 'masto';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeMastodon, type FakeMastodonOptions, startFakeMastodon } from './fake-mastodon.ts';
import { FLAVOURS, type Flavour } from './flavour.ts';

let fake: FakeMastodon | undefined;

async function start(options: FakeMastodonOptions = {}): Promise<FakeMastodon> {
  fake = await startFakeMastodon(options);
  return fake;
}

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function client(server: FakeMastodon, accessToken: string | null = 'test-token') {
  return createRestAPIClient({ url: server.url, ...(accessToken ? { accessToken } : {}), timeout: 5000 });
}

async function httpError(promise: Promise<unknown>): Promise<MastoHttpError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MastoHttpError);
  return error as MastoHttpError;
}

describe('instance endpoints', () => {
  it.each([
    ['mastodon', 500],
    ['gotosocial', 5000],
  ] as const)('%s exposes max_characters %i on /api/v2/instance and /api/v1/instance', async (flavour, limit) => {
    const server = await start({ flavour });
    const rest = client(server, null);
    const v2 = await rest.v2.instance.fetch();
    expect(v2.configuration.statuses.maxCharacters).toBe(limit);
    const v1 = await rest.v1.instance.fetch();
    expect(v1.configuration.statuses.maxCharacters).toBe(limit);
  });

  it.each(['pleroma', 'akkoma'] as const)('%s exposes max_toot_chars on v1 and answers 404 on v2', async (flavour) => {
    const server = await start({ flavour, maxCharacters: 1234 });
    const rest = client(server, null);
    const v1 = (await rest.v1.instance.fetch()) as unknown as { maxTootChars: number; version: string };
    expect(v1.maxTootChars).toBe(1234);
    expect(v1.version).toContain(flavour === 'pleroma' ? 'Pleroma' : 'Akkoma');
    const error = await httpError(rest.v2.instance.fetch());
    expect(error.statusCode).toBe(404);
  });

  it('honours the maxCharacters option on mastodon', async () => {
    const server = await start({ maxCharacters: 42 });
    const v2 = await client(server, null).v2.instance.fetch();
    expect(v2.configuration.statuses.maxCharacters).toBe(42);
    expect(v2.configuration.statuses.charactersReservedPerUrl).toBe(23);
  });

  it('names the flavour in nodeinfo', async () => {
    const server = await start({ flavour: 'akkoma' });
    const links = (await (await fetch(`${server.url}/.well-known/nodeinfo`)).json()) as { links: { href: string }[] };
    const nodeinfo = (await (await fetch(links.links[0]?.href as string)).json()) as { software: { name: string } };
    expect(nodeinfo.software.name).toBe('akkoma');
  });
});

describe('posting a status', () => {
  it('creates a status from a JSON body sent by masto and returns the Status entity', async () => {
    const server = await start({ now: () => Date.parse('2026-11-23T10:00:00Z') });
    const status = await client(server).v1.statuses.create({
      status: 'disk <full> & "hot"\n\nsecond paragraph\nline',
      spoilerText: 'warning',
      visibility: 'unlisted',
      language: 'de',
    });
    expect(status.content).toBe('<p>disk &lt;full&gt; &amp; &quot;hot&quot;</p><p>second paragraph<br />line</p>');
    expect(status.spoilerText).toBe('warning');
    expect(status.sensitive).toBe(true);
    expect(status.visibility).toBe('unlisted');
    expect(status.language).toBe('de');
    expect(status.createdAt).toBe('2026-11-23T10:00:00.000Z');
    expect(status.account.username).toBe('janitor');
    expect(status.url).toBe(`${server.url}/@janitor/${status.id}`);
    expect(server.statuses).toHaveLength(1);
    expect(server.statuses[0]).toMatchObject({
      id: status.id,
      status: 'disk <full> & "hot"\n\nsecond paragraph\nline',
    });
    const request = server.requests.find((entry) => entry.path === '/api/v1/statuses');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.rawBody ?? '{}')).toMatchObject({ spoiler_text: 'warning', visibility: 'unlisted' });
  });

  it('accepts form-encoded and multipart bodies with Rails-style arrays', async () => {
    const server = await start();
    const form = await fetch(`${server.url}/api/v1/statuses`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-token' },
      body: new URLSearchParams({ status: 'from a form', visibility: 'private' }),
    });
    expect(form.status).toBe(200);
    const multipart = new FormData();
    multipart.append('status', 'from multipart');
    multipart.append('in_reply_to_id', ((await form.json()) as { id: string }).id);
    const reply = await fetch(`${server.url}/api/v1/statuses`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-token' },
      body: multipart,
    });
    expect(reply.status).toBe(200);
    expect(server.statuses.map((status) => [status.status, status.visibility])).toEqual([
      ['from a form', 'private'],
      ['from multipart', 'public'],
    ]);
    expect(server.statuses[1]?.inReplyToId).toBe(server.statuses[0]?.id);
  });

  it('links mentions and hashtags, and neutralised text stays plain', async () => {
    const server = await start();
    const rest = client(server);
    const linked = await rest.v1.statuses.create({ status: 'ping @admin@example.org about #backup https://x.org/a.' });
    expect(linked.mentions.map((mention) => mention.acct)).toEqual(['admin@example.org']);
    expect(linked.tags.map((tag) => tag.name)).toEqual(['backup']);
    expect(linked.content).toContain('<a href="https://x.org/a"');
    const neutral = await rest.v1.statuses.create({ status: 'ping @\u200badmin@example.org about #\u200bbackup' });
    expect(neutral.mentions).toEqual([]);
    expect(neutral.tags).toEqual([]);
  });

  it('records content_type on mastodon without acting on it', async () => {
    const server = await start();
    await client(server).v1.statuses.create({ status: '**bold**', content_type: 'text/markdown' } as never);
    expect(server.statuses[0]?.contentType).toBe('text/markdown');
    expect(server.statuses[0]?.params.content_type).toBe('text/markdown');
  });

  it.each([
    ['pleroma', 'text/bbcode', true],
    ['akkoma', 'text/html', true],
    ['gotosocial', 'text/markdown', true],
    ['gotosocial', 'text/html', false],
    ['pleroma', 'markdown', false],
  ] as const)('%s with content_type %s: accepted=%s', async (flavour, contentType, accepted) => {
    const server = await start({ flavour });
    const request = client(server).v1.statuses.create({ status: 'hello', content_type: contentType } as never);
    if (accepted) {
      await request;
      expect(server.statuses[0]?.contentType).toBe(contentType);
    } else {
      expect((await httpError(request)).statusCode).toBe(422);
      expect(server.statuses).toHaveLength(0);
    }
  });

  it('reads back a status and lists an account timeline newest first with limit and a Link header', async () => {
    const server = await start();
    const rest = client(server);
    for (const text of ['one', 'two', 'three']) await rest.v1.statuses.create({ status: text });
    const first = server.statuses[0];
    expect((await rest.v1.statuses.$select(first?.id as string).fetch()).content).toBe('<p>one</p>');
    const me = await rest.v1.accounts.verifyCredentials();
    const page = await rest.v1.accounts.$select(me.id).statuses.list({ limit: 2 });
    expect(page.map((status) => status.content)).toEqual(['<p>three</p>', '<p>two</p>']);
    const response = await fetch(`${server.url}/api/v1/accounts/${me.id}/statuses?limit=2`);
    expect(response.headers.get('link')).toContain(`max_id=${server.statuses[1]?.id}`);
    expect(me.statusesCount).toBe(3);
  });

  it('hides private statuses from anonymous readers', async () => {
    const server = await start();
    const status = await client(server).v1.statuses.create({ status: 'secret', visibility: 'private' });
    const error = await httpError(client(server, null).v1.statuses.$select(status.id).fetch());
    expect(error.statusCode).toBe(404);
    expect(error.message).toBe('Record not found');
  });

  it('deletes a status and answers with its source text', async () => {
    const server = await start();
    const rest = client(server);
    const status = await rest.v1.statuses.create({ status: 'oops' });
    const deleted = await rest.v1.statuses.$select(status.id).remove();
    expect(deleted.text).toBe('oops');
    expect(server.statuses[0]?.deletedAt).not.toBeNull();
    expect((await httpError(rest.v1.statuses.$select(status.id).fetch())).statusCode).toBe(404);
  });
});

describe('validation', () => {
  it.each([
    ['mastodon', 500, 501, 422, 'Validation failed: Text character limit of 500 exceeded'],
    ['pleroma', 5000, 5001, 422, 'The status is over the character limit'],
    ['akkoma', 5000, 5001, 422, 'The status is over the character limit'],
    ['gotosocial', 5000, 5001, 400, 'Bad Request: status too long'],
  ] as const)('%s rejects text over its default limit of %i', async (flavour, limit, length, status, message) => {
    const server = await start({ flavour });
    const rest = client(server);
    await rest.v1.statuses.create({ status: 'a'.repeat(limit) });
    const error = await httpError(rest.v1.statuses.create({ status: 'a'.repeat(length) }));
    expect(error.statusCode).toBe(status);
    expect(error.message).toContain(message);
    expect(server.statuses).toHaveLength(1);
  });

  it('counts the spoiler text, URLs as 23 and remote mentions as local on mastodon', async () => {
    const server = await start({ maxCharacters: 30 });
    const rest = client(server);
    // 23 for the URL + 1 space + 6 for "@admin" = 30.
    await rest.v1.statuses.create({ status: `https://example.org/${'x'.repeat(200)} @admin@example.org` });
    const error = await httpError(rest.v1.statuses.create({ status: 'a'.repeat(20), spoilerText: 'b'.repeat(11) }));
    expect(error.message).toBe('Validation failed: Text character limit of 30 exceeded');
  });

  it.each(FLAVOURS)('%s rejects an invalid visibility with 422 and creates nothing', async (flavour) => {
    const server = await start({ flavour });
    const error = await httpError(client(server).v1.statuses.create({ status: 'x', visibility: 'everyone' as never }));
    expect(error.statusCode).toBe(422);
    expect(server.statuses).toHaveLength(0);
  });

  it.each([
    ['mastodon', 422, "Validation failed: Text can't be blank"],
    ['pleroma', 422, 'Cannot post an empty status without attachments'],
    ['gotosocial', 400, 'Bad Request: no status, media, or poll provided'],
  ] as const)('%s requires a status text without media', async (flavour, status, message) => {
    const server = await start({ flavour });
    const error = await httpError(client(server).v1.statuses.create({ status: '' }));
    expect([error.statusCode, error.message]).toEqual([status, message]);
  });

  it('rejects a reply to a status that does not exist and unknown media ids', async () => {
    const server = await start();
    const rest = client(server);
    expect((await httpError(rest.v1.statuses.create({ status: 'x', inReplyToId: '123' }))).statusCode).toBe(404);
    const media = await httpError(rest.v1.statuses.create({ mediaIds: ['999'] }));
    expect([media.statusCode, media.message]).toEqual([422, 'Media 999 not found or already attached to another post']);
    expect(server.statuses).toHaveLength(0);
  });
});

describe('authentication', () => {
  it.each([
    ['mastodon', 401, 'The access token is invalid'],
    ['gotosocial', 401, 'Unauthorized: token not supplied'],
    ['pleroma', 403, 'Invalid credentials.'],
    ['akkoma', 403, 'Invalid credentials.'],
  ] as const)('%s without a token answers %i', async (flavour: Flavour, status, message) => {
    const server = await start({ flavour });
    const error = await httpError(client(server, null).v1.statuses.create({ status: 'x' }));
    expect([error.statusCode, error.message]).toEqual([status, message]);
    const wrong = await httpError(client(server, 'not-a-token').v1.accounts.verifyCredentials());
    expect(wrong.statusCode).toBe(status);
    expect(server.statuses).toHaveLength(0);
  });

  it('accepts the configured tokens and checks scopes', async () => {
    const server = await start({ accessTokens: ['full', { token: 'reader', scopes: ['read'] }] });
    const me = await client(server, 'reader').v1.accounts.verifyCredentials();
    expect(me.username).toBe('janitor');
    expect(me.source?.privacy).toBe('public');
    const error = await httpError(client(server, 'reader').v1.statuses.create({ status: 'x' }));
    expect([error.statusCode, error.message]).toEqual([403, 'This action is outside the authorized scopes']);
    await client(server, 'full').v1.statuses.create({ status: 'ok' });
    expect(server.statuses.map((status) => status.accessToken)).toEqual(['full']);
  });

  it('sends Mastodon rate-limit headers on authenticated responses and a 429 past the limit', async () => {
    const at = Date.parse('2026-11-23T10:01:00Z');
    const server = await start({ now: () => at, rateLimit: { limit: 2, windowMs: 300_000 } });
    const call = () =>
      fetch(`${server.url}/api/v1/accounts/verify_credentials`, {
        headers: { authorization: 'Bearer test-token' },
      });
    const first = await call();
    expect(first.headers.get('x-ratelimit-limit')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(first.headers.get('x-ratelimit-reset')).toBe('2026-11-23T10:05:00.000Z');
    expect((await call()).status).toBe(200);
    const third = await call();
    expect(third.status).toBe(429);
    expect(third.headers.get('x-ratelimit-remaining')).toBe('0');
    const anonymous = await fetch(`${server.url}/api/v1/instance`);
    expect(anonymous.headers.get('x-ratelimit-limit')).toBeNull();
  });

  it('limits posts per account on mastodon (created posts only), with rate-limit headers', async () => {
    let clock = Date.parse('2026-11-23T10:00:00Z');
    const server = await start({ now: () => clock, postRateLimit: { limit: 2, windowMs: 60_000 }, maxCharacters: 5 });
    const rest = client(server);
    await httpError(rest.v1.statuses.create({ status: 'too long to count' }));
    await rest.v1.statuses.create({ status: 'one' });
    await rest.v1.statuses.create({ status: 'two' });
    const error = await httpError(rest.v1.statuses.create({ status: 'three' }));
    expect([error.statusCode, error.message]).toEqual([429, 'Too many requests']);
    expect((error.cause as Response).headers.get('x-ratelimit-reset')).toBe('2026-11-23T10:01:00.000Z');
    clock += 60_000;
    await rest.v1.statuses.create({ status: 'four' });
    expect(server.statuses.map((status) => status.status)).toEqual(['one', 'two', 'four']);
  });

  it('limits pleroma to 15 post attempts per 10 s by default, answering 429 Throttled', async () => {
    let clock = Date.parse('2026-11-23T10:00:00Z');
    const server = await start({ flavour: 'pleroma', now: () => clock });
    const rest = client(server);
    for (let index = 0; index < 15; index += 1) await rest.v1.statuses.create({ status: `post ${index}` });
    const error = await httpError(rest.v1.statuses.create({ status: 'one too many' }));
    expect([error.statusCode, error.message]).toEqual([429, 'Throttled']);
    clock += 10_000;
    await rest.v1.statuses.create({ status: 'later' });
    expect(server.statuses).toHaveLength(16);
  });

  it('sends no rate-limit headers on pleroma', async () => {
    const server = await start({ flavour: 'pleroma' });
    const response = await fetch(`${server.url}/api/v1/accounts/verify_credentials`, {
      headers: { authorization: 'Bearer test-token' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ratelimit-limit')).toBeNull();
  });
});

describe('routing and records', () => {
  it('answers 404 JSON for unknown paths and wrong methods', async () => {
    const server = await start();
    const unknown = await fetch(`${server.url}/api/v1/nope`);
    expect([unknown.status, await unknown.json()]).toEqual([404, { error: 'Record not found' }]);
    const wrongMethod = await fetch(`${server.url}/api/v1/statuses`, { method: 'GET' });
    expect(wrongMethod.status).toBe(404);
  });

  it('records every request with lower-cased headers, query and parsed body; reset() forgets them', async () => {
    const server = await start();
    await fetch(`${server.url}/api/v1/statuses?x=1&tags[]=a&tags[]=b`, {
      method: 'POST',
      headers: { Authorization: 'Bearer test-token', 'X-Custom': 'yes' },
      body: new URLSearchParams({ status: 'hi' }),
    });
    const [request] = server.requests;
    expect(request).toMatchObject({
      method: 'POST',
      path: '/api/v1/statuses',
      query: { x: '1', tags: ['a', 'b'] },
      rawBody: 'status=hi',
      body: { status: 'hi' },
      responseStatus: 200,
    });
    expect(request?.headers['x-custom']).toBe('yes');
    server.reset();
    expect(server.requests).toHaveLength(0);
    expect(server.statuses).toHaveLength(0);
  });

  it('waitFor resolves on a later request and rejects at its deadline', async () => {
    const server = await start();
    const waiting = server.waitFor(() => server.statuses[0]);
    await client(server).v1.statuses.create({ status: 'later' });
    expect((await waiting).status).toBe('later');
    await expect(server.waitFor(() => server.statuses[5], { timeoutMs: 50 })).rejects.toThrow(/within 50 ms/);
  });
});
