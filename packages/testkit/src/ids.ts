import type { Flavour } from './flavour.ts';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CROCKFORD32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function encode(value: bigint, alphabet: string, width: number): string {
  const base = BigInt(alphabet.length);
  let out = '';
  let rest = value;
  while (rest > 0n) {
    out = alphabet[Number(rest % base)] + out;
    rest /= base;
  }
  return out.padStart(width, alphabet[0]);
}

/**
 * A generator of record ids shaped like the flavour's own, increasing with the injected clock:
 * Mastodon snowflakes (decimal strings), Pleroma/Akkoma flake ids (18 base62 characters),
 * GoToSocial ULIDs (26 Crockford base32 characters). Ids sort in creation order within one fake.
 */
export function createIdGenerator(flavour: Flavour, now: () => number): () => string {
  let last = -1n;
  return () => {
    const ms = BigInt(Math.max(0, Math.floor(now())));
    let value: bigint;
    switch (flavour) {
      case 'mastodon':
        value = ms << 16n;
        break;
      case 'pleroma':
      case 'akkoma':
        value = ms << 64n;
        break;
      case 'gotosocial':
        value = ms << 80n;
        break;
    }
    // Strictly increasing even when the clock stands still or goes back (tests freeze it).
    if (value <= last) value = last + 1n;
    last = value;
    switch (flavour) {
      case 'mastodon':
        return value.toString();
      case 'pleroma':
      case 'akkoma':
        return encode(value, BASE62, 18);
      case 'gotosocial':
        return encode(value, CROCKFORD32, 26);
    }
  };
}

/** Compare two ids from the same generator: negative when `a` was created first. */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
