import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NEUTRALIZER, neutralize } from './neutralize.ts';

const Z = NEUTRALIZER;

// The servers' own patterns, ported from their sources, to check the neutralised text against.
const WORD = String.raw`\p{L}\p{M}\p{Nd}\p{Pc}`; // Ruby's [[:word:]]
const SEP = '_·・\u200C'; // Mastodon's HASHTAG_SEPARATORS
/** Mastodon's Account::MENTION_RE (USERNAME_RE is case-insensitive: `ſ` and the Kelvin sign fold into [a-z]). */
const MASTODON_MENTION = new RegExp(
  `(?<![=/${WORD}])@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@[${WORD}]+(?:[.-]+[${WORD}]+)*)?`,
  'giu',
);
const HASHTAG_NAME = String.raw`(?:[${WORD}_][${WORD}${SEP}]*[\p{Alphabetic}${SEP}][${WORD}${SEP}]*[${WORD}_]|[${WORD}_]*\p{Alphabetic}[${WORD}_]*)`;
/** Mastodon 4.x's Tag::HASHTAG_RE, and the one before it (after anything but `/`, `)` or an ASCII word character). */
const MASTODON_HASHTAGS = [
  new RegExp(String.raw`(?<=^|\s)[#＃]${HASHTAG_NAME}`, 'gu'),
  new RegExp(`(?:^|[^/)A-Za-z0-9_])#${HASHTAG_NAME}`, 'giu'),
];
/** GoToSocial's mentionFinder. */
const GOTOSOCIAL_MENTION = /(?:^|\s)@(?:\p{L}\p{M}*|\p{N}|[._-])+/u;
/** Pleroma's and Akkoma's Linkify: words split at spaces and line breaks, a leading parenthesis dropped. */
const linkifyWords = (text: string) => text.split(/[ \r\n]/).map((word) => word.replace(/^\(/, ''));
const PLEROMA_MENTION = /^@[a-zA-Z\d_-]/;
const PLEROMA_HASHTAG = new RegExp(String.raw`^#[${WORD}\p{N}_]*[\p{Alphabetic}_·]`, 'u');

/** What any of the servers would take for a mention in `text`. */
function serverMentions(text: string): string[] {
  const found = [...text.matchAll(MASTODON_MENTION)].map((m) => `mastodon ${m[0]}`);
  if (GOTOSOCIAL_MENTION.test(text)) found.push(`gotosocial ${text.match(GOTOSOCIAL_MENTION)![0]}`);
  for (const word of linkifyWords(text)) if (PLEROMA_MENTION.test(word)) found.push(`pleroma ${word}`);
  return found;
}

/** What any of the servers would take for a hashtag in `text`. */
function serverHashtags(text: string): string[] {
  const found = MASTODON_HASHTAGS.flatMap((re) => [...text.matchAll(re)].map((m) => `mastodon ${m[0]}`));
  for (const word of linkifyWords(text)) if (PLEROMA_HASHTAG.test(word)) found.push(`pleroma ${word}`);
  return found;
}

describe('neutralize', () => {
  it.each([
    ['a remote mention', 'ping @admin@example.org', `ping @${Z}admin@example.org`],
    ['a local mention at the start', '@admin look', `@${Z}admin look`],
    ['a mention in parentheses', '(cc @ops)', `(cc @${Z}ops)`],
    ['a fullwidth at sign', '＠admin', `＠${Z}admin`],
    ['a hashtag', 'backup #failed today', `backup #${Z}failed today`],
    ['a hashtag that starts with digits', '#2fa broken', `#${Z}2fa broken`],
    ['a fullwidth number sign', '＃tag', `＃${Z}tag`],
    ['an e-mail address is no mention', 'mail root@example.org', 'mail root@example.org'],
    ['a number is no hashtag', 'issue #123', 'issue #123'],
    ['a # inside a word is no hashtag', 'pi#1 and C#', 'pi#1 and C#'],
    ['a lone @ or #', 'a @ b # c', 'a @ b # c'],
    [
      'links stay whole',
      'see https://example.org/@bob/1#top and @bob',
      `see https://example.org/@bob/1#top and @${Z}bob`,
    ],
    ['a mention right after a link', 'https://x.org/a @bob', `https://x.org/a @${Z}bob`],
    ['text without either is returned as is', 'disk / at 91 %', 'disk / at 91 %'],
  ])('%s', (_what, input, expected) => {
    expect(neutralize(input)).toBe(expected);
  });

  // Issue 10: each of these went through unchanged, and Mastodon notifies someone@server.social.
  it.each([
    ['in a URL query', 'https://example.com/?@someone@server.social'],
    ['after a comma', 'done,@someone@server.social'],
    ['after a full stop', 'done.@someone@server.social'],
    ['after an exclamation mark', 'done!@someone@server.social'],
    ['after a parenthesis in a URL', 'https://example.com/(@someone@server.social)'],
    ['after a number sign', 'https://example.com/#@someone@server.social'],
    ['after a colon', 'note:@someone@server.social'],
    ['after a zero-width space', 'https://example.com/\u200B@someone@server.social'],
    ['in a Markdown link', '[click](https://example.com/?@someone@server.social)'],
    ['as a Markdown link text', '[@someone@server.social](https://example.com/)'],
    ['after a superscript digit (no [[:word:]] for Ruby)', 'x²@someone@server.social'],
    ['with a long s (Ruby folds it into s)', '?@ſomeone@server.social'],
  ])('breaks a mention %s', (_what, input) => {
    expect(serverMentions(input)).not.toEqual([]);
    const out = neutralize(input);
    expect(serverMentions(out)).toEqual([]);
    expect(out.replaceAll(Z, '')).toBe(input.replaceAll(Z, ''));
  });

  it.each([
    ['a tag of digits and an underscore (Mastodon)', 'x #1_1 y'],
    ['an underscore alone (Pleroma)', 'x #_ y'],
    ['after a non-ASCII letter (Mastodon before 4)', 'é#tag'],
    ['in a URL query', 'https://example.com/?#tag'],
  ])('breaks a hashtag %s', (_what, input) => {
    expect(serverHashtags(input)).not.toEqual([]);
    expect(serverHashtags(neutralize(input))).toEqual([]);
  });

  it('leaves hashtags alone with hashtags: false, still breaking mentions', () => {
    expect(neutralize('#deploy by @ci', { hashtags: false })).toBe(`#deploy by @${Z}ci`);
  });

  it('is idempotent', () => {
    const once = neutralize('@a@b.org #x @c');
    expect(neutralize(once)).toBe(once);
  });
});

/** Text made of what mentions, hashtags, links and their neighbours are made of. */
const attackText = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '@',
        '＠',
        '#',
        '＃',
        'someone',
        'server.social',
        'a',
        'Z',
        '1',
        '_',
        '-',
        '.',
        ',',
        '!',
        '?',
        ':',
        '=',
        '/',
        '(',
        ')',
        '[',
        ']',
        ' ',
        '\n',
        '\u200B',
        '\u200C',
        '\u200D',
        '\u202E',
        '·',
        '・',
        'é',
        'e\u0301',
        '²',
        'ſ',
        '\u212A',
        '漢',
        'https://',
        'example.com/',
      ),
      fc.string({ maxLength: 3 }),
    ),
    { maxLength: 24 },
  )
  .map((parts) => parts.join(''));

describe('neutralize, for any text', () => {
  it('leaves nothing that Mastodon, Pleroma, Akkoma or GoToSocial take for a mention or a hashtag', () => {
    fc.assert(
      fc.property(attackText, (text) => {
        const out = neutralize(text);
        expect(serverMentions(out)).toEqual([]);
        expect(serverHashtags(out)).toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });

  it('only adds zero-width spaces, once: the text reads the same and a second pass changes nothing', () => {
    fc.assert(
      fc.property(attackText, fc.boolean(), (text, hashtags) => {
        const out = neutralize(text, { hashtags });
        expect(out.replaceAll(Z, '')).toBe(text.replaceAll(Z, ''));
        expect(neutralize(out, { hashtags })).toBe(out);
      }),
      { numRuns: 2000 },
    );
  });

  it('with hashtags: false, breaks every mention and touches no #', () => {
    fc.assert(
      fc.property(attackText, (text) => {
        const out = neutralize(text, { hashtags: false });
        expect(serverMentions(out)).toEqual([]);
        expect([...out.matchAll(/[#＃]\u200B/gu)].length).toBe([...text.matchAll(/[#＃]\u200B/gu)].length);
      }),
      { numRuns: 1000 },
    );
  });
});
