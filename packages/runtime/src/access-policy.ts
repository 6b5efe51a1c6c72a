import { timingSafeEqual } from 'node:crypto';
import { BlockList } from 'node:net';
import { addCidr, type HubTokenScope } from '@janitor/config';
import { contains, createSenderResolver, type Sender } from './client-address.ts';

/** A token an agent or a script presents as `Authorization: Bearer <token>`. */
export interface HubToken {
  /** Who holds it, for the logs (the token itself is never logged). */
  name: string;
  token: string;
  /** When set, the token may only speak for these hostnames. */
  hosts?: readonly string[];
  /**
   * What the token may do: `read` the API, `write` reports and messages, `admin` silences and everything. Left out
   * (a token written before scopes existed): everything.
   */
  scopes?: readonly HubTokenScope[];
}

export interface AccessPolicyOptions {
  tokens: readonly HubToken[];
  /** CIDRs allowed without a token, with every right. */
  allowNetworks: readonly string[];
  /** CIDRs of reverse proxies whose forwarding headers name the client (`app.service.trusted_proxies`). @default [] */
  trustedProxies?: readonly string[];
}

/** The outcome of checking one request. */
export type AccessDecision =
  | { allowed: true; via: 'token'; tokenName: string; hosts?: readonly string[] }
  | { allowed: true; via: 'network' }
  | {
      allowed: false;
      status: 401 | 403;
      error: string;
      field?: string;
      /** The name of the valid token that lacked the scope, for the request line. */
      tokenName?: string;
    };

/** Loopback, private (RFC 1918, ULA) and link-local ranges: where a hub without tokens accepts requests. */
export const PRIVATE_NETWORKS = [
  '127.0.0.0/8',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '169.254.0.0/16',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
] as const;

/** This machine: where a hub without tokens accepts silences (besides `allowNetworks`). */
const LOOPBACK_NETWORKS = ['127.0.0.0/8', '::1/128'] as const;

/** What each scope lets a request do, for the refusals. */
const DOING: Readonly<Record<HubTokenScope, string>> = {
  read: 'read the API',
  write: 'send reports and messages',
  admin: 'change silences',
};

/**
 * Who may speak to the hub, and do what. With tokens configured, a request needs a valid bearer token with the
 * scope it needs (a token without `scopes` has every one; `admin` includes the others) unless it comes from one of
 * `allowNetworks`, which may do everything. Without tokens, loopback and `allowNetworks` may do everything, the
 * other private networks read and write (reports and messages) but not `admin` (silences), the rest nothing.
 * Tokens are compared in constant time. {@link createAccessPolicy}'s `sender` tells the client's address from the
 * socket and the forwarding headers of `trustedProxies`.
 */
export function createAccessPolicy(options: AccessPolicyOptions) {
  const { tokens, trustedProxies = [] } = options;
  const tokenless = tokens.length === 0;
  // Every right: allow_networks, and this machine when there are no tokens.
  const everything = new BlockList();
  for (const cidr of tokenless ? [...LOOPBACK_NETWORKS, ...options.allowNetworks] : options.allowNetworks) {
    addCidr(everything, cidr);
  }
  // Reports, messages and reading: the private networks, when there are no tokens.
  const readWrite = new BlockList();
  if (tokenless) for (const cidr of PRIVATE_NETWORKS) addCidr(readWrite, cidr);
  const digests = tokens.map((t) => ({ ...t, bytes: Buffer.from(t.token, 'utf8') }));

  function networkAllows(address: string | undefined, scope: HubTokenScope): 'yes' | 'not this' | 'no' {
    if (address === undefined) return 'no';
    if (contains(everything, address)) return 'yes';
    if (contains(readWrite, address)) return scope === 'admin' ? 'not this' : 'yes';
    return 'no';
  }

  return {
    /** True when no token is configured (the hub then trusts private networks only). */
    tokenless,
    /** Who sent a request: the socket's peer, or the client a trusted proxy names. */
    sender: createSenderResolver({ trustedProxies }),
    /**
     * Whether a request from `sender` (an address, or what `sender()` told) with this `Authorization` header may
     * do what needs `scope`.
     * @param scope @default 'write'
     */
    check(
      sender: Sender | string | undefined,
      authorization: string | undefined,
      scope: HubTokenScope = 'write',
    ): AccessDecision {
      const { address, unknownBecause } = typeof sender === 'object' ? sender : { address: sender, unknownBecause: '' };
      const presented = bearer(authorization);
      const match = presented === undefined ? undefined : digests.find((t) => safeEqual(t.bytes, presented));
      if (match && hasScope(match.scopes, scope)) {
        return { allowed: true, via: 'token', tokenName: match.name, ...(match.hosts ? { hosts: match.hosts } : {}) };
      }
      const network = networkAllows(address, scope);
      if (network === 'yes') return { allowed: true, via: 'network' };
      if (match) {
        return {
          allowed: false,
          status: 403,
          error: `the token ${match.name} may not ${DOING[scope]}: it needs the ${scope} scope (app.service.tokens[].scopes)`,
          field: 'authorization',
          tokenName: match.name,
        };
      }
      if (presented !== undefined) {
        return { allowed: false, status: 401, error: 'invalid token', field: 'authorization' };
      }
      if (network === 'not this') {
        return {
          allowed: false,
          status: 403,
          error: `to ${DOING[scope]} a request needs a token with the ${scope} scope, or to come from this machine (loopback) or app.service.allow_networks`,
          field: 'authorization',
        };
      }
      return { allowed: false, status: 401, error: refusal(tokenless, unknownBecause), field: 'authorization' };
    },
  };
}

function refusal(tokenless: boolean, unknownBecause: string | undefined): string {
  if (unknownBecause === 'untrusted-proxy') {
    return 'this request came through a proxy on this machine (it carries forwarding headers), so it is not taken as local: list the proxy in app.service.trusted_proxies, or present a token';
  }
  if (unknownBecause === 'unreadable-forwarding') {
    return 'the forwarding headers of this request name no client the hub can tell (missing, not an address, or disagreeing): present a token';
  }
  return tokenless
    ? 'this hub accepts requests from private networks only; configure app.service.tokens to accept others'
    : 'a bearer token is required (Authorization: Bearer <token>)';
}

function hasScope(scopes: readonly HubTokenScope[] | undefined, scope: HubTokenScope): boolean {
  return scopes === undefined || scopes.includes('admin') || scopes.includes(scope);
}

function bearer(header: string | undefined): Buffer | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? Buffer.from(match[1]!, 'utf8') : undefined;
}

function safeEqual(expected: Buffer, presented: Buffer): boolean {
  // Compare against a same-length buffer so the time does not reveal the length either.
  const candidate = presented.length === expected.length ? presented : Buffer.alloc(expected.length);
  return timingSafeEqual(expected, candidate) && presented.length === expected.length;
}
