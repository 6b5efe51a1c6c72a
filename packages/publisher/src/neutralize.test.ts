import { describe, expect, it } from 'vitest';
import { NEUTRALIZER, neutralize } from './neutralize.ts';

const Z = NEUTRALIZER;

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

  it('leaves hashtags alone with hashtags: false, still breaking mentions', () => {
    expect(neutralize('#deploy by @ci', { hashtags: false })).toBe(`#deploy by @${Z}ci`);
  });

  it('is idempotent', () => {
    const once = neutralize('@a@b.org #x @c');
    expect(neutralize(once)).toBe(once);
  });
});
