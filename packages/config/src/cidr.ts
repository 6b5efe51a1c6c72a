import { BlockList, isIP } from 'node:net';

/** True when `cidr` is an IPv4 or IPv6 address with an optional prefix length (`192.168.1.0/24`, `::1`). */
export function isCidr(cidr: string): boolean {
  const [address = '', prefixText] = cidr.trim().split('/');
  const family = isIP(address);
  if (family === 0) return false;
  const max = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) return false;
  try {
    new BlockList().addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
    return true;
  } catch {
    return false;
  }
}
