import type { mastodon } from 'masto';
import { compareIds } from './ids.ts';
import { INCOMING_TYPES, type IncomingNotification, toIncomingNotification } from './incoming-notification.ts';
import { toListenError } from './listen-error.ts';
import { endpoint } from './masto-client.ts';
import type { InstanceType } from './status-draft.ts';

/** The most notifications Mastodon gives in one page. */
export const NOTIFICATIONS_PAGE = 80;
const NOTIFICATIONS_PATH = '/api/v1/notifications';

/** What {@link readNotificationsSince} needs besides the client. */
export interface ReadNotificationsContext {
  /** The server's base URL, for error messages. */
  url: string;
  instanceType: InstanceType;
  timeoutMs: number;
  now: () => number;
  signal?: AbortSignal;
}

/**
 * The query of GET /api/v1/notifications for the server family (masto snake-cases the keys): Pleroma and Akkoma
 * filter with `include_types[]`, the others with `types[]`; Mastodon 4.3+ leaves out private mentions from accounts
 * the bot does not follow unless `include_filtered=true`.
 */
export function notificationsQuery(instanceType: InstanceType, limit: number): Record<string, unknown> {
  const types = [...INCOMING_TYPES];
  switch (instanceType) {
    case 'pleroma':
    case 'akkoma':
      return { limit, includeTypes: types };
    case 'mastodon':
      return { limit, types, includeFiltered: true };
    case 'gotosocial':
      return { limit, types };
  }
}

/**
 * Every mention and favourite notification newer than `sinceId` (all of them without it), oldest first: reads the
 * newest page, then follows the `Link` header's `next` pages until it reaches `sinceId` (servers drop `since_id` from
 * that link). Types the server did not filter out (old GoToSocial ignores `types[]`) are dropped here.
 */
export async function readNotificationsSince(
  client: mastodon.rest.Client,
  sinceId: string | undefined,
  context: ReadNotificationsContext,
): Promise<IncomingNotification[]> {
  const { signal } = context;
  const where = endpoint(context.url, NOTIFICATIONS_PATH);
  const params = notificationsQuery(context.instanceType, NOTIFICATIONS_PAGE);
  if (sinceId !== undefined) params.sinceId = sinceId;
  const newestFirst: unknown[] = [];
  let oldest: string | undefined;
  try {
    signal?.throwIfAborted();
    pages: for await (const page of client.v1.notifications.list(params as never)) {
      if (!Array.isArray(page) || page.length === 0) break;
      for (const item of page as unknown[]) {
        const id = (item as { id?: unknown } | null)?.id;
        if (typeof id !== 'string') continue;
        if (sinceId !== undefined && compareIds(id, sinceId) <= 0) break pages;
        // Every id must be older than the one before: a server that ignores max_id would serve the same page forever.
        if (oldest !== undefined && compareIds(id, oldest) >= 0) break pages;
        oldest = id;
        newestFirst.push(item);
      }
      signal?.throwIfAborted();
    }
  } catch (error) {
    throw toListenError(error, 'read notifications', 'GET', where, {
      timeoutMs: context.timeoutMs,
      now: context.now,
      ...(signal ? { signal } : {}),
    });
  }
  const out: IncomingNotification[] = [];
  for (const item of newestFirst.reverse()) {
    const notification = toIncomingNotification(item);
    if (notification) out.push(notification);
  }
  return out;
}
