import type { HubTokenScope } from '@janitor/config';
import {
  type AccessDecision,
  csrfMatches,
  type ForwardingHeaders,
  isCrossSite,
  type Sender,
  type Sessions,
  sessionIdOf,
  type TokenDigest,
} from '@janitor/runtime/hub';
import { header } from './header.ts';
import type { HubContext } from './hub-env.ts';

/** What {@link createAccessCheck} needs. */
export interface AccessCheckOptions {
  /** Who may speak to the hub (createAccessPolicy). */
  access: {
    check(sender: Sender, authorization: string | TokenDigest | undefined, scope: HubTokenScope): AccessDecision;
    /** Who sent a request, from the socket's peer and the forwarding headers. */
    sender(peer: string | undefined, headers: ForwardingHeaders): Sender;
  };
  /** The socket's peer address. */
  remoteAddress: (c: HubContext) => string | undefined;
  /** The dashboard's sessions: a request without `Authorization` may come with the session cookie instead. */
  sessions?: Pick<Sessions, 'find'>;
}

/** The access checks of the hub's routes. Each answers the refusal to send, or `undefined` to go on. */
export interface AccessCheck {
  /**
   * A 401/403 (`{ error, field }`, `WWW-Authenticate: Bearer`) for a request that may not do what needs `scope`
   * (`write` by default: reports and messages). An allowed request's token name and hosts are put on the context for
   * {@link AccessCheck.checkHost} and the request line. Without an `Authorization` header, the dashboard's session
   * cookie counts as the token it was created from; a request so authenticated that changes something (not GET or
   * HEAD) must carry the session's `X-CSRF-Token`, else it is a 403 on that header.
   */
  authorize(c: HubContext, scope?: HubTokenScope): Response | undefined;
  /** A 403 on `hostname` when the request's token may not speak for `hostname`. */
  checkHost(c: HubContext, hostname: string | undefined): Response | undefined;
  /** Who sent the request: the socket's peer, or the client a trusted proxy names. */
  sender(c: HubContext): Sender;
}

/** Methods that change nothing: a request with the session cookie needs no CSRF token for them. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether a browser sent the request from a page of another site (isCrossSite); scripts send neither header. */
function crossSite(c: HubContext): boolean {
  const secFetchSite = header(c, 'sec-fetch-site');
  const origin = header(c, 'origin');
  if (secFetchSite === undefined && origin === undefined) return false;
  return isCrossSite({ secFetchSite, origin, host: header(c, 'host') });
}

/**
 * The per-request side of the access policy: the sender's address and bearer token checked against the scope the
 * route needs, then the host a request is about against the hosts its token may speak for.
 *
 * @example
 * const { authorize, checkHost } = createAccessCheck({ access, remoteAddress });
 * app.post('/', (c) => authorize(c) ?? checkHost(c, 'pi1') ?? c.json({ status: 'ok' }));
 * app.delete('/:id', (c) => authorize(c, 'admin') ?? c.json({ status: 'removed' }));
 */
export function createAccessCheck(options: AccessCheckOptions): AccessCheck {
  const { access, remoteAddress, sessions } = options;
  const sender = (c: HubContext) =>
    access.sender(remoteAddress(c), {
      forwarded: header(c, 'forwarded'),
      xForwardedFor: header(c, 'x-forwarded-for'),
      xRealIp: header(c, 'x-real-ip'),
    });
  return {
    sender,
    authorize(c, scope = 'write') {
      const authorization = header(c, 'authorization');
      // A page of another site may not change anything, whatever its address or the browser's cookie allow.
      if (!SAFE_METHODS.has(c.req.method) && crossSite(c)) {
        return c.json(
          { error: 'a request from a page of another site may not change anything here', field: 'Origin' },
          403,
        );
      }
      // Agents and scripts send no cookie: one header lookup is all this costs them.
      const cookie = authorization === undefined && sessions ? header(c, 'cookie') : undefined;
      const session = cookie === undefined ? undefined : sessions?.find(sessionIdOf(cookie));
      const decision = access.check(sender(c), session ? { sha256: session.tokenSha256 } : authorization, scope);
      if (decision.allowed) {
        if (session && !SAFE_METHODS.has(c.req.method) && !csrfMatches(session, header(c, 'x-csrf-token'))) {
          const error = 'a request from the dashboard that changes something needs its session’s X-CSRF-Token header';
          return c.json({ error, field: 'X-CSRF-Token' }, 403);
        }
        if (decision.via === 'token') {
          c.set('hosts', decision.hosts);
          c.set('tokenName', decision.tokenName);
        }
        return undefined;
      }
      if (decision.tokenName !== undefined) c.set('tokenName', decision.tokenName);
      const body = { error: decision.error, ...(decision.field ? { field: decision.field } : {}) };
      return c.json(body, decision.status, { 'WWW-Authenticate': 'Bearer' });
    },
    checkHost(c, hostname) {
      const hosts = c.get('hosts');
      if (!hosts) return undefined;
      if (hostname && hosts.includes(hostname)) return undefined;
      return c.json(
        { error: `this token may not speak for host ${JSON.stringify(hostname ?? '')}`, field: 'hostname' },
        403,
      );
    },
  };
}
