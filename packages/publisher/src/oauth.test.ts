import { createHash } from 'node:crypto';
import { type FakeMastodon, type FakeMastodonOptions, startFakeMastodon } from '@janitor/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyCredentials } from './account.ts';
import { AuthError } from './auth-error.ts';
import {
  authorizationUrl,
  createPkce,
  DEFAULT_SCOPES,
  exchangeCode,
  OOB_REDIRECT_URI,
  passwordGrant,
  registerApp,
} from './oauth.ts';

const fakes: FakeMastodon[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function fakeServer(options: FakeMastodonOptions = {}): Promise<FakeMastodon> {
  const fake = await startFakeMastodon(options);
  fakes.push(fake);
  return fake;
}

async function authError(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

/** What the account's owner does with the authorization URL: open it, approve, copy the code from the page. */
async function approve(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  const page = await response.text();
  expect(response.status).toBe(200);
  const code = page.match(/class="oauth-code"[^>]*value="([^"]+)"/)?.[1];
  expect(code).toBeTruthy();
  return code as string;
}

describe('createPkce', () => {
  it('makes a verifier RFC 7636 accepts and its S256 challenge', () => {
    const pkce = createPkce();
    expect(pkce.method).toBe('S256');
    expect(pkce.verifier).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);
    expect(pkce.challenge).toBe(createHash('sha256').update(pkce.verifier).digest('base64url'));
  });

  it('makes a fresh pair each time', () => {
    expect(createPkce().verifier).not.toBe(createPkce().verifier);
  });
});

describe('authorizationUrl', () => {
  it('asks for a code with PKCE and the out-of-band redirect by default', () => {
    const url = new URL(
      authorizationUrl({
        url: 'https://social.example/',
        clientId: 'cid',
        scopes: DEFAULT_SCOPES,
        codeChallenge: 'challenge',
      }),
    );
    expect(url.origin + url.pathname).toBe('https://social.example/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'cid',
      redirect_uri: OOB_REDIRECT_URI,
      scope: 'write:statuses write:media read:notifications read:accounts',
      code_challenge: 'challenge',
      code_challenge_method: 'S256',
    });
  });

  it('takes another redirect', () => {
    const url = new URL(
      authorizationUrl({
        url: 'https://social.example',
        clientId: 'cid',
        scopes: ['read'],
        codeChallenge: 'c',
        redirectUri: 'http://127.0.0.1:8080/cb',
      }),
    );
    expect(url.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:8080/cb');
  });
});

describe('login with the authorization code and PKCE', () => {
  it('registers the app, exchanges the approved code, and the token works', async () => {
    const fake = await fakeServer();
    const app = await registerApp({
      url: fake.url,
      appName: 'Janitor',
      scopes: DEFAULT_SCOPES,
      website: 'https://janitor.example',
    });
    expect(fake.apps).toHaveLength(1);
    expect(fake.apps[0]).toMatchObject({
      name: 'Janitor',
      website: 'https://janitor.example',
      redirectUris: [OOB_REDIRECT_URI],
      scopes: [...DEFAULT_SCOPES],
      clientId: app.clientId,
      clientSecret: app.clientSecret,
    });

    const pkce = createPkce();
    const code = await approve(
      authorizationUrl({
        url: fake.url,
        clientId: app.clientId,
        scopes: DEFAULT_SCOPES,
        codeChallenge: pkce.challenge,
      }),
    );
    const accessToken = await exchangeCode({
      url: fake.url,
      ...app,
      code,
      codeVerifier: pkce.verifier,
      scopes: DEFAULT_SCOPES,
    });

    const issued = fake.tokens.find((t) => t.accessToken === accessToken);
    expect(issued).toMatchObject({
      grantType: 'authorization_code',
      clientId: app.clientId,
      scopes: [...DEFAULT_SCOPES],
    });
    const account = await verifyCredentials({ url: fake.url, accessToken });
    expect(account.username).toBe('janitor');
  });

  it('refuses a code with the wrong verifier as invalid-grant', async () => {
    const fake = await fakeServer();
    const app = await registerApp({ url: fake.url, appName: 'Janitor', scopes: DEFAULT_SCOPES });
    const code = await approve(
      authorizationUrl({
        url: fake.url,
        clientId: app.clientId,
        scopes: DEFAULT_SCOPES,
        codeChallenge: createPkce().challenge,
      }),
    );
    const error = await authError(
      exchangeCode({ url: fake.url, ...app, code, codeVerifier: createPkce().verifier, scopes: DEFAULT_SCOPES }),
    );
    expect(error.reason).toBe('invalid-grant');
    expect(error.retryable).toBe(false);
    expect(error.statusCode).toBe(400);
    expect(error.message).toMatch(new RegExp(`^exchange code failed: POST ${fake.url}/oauth/token: 400 `));
  });

  it('names the step and the endpoint when the app cannot be registered', async () => {
    const fake = await fakeServer();
    fake.failNext({ kind: 'status', status: 503 }, { path: '/api/v1/apps' });
    const error = await authError(registerApp({ url: fake.url, appName: 'Janitor', scopes: DEFAULT_SCOPES }));
    expect(error).toMatchObject({ reason: 'request-failed', retryable: true, statusCode: 503 });
    expect(error.message).toMatch(new RegExp(`^register app failed: POST ${fake.url}/api/v1/apps: 503 `));
  });
});

describe('login with user name and password', () => {
  it.each(['pleroma', 'akkoma'] as const)('works on %s', async (flavour) => {
    const fake = await fakeServer({ flavour, users: [{ username: 'admin', password: 'secret pass' }] });
    const app = await registerApp({ url: fake.url, appName: 'Janitor', scopes: DEFAULT_SCOPES });
    const accessToken = await passwordGrant({
      url: fake.url,
      ...app,
      username: 'admin',
      password: 'secret pass',
      scopes: DEFAULT_SCOPES,
    });
    expect(fake.tokens.find((t) => t.accessToken === accessToken)?.grantType).toBe('password');
    expect((await verifyCredentials({ url: fake.url, accessToken })).username).toBe('admin');
  });

  it('reports a wrong password on Pleroma as invalid-grant', async () => {
    const fake = await fakeServer({ flavour: 'pleroma', users: [{ username: 'admin', password: 'right' }] });
    const app = await registerApp({ url: fake.url, appName: 'Janitor', scopes: DEFAULT_SCOPES });
    const error = await authError(
      passwordGrant({ url: fake.url, ...app, username: 'admin', password: 'wrong', scopes: DEFAULT_SCOPES }),
    );
    expect(error).toMatchObject({ reason: 'invalid-grant', retryable: false, statusCode: 400 });
  });

  it.each(['mastodon', 'gotosocial'] as const)('is refused by %s with a clear AuthError', async (flavour) => {
    const fake = await fakeServer({ flavour });
    const app = await registerApp({ url: fake.url, appName: 'Janitor', scopes: DEFAULT_SCOPES });
    const error = await authError(
      passwordGrant({ url: fake.url, ...app, username: 'admin', password: 'pw', scopes: DEFAULT_SCOPES }),
    );
    expect(error).toMatchObject({ reason: 'grant-unsupported', retryable: false, statusCode: 400 });
    expect(error.message).toMatch(/^password login failed: POST .*\/oauth\/token: 400 /);
    expect(error.message).toMatch(/Development/);
    expect(fake.tokens.filter((t) => t.grantType === 'password')).toHaveLength(0);
  });
});
