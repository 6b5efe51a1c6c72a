import { type FakeMastodon, type FakeMastodonOptions, startFakeMastodon } from '@janitor/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyCredentials } from './account.ts';
import { AuthError } from './auth-error.ts';

const fakes: FakeMastodon[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function fakeServer(options: FakeMastodonOptions = {}): Promise<FakeMastodon> {
  const fake = await startFakeMastodon(options);
  fakes.push(fake);
  return fake;
}

describe('verifyCredentials', () => {
  it('returns the account of a valid token', async () => {
    const fake = await fakeServer({ accessTokens: ['good'] });
    expect(await verifyCredentials({ url: fake.url, accessToken: 'good' })).toEqual({
      id: fake.account.id,
      username: fake.account.username,
      acct: fake.account.acct,
      url: fake.account.url,
    });
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/api/v1/accounts/verify_credentials' });
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer good');
  });

  it.each([
    ['mastodon', 401],
    ['gotosocial', 401],
    ['pleroma', 403],
  ] as const)('reports an unknown token on %s as unauthorized (%i)', async (flavour, status) => {
    const fake = await fakeServer({ flavour });
    const error = await verifyCredentials({ url: fake.url, accessToken: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ name: 'AuthError', reason: 'unauthorized', retryable: false, statusCode: status });
    expect((error as AuthError).message).toMatch(
      new RegExp(`^verify credentials failed: GET ${fake.url}/api/v1/accounts/verify_credentials: ${status} `),
    );
  });

  it('reports a token without read:accounts as unauthorized', async () => {
    const fake = await fakeServer({ accessTokens: [{ token: 'post-only', scopes: ['write:statuses'] }] });
    const error = await verifyCredentials({ url: fake.url, accessToken: 'post-only' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'unauthorized', statusCode: 403 });
  });

  it('accepts a token with exactly read:accounts', async () => {
    const fake = await fakeServer({ accessTokens: [{ token: 't', scopes: ['read:accounts'] }] });
    expect((await verifyCredentials({ url: fake.url, accessToken: 't' })).username).toBe('janitor');
  });

  it('reports a network failure as retryable', async () => {
    const fake = await fakeServer();
    fake.failNext({ kind: 'reset' });
    const error = await verifyCredentials({ url: fake.url, accessToken: 'test-token' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'request-failed', retryable: true });
  });
});
