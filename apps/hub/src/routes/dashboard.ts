import type { HubTokenScope } from '@janitor/config';
import { assetAnswer, HTML_PAGE_HEADERS, loginPage } from '@janitor/dashboard';
import { cameOverHttps, type DashboardAnswer, type DashboardAuth } from '@janitor/runtime/hub';
import { Hono } from 'hono';
import type { AccessCheck } from '../http/access-check.ts';
import { header } from '../http/header.ts';
import type { HubApp, HubContext, HubEnv } from '../http/hub-env.ts';
import { readBytes } from '../http/read-body.ts';
import type { RequestLine } from '../http/request-line.ts';

/** What {@link createDashboardRoutes} needs. */
export interface DashboardRoutesDeps {
  /** The login, logout and session (createDashboardAuth). */
  auth: DashboardAuth;
  access: Pick<AccessCheck, 'authorize' | 'sender'>;
  /** No token is configured: the login form says there is nothing to log in with. */
  tokenless: boolean;
  logged: RequestLine['logged'];
}

const SCOPES: readonly HubTokenScope[] = ['read', 'write', 'admin'];

/**
 * The dashboard (@janitor/dashboard), mounted at `/`: `GET /` (the page; a browser that may not read is sent to the
 * login form), `GET /assets/*` (its modules, style and uPlot, with ETag; no secret in them), `GET /login`,
 * `POST /login` (form field `token`), `POST /logout`, and `GET /api/v1/session` (`{ tokenName, scopes, csrfToken,
 * expiresAtMs }`; on a network that needs no login, or with a bearer token, `csrfToken` is null).
 */
export function createDashboardRoutes(deps: DashboardRoutesDeps): HubApp {
  const { auth, access, tokenless, logged } = deps;
  const secure = (c: HubContext) =>
    cameOverHttps({
      encrypted: c.env?.incoming
        ? (c.env.incoming.socket as { encrypted?: boolean }).encrypted === true
        : c.req.url.startsWith('https:'),
      forwardedProto: header(c, 'x-forwarded-proto'),
      viaTrustedProxy: access.sender(c).proxy !== undefined,
    });
  const asset = (c: HubContext) => {
    const answer = assetAnswer(c.req.path, c.req.header('if-none-match'));
    if (answer === undefined) return c.json({ error: `no such file: ${c.req.path}`, field: 'path' }, 404);
    if (answer.body === null) return c.body(null, 304, answer.headers);
    return c.body(answer.body as Uint8Array<ArrayBuffer>, 200, answer.headers);
  };
  const send = (c: HubContext, answer: DashboardAnswer) => {
    if (answer.kind === 'json') return c.json(answer.body, answer.status);
    if (answer.kind === 'login') {
      return c.html(loginPage({ tokenless, error: answer.error }), answer.status, HTML_PAGE_HEADERS);
    }
    if (answer.setCookie) c.header('set-cookie', answer.setCookie);
    c.header('cache-control', 'no-store');
    return c.redirect(answer.location, 303);
  };

  return new Hono<HubEnv>()
    .get(
      '/',
      logged((c) => (access.authorize(c, 'read') ? c.redirect('/login', 303) : asset(c))),
    )
    .get('/assets/*', logged(asset))
    .get(
      '/login',
      logged((c) => send(c, { kind: 'login', status: 200 })),
    )
    .post(
      '/login',
      logged(async (c) => send(c, auth.login(await formField(c, 'token'), secure(c)))),
    )
    .post(
      '/logout',
      logged((c) => send(c, auth.logout(header(c, 'cookie'), header(c, 'x-csrf-token'), secure(c)))),
    )
    .get(
      '/api/v1/session',
      logged((c) => {
        c.header('cache-control', 'no-store');
        const session = auth.session(header(c, 'cookie'));
        if (session) {
          c.set('tokenName', session.tokenName);
          return c.json(session);
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
