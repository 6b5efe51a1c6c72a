import type { AccessDecision } from '../access.ts';
import { header } from './header.ts';
import type { HubContext } from './hub-env.ts';

/** What {@link createAccessCheck} needs. */
export interface AccessCheckOptions {
  /** Who may speak to the hub (createAccessPolicy). */
  access: { check(remoteAddress: string | undefined, authorization: string | undefined): AccessDecision };
  /** The peer's IP address. */
  remoteAddress: (c: HubContext) => string | undefined;
}

/** The access checks of the hub's routes. Each answers the refusal to send, or `undefined` to go on. */
export interface AccessCheck {
  /**
   * A 401/403 (`{ error, field }`, `WWW-Authenticate: Bearer`) for a request that may not speak to the hub. An allowed
   * request's token name and hosts are put on the context for {@link AccessCheck.checkHost} and the request line.
   */
  authorize(c: HubContext): Response | undefined;
  /** A 403 on `hostname` when the request's token may not speak for `hostname`. */
  checkHost(c: HubContext, hostname: string | undefined): Response | undefined;
}

/**
 * The per-request side of the access policy: the sender's address and bearer token checked, then the host a request
 * is about against the hosts its token may speak for.
 *
 * @example
 * const { authorize, checkHost } = createAccessCheck({ access, remoteAddress });
 * app.post('/', (c) => authorize(c) ?? checkHost(c, 'pi1') ?? c.json({ status: 'ok' }));
 */
export function createAccessCheck(options: AccessCheckOptions): AccessCheck {
  const { access, remoteAddress } = options;
  return {
    authorize(c) {
      const decision = access.check(remoteAddress(c), header(c, 'authorization'));
      if (decision.allowed) {
        if (decision.via === 'token') {
          c.set('hosts', decision.hosts);
          c.set('tokenName', decision.tokenName);
        }
        return undefined;
      }
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
