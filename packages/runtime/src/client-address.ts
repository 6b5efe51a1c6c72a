import { BlockList, isIP } from 'node:net';
import { addCidr } from '@janitor/config';

/** The forwarding headers of a request as Node gives them (repeated lines joined with `, `); absent ones undefined. */
export interface ForwardingHeaders {
  forwarded?: string | undefined;
  xForwardedFor?: string | undefined;
  xRealIp?: string | undefined;
}

/** Who sent a request, as far as the hub can tell. */
export interface Sender {
  /**
   * The client's IP address, for the access rules: the socket's, or the one a trusted proxy's headers name.
   * `undefined` when it cannot be told; no network is then trusted.
   */
  address: string | undefined;
  /** The socket's peer: the client, or a proxy. */
  peer: string | undefined;
  /** The socket's peer, when it is a trusted proxy whose headers named the client. */
  proxy?: string;
  /**
   * Why the address is unknown although the socket has one: `untrusted-proxy`, forwarding headers from loopback
   * that `trusted_proxies` does not list (a proxy on this machine makes every client look local);
   * `unreadable-forwarding`, a trusted proxy's headers that name no address, or disagree.
   */
  unknownBecause?: 'untrusted-proxy' | 'unreadable-forwarding';
}

/** Options of {@link createSenderResolver}. */
export interface SenderResolverOptions {
  /** `app.service.trusted_proxies`: the peers whose forwarding headers name the client. */
  trustedProxies: readonly string[];
}

const LOOPBACK = new BlockList();
addCidr(LOOPBACK, '127.0.0.0/8');
addCidr(LOOPBACK, '::1/128');

/**
 * Tells who sent a request from the socket's peer and the forwarding headers (`Forwarded`, `X-Forwarded-For`,
 * `X-Real-IP`):
 * - no forwarding header: the peer;
 * - the peer is a trusted proxy: the client its headers name, the rightmost hop that is not itself a trusted proxy
 *   (every hop trusted: the leftmost). Headers that name no IP address, or that name different clients (one of
 *   them passed through from the client unchanged), leave the client unknown;
 * - the peer is loopback but not trusted: unknown (behind a reverse proxy on this machine every client of the
 *   internet would look local);
 * - another peer: the peer; its headers are not believed.
 *
 * @example
 * const senderOf = createSenderResolver({ trustedProxies: ['127.0.0.1/32'] });
 * senderOf('127.0.0.1', { xForwardedFor: '198.51.100.4, 203.0.113.9' });
 * // { address: '203.0.113.9', peer: '127.0.0.1', proxy: '127.0.0.1' }
 */
export function createSenderResolver(options: SenderResolverOptions) {
  const trusted = new BlockList();
  for (const cidr of options.trustedProxies) addCidr(trusted, cidr);
  const isTrusted = (address: string) => contains(trusted, address);

  /** The client a list of hops names: the rightmost one that is not a trusted proxy. */
  function clientOf(hops: readonly string[]): string | undefined {
    let client: string | undefined;
    for (let i = hops.length - 1; i >= 0; i--) {
      client = plainAddress(hops[i]!);
      if (client === undefined) return undefined;
      if (!isTrusted(client)) return client;
    }
    return client;
  }

  return function senderOf(peer: string | undefined, headers: ForwardingHeaders): Sender {
    const { forwarded, xForwardedFor, xRealIp } = headers;
    if (forwarded === undefined && xForwardedFor === undefined && xRealIp === undefined) return { address: peer, peer };
    const from = peer === undefined ? undefined : plainAddress(peer);
    if (from === undefined) return { address: undefined, peer };
    if (!isTrusted(from)) {
      if (contains(LOOPBACK, from)) return { address: undefined, peer, unknownBecause: 'untrusted-proxy' };
      return { address: peer, peer };
    }
    const named = [
      forwarded === undefined ? null : clientOf(forwardedFor(forwarded)),
      xForwardedFor === undefined ? null : clientOf(xForwardedFor.split(',')),
      xRealIp === undefined ? null : clientOf([xRealIp]),
    ].filter((client) => client !== null);
    const [client] = named;
    if (client === undefined || named.some((other) => other !== client)) {
      return { address: undefined, peer, proxy: peer as string, unknownBecause: 'unreadable-forwarding' };
    }
    return { address: client, peer, proxy: peer as string };
  };
}

/** The `for=` value of each element of a `Forwarded` header (RFC 7239); an element without one is an empty hop. */
function forwardedFor(header: string): string[] {
  return header.split(',').map((element) => {
    for (const pair of element.split(';')) {
      const eq = pair.indexOf('=');
      if (eq !== -1 && pair.slice(0, eq).trim().toLowerCase() === 'for') return pair.slice(eq + 1);
    }
    return '';
  });
}

/**
 * An IP address as a hop names it: quotes, IPv6 brackets and a port taken off, an IPv4 address mapped into IPv6
 * as the plain IPv4 one. `undefined` for anything else (`unknown`, an obfuscated `_name`, a hostname).
 */
export function plainAddress(hop: string): string | undefined {
  let text = hop.trim();
  if (text.length > 1 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1).trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  if (mapped) text = mapped[1]!;
  return isIP(text) === 0 ? undefined : text;
}

/** Whether `list` holds `address` (any form {@link plainAddress} reads). */
export function contains(list: BlockList, address: string): boolean {
  const plain = plainAddress(address);
  if (plain === undefined) return false;
  return list.check(plain, isIP(plain) === 4 ? 'ipv4' : 'ipv6');
}
