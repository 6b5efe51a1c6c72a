import { describe, expect, it } from 'vitest';
import { createAccessPolicy, sha256Hex } from './access-policy.ts';
import { cameOverHttps, createDashboardAuth } from './dashboard-auth.ts';
import { createSessions } from './sessions.ts';

const READ = 'read-token-0123456789abcdef';
const WRITE = 'write-token-0123456789abcdef';

function setup(
  tokens = [
    { name: 'viewer', token: READ, scopes: ['read' as const] },
    { name: 'agent', token: WRITE, scopes: ['write' as const] },
  ],
) {
  const policy = createAccessPolicy({ tokens, allowNetworks: [] });
  const sessions = createSessions();
  const auth = createDashboardAuth({ sessions, findToken: policy.findToken, tokenless: policy.tokenless });
  return { auth, sessions };
}

/** The `Cookie` header a browser sends back after a login's answer. */
function cookieOf(answer: ReturnType<ReturnType<typeof setup>['auth']['login']>): string {
  if (answer.kind !== 'redirect' || !answer.setCookie) throw new Error(`no cookie in ${JSON.stringify(answer)}`);
  return answer.setCookie.split(';')[0]!;
}

describe('createDashboardAuth', () => {
  it('logs a read token in: a session cookie and a 303 to the page', () => {
    const { auth } = setup();
    const answer = auth.login(READ, false);
    expect(answer).toMatchObject({ kind: 'redirect', location: '/' });
    const session = auth.session(cookieOf(answer));
    expect(session).toMatchObject({ tokenName: 'viewer', scopes: ['read'] });
    expect(session?.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a wrong token with a 401 and a token that may not read with a 403, starting no session', () => {
    const { auth, sessions } = setup();
    expect(auth.login('nope-0123456789abcdef', false)).toMatchObject({ kind: 'login', status: 401 });
    expect(auth.login(undefined, false)).toMatchObject({ kind: 'login', status: 401 });
    expect(auth.login(WRITE, false)).toMatchObject({ kind: 'login', status: 403, error: /needs the read scope/ });
    expect(sessions.find(undefined)).toBeUndefined();
  });

  it('has nothing to log in with on a hub without tokens', () => {
    const { auth } = setup([]);
    expect(auth.login(READ, false)).toEqual({ kind: 'login', status: 401 });
  });

  it('marks the cookie Secure when the browser came over https', () => {
    const { auth } = setup();
    const answer = auth.login(READ, true);
    expect(answer.kind === 'redirect' && answer.setCookie).toMatch(/; Secure$/);
  });

  it('logs out with the session’s CSRF token only, then clears the cookie', () => {
    const { auth } = setup();
    const cookie = cookieOf(auth.login(READ, false));
    const { csrfToken } = auth.session(cookie)!;
    expect(auth.logout(cookie, undefined, false)).toMatchObject({
      kind: 'json',
      status: 403,
      body: { field: 'X-CSRF-Token' },
    });
    expect(auth.session(cookie)?.csrfToken).toBe(csrfToken);
    const answer = auth.logout(cookie, csrfToken, false);
    expect(answer).toMatchObject({
      kind: 'redirect',
      location: '/login',
      setCookie: expect.stringMatching(/Max-Age=0/),
    });
    expect(auth.session(cookie)).toBeUndefined();
  });

  it('shows no session whose token left the config', () => {
    const sessions = createSessions();
    const { id } = sessions.create({ name: 'viewer', sha256: sha256Hex(READ) });
    const policy = createAccessPolicy({ tokens: [{ name: 'viewer', token: `${READ}-new` }], allowNetworks: [] });
    const auth = createDashboardAuth({ sessions, findToken: policy.findToken, tokenless: false });
    expect(auth.session(`janitor_session=${id}`)).toBeUndefined();
  });
});

describe('cameOverHttps', () => {
  it.each([
    ['TLS of its own', { encrypted: true, forwardedProto: undefined, viaTrustedProxy: false }, true],
    ['a trusted proxy saying https', { encrypted: false, forwardedProto: 'https', viaTrustedProxy: true }, true],
    ['the first of several', { encrypted: false, forwardedProto: 'HTTPS, http', viaTrustedProxy: true }, true],
    ['a trusted proxy saying http', { encrypted: false, forwardedProto: 'http', viaTrustedProxy: true }, false],
    ['anyone else saying https', { encrypted: false, forwardedProto: 'https', viaTrustedProxy: false }, false],
    ['plain http', { encrypted: false, forwardedProto: undefined, viaTrustedProxy: false }, false],
  ])('%s: %s', (_what, request, https) => {
    expect(cameOverHttps(request)).toBe(https);
  });
});
