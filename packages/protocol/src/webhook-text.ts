import { WIRE_LIMITS } from './wire-limits.ts';

// Text from another monitor is taken, not refused: an alert must not be lost for a stray character in a label. What
// cannot go into a post is taken out instead: control characters (but tab and line feed), and the invisible
// characters that change how a text reads (direction marks, embeddings, overrides and isolates, zero-width space,
// word joiner, byte-order mark). Zero-width (non-)joiners stay: emoji sequences need them. A lone surrogate becomes
// U+FFFD.
// (\p{Cc} is exactly the C0 controls, DEL and the C1 controls: [^\t\n\P{Cc}] is those but tab and line feed.)
const UNWANTED = /[^\t\n\P{Cc}]|[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/gu;
const LONE_SURROGATE = /\p{Cs}/gu;

/** Longest title (an alert's or a monitor's name) a post shows. */
export const FOREIGN_TITLE_LENGTH = 200;
/** Longest text of one alert a post shows (the server's limit cuts the post anyway). */
export const FOREIGN_TEXT_LENGTH = 2000;

/**
 * @internal Text from another monitor, fit for a post: unwanted characters taken out (see above), carriage returns
 * dropped, every line trimmed at its end, blank lines at both ends dropped; one line (line breaks become spaces) unless
 * `multiline`; cut to `maxLength` with `…`.
 */
export function outsideText(value: string, maxLength: number, multiline = true): string {
  // A huge value is cut before it is scanned: a post shows a few hundred characters.
  let text = value.length > maxLength * 2 ? value.slice(0, maxLength * 2) : value;
  text = text.replace(/\r\n?/g, '\n').replace(UNWANTED, '').replace(LONE_SURROGATE, '\uFFFD');
  text = multiline
    ? text
        .split('\n')
        .map((line) => line.trimEnd())
        .join('\n')
        .replace(/^\n+|\n+$/g, '')
    : text.replace(/[\n\t]+/g, ' ').trim();
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

/**
 * @internal The host a label (or a monitor's address) names: `pi1` of `pi1`, `pi1:9100`, `[::1]:9100`,
 * `http://pi1:8080/health`; undefined when it names none fit for a hostname (blank, too long, with spaces).
 */
export function hostOfAddress(value: string | null | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  let host = value.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host)) {
    try {
      host = new URL(host).hostname;
    } catch {
      return undefined;
    }
  }
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (bracketed) host = bracketed[1]!;
  else if (/^[^:]+:\d+$/.test(host)) host = host.slice(0, host.lastIndexOf(':'));
  else if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  host = outsideText(host, WIRE_LIMITS.hostnameLength + 1, false);
  if (host === '' || host.length > WIRE_LIMITS.hostnameLength || /\s/.test(host)) return undefined;
  return host;
}

/** @internal An http(s) link, or undefined for anything else (a blank, a relative path, `javascript:`). */
export function httpLink(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > WIRE_LIMITS.pathLength) return undefined;
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * @internal A short, stable name for a long key (an Alertmanager group key): a 53-bit hash in base 36. Not for
 * anything secret: only to keep keys of the same group equal and of different groups apart.
 */
export function shortHash(text: string): string {
  // cyrb53 (public domain): two 32-bit multiplicative hashes mixed into 53 bits.
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}
