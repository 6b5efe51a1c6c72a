import { describe, expect, it } from 'vitest';
import { countCharacters, graphemeLength } from './character-count.ts';
import type { Flavour } from './flavour.ts';

const FAMILY = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}';
const LONG_URL = `https://example.org/${'x'.repeat(100)}`;

describe('countCharacters', () => {
  it.each<[string, Flavour, string, string, number]>([
    ['plain ASCII counts each character', 'mastodon', 'hello', '', 5],
    ['the spoiler text counts too', 'mastodon', 'abc', 'de', 5],
    ['a URL counts 23 whatever its length', 'mastodon', `see ${LONG_URL}`, '', 4 + 23],
    ['trailing punctuation is not part of the URL', 'mastodon', `${LONG_URL}.`, '', 24],
    ['a remote mention counts as the local part', 'mastodon', 'hi @admin@example.org', '', 9],
    ['a ZWJ emoji sequence is one grapheme', 'mastodon', FAMILY, '', 1],
    ['a combining accent joins its letter', 'mastodon', 'e\u0301', '', 1],
    ['pleroma counts URLs in full', 'pleroma', LONG_URL, '', LONG_URL.length],
    ['pleroma trims the text', 'pleroma', '  hi  ', '', 2],
    ['akkoma counts mentions in full', 'akkoma', '@admin@example.org', '', 18],
    ['gotosocial counts code points', 'gotosocial', FAMILY, '', 5],
    ['gotosocial adds the content warning', 'gotosocial', 'e\u0301', 'cw', 4],
  ])('%s (%s)', (_meaning, flavour, text, spoiler, expected) => {
    expect(countCharacters(text, spoiler, flavour)).toBe(expected);
  });

  it('defaults to Mastodon rules', () => {
    expect(countCharacters(`a ${LONG_URL}`)).toBe(25);
  });

  it('graphemeLength counts user-perceived characters', () => {
    expect(graphemeLength(`a${FAMILY}b`)).toBe(3);
  });
});
