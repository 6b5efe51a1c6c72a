import { cutToLength, type LengthCounting, splitToLength, statusLength } from './cut-to-length.ts';
import type { StatusDraft } from './status-draft.ts';

/** What happens to a status longer than the server's limit: a thread of numbered replies, or a cut with `…`. */
export type LongText = 'thread' | 'truncate';

/** Options of {@link statusParts}. */
export interface StatusPartsOptions {
  /** The server's limit, content warning included. */
  limit: number;
  /** How the server counts. @default 'mastodon' */
  counting?: LengthCounting;
  /** @default 'thread' */
  longText?: LongText;
  /** A mention the status starts with that every part must repeat (a `direct` status's `@user@domain`). */
  mention?: string;
  /** The most parts a thread gets; the last one is cut with `…` when even they cannot hold the text. @default 10 */
  maxParts?: number;
}

/**
 * The statuses a draft becomes under the server's limit: itself when it fits; else, with `longText: 'truncate'`, the
 * text cut with `…`; else a thread: the text split at paragraph, line or word breaks into parts that each end with
 * `(i/n)` on a line of their own and each fit the limit together with the content warning (repeated on every part)
 * and the direct mention. Only the first part keeps the draft's `inReplyToId` and `mediaIds`: whoever posts the
 * thread makes each later part a reply to the one before. A content warning that would leave the text too little room is cut to half
 * the limit.
 *
 * @example statusParts({ status: 'a'.repeat(900), visibility: 'public' }, { limit: 500 }).length // 2
 */
export function statusParts(draft: StatusDraft, options: StatusPartsOptions): StatusDraft[] {
  const { limit, counting = 'mastodon', longText = 'thread', mention, maxParts = 10 } = options;
  const out: StatusDraft = { ...draft };
  // Servers count a content warning at its full length (no link concession).
  const spoilerCounting: LengthCounting = counting === 'mastodon' ? 'graphemes' : counting;
  if (out.spoilerText) {
    const spoilerLength = statusLength(out.spoilerText, { counting: spoilerCounting });
    const textLength = statusLength(out.status, { counting });
    // A content warning that would leave too little room for the text gets at most half the limit.
    if (spoilerLength + textLength > limit && spoilerLength > limit / 2) {
      const room = Math.max(Math.floor(limit / 2), limit - textLength);
      out.spoilerText = cutToLength(out.spoilerText, room, { counting: spoilerCounting });
    }
  }
  const spoilerText = out.spoilerText ?? '';
  if (statusLength(out.status, { spoilerText, counting }) <= limit) return [out];
  const truncated = () => [{ ...out, status: cutToLength(out.status, limit, { spoilerText, counting }) }];
  if (longText === 'truncate') return truncated();

  let prefix = '';
  let body = out.status;
  if (mention && (body.startsWith(`${mention} `) || body.startsWith(`${mention}\n`))) {
    prefix = body.slice(0, mention.length + 1);
    body = body.slice(mention.length + 1);
  }
  const fixed = statusLength(prefix, { spoilerText, counting });
  // The numbering's width depends on how many parts there are: try one digit, widen if the count needs more.
  for (let digits = 1; ; digits++) {
    const room = limit - fixed - numberLength(digits);
    if (room < 1) return truncated();
    let pieces = splitToLength(body, room, { counting });
    if (String(Math.min(pieces.length, maxParts)).length > digits) continue;
    if (pieces.length > maxParts) {
      const rest = pieces.slice(maxParts - 1).join('\n');
      pieces = [...pieces.slice(0, maxParts - 1), cutToLength(rest, room, { counting })];
    }
    const n = pieces.length;
    return pieces.map((piece, i) => {
      const part: StatusDraft = { ...out, status: `${prefix}${piece}\n(${i + 1}/${n})` };
      if (i > 0) {
        delete part.inReplyToId;
        delete part.mediaIds;
      }
      return part;
    });
  }
}

/** The weight of `\n(n/n)` with `digits`-digit numbers: the same in every counting. */
function numberLength(digits: number): number {
  return 4 + 2 * digits;
}
