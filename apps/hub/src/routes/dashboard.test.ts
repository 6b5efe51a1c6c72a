// The dashboard's HTTP side: the page and its files, the login with a token, the session cookie counting as that
// token (with its scopes), CSRF on requests that change something, and the same network rule as the rest without
// tokens. The page itself runs in a real browser in dashboard.browser.test.ts.
import { createSessions, SESSION_TTL_MS } from '@janitor/runtime/hub';
import { afterAll, describe, expect, it } from 'vitest';
import { form, json, jsonOf, startHub } from '../hub.test-support.ts';

const READ = 'read-token-0123456789abcdef';
const ADMIN = 'admin-token-0123456789abcdef';
const WRITE = 'write-token-0123456789abcdef';
const OLD = 'old-token-without-scopes-0123';
const PUBLIC = '203.0.113.7';

const TOKENS = [
  { name: 'viewer', token: READ, scopes: ['read'] },
  { name: 'operator', token: ADMIN, scopes: ['admin'] },
  { name: 'agent', token: WRITE, scopes: ['write'] },
  { name: 'old', token: OLD },
];

/** The `name=value` of a response's session cookie, to send back. */
function cookieOf(res: Response): string {
  const set = res.headers.get('set-cookie') ?? '';
  const match = /^(janitor_session=[^;]*)/.exec(set);
  if (!match) throw new Error(`no session cookie in ${JSON.stringify(set)}`);
  return match[1]!;
}

const silenceOrder = (headers: Record<string, string>) => ({
  ...json({ host: 'pi1', for: '1h', reason: 'from the page' }),
  headers: { 'content-type': 'application/json', ...headers },
});

