import { randomBytes } from 'node:crypto';
import { createOAuthAPIClient, createRestAPIClient, MastoHttpError } from 'masto';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeMastodon, type FakeMastodonOptions, startFakeMastodon } from './fake-mastodon.ts';
import { FakeOAuthError, OOB_REDIRECT_URI, pkceChallenge } from './oauth.ts';

let fake: FakeMastodon | undefined;
let clock = Date.parse('2026-11-23T10:00:00Z');

async function start(options: FakeMastodonOptions = {}): Promise<FakeMastodon> {
  fake = await startFakeMastodon({ now: () => clock, ...options });
  return fake;
}

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function registerApp(server: FakeMastodon, scopes = 'read write', redirectUris: string = OOB_REDIRECT_URI) {
  const app = await createRestAPIClient({ url: server.url }).v1.apps.create({
    clientName: 'Janitor',
    redirectUris,
    scopes,
    website: 'https://janitor.example',
  });
  return { clientId: app.clientId as string, clientSecret: app.clientSecret as string, app };
}

async function rejection(promise: Promise<unknown>): Promise<MastoHttpError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MastoHttpError);
  return error as MastoHttpError;
}

function exchange(server: FakeMastodon, params: Record<string, string>) {
  return createOAuthAPIClient({ url: server.url }).token.create(params as never);
}

describe('POST /api/v1/apps', () => {
  it('registers an app with client credentials, scopes and redirect URIs', async () => {
    const server = await start();
    const { app, clientId } = await registerApp(server);
    expect(app.name).toBe('Janitor');
    expect(app.scopes).toEqual(['read', 'write']);
    expect(app.redirectUris).toEqual([OOB_REDIRECT_URI]);
    expect(app.clientSecret).toMatch(/^[\w-]{40,}$/);
    expect(server.apps).toMatchObject([{ clientId, name: 'Janitor', website: 'https://janitor.example' }]);
  });

  it.each([
    [{ client_name: '', redirect_uris: OOB_REDIRECT_URI }, "Application name can't be blank"],
    [{ client_name: 'x', redirect_uris: 'not a uri' }, 'Redirect URI must be an absolute URI.'],
    [{ client_name: 'x', redirect_uris: OOB_REDIRECT_URI, scopes: 'write:everything' }, "Scopes doesn't match"],
  ])('rejects %j with 422', async (body, message) => {
    const server = await start();
    const response = await fetch(`${server.url}/api/v1/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: string }).error).toContain(message);
    expect(server.apps).toHaveLength(0);
  });
});

describe('authorization code with PKCE', () => {
  it('shows the code on an HTML page for the out-of-band redirect, as Mastodon does', async () => {
    const server = await start();
    const { clientId, clientSecret } = await registerApp(server);
    const verifier = randomBytes(32).toString('base64url');
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: OOB_REDIRECT_URI,
      scope: 'write:statuses',
      code_challenge: pkceChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const page = await fetch(`${server.url}/oauth/authorize?${query}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const code = /class="oauth-code" readonly type="text" value="([^"]+)"/.exec(await page.text())?.[1];
    expect(code).toMatch(/^\S{16,}$/);
    const token = await exchange(server, {
      grantType: 'authorization_code',
      clientId,
      clientSecret,
      redirectUri: OOB_REDIRECT_URI,
      code: code as string,
      codeVerifier: verifier,
    });
    expect(token.scope).toBe('write:statuses');
    const status = await createRestAPIClient({ url: server.url, accessToken: token.accessToken }).v1.statuses.create({
      status: 'posted with a user token',
    });
    expect(status.application).toEqual({ name: 'Janitor', website: 'https://janitor.example' });
    expect(server.tokens.at(-1)).toMatchObject({ grantType: 'authorization_code', scopes: ['write:statuses'] });
  });

  it('rejects a wrong verifier and a missing one, accepts the right one once, and refuses reuse', async () => {
    const server = await start();
    const { clientId, clientSecret } = await registerApp(server);
    const verifier = randomBytes(32).toString('base64url');
    const code = server.authorize({
      clientId,
      redirectUri: OOB_REDIRECT_URI,
      scope: 'read write',
      codeChallenge: pkceChallenge(verifier),
      codeChallengeMethod: 'S256',
    });
    const base = { grantType: 'authorization_code', clientId, clientSecret, redirectUri: OOB_REDIRECT_URI, code };
    const wrong = await rejection(exchange(server, { ...base, codeVerifier: 'not-the-verifier' }));
    expect([wrong.statusCode, wrong.message]).toEqual([400, 'invalid_grant']);
    const missing = await rejection(exchange(server, base));
    expect([missing.statusCode, missing.message]).toEqual([400, 'invalid_request']);
    const token = await exchange(server, { ...base, codeVerifier: verifier });
    const me = await createRestAPIClient({
      url: server.url,
      accessToken: token.accessToken,
    }).v1.accounts.verifyCredentials();
    expect(me.username).toBe('janitor');
    const reused = await rejection(exchange(server, { ...base, codeVerifier: verifier }));
    expect(reused.message).toBe('invalid_grant');
  });

  it('checks the client secret, the redirect URI and the code expiry', async () => {
    const server = await start();
    const { clientId, clientSecret } = await registerApp(server);
    const code = server.authorize({ clientId, redirectUri: OOB_REDIRECT_URI });
    const base = { grantType: 'authorization_code', clientId, clientSecret, redirectUri: OOB_REDIRECT_URI, code };
    const badSecret = await rejection(exchange(server, { ...base, clientSecret: 'wrong' }));
    expect([badSecret.statusCode, badSecret.message]).toEqual([401, 'invalid_client']);
    const badRedirect = await rejection(exchange(server, { ...base, redirectUri: 'https://elsewhere.example/cb' }));
    expect(badRedirect.message).toBe('invalid_grant');
    clock += 10 * 60_000;
    expect((await rejection(exchange(server, base))).message).toBe('invalid_grant');
  });

  it('redirects with code and state for a registered web redirect URI', async () => {
    const server = await start();
    const { clientId } = await registerApp(server, 'read', 'https://janitor.example/callback');
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: 'https://janitor.example/callback',
      state: 'xyz',
    });
    const response = await fetch(`${server.url}/oauth/authorize?${query}`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') as string);
    expect(location.origin + location.pathname).toBe('https://janitor.example/callback');
    expect(location.searchParams.get('state')).toBe('xyz');
    expect(location.searchParams.get('code')).toMatch(/^[\w-]+$/);
  });

  it.each([
    [{ clientId: 'unknown' }, 'invalid_client'],
    [{ redirectUri: 'https://not-registered.example/' }, 'invalid_redirect_uri'],
    [{ scope: 'admin:write' }, 'invalid_scope'],
    [{ codeChallenge: 'abc', codeChallengeMethod: 'plain' }, 'invalid_request'],
  ])('fake.authorize refuses %j with %s', async (override, code) => {
    const server = await start();
    const { clientId } = await registerApp(server);
    let caught: unknown;
    try {
      server.authorize({ clientId, redirectUri: OOB_REDIRECT_URI, ...override });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FakeOAuthError);
    expect((caught as FakeOAuthError).code).toBe(code);
  });
});

