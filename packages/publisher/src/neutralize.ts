/** Options of {@link neutralize}. */
export interface NeutralizeOptions {
  /** Also break hashtags (`#word`), not only mentions. @default true */
  hashtags?: boolean;
}

/** What {@link neutralize} puts after `@` and `#`: U+200B ZERO WIDTH SPACE, invisible, and no word character. */
export const NEUTRALIZER = '\u200B';

// Links are left whole: a `@` or `#` inside one is part of the address (https://host/@user, https://host/#frag).
const URL = /https?:\/\/[^\s<>"'`]+/giu;
// A mention starts with `@` (or the fullwidth `＠`) after anything but a word character (an e-mail address is not a
// mention) and before a word character: `@user`, `@user@domain`.
const MENTION_START = /(?<![\p{L}\p{M}\p{N}_])[@＠](?=[\p{L}\p{M}\p{N}_])/gu;
// A hashtag: `#` or `＃` after anything but a word character, `/` or `)`, then a word that holds a letter
// (Mastodon's HASHTAG_RE: `#123` is no tag).
const HASHTAG_START = /(?<![\p{L}\p{M}\p{N}_/)])[#＃](?=[\p{N}_]*[\p{L}\p{M}·])/gu;

/**
 * Makes text that came from outside (a script's message, a hostname, a metric label) unable to mention or notify
 * anyone, or to file the status under a hashtag: a zero-width space goes after every `@` that would start a mention
 * and, unless `hashtags: false`, every `#` that would start a hashtag. The text looks the same; servers link and
 * notify nobody. Links are left intact. Applying it twice changes nothing more.
 *
 * @example neutralize('ping @admin@example.org #backup') // 'ping @\u200Badmin@example.org #\u200Bbackup'
 */
export function neutralize(text: string, options: NeutralizeOptions = {}): string {
  const { hashtags = true } = options;
  if (!text.includes('@') && !text.includes('＠') && !(hashtags && (text.includes('#') || text.includes('＃')))) {
    return text;
  }
  let out = '';
  let last = 0;
  for (const match of text.matchAll(URL)) {
    out += neutralizePlain(text.slice(last, match.index), hashtags) + match[0];
    last = match.index + match[0].length;
  }
  return out + neutralizePlain(text.slice(last), hashtags);
}

function neutralizePlain(text: string, hashtags: boolean): string {
  const mentionsBroken = text.replace(MENTION_START, `$&${NEUTRALIZER}`);
  return hashtags ? mentionsBroken.replace(HASHTAG_START, `$&${NEUTRALIZER}`) : mentionsBroken;
}
