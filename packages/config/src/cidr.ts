import { BlockList, isIP } from 'node:net';

/**
 * Adds `cidr` ("10.0.0.0/8", "::1/128", or a bare address) to a block list; throws on a malformed one.
 *
 * @example
 * const open = new BlockList();
 * addCidr(open, '192.168.1.0/24');
 */
export function addCidr(list: BlockList, cidr: string): void {
  const [address = '', prefixText] = cidr.trim().split('/');
  const family = isIP(address);
  if (family === 0) throw new Error(`not an IP network: ${cidr}`);
  const max = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new Error(`bad prefix length in ${cidr}`);
  list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
}

/** True when `cidr` is an IPv4 or IPv6 address with an optional prefix length (`192.168.1.0/24`, `::1`). */
export function isCidr(cidr: string): boolean {
  try {
    addCidr(new BlockList(), cidr);
    return true;
  } catch {
    return false;
  }
}
