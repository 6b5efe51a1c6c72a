import { describe, expect, it } from 'vitest';
import { renderStatusHtml, simpleFormat, tokenizeStatusText } from './status-text.ts';

const options = {
  baseUrl: 'http://fake.test',
  resolveMention: (username: string, domain: string | null) =>
    domain
      ? { url: `https://${domain}/@${username}` }
      : username === 'janitor'
        ? { url: 'http://fake.test/@janitor' }
        : null,
};

describe('tokenizeStatusText', () => {
  it('finds URLs, mentions and hashtags, and leaves neutralised ones as text', () => {
    const kinds = tokenizeStatusText('a https://x.org/#frag @u@d.org #tag @\u200bu@d.org #\u200btag').map(
      (token) => token.kind,
    );
    expect(kinds).toEqual(['text', 'url', 'text', 'mention', 'text', 'hashtag', 'text']);
  });

  it('does not read an email address as a mention', () => {
    expect(tokenizeStatusText('mail admin@example.org').every((token) => token.kind === 'text')).toBe(true);
  });
});

describe('renderStatusHtml', () => {
  it.each([
    ['escapes HTML', '<b>&', '<p>&lt;b&gt;&amp;</p>'],
    ['splits paragraphs on blank lines and breaks lines', 'a\nb\n\nc', '<p>a<br />b</p><p>c</p>'],
    ['leaves an unknown local mention as text', '@nobody hi', '<p>@nobody hi</p>'],
    ['renders blank text as an empty string', '  ', ''],
  ])('%s', (_meaning, text, html) => {
    expect(renderStatusHtml(text, options)).toBe(html);
  });

  it('links a known mention and a hashtag', () => {
    const html = renderStatusHtml('@janitor #Disk', options);
    expect(html).toContain('<a href="http://fake.test/@janitor" class="u-url mention">@<span>janitor</span></a>');
    expect(html).toContain(
      '<a href="http://fake.test/tags/disk" class="mention hashtag" rel="tag">#<span>Disk</span></a>',
    );
  });

  it('simpleFormat wraps a single paragraph', () => {
    expect(simpleFormat('x')).toBe('<p>x</p>');
  });
});
