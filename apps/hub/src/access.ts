import { timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { addCidr } from '@janitor/config';

/** A token an agent or a script presents as `Authorization: Bearer <token>`. */
export interface HubToken {
  /** Who holds it, for the logs (the token itself is never logged). */
  name: string;
  token: string;
  /** When set, the token may only speak for these hostnames. */
  hosts?: readonly string[];
}

export interface AccessPolicyOptions {
  tokens: readonly HubToken[];
  /** CIDRs allowed without a token. */
  allowNetworks: readonly string[];
}

/** The outcome of checking one request. */
export type AccessDecision =
  | { allowed: true; via: 'token'; tokenName: string; hosts?: readonly string[] }
  | { allowed: true; via: 'network' }
  | { allowed: false; status: 401 | 403; error: string; field?: string };

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

/**
 * Who may post to the hub. With tokens configured, a request needs a valid bearer token unless it comes from one of
 * `allowNetworks`. Without tokens, only loopback, private networks and `allowNetworks` are accepted.
 * Tokens are compared in constant time.
 */
export function createAccessPolicy(options: AccessPolicyOptions) {
  const { tokens } = options;
  const open = new BlockList();
  const networks = tokens.length === 0 ? [...PRIVATE_NETWORKS, ...options.allowNetworks] : options.allowNetworks;
  for (const cidr of networks) addCidr(open, cidr);
  const digests = tokens.map((t) => ({ ...t, bytes: Buffer.from(t.token, 'utf8') }));

  return {
    /** True when no token is configured (the hub then trusts private networks only). */
    tokenless: tokens.length === 0,
    check(remoteAddress: string | undefined, authorization: string | undefined): AccessDecision {
      const presented = bearer(authorization);
      if (presented !== undefined) {
        const match = digests.find((t) => safeEqual(t.bytes, presented));
        if (match) {
          return { allowed: true, via: 'token', tokenName: match.name, ...(match.hosts ? { hosts: match.hosts } : {}) };
        }
      }
      if (remoteAddress && inList(open, remoteAddress)) return { allowed: true, via: 'network' };
      if (presented !== undefined)
        return { allowed: false, status: 401, error: 'invalid token', field: 'authorization' };
      return {
        allowed: false,
        status: 401,
        error:
          tokens.length === 0
            ? 'this hub accepts requests from private networks only; configure app.service.tokens to accept others'
            : 'a bearer token is required (Authorization: Bearer <token>)',
        field: 'authorization',
      };
    },
  };
}

function inList(list: BlockList, address: string): boolean {
  // IPv4 clients of a dual-stack socket appear as ::ffff:a.b.c.d.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const plain = mapped ? mapped[1]! : address;
  const family = isIP(plain);
  if (family === 0) return false;
  return list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
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
