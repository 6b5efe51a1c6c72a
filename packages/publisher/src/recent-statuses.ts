import type { mastodon } from 'masto';
import { endpoint } from './masto-client.ts';
import { toPublishError } from './publish-error.ts';
import type { StatusDraft } from './status-draft.ts';

/** How many of the account's latest statuses are read (the most servers give in one page). */
const PAGE = 40;
/** Clock skew allowed between this machine and the server when comparing creation times. */
const SKEW_MS = 60_000;

/** What {@link findPostedStatus} needs besides the client. */
export interface FindPostedContext {
  /** Statuses created before this (epoch ms, less a minute of skew) are not candidates. */
  sinceMs: number;
  signal?: AbortSignal;
  /** The server's base URL, for error messages. */
  url: string;
  timeoutMs: number;
  now: () => number;
}

/**
 * The status among the account's latest that has the draft's text, content warning and reply target and was
 * created since `sinceMs`, or undefined. The text is compared as the server shows it: its `text` source when the
 * server returns one, else its HTML `content` turned back into text (tags dropped, `<br>` and paragraphs as line
 * breaks, entities decoded, `@user@domain` shown as `@user`), whitespace collapsed on both sides.
 */
export async function findPostedStatus(
  rest: mastodon.rest.Client,
  accountId: string,
  draft: StatusDraft,
  context: FindPostedContext,
): Promise<{ id: string; url: string | null } | undefined> {
  const path = `/api/v1/accounts/${encodeURIComponent(accountId)}/statuses`;
  let statuses: unknown[];
  try {
    statuses = (await rest.v1.accounts
      .$select(accountId)
      .statuses.list(
        { limit: PAGE },
        context.signal ? { requestInit: { signal: context.signal } } : undefined,
      )) as unknown as unknown[];
  } catch (error) {
    throw toPublishError(error, 'GET', endpoint(context.url, path), {
      timeoutMs: context.timeoutMs,
      now: context.now,
      ...(context.signal ? { signal: context.signal } : {}),
    });
  }
  const wanted = comparable(draft.status);
  const spoiler = (draft.spoilerText ?? '').trim();
  const replyTo = draft.inReplyToId ?? null;
  for (const item of Array.isArray(statuses) ? statuses : []) {
    const status = item as RecentStatus;
    if (typeof status?.id !== 'string') continue;
    const createdAtMs = Date.parse(String(status.createdAt));
    if (Number.isNaN(createdAtMs) || createdAtMs < context.sinceMs - SKEW_MS) continue;
    if ((status.spoilerText ?? '').trim() !== spoiler) continue;
    if ((status.inReplyToId ?? null) !== replyTo) continue;
    const text = typeof status.text === 'string' && status.text !== '' ? status.text : htmlToText(status.content ?? '');
    if (comparable(text) === wanted) return { id: status.id, url: typeof status.url === 'string' ? status.url : null };
  }
  return undefined;
}

/** The fields of a Status this reads (masto camel-cases them). */
interface RecentStatus {
  id?: unknown;
  url?: unknown;
  createdAt?: unknown;
  spoilerText?: string | null;
  inReplyToId?: string | null;
  text?: unknown;
  content?: string | null;
}

/** Status text as servers render and compare it: mentions as `@user`, whitespace collapsed. */
function comparable(text: string): string {
  return text
    .replace(/(@[\p{L}\p{N}_.-]+)@[\p{L}\p{N}_.-]+[\p{L}\p{N}_]/gu, '$1')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** HTML `content` back to plain text: breaks and paragraphs as newlines, tags dropped, entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/giu, '\n')
    .replace(/<\/p>\s*<p[^>]*>/giu, '\n\n')
    .replace(/<[^>]*>/gu, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/giu, (entity, code: string) => {
      if (code.startsWith('#x') || code.startsWith('#X'))
        return String.fromCodePoint(Number.parseInt(code.slice(2), 16));
      if (code.startsWith('#')) return String.fromCodePoint(Number.parseInt(code.slice(1), 10));
      return ENTITIES[code.toLowerCase()] ?? entity;
    });
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00A0' };
