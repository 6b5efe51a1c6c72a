/** Options of {@link neutralize}. */
export interface NeutralizeOptions {
  /** Also break hashtags (`#word`), not only mentions. @default true */
  hashtags?: boolean;
}

/** What {@link neutralize} puts after `@` and `#`: U+200B ZERO WIDTH SPACE, invisible, and no word character. */
export const NEUTRALIZER = '\u200B';

// Where the servers see a mention start, over the raw text (inside a URL or a Markdown link too):
// - Mastodon, Account::MENTION_RE: `(?<![=/[:word:]])@` then a username, `[a-z0-9_]` case-insensitively with Unicode
//   case folding (so `ſ` and the Kelvin sign too); [[:word:]] is letters, marks, decimal digits and connector
//   punctuation. Anything else before the `@` counts: `?` `,` `.` `!` `(` `#` `:`, a zero-width space, `²`.
// - Pleroma and Akkoma (Linkify): a word between spaces or line breaks that starts with `@`, or `(@`, then
//   `[a-zA-Z0-9_-]`.
// - GoToSocial: `@` at the start or after white space, then letters, marks, numbers, `.`, `-` or `_`.
// So an `@` (or the fullwidth `＠`) that neither a [[:word:]] character, `=` nor `/` precedes, before a character a
// username can start with on any of them. An `@` after a word character is an e-mail address on all of them, one
// after `/` or `=` a link's path or query (https://host/@user), and those are left whole.
const MENTION_START = /(?<![\p{L}\p{M}\p{Nd}\p{Pc}=/])[@＠](?=[\p{L}\p{M}\p{N}\p{Pc}.-])/gu;
// Where the servers see a hashtag:
// - Mastodon, Tag::HASHTAG_RE: `#` or `＃` at the start or after white space (4.x; before, after anything but `/`,
//   `)` or an ASCII word character), then a name of word characters and the separators `_` `·` `・` ZWNJ that holds
//   a letter, or a separator between word characters (`#1_1` is a tag, `#123` is not).
// - Pleroma and Akkoma (Linkify): a word that starts with `#` (or `(#`), then `[[:word:]_]*[[:alpha:]_·]` (`#_`).
// So a `#` or `＃` that neither `/`, `)` nor an ASCII word character precedes, before a run of word characters and
// separators that holds a letter or a separator.
const HASHTAG_START = /(?<![A-Za-z0-9_/)])[#＃](?=[\p{L}\p{M}\p{N}\p{Pc}·・\u200C]*[\p{Alphabetic}_·・\u200C])/gu;

/**
 * Makes text that came from outside (a script's message, a hostname, a metric label) unable to mention or notify
 * anyone, or to file the status under a hashtag: a zero-width space goes after every `@` that a server (Mastodon,
 * Pleroma, Akkoma, GoToSocial) could take for the start of a mention and, unless `hashtags: false`, every `#` one
 * could take for a hashtag. What the servers match decides, not what looks like a link: Mastodon finds mentions
 * inside URLs (`https://example.com/?@someone@server.social`). The text looks the same; servers link and notify
 * nobody. An `@` in an e-mail address or after `/` or `=` (a link's path or query) is left alone, as the servers do.
 * Only zero-width spaces are added, and applying it twice changes nothing more.
 *
 * @example neutralize('ping @admin@example.org #backup') // 'ping @\u200Badmin@example.org #\u200Bbackup'
 */
export function neutralize(text: string, options: NeutralizeOptions = {}): string {
  const { hashtags = true } = options;
  const mentionsBroken = text.replace(MENTION_START, `$&${NEUTRALIZER}`);
  return hashtags ? mentionsBroken.replace(HASHTAG_START, `$&${NEUTRALIZER}`) : mentionsBroken;
}
