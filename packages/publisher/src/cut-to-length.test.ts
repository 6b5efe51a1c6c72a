import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cutToLength, type LengthCounting, splitToLength, statusLength } from './cut-to-length.ts';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const graphemes = (text: string) => [...segmenter.segment(text)].map((s) => s.segment);
const boundaries = (text: string) => new Set([...segmenter.segment(text)].map((s) => s.index).concat(text.length));

const FAMILY = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}'; // one grapheme, 7 code units
const FLAG = '\u{1F1EB}\u{1F1F7}'; // one grapheme, two regional indicators
const E_ACUTE = 'e\u0301'; // e + combining acute: one grapheme
const WARNING = '\u26A0\uFE0F'; // one grapheme, two code points
const LONG_URL = `https://example.com/${'p'.repeat(80)}`;

/** True when the string has no unpaired UTF-16 surrogate (a broken astral character). */
const isWellFormed = (text: string) =>
  !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

describe('statusLength', () => {
  it.each([
    // What the case means, then text, options and the length the server counts.
    ['plain ASCII counts characters', 'hello', {}, 5],
    ['a ZWJ family counts one', FAMILY, {}, 1],
    ['a flag counts one', FLAG, {}, 1],
    ['a letter with a combining accent counts one', E_ACUTE, {}, 1],
    ['a link counts 23 on Mastodon, however long', `see ${LONG_URL}`, {}, 4 + 23],
    ['a short link also counts 23 on Mastodon', 'see https://a.io', {}, 4 + 23],
    ['a link with sentence punctuation: the dot is text', `${LONG_URL}.`, {}, 23 + 1],
    [
      'a link to a host Mastodon may not recognise counts at least its length',
      `http://localhost:5000/${'x'.repeat(40)}`,
      {},
      62,
    ],
    ['a link inside parentheses keeps the closing one as text', '(https://example.com/a)', {}, 1 + 23 + 1],
    ['@user@domain counts as @user on Mastodon', 'hi @admin@example.social', {}, 3 + 6],
    ['a local @user counts as written', 'hi @admin', {}, 9],
    ['an e-mail address is not a mention', 'x@example.com', {}, 13],
    ['the spoiler counts too, at its full length', 'abc', { spoilerText: `cw ${LONG_URL}` }, 3 + 3 + LONG_URL.length],
    ['graphemes: a link counts its full length', `see ${LONG_URL}`, { counting: 'graphemes' }, 4 + LONG_URL.length],
    ['graphemes: a mention counts its full length', '@admin@example.social', { counting: 'graphemes' }, 21],
    ['code points: an emoji with its variation selector counts two', WARNING, { counting: 'code-points' }, 2],
    ['code points: a ZWJ family counts seven', FAMILY, { counting: 'code-points' }, 7],
  ] as Array<[string, string, { spoilerText?: string; counting?: LengthCounting }, number]>)(
    '%s',
    (_what, text, options, expected) => {
      expect(statusLength(text, options)).toBe(expected);
    },
  );
  it('counts what the segmenter counts, whatever joins code points into one grapheme', () => {
    // Pieces that join their neighbours (CR LF, marks, joiners, modifiers, flags, jamo, prepended and spacing signs)
    // next to pieces that do not: the counting without the segmenter must never disagree with it.
    const pieces = [
      'a',
      ' ',
      '\r',
      '\n',
      '≥',
      '°',
      '€',
      '\u{1F534}',
      '\u26A0',
      '\uFE0F',
      '\u200D',
      '\u200C',
      '\u0301',
      '\u{1F3FD}',
      '\u{1F1EB}',
      '\u1100',
      '\u1161',
      '\u11A8',
      '\uAC00',
      '\u0915',
      '\u093F',
      '\u0E01',
      '\u0E33',
      '\u0600',
      '\u0661',
      '\u{E0061}',
      '\u{1F44B}',
      'ж',
      '日',
    ];
    const text = fc.oneof(
      fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((parts) => parts.join('')),
      fc.string({ unit: 'binary', maxLength: 20 }).filter((s) => !s.includes('@') && !s.includes('http')),
    );
    fc.assert(
      fc.property(text, (t) => {
        expect(statusLength(t, { counting: 'graphemes' })).toBe(graphemes(t).length);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('cutToLength', () => {
  it('returns text that fits unchanged', () => {
    expect(cutToLength('a'.repeat(500), 500)).toBe('a'.repeat(500));
  });

  it('cuts to the limit and marks the cut with an ellipsis', () => {
    const cut = cutToLength('a'.repeat(600), 500);
    expect(cut).toBe(`${'a'.repeat(499)}\u2026`);
    expect(statusLength(cut)).toBe(500);
  });

  it.each([
    ['ZWJ sequences', FAMILY],
    ['flags', FLAG],
    ['combining accents', E_ACUTE],
    ['emoji with variation selectors', WARNING],
    ['astral emoji', '\u{1F525}'],
  ])('never breaks %s', (_what, unit) => {
    const text = `x${unit.repeat(30)}`;
    const cut = cutToLength(text, 10);
    expect(cut).toBe(`x${unit.repeat(8)}\u2026`);
    expect(isWellFormed(cut)).toBe(true);
    expect(statusLength(cut)).toBe(10);
  });

  it('does not count a long link at its length on Mastodon', () => {
    const text = `${'x'.repeat(470)} ${LONG_URL}`;
    expect(text.length).toBeGreaterThan(500);
    expect(cutToLength(text, 500)).toBe(text);
  });

  it('drops a link it cannot keep whole rather than breaking it', () => {
    const text = `${'x'.repeat(10)} ${LONG_URL} tail`;
    expect(cutToLength(text, 30)).toBe(`${'x'.repeat(10)}\u2026`);
  });

  it('keeps a mention whole', () => {
    const text = `${'x'.repeat(10)} @admin@example.social and more text`;
    expect(cutToLength(text, 15)).toBe(`${'x'.repeat(10)}\u2026`);
    expect(cutToLength(text, 19)).toBe(`${'x'.repeat(10)} @admin@example.social\u2026`);
  });

  it('counts the spoiler toward the limit', () => {
    const cut = cutToLength('a'.repeat(100), 100, { spoilerText: 'b'.repeat(10) });
    expect(cut).toBe(`${'a'.repeat(89)}\u2026`);
    expect(statusLength(cut, { spoilerText: 'b'.repeat(10) })).toBe(100);
  });

  it('returns an empty text when the spoiler leaves no room', () => {
    expect(cutToLength('abc', 10, { spoilerText: 'b'.repeat(10) })).toBe('');
  });

  it('trims the blank before the ellipsis', () => {
    expect(cutToLength('word1 word2 word3', 7)).toBe('word1\u2026');
  });

  it('counts code points on GoToSocial', () => {
    expect(cutToLength(WARNING.repeat(10), 9, { counting: 'code-points' })).toBe(`${WARNING.repeat(4)}\u2026`);
  });

  it('takes another ellipsis', () => {
    expect(cutToLength('abcdefgh', 6, { ellipsis: ' [...]' })).toBe(' [...]');
    expect(cutToLength('abcdefghijkl', 10, { ellipsis: '...' })).toBe('abcdefg...');
  });

  it('always fits, never breaks a grapheme, and keeps a prefix of the text', () => {
    const countings: LengthCounting[] = ['mastodon', 'graphemes', 'code-points'];
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 120 }),
        fc.integer({ min: 1, max: 80 }),
        fc.constantFrom(...countings),
        (text, max, counting) => {
          const cut = cutToLength(text, max, { counting });
          if (cut === text) {
            expect(statusLength(text, { counting })).toBeLessThanOrEqual(max);
            return;
          }
          expect(statusLength(cut, { counting })).toBeLessThanOrEqual(max);
          if (cut === '') return;
          expect(cut.endsWith('\u2026')).toBe(true);
          const kept = cut.slice(0, -1);
          expect(text.startsWith(kept)).toBe(true);
          expect(boundaries(text).has(kept.length)).toBe(true);
          expect(graphemes(kept)).toEqual(graphemes(text).slice(0, graphemes(kept).length));
        },
      ),
    );
  });
});

describe('splitToLength', () => {
  it.each([
    // What the case means, then text, max, counting and the pieces.
    ['text that fits is the only piece', 'short', 10, 'mastodon', ['short']],
    ['blank text gives no piece', '  \n ', 10, 'mastodon', []],
    ['breaks at the last space that fits', 'one two three four', 9, 'mastodon', ['one two', 'three', 'four']],
    ['prefers a line break to a space', 'aaaa bb\ncc dd', 10, 'mastodon', ['aaaa bb', 'cc dd']],
    [
      'prefers a blank line to a line break',
      'first paragraph\n\nsecond line\nthird',
      30,
      'mastodon',
      ['first paragraph', 'second line\nthird'],
    ],
    [
      'a break that leaves the piece under half full is not taken',
      'a bcdefghijklmn',
      8,
      'mastodon',
      ['a bcdefg', 'hijklmn'],
    ],
    ['a word longer than max is broken', 'abcdefghij', 4, 'mastodon', ['abcd', 'efgh', 'ij']],
    ['graphemes stay whole', `${FAMILY}${FAMILY}${FAMILY}`, 2, 'graphemes', [`${FAMILY}${FAMILY}`, FAMILY]],
    ['code points: an emoji of two code points goes whole', `a${WARNING}b`, 2, 'code-points', ['a', WARNING, 'b']],
    ['a link is not broken and counts 23 on Mastodon', `x ${LONG_URL} y`, 25, 'mastodon', [`x ${LONG_URL}`, 'y']],
    [
      'a mention is not broken',
      'hi @someone@example.org there',
      22,
      'graphemes',
      ['hi', '@someone@example.org', 'there'],
    ],
  ] as const)('%s', (_what, text, max, counting, expected) => {
    expect(splitToLength(text, max, { counting })).toEqual(expected);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => splitToLength('x', 0)).toThrow(RangeError);
  });

  it('every piece fits, and together they keep every non-space character in order', () => {
    const countings: LengthCounting[] = ['mastodon', 'graphemes', 'code-points'];
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom('a', 'bb ', ' ', '\n', '\n\n', FAMILY, E_ACUTE, WARNING, `${LONG_URL} `, '@u@x.org '),
          {
            maxLength: 60,
          },
        ),
        fc.integer({ min: 30, max: 120 }),
        fc.constantFrom(...countings),
        (chunks, max, counting) => {
          const text = chunks.join('');
          const pieces = splitToLength(text, max, { counting });
          for (const piece of pieces) {
            expect(statusLength(piece, { counting })).toBeLessThanOrEqual(max);
            expect(isWellFormed(piece)).toBe(true);
          }
          expect(pieces.join('').replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''));
        },
      ),
      { numRuns: 200 },
    );
  });
});
