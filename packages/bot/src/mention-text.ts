// A mention's HTML, as Mastodon, Pleroma, Akkoma and GoToSocial send it, made the words a command is read from.

const NAMED_ENTITIES: Readonly<Record<string, string>> = Object.freeze({
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
});

// A mention as the servers find them (`@user`, `@user@domain`, fullwidth `＠` too): an `@` that no word character,
// `/` or `=` precedes (those are e-mail addresses and links, left alone), then a username and maybe a domain.
const MENTION = /(?<![\p{L}\p{M}\p{N}\p{Pc}/=])[@＠][\p{L}\p{M}\p{N}_.-]+(?:@[\p{L}\p{M}\p{N}_.:-]+)?/gu;
// Zero-width characters (Janitor's own neutralizer among them) and the byte-order mark: invisible, never a word.
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF]/g;

/**
 * The plain words of a status's HTML content: line breaks and paragraphs become spaces, every other tag is dropped
 * (the h-card spans of a mention, links, the `invisible` parts of a shortened link), entities are decoded (`&amp;`,
 * `&#39;`, `&#x27;`, `&nbsp;`), every mention is removed (`@janitor`, `@owner@example.social`), and white space is
 * collapsed. Tags are dropped before entities are decoded, so an escaped `&lt;p&gt;` stays text.
 *
 * @example mentionText('<p><span class="h-card"><a href="https://example.social/@janitor" class="u-url mention">@<span>janitor</span></a></span> status pi1</p>') // 'status pi1'
 */
export function mentionText(html: string): string {
  const text = html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<br\s*\/?>|<\/p\s*>|<p(?:\s[^>]*)?>/gi, ' ')
    .replace(/<\/?[a-z][^>]*>/gi, '');
  return decodeEntities(text).replace(INVISIBLE, '').replace(MENTION, ' ').replace(/\s+/g, ' ').trim();
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      // A NUL, a surrogate or a number past Unicode is no character: the entity stays as written.
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
  });
}
