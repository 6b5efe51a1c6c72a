import { createOAuthAPIClient, createRestAPIClient, MastoHttpError } from 'masto';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeMastodon, type FakeMastodonOptions, startFakeMastodon } from './fake-mastodon.ts';
import { OOB_REDIRECT_URI } from './oauth.ts';

const HOUR_MS = 3_600_000;
let fake: FakeMastodon | undefined;
let clock = Date.parse('2026-11-23T10:00:00Z');

async function start(options: FakeMastodonOptions = {}): Promise<FakeMastodon> {
  clock = Date.parse('2026-11-23T10:00:00Z');
  fake = await startFakeMastodon({ now: () => clock, ...options });
  return fake;
}

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function post(server: FakeMastodon, key: string, status = 'hello', accessToken = 'test-token') {
  return createRestAPIClient({ url: server.url, accessToken, timeout: 5000 }).v1.statuses.create(
    { status },
    { requestInit: { headers: { 'Idempotency-Key': key } } },
  );
}

async function rejection(promise: Promise<unknown>): Promise<MastoHttpError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MastoHttpError);
  return error as MastoHttpError;
}

/** A user token for another account, through the authorization-code flow. */
async function tokenFor(server: FakeMastodon, accountId: string): Promise<string> {
  const app = await createRestAPIClient({ url: server.url }).v1.apps.create({
    clientName: 'other',
    redirectUris: OOB_REDIRECT_URI,
    scopes: 'write',
  });
  const code = server.authorize({
    clientId: app.clientId as string,
    redirectUri: OOB_REDIRECT_URI,
    scope: 'write',
    accountId,
  });
  const token = await createOAuthAPIClient({ url: server.url }).token.create({
    grantType: 'authorization_code',
    clientId: app.clientId as string,
    clientSecret: app.clientSecret as string,
    redirectUri: OOB_REDIRECT_URI,
    code,
  });
  return token.accessToken;
}

describe('Idempotency-Key on mastodon', () => {
  it('replays the same status for the same key and account within an hour, then creates a new one', async () => {
    const server = await start();
    const first = await post(server, 'k1');
    const replay = await post(server, 'k1', 'different text');
    expect(replay.id).toBe(first.id);
    expect(server.statuses).toHaveLength(1);
    clock += HOUR_MS - 1;
    expect((await post(server, 'k1')).id).toBe(first.id);
    clock += 1;
    const fresh = await post(server, 'k1');
    expect(fresh.id).not.toBe(first.id);
    expect(server.statuses.map((status) => status.idempotencyKey)).toEqual(['k1', 'k1']);
  });

  it('keeps keys per account', async () => {
    const server = await start({ users: [{ username: 'other', password: 'secret' }] });
    const otherToken = await tokenFor(server, server.accounts[1]?.id as string);
    const mine = await post(server, 'shared');
    const theirs = await post(server, 'shared', 'hello', otherToken);
    expect(theirs.id).not.toBe(mine.id);
    expect(theirs.account.username).toBe('other');
  });

  it('does not remember failed posts: a retry with the same key can succeed', async () => {
    const server = await start({ maxCharacters: 10 });
    expect((await rejection(post(server, 'k2', 'far too long text'))).statusCode).toBe(422);
    server.failNext({ kind: 'rate-limit', resetAt: new Date(clock + 60_000) });
    expect((await rejection(post(server, 'k2', 'short'))).statusCode).toBe(429);
    const created = await post(server, 'k2', 'short');
    expect(server.statuses.map((status) => status.id)).toEqual([created.id]);
  });
});

describe.each(['pleroma', 'akkoma'] as const)('Idempotency-Key on %s', (flavour) => {
  it('replays the cached response for 6 hours, marked as replayed', async () => {
    const server = await start({ flavour });
    const first = await post(server, 'k1');
    const response = await fetch(`${server.url}/api/v1/statuses`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-token', 'idempotency-key': 'k1', 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'other text' }),
    });
    expect(response.headers.get('idempotent-replayed')).toBe('true');
    expect(((await response.json()) as { id: string }).id).toBe(first.id);
    clock += 6 * HOUR_MS;
    expect((await post(server, 'k1')).id).not.toBe(first.id);
    expect(server.statuses).toHaveLength(2);
  });

  it('shares keys between users (not scoped per account)', async () => {
    const server = await start({
      flavour,
      users: [{ username: 'bot@example.org', password: 'pw' }],
    });
    const app = await createRestAPIClient({ url: server.url }).v1.apps.create({
      clientName: 'janitor',
      redirectUris: OOB_REDIRECT_URI,
      scopes: 'read write',
    });
    const token = await createOAuthAPIClient({ url: server.url }).token.create({
      grantType: 'password',
      clientId: app.clientId as string,
      clientSecret: app.clientSecret as string,
      redirectUri: OOB_REDIRECT_URI,
      username: 'bot@example.org',
      password: 'pw',
    });
    const mine = await post(server, 'shared');
    const theirs = await post(server, 'shared', 'their text', token.accessToken);
    expect(theirs.id).toBe(mine.id);
    expect(server.statuses).toHaveLength(1);
  });

  it('replays a cached error: a retry after a 429 with the same key gets the 429 again', async () => {
    const server = await start({ flavour });
    server.failNext({ kind: 'rate-limit', resetAt: new Date(clock + 10_000) }, { path: '/api/v1/statuses' });
    expect((await rejection(post(server, 'k3'))).statusCode).toBe(429);
    expect(server.pendingFaults).toBe(0);
    const replayed = await rejection(post(server, 'k3'));
    expect([replayed.statusCode, replayed.message]).toEqual([429, 'Throttled']);
    expect(server.statuses).toHaveLength(0);
    await post(server, 'k4');
    expect(server.statuses).toHaveLength(1);
  });

  it('replays the committed post after a connection reset', async () => {
    const server = await start({ flavour });
    server.failNext({ kind: 'reset-after-commit' });
    const error = await post(server, 'k6').then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TypeError);
    const retried = await post(server, 'k6');
    expect(retried.id).toBe(server.statuses[0]?.id);
    expect(server.statuses).toHaveLength(1);
  });

  it('replays a validation error even after the text is fixed', async () => {
    const server = await start({ flavour, maxCharacters: 5 });
    expect((await rejection(post(server, 'k5', 'too long'))).statusCode).toBe(422);
    expect((await rejection(post(server, 'k5', 'ok'))).statusCode).toBe(422);
    expect(server.statuses).toHaveLength(0);
  });
});

describe('Idempotency-Key on gotosocial', () => {
  it('is ignored: the same key creates two statuses', async () => {
    const server = await start({ flavour: 'gotosocial' });
    const first = await post(server, 'k1');
    const second = await post(server, 'k1');
    expect(second.id).not.toBe(first.id);
    expect(server.statuses).toHaveLength(2);
  });
});
