/** A mention or a hashtag found in status text, with where it sits. */
export type TextEntity =
  | { kind: 'url'; text: string; url: string }
  | { kind: 'mention'; text: string; username: string; domain: string | null }
  | { kind: 'hashtag'; text: string; name: string };

/** A run of plain text or an entity, in order. */
export type TextToken = { kind: 'text'; text: string } | TextEntity;

// One pass over the text: URL first (a URL may contain `@` or `#`), then mention, then hashtag.
const TOKEN_PATTERN = new RegExp(
  [
    String.raw`(?<url>https?:\/\/[^\s<>"'\x60]*[^\s<>"'\x60.,:;!?)\]}])`,
    String.raw`(?<![\p{L}\p{N}_=/])@(?<user>[a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@(?<domain>[\p{L}\p{N}_.-]+[\p{L}\p{N}_]+))?`,
    String.raw`(?<![\p{L}\p{N}_=/)&])#(?<tag>[\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*)`,
  ].join('|'),
  'giu',
);

/** Split status text into plain runs, URLs, mentions (`@user`, `@user@domain`) and hashtags, as Mastodon links them. */
export function tokenizeStatusText(text: string): TextToken[] {
  const tokens: TextToken[] = [];
  let cursor = 0;
  for (const match of text.matchAll(TOKEN_PATTERN)) {
    const index = match.index ?? 0;
    if (index > cursor) tokens.push({ kind: 'text', text: text.slice(cursor, index) });
    const groups = match.groups ?? {};
    if (groups.url) tokens.push({ kind: 'url', text: match[0], url: groups.url });
    else if (groups.user)
      tokens.push({ kind: 'mention', text: match[0], username: groups.user, domain: groups.domain ?? null });
    else tokens.push({ kind: 'hashtag', text: match[0], name: groups.tag ?? '' });
    cursor = index + match[0].length;
  }
  if (cursor < text.length) tokens.push({ kind: 'text', text: text.slice(cursor) });
  return tokens;
}

/** Escape text for HTML the way Rails' `h` does. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Rails' `simple_format` as Mastodon applies it: blank lines split paragraphs, single newlines become `<br />`. */
export function simpleFormat(html: string): string {
  const paragraphs = html
    .replaceAll('\r\n', '\n')
    .split(/\n\s*\n/)
    .filter((paragraph) => paragraph.length > 0);
  if (paragraphs.length === 0) return '<p></p>';
  return paragraphs.map((paragraph) => `<p>${paragraph.replaceAll('\n', '<br />')}</p>`).join('');
}

/** How a mention should be linked, or null when it names nobody the server knows (Mastodon leaves it as text). */
export type MentionResolver = (username: string, domain: string | null) => { url: string } | null;

/**
 * Render plain status text to the HTML `content` of a Status: escaped, URLs, known mentions and hashtags linked,
 * paragraphs and line breaks as Mastodon's plain-text formatter writes them.
 */
export function renderStatusHtml(text: string, options: { baseUrl: string; resolveMention: MentionResolver }): string {
  const render = (token: TextToken): string => {
    if (token.kind === 'url') {
      const url = escapeHtml(token.url);
      return `<a href="${url}" target="_blank" rel="nofollow noopener" translate="no">${url}</a>`;
    }
    if (token.kind === 'mention') {
      const target = options.resolveMention(token.username, token.domain);
      if (!target) return escapeHtml(token.text);
      return `<span class="h-card" translate="no"><a href="${escapeHtml(target.url)}" class="u-url mention">@<span>${escapeHtml(token.username)}</span></a></span>`;
    }
    if (token.kind === 'hashtag') {
      const href = escapeHtml(`${options.baseUrl}/tags/${encodeURIComponent(token.name.toLowerCase())}`);
      return `<a href="${href}" class="mention hashtag" rel="tag">#<span>${escapeHtml(token.name)}</span></a>`;
    }
    return escapeHtml(token.text);
  };
  // Mastodon's TextFormatter returns an empty string for blank text (a media-only post has no <p>).
  if (text.trim() === '') return '';
  return simpleFormat(tokenizeStatusText(text).map(render).join(''));
}
