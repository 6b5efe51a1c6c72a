import type { HubTokenScope } from '@janitor/config';
import type { DashboardAsset } from '@janitor/dashboard';
import { loginPage } from '@janitor/dashboard';
import { csrfMatches, type Sessions, sessionCookie, sessionIdOf, type TokenInfo } from '@janitor/runtime/hub';
import { Hono } from 'hono';
import type { AccessCheck } from '../http/access-check.ts';
import { header } from '../http/header.ts';
import type { HubApp, HubContext, HubEnv } from '../http/hub-env.ts';
import { readBytes } from '../http/read-body.ts';
import type { RequestLine } from '../http/request-line.ts';

/** What {@link createDashboardRoutes} needs. */
export interface DashboardRoutesDeps {
  /** The page's files by path (@janitor/dashboard's dashboardAssets()). */
  assets: ReadonlyMap<string, DashboardAsset>;
  sessions: Sessions;
  access: Pick<AccessCheck, 'authorize' | 'sender'>;
  /** The configured token a secret or a digest is (createAccessPolicy's findToken). */
  findToken(credential: { token: string } | { sha256: string }): TokenInfo | undefined;
  /** No token is configured: there is nothing to log in with. */
  tokenless: boolean;
  logged: RequestLine['logged'];
}

const SCOPES: readonly HubTokenScope[] = ['read', 'write', 'admin'];

/** What the page may load: its own files and API only. */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * The dashboard, mounted at `/`: `GET /` (the page; a browser that may not read is sent to the login form),
 * `GET /assets/*` (its modules, style and uPlot, with ETag; no secret in them), `GET /login` (the form),
 * `POST /login` (form field `token`: a token that may read gets a session cookie and a 303 to `/`; a wrong one a
 * 401 and the form again), `POST /logout`, and `GET /api/v1/session` (`{ tokenName, scopes, csrfToken }` of the
 * session; on a network that needs no login, `tokenName` and `csrfToken` are null).
 */
export function createDashboardRoutes(deps: DashboardRoutesDeps): HubApp {
  const { assets, sessions, access, findToken, tokenless, logged } = deps;
  const sessionOf = (c: HubContext) => sessions.find(sessionIdOf(header(c, 'cookie')));

  const serve = (c: HubContext, asset: DashboardAsset, extra: Record<string, string> = {}) => {
    const headers = { etag: asset.etag, 'cache-control': 'no-cache', ...extra };
    if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304, headers);
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, { 'content-type': asset.type, ...headers });
  };
  const page = (c: HubContext, html: string, status: 200 | 401 | 403) =>
    c.html(html, status, { 'cache-control': 'no-store', ...PAGE_HEADERS });

  return new Hono<HubEnv>()
    .get(
      '/',
      logged((c) => {
        if (access.authorize(c, 'read')) return c.redirect('/login', 303);
        return serve(c, assets.get('/')!, PAGE_HEADERS);
      }),
    )
    .get(
      '/assets/*',
      logged((c) => {
        const asset = assets.get(c.req.path);
        if (asset === undefined) return c.json({ error: `no such file: ${c.req.path}`, field: 'path' }, 404);
        return serve(c, asset, { 'x-content-type-options': 'nosniff' });
      }),
    )
    .get(
      '/login',
      logged((c) => page(c, loginPage({ tokenless }), 200)),
    )
    .post(
      '/login',
      logged(async (c) => {
        if (tokenless) return page(c, loginPage({ tokenless }), 401);
        const token = await formField(c, 'token');
        const found = token ? findToken({ token }) : undefined;
        if (found === undefined) {
          return page(c, loginPage({ error: 'That is not one of this hub’s tokens (app.service.tokens).' }), 401);
        }
        c.set('tokenName', found.name);
        if (!found.scopes.includes('read') && !found.scopes.includes('admin')) {
          const error = `The token ${found.name} may not read the dashboard: it needs the read scope (app.service.tokens[].scopes).`;
          return page(c, loginPage({ error }), 403);
        }
        const { id } = sessions.create({ name: found.name, sha256: found.sha256 });
        c.header('set-cookie', sessionCookie(id, { secure: overHttps(c, access.sender) }));
        c.header('cache-control', 'no-store');
        return c.redirect('/', 303);
      }),
    )
    .post(
      '/logout',
      logged((c) => {
        const id = sessionIdOf(header(c, 'cookie'));
        const session = sessions.find(id);
        if (session !== undefined) {
          if (!csrfMatches(session, header(c, 'x-csrf-token'))) {
            return c.json({ error: 'logging out needs the session’s X-CSRF-Token header', field: 'X-CSRF-Token' }, 403);
          }
          sessions.end(id!);
        }
        c.header('set-cookie', sessionCookie(undefined, { secure: overHttps(c, access.sender) }));
        return c.redirect('/login', 303);
      }),
    )
    .get(
      '/api/v1/session',
      logged((c) => {
        c.header('cache-control', 'no-store');
        const session = sessionOf(c);
        const token = session && findToken({ sha256: session.tokenSha256 });
        if (session && token) {
          c.set('tokenName', token.name);
          const { csrfToken, expiresAtMs } = session;
          return c.json({ tokenName: token.name, scopes: token.scopes, csrfToken, expiresAtMs });
        }
        const refused = access.authorize(c, 'read');
        if (refused) return refused;
        // No session: a network that needs no login, or a bearer token (a script asking what it may do).
        const scopes = SCOPES.filter((scope) => access.authorize(c, scope) === undefined);
        return c.json({ tokenName: c.get('tokenName') ?? null, scopes, csrfToken: null, expiresAtMs: null });
      }),
    );
}

/** A field of a form body (`application/x-www-form-urlencoded`), read under the wire's body limit. */
async function formField(c: HubContext, name: string): Promise<string | undefined> {
  if (!/^application\/x-www-form-urlencoded\b/i.test(header(c, 'content-type') ?? '')) return undefined;
  const body = await readBytes(c);
  if (!body.ok) return undefined;
  return new URLSearchParams(new TextDecoder().decode(body.value)).get(name)?.trim() || undefined;
}

/**
 * Whether the browser reached the hub over https: its own TLS, or `X-Forwarded-Proto: https` from a trusted proxy
 * (the sender resolver names it only when `app.service.trusted_proxies` lists it).
 */
function overHttps(c: HubContext, sender: AccessCheck['sender']): boolean {
  const incoming = c.env?.incoming;
  if (incoming ? (incoming.socket as { encrypted?: boolean }).encrypted === true : c.req.url.startsWith('https:')) {
    return true;
  }
  const proto = header(c, 'x-forwarded-proto');
  return proto?.split(',')[0]?.trim().toLowerCase() === 'https' && sender(c).proxy !== undefined;
}