describe('the dashboard on a hub with tokens', () => {
  let clock = Date.parse('2026-12-01T10:00:00Z');
  const sessions = createSessions({ now: () => clock });
  const hub = startHub({ service: { tokens: TOKENS }, deps: { sessions } });
  afterAll(() => hub.close());

  const login = async (token: string, init: { url?: string; headers?: Record<string, string> } = {}) => {
    const body = form({ token });
    return hub.app.request(
      init.url ?? '/login',
      { ...body, headers: { ...(body.headers as Record<string, string>), ...init.headers } },
      { remote: PUBLIC },
    );
  };
  const session = async (cookie: string) =>
    hub.request('/api/v1/session', { headers: { cookie } }, PUBLIC).then(async (res) => ({
      status: res.status,
      body: await jsonOf(res),
    }));

  it('sends a browser that may not read to the login form, which asks for a token', async () => {
    const res = await hub.request('/', {}, PUBLIC);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login');
    const page = await hub.request('/login', {}, PUBLIC);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<input type="password" name="token"/);
  });

  it('serves the page’s files to anyone, with an ETag a browser revalidates', async () => {
    const res = await hub.request('/assets/app.js', {}, PUBLIC);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toMatch(/import/);
    const again = await hub.request('/assets/app.js', { headers: { 'if-none-match': etag } }, PUBLIC);
    expect(again.status).toBe(304);
    const missing = await hub.request('/assets/nope.js', {}, PUBLIC);
    expect(missing.status).toBe(404);
    expect(await jsonOf(missing)).toMatchObject({ field: 'path' });
  });

  it('refuses a wrong token with 401 and the form again, saying so', async () => {
    const res = await login('not-a-token-0123456789abcdef');
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
    const html = await res.text();
    expect(html).toMatch(/not one of this hub’s tokens/);
    expect(html).toMatch(/name="token"/);
    expect((await login('')).status).toBe(401);
  });

  it('refuses a token that may not read, naming the scope', async () => {
    const res = await login(WRITE);
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.text()).toMatch(/needs the read scope/);
  });

  it('logs a read token in: an HttpOnly, SameSite=Strict cookie for 30 days and a 303 to the page', async () => {
    const res = await login(READ);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    expect(res.headers.get('set-cookie')).toMatch(
      /^janitor_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=2592000$/,
    );
    const cookie = cookieOf(res);
    const page = await hub.request('/', { headers: { cookie } }, PUBLIC);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(await page.text()).toMatch(/<script type="module" src="\/assets\/app.js">/);
    const { status, body } = await session(cookie);
    expect(status).toBe(200);
    expect(body).toMatchObject({ tokenName: 'viewer', scopes: ['read'] });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('gives a session its token’s scopes: a read token reads the API but may not start a silence', async () => {
    const cookie = cookieOf(await login(READ));
    const { body } = await session(cookie);
    const list = await hub.request('/silences', { headers: { cookie } }, PUBLIC);
    expect(list.status).toBe(200);
    const start = await hub.request(
      '/silences',
      silenceOrder({ cookie, 'x-csrf-token': String(body.csrfToken) }),
      PUBLIC,
    );
    expect(start.status).toBe(403);
    expect(await jsonOf(start)).toMatchObject({ field: 'authorization' });
  });

  it('lets an admin session start a silence with its CSRF token, and refuses it without or with another', async () => {
    const cookie = cookieOf(await login(ADMIN));
    const other = await session(cookieOf(await login(ADMIN)));
    const { body } = await session(cookie);
    const attempts: Record<string, string>[] = [{ cookie }, { cookie, 'x-csrf-token': String(other.body.csrfToken) }];
    for (const headers of attempts) {
      const res = await hub.request('/silences', silenceOrder(headers), PUBLIC);
      expect(res.status).toBe(403);
      expect(await jsonOf(res)).toMatchObject({ field: 'X-CSRF-Token' });
    }
    const del = await hub.request('/silences/1', { method: 'DELETE', headers: { cookie } }, PUBLIC);
    expect(del.status).toBe(403);
    expect(hub.alerts.silences()).toHaveLength(0);
    const ok = await hub.request('/silences', silenceOrder({ cookie, 'x-csrf-token': String(body.csrfToken) }), PUBLIC);
    expect(ok.status).toBe(200);
    expect(hub.alerts.silences().map((s) => s.reason)).toEqual(['from the page']);
  });

  it('keeps every right for a token written before scopes existed', async () => {
    const { body } = await session(cookieOf(await login(OLD)));
    expect(body).toMatchObject({ tokenName: 'old', scopes: ['read', 'write', 'admin'] });
  });

  it('leaves bearer tokens as they were: no cookie, no CSRF token', async () => {
    const res = await hub.request('/silences', silenceOrder({ authorization: `Bearer ${ADMIN}` }), PUBLIC);
    expect(res.status).toBe(200);
    const who = await hub.request('/api/v1/session', { headers: { authorization: `Bearer ${READ}` } }, PUBLIC);
    expect(await jsonOf(who)).toEqual({ tokenName: 'viewer', scopes: ['read'], csrfToken: null, expiresAtMs: null });
  });

  it('answers 401 without a session, or with an unknown one', async () => {
    for (const headers of [{}, { cookie: `janitor_session=${'A'.repeat(43)}` }]) {
      const res = await hub.request('/api/v1/session', { headers }, PUBLIC);
      expect(res.status).toBe(401);
      expect(await jsonOf(res)).toMatchObject({ field: 'authorization' });
      expect((await hub.request('/silences', { headers }, PUBLIC)).status).toBe(401);
    }
  });

  it('ends a session after 30 days', async () => {
    const cookie = cookieOf(await login(READ));
    clock += SESSION_TTL_MS - 1;
    expect((await session(cookie)).status).toBe(200);
    clock += 1;
    expect((await session(cookie)).status).toBe(401);
    expect((await hub.request('/silences', { headers: { cookie } }, PUBLIC)).status).toBe(401);
  });

  it('logs out with the CSRF token: the session ends and the cookie is cleared', async () => {
    const cookie = cookieOf(await login(READ));
    const { body } = await session(cookie);
    const refused = await hub.request('/logout', { method: 'POST', headers: { cookie } }, PUBLIC);
    expect(refused.status).toBe(403);
    expect((await session(cookie)).status).toBe(200);
    const res = await hub.request(
      '/logout',
      { method: 'POST', headers: { cookie, 'x-csrf-token': String(body.csrfToken) } },
      PUBLIC,
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login');
    expect(res.headers.get('set-cookie')).toMatch(/^janitor_session=; .*Max-Age=0/);
    expect((await session(cookie)).status).toBe(401);
  });

  it('marks the cookie Secure over https, not for an X-Forwarded-Proto from an untrusted peer', async () => {
    expect((await login(READ, { url: 'https://hub.example/login' })).headers.get('set-cookie')).toMatch(/; Secure$/);
    const forged = await login(READ, { headers: { 'x-forwarded-proto': 'https' } });
    expect(forged.headers.get('set-cookie')).not.toMatch(/Secure/);
  });

  it('stops a session whose token was taken out of the config', async () => {
    const cookie = cookieOf(await login(READ));
    const changed = startHub({ service: { tokens: [{ name: 'viewer', token: `${READ}-new` }] }, deps: { sessions } });
    try {
      const res = await changed.request('/api/v1/session', { headers: { cookie } }, PUBLIC);
      expect(res.status).toBe(401);
      expect((await changed.request('/silences', { headers: { cookie } }, PUBLIC)).status).toBe(401);
    } finally {
      changed.close();
    }
  });
});

describe('the dashboard behind a trusted proxy', () => {
  const hub = startHub({
    service: { tokens: TOKENS, trusted_proxies: ['127.0.0.1/32'] },
  });
  afterAll(() => hub.close());

  it('marks the cookie Secure when the proxy says the browser came over https', async () => {
    const body = form({ token: READ });
    const res = await hub.request(
      '/login',
      {
        ...body,
        headers: {
          ...(body.headers as Record<string, string>),
          'x-forwarded-for': PUBLIC,
          'x-forwarded-proto': 'https',
        },
      },
      '127.0.0.1',
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toMatch(/; Secure$/);
  });
});

describe('the dashboard on a hub without tokens', () => {
  const hub = startHub();
  afterAll(() => hub.close());

  it('opens without a login from loopback and private networks', async () => {
    for (const address of ['127.0.0.1', '192.168.1.20']) {
      const res = await hub.request('/', {}, address);
      expect(res.status, address).toBe(200);
      const who = await hub.request('/api/v1/session', {}, address);
      expect(who.status).toBe(200);
      expect(await jsonOf(who)).toMatchObject({ tokenName: null, csrfToken: null });
    }
    expect(await jsonOf(await hub.request('/api/v1/session', {}, '127.0.0.1'))).toMatchObject({
      scopes: ['read', 'write', 'admin'],
    });
    expect(await jsonOf(await hub.request('/api/v1/session', {}, '192.168.1.20'))).toMatchObject({
      scopes: ['read', 'write'],
    });
  });

  it('sends others to a login page that says why there is nothing to log in with', async () => {
    const res = await hub.request('/', {}, PUBLIC);
    expect(res.status).toBe(303);
    const page = await hub.request('/login', {}, PUBLIC);
    expect(await page.text()).toMatch(/no tokens configured/);
    const attempt = await hub.request('/login', form({ token: READ }), PUBLIC);
    expect(attempt.status).toBe(401);
    expect((await hub.request('/api/v1/session', {}, PUBLIC)).status).toBe(401);
  });
});
