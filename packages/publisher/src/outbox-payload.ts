import type { AnswerPost, MergedPost, PostItem } from './post-item.ts';
import type { Publisher } from './publisher.ts';
import type { StatusDraft } from './status-draft.ts';

/** What the worker records in an entry while posting it, so that a later attempt resumes instead of repeating. */
export interface PostProgress {
  /**
   * A thread under way: its parts as first computed, and the ids of those already posted (in order) with their
   * addresses (`postedUrls`, same order; absent in entries saved by older versions).
   */
  thread?: { parts: StatusDraft[]; postedIds: string[]; postedUrls?: (string | null)[] };
  /**
   * Part `part` was sent but no answer came (a timeout, a broken connection): it may exist. `sinceMs` is when it was
   * first sent. Such an entry is never merged, and on GoToSocial (which ignores `Idempotency-Key`) the account's
   * latest statuses are read before it is sent again.
   */
  unconfirmed?: { part: number; sinceMs: number };
  /** The status its thread continued was gone (404/422): it is posted on its own. */
  replyDropped?: boolean;
  /** The media it carries, uploaded at its first attempt (none when that failed): not uploaded again. */
  mediaIds?: string[];
}

/** What the outbox holds for one entry. */
export type OutboxPayload = (PostItem | MergedPost | AnswerPost) & PostProgress;

/** True for a payload the worker knows how to post. */
export function isOutboxPayload(value: unknown): value is OutboxPayload {
  if (typeof value !== 'object' || value === null) return false;
  const payload = value as { kind?: unknown; message?: unknown; report?: unknown; items?: unknown; answer?: unknown };
  if (payload.kind === 'message') return typeof payload.message === 'object' && payload.message !== null;
  if (payload.kind === 'report') return typeof payload.report === 'object' && payload.report !== null;
  if (payload.kind === 'merged') return Array.isArray(payload.items) && payload.items.every(isOutboxPayload);
  if (payload.kind === 'answer') return typeof payload.answer === 'object' && payload.answer !== null;
  return false;
}

/**
 * One merged post for `hostname` holding every post of `payloads` in order (merged ones are flattened), without the
 * progress of any of them: only payloads never (possibly) posted may be merged.
 */
export function mergePayloads(hostname: string, payloads: readonly OutboxPayload[]): MergedPost {
  const items: PostItem[] = [];
  for (const payload of payloads) {
    if (payload.kind === 'merged') items.push(...payload.items.map(itemOnly));
    // An answer is a reply to someone: never merged (it has no group); kept out should one be given.
    else if (payload.kind !== 'answer') items.push(itemOnly(payload));
  }
  return { kind: 'merged', hostname, items };
}

/** The status a payload becomes (not yet cut or split to the server's limit). */
export function payloadDraft(publisher: Publisher, payload: OutboxPayload): StatusDraft {
  if (payload.kind === 'message') return publisher.render(payload.message);
  if (payload.kind === 'report') return publisher.renderReport(payload.report);
  if (payload.kind === 'answer') return publisher.renderAnswer(payload.answer);
  return publisher.renderMerged(payload);
}

function itemOnly(item: PostItem): PostItem {
  return item.kind === 'message' ? { kind: 'message', message: item.message } : { kind: 'report', report: item.report };
}
