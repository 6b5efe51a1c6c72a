import type { HubTokenScope } from '@janitor/config';
import type { TokenDigest, TokenInfo } from './access-policy.ts';
import { csrfMatches, type Session, type Sessions, sessionCookie, sessionIdOf } from './sessions.ts';

/** What a dashboard request gets, for the hub to turn into a response. */
export type DashboardAnswer =
  /** A 303 to `location`, with a session cookie to set (or to clear). */
  | { kind: 'redirect'; location: string; setCookie?: string }
  /** The login form, with why the last attempt failed. */
  | { kind: 'login'; status: 200 | 401 | 403; error?: string }
  | { kind: 'json'; status: 403; body: { error: string; field: string } };

/** What {@link createDashboardAuth} needs. */
export interface DashboardAuthOptions {
  sessions: Sessions;
  /** The configured token a secret or a digest is (createAccessPolicy's findToken). */
  findToken(credential: { token: string } | TokenDigest): TokenInfo | undefined;
  /** No token is configured: there is nothing to log in with. */
  tokenless: boolean;
}

/** The session a browser holds, as `GET /api/v1/session` shows it. */
export interface SessionView {
  tokenName: string;
  scopes: readonly HubTokenScope[];
  csrfToken: string;
  expiresAtMs: number;
}

/** The dashboard's login, logout and session, without HTTP (see {@link createDashboardAuth}). */
export interface DashboardAuth {
  /**
   * `POST /login` with the form's `token`: a token that may read (`read` or `admin`) starts a session, a 303 to `/`
   * with its cookie; any other a 401 (not a token of the hub's) or a 403 (it may not read) and the form again.
   * @param secure whether the browser came over https (the cookie is then `Secure`)
   */
  login(token: string | undefined, secure: boolean): DashboardAnswer;
  /** `POST /logout`: ends the cookie's session (which needs its CSRF token) and clears the cookie; a 303 to `/login`. */
  logout(cookieHeader: string | undefined, csrfHeader: string | undefined, secure: boolean): DashboardAnswer;
  /** The running session of a `Cookie` header whose token is still configured, or `undefined`. */
  session(cookieHeader: string | undefined): SessionView | undefined;
}

/**
 * The dashboard's login over the sessions and the access policy's tokens, as plain answers the hub's routes send.
 *
 * @example
 * const auth = createDashboardAuth({ sessions, findToken: policy.findToken, tokenless: policy.tokenless });
 * auth.login('the-token', false); // { kind: 'redirect', location: '/', setCookie: 'janitor_session=…; HttpOnly; …' }
 */
export function createDashboardAuth(options: DashboardAuthOptions): DashboardAuth {
  const { sessions, findToken, tokenless } = options;
  return {
    login(token, secure) {
      if (tokenless) return { kind: 'login', status: 401 };
      const found = token ? findToken({ token }) : undefined;
      if (found === undefined) {
        return { kind: 'login', status: 401, error: 'That is not one of this hub’s tokens (app.service.tokens).' };
      }
      if (!found.scopes.includes('read') && !found.scopes.includes('admin')) {
        const error = `The token ${found.name} may not read the dashboard: it needs the read scope (app.service.tokens[].scopes).`;
        return { kind: 'login', status: 403, error };
      }
      const { id } = sessions.create({ name: found.name, sha256: found.sha256 });
      return { kind: 'redirect', location: '/', setCookie: sessionCookie(id, { secure }) };
    },
    logout(cookieHeader, csrfHeader, secure) {
      const id = sessionIdOf(cookieHeader);
      const session: Session | undefined = sessions.find(id);
      if (session !== undefined) {
        if (!csrfMatches(session, csrfHeader)) {
          const body = { error: 'logging out needs the session’s X-CSRF-Token header', field: 'X-CSRF-Token' };
          return { kind: 'json', status: 403, body };
        }
        sessions.end(id!);
      }
      return { kind: 'redirect', location: '/login', setCookie: sessionCookie(undefined, { secure }) };
    },
    session(cookieHeader) {
      const session = sessions.find(sessionIdOf(cookieHeader));
      const token = session && findToken({ sha256: session.tokenSha256 });
      if (!session || !token) return undefined;
      return {
        tokenName: token.name,
        scopes: token.scopes,
        csrfToken: session.csrfToken,
        expiresAtMs: session.expiresAtMs,
      };
    },
  };
}

/**
 * Whether a browser reached the hub over https: the connection's own TLS (or an `https:` request URL), or
 * `X-Forwarded-Proto: https` from a trusted proxy (a header from anyone else is not believed).
 */
export function cameOverHttps(request: {
  encrypted: boolean;
  forwardedProto: string | undefined;
  viaTrustedProxy: boolean;
}): boolean {
  if (request.encrypted) return true;
  return request.viaTrustedProxy && request.forwardedProto?.split(',')[0]?.trim().toLowerCase() === 'https';
}