describe('client credentials', () => {
  it('issues an app token that can verify the app but cannot act as a user', async () => {
    const server = await start();
    const { clientId, clientSecret } = await registerApp(server);
    const token = await exchange(server, {
      grantType: 'client_credentials',
      clientId,
      clientSecret,
      redirectUri: OOB_REDIRECT_URI,
      scope: 'read',
    });
    const rest = createRestAPIClient({ url: server.url, accessToken: token.accessToken });
    expect((await rest.v1.apps.verifyCredentials()).name).toBe('Janitor');
    const error = await rejection(rest.v1.accounts.verifyCredentials());
    expect([error.statusCode, error.message]).toEqual([422, 'This method requires an authenticated user']);
    const tooWide = await rejection(
      exchange(server, {
        grantType: 'client_credentials',
        clientId,
        clientSecret,
        redirectUri: OOB_REDIRECT_URI,
        scope: 'follow',
      }),
    );
    expect(tooWide.message).toBe('invalid_scope');
  });
});

describe('password grant', () => {
  it.each(['pleroma', 'akkoma'] as const)('%s accepts username or email with the right password', async (flavour) => {
    const server = await start({ flavour, users: [{ username: 'bot', email: 'bot@example.org', password: 'pw' }] });
    const { clientId, clientSecret } = await registerApp(server);
    const base = { grantType: 'password', clientId, clientSecret, redirectUri: OOB_REDIRECT_URI };
    for (const username of ['bot', 'bot@example.org']) {
      const token = await exchange(server, { ...base, username, password: 'pw' });
      const me = await createRestAPIClient({
        url: server.url,
        accessToken: token.accessToken,
      }).v1.accounts.verifyCredentials();
      expect(me.username).toBe('bot');
    }
    const wrong = await rejection(exchange(server, { ...base, username: 'bot', password: 'nope' }));
    expect([wrong.statusCode, wrong.message]).toEqual([400, 'Invalid credentials']);
  });

  it.each(['mastodon', 'gotosocial'] as const)('%s answers unsupported_grant_type', async (flavour) => {
    const server = await start({ flavour, users: [{ username: 'bot', password: 'pw' }] });
    const { clientId, clientSecret } = await registerApp(server);
    const error = await rejection(
      exchange(server, {
        grantType: 'password',
        clientId,
        clientSecret,
        redirectUri: OOB_REDIRECT_URI,
        username: 'bot',
        password: 'pw',
      }),
    );
    expect([error.statusCode, error.message]).toEqual([400, 'unsupported_grant_type']);
    expect(error.description).toBe('The authorization grant type is not supported by the authorization server.');
    expect(server.tokens.filter((token) => token.grantType === 'password')).toHaveLength(0);
  });
});

describe('token revocation', () => {
  it('revokes a token of the app: it stops working; a token of another app cannot be revoked', async () => {
    const server = await start();
    const { clientId, clientSecret } = await registerApp(server);
    const code = server.authorize({ clientId, redirectUri: OOB_REDIRECT_URI, scope: 'read' });
    const token = await exchange(server, {
      grantType: 'authorization_code',
      clientId,
      clientSecret,
      redirectUri: OOB_REDIRECT_URI,
      code,
    });
    const rest = createRestAPIClient({ url: server.url, accessToken: token.accessToken });
    await rest.v1.accounts.verifyCredentials();

    const other = await registerApp(server);
    const forbidden = await rejection(
      createOAuthAPIClient({ url: server.url }).revoke({
        clientId: other.clientId,
        clientSecret: other.clientSecret,
        token: token.accessToken,
      }),
    );
    expect([forbidden.statusCode, forbidden.message]).toEqual([403, 'unauthorized_client']);

    await createOAuthAPIClient({ url: server.url }).revoke({ clientId, clientSecret, token: token.accessToken });
    const error = await rejection(rest.v1.accounts.verifyCredentials());
    expect([error.statusCode, error.message]).toEqual([401, 'The access token was revoked']);
    expect(server.tokens.find((entry) => entry.accessToken === token.accessToken)?.revoked).toBe(true);
  });
});
