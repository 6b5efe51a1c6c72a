import { createHash, timingSafeEqual } from 'node:crypto';
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

/**
 * A token known by its SHA-256 (hex) rather than presented: what a dashboard session keeps of the token it was
 * created from, so that the session ends when the token is removed or changed in the config.
 */
export interface TokenDigest {
  sha256: string;
}

/** A configured token as the dashboard's login sees it (never the token itself). */
export interface TokenInfo {
  name: string;
  /** The token's SHA-256 (hex): what a session keeps. */
  sha256: string;
  /** What it may do: its `scopes`, or every scope for a token written before scopes existed. */
  scopes: readonly HubTokenScope[];
  /** When set, the hostnames it may speak for. */
  hosts?: readonly string[];
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

/** How many addresses' network rights an access policy remembers (all are forgotten when it is full). */
const REMEMBERED_ADDRESSES = 4096;

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
  const digests = tokens.map((t) => ({
    ...t,
    bytes: Buffer.from(t.token, 'utf8'),
    sha256: Buffer.from(sha256Hex(t.token), 'utf8'),
  }));

  /** The configured token a credential is: a bearer token's bytes, or a session's digest of one. */
  function matchOf(presented: Buffer | TokenDigest | undefined) {
    if (presented === undefined) return undefined;
    if (Buffer.isBuffer(presented)) return digests.find((t) => safeEqual(t.bytes, presented));
    const digest = Buffer.from(presented.sha256, 'utf8');
    return digests.find((t) => safeEqual(t.sha256, digest));
  }

  // What each address may do by its network (2: everything, 1: read and write, 0: nothing), remembered: a fleet's
  // agents send from the same few addresses all day, and a BlockList lookup parses the address each time.
  const reachOf = new Map<string, 0 | 1 | 2>();
  function reach(address: string): 0 | 1 | 2 {
    let known = reachOf.get(address);
    if (known === undefined) {
      known = contains(everything, address) ? 2 : contains(readWrite, address) ? 1 : 0;
      if (reachOf.size >= REMEMBERED_ADDRESSES) reachOf.clear();
      reachOf.set(address, known);
    }
    return known;
  }

  function networkAllows(address: string | undefined, scope: HubTokenScope): 'yes' | 'not this' | 'no' {
    if (address === undefined) return 'no';
    const known = reach(address);
    if (known === 2) return 'yes';
    if (known === 1) return scope === 'admin' ? 'not this' : 'yes';
    return 'no';
  }

  return {
    /** True when no token is configured (the hub then trusts private networks only). */
    tokenless,
    /** Who sent a request: the socket's peer, or the client a trusted proxy names. */
    sender: createSenderResolver({ trustedProxies }),
    /**
     * The configured token `token` is (compared in constant time), or the one whose SHA-256 is `sha256`: what the
     * dashboard's login and its session ask. `undefined` when none is.
     */
    findToken(credential: { token: string } | TokenDigest): TokenInfo | undefined {
      const match = matchOf('token' in credential ? Buffer.from(credential.token, 'utf8') : credential);
      if (match === undefined) return undefined;
      return {
        name: match.name,
        sha256: match.sha256.toString('utf8'),
        scopes: match.scopes ?? ['read', 'write', 'admin'],
        ...(match.hosts ? { hosts: match.hosts } : {}),
      };
    },
    /**
     * Whether a request from `sender` (an address, or what `sender()` told) with this `Authorization` header (or a
     * dashboard session's {@link TokenDigest}, which counts as the token it was created from) may do what needs
     * `scope`.
     * @param scope @default 'write'
     */
    check(
      sender: Sender | string | undefined,
      authorization: string | TokenDigest | undefined,
      scope: HubTokenScope = 'write',
    ): AccessDecision {
      const { address, unknownBecause } = typeof sender === 'object' ? sender : { address: sender, unknownBecause: '' };
      const presented = typeof authorization === 'object' ? authorization : bearer(authorization);
      const match = matchOf(presented);
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
      if (presented !== undefined && Buffer.isBuffer(presented)) {
        return { allowed: false, status: 401, error: 'invalid token', field: 'authorization' };
      }
      if (presented !== undefined) {
        const error = 'the token this session was created from is no longer configured: log in again (/login)';
        return { allowed: false, status: 401, error, field: 'janitor_session' };
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

/** The SHA-256 of a token, hex: what a session keeps instead of the token. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function safeEqual(expected: Buffer, presented: Buffer): boolean {
  // Compare against a same-length buffer so the time does not reveal the length either.
  const candidate = presented.length === expected.length ? presented : Buffer.alloc(expected.length);
  return timingSafeEqual(expected, candidate) && presented.length === expected.length;
}
