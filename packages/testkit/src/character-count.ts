import type { Flavour } from './flavour.ts';

/** How many characters a URL counts for on Mastodon, whatever its length. */
export const URL_CHARACTER_WEIGHT = 23;

// Close to Mastodon's twitter-text based extraction: an http(s) URL ends before whitespace and trailing punctuation.
const URL_PATTERN = /https?:\/\/[^\s<>"'`]*[^\s<>"'`.,:;!?)\]}]/giu;
// Mastodon's Account::MENTION_RE: `@user` or `@user@domain`, not preceded by a word character, `=` or `/`.
const MENTION_PATTERN =
  /(?<![\p{L}\p{N}_=/])@([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@([\p{L}\p{N}_.-]+[\p{L}\p{N}_]+))?/giu;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Number of user-perceived characters (extended grapheme clusters), as Ruby's and Elixir's string length count. */
export function graphemeLength(text: string): number {
  let count = 0;
  for (const _ of graphemes.segment(text)) count += 1;
  return count;
}

/**
 * Count a status the way the given server family does before comparing with its character limit.
 *
 * - mastodon: graphemes of spoiler + text, where every URL counts 23 and `@user@domain` counts as `@user`;
 * - pleroma, akkoma: graphemes of the trimmed text + spoiler, URLs and mentions counted in full;
 * - gotosocial: code points (Go runes) of text + spoiler, URLs and mentions counted in full.
 *
 * @example countCharacters('see https://example.org/a/very/long/path', '', 'mastodon') // 27
 */
export function countCharacters(text: string, spoilerText = '', flavour: Flavour = 'mastodon'): number {
  switch (flavour) {
    case 'mastodon': {
      const countable = text
        .replace(URL_PATTERN, 'x'.repeat(URL_CHARACTER_WEIGHT))
        .replace(MENTION_PATTERN, (_match, username: string) => `@${username}`);
      return graphemeLength(spoilerText + countable);
    }
    case 'pleroma':
    case 'akkoma':
      return graphemeLength((text.trim() + spoilerText).trim());
    case 'gotosocial':
      return [...text].length + [...spoilerText].length;
  }
}
