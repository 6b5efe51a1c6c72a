import type { Visibility } from './status-draft.ts';

/** An account as a notification names it. */
export interface IncomingAccount {
  id: string;
  /** As the server gives it: `user` for a local account, `user@domain` for a remote one. */
  acct: string;
  /** The profile page. */
  url: string;
}

/** A mention of the bot or a favourite of one of its statuses, the same on every server family. */
export interface IncomingNotification {
  /** The notification's id: the cursor of {@link Publisher.notificationsSince}. */
  id: string;
  type: 'mention' | 'favourite';
  /** ISO 8601. */
  createdAt: string;
  /** Who mentioned or favourited. */
  account: IncomingAccount;
  /** The mentioning status, or the bot's own status that was favourited. */
  status: {
    id: string;
    /**
     * Who may see it. A server's own visibilities become the nearest narrower one: Pleroma's `local` and `list` and
     * GoToSocial's `mutuals_only` are `private`; anything unknown is `direct`.
     */
    visibility: Visibility;
    /** HTML as the server sends it. */
    content: string;
    inReplyToId: string | null;
    mentions: IncomingAccount[];
  };
}

/** The notification types Janitor acts on. */
export const INCOMING_TYPES: readonly IncomingNotification['type'][] = ['mention', 'favourite'];

const VISIBILITIES: readonly Visibility[] = ['public', 'unlisted', 'private', 'direct'];
const NARROWER: Record<string, Visibility> = { local: 'private', list: 'private', mutuals_only: 'private' };

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function account(value: unknown): IncomingAccount | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, acct, username, url } = value as Record<string, unknown>;
  const handle = text(acct) ?? text(username);
  if (text(id) === undefined || !handle) return undefined;
  return { id: id as string, acct: handle, url: text(url) ?? '' };
}

function visibility(value: unknown): Visibility {
  const given = text(value) ?? '';
  return (VISIBILITIES as readonly string[]).includes(given) ? (given as Visibility) : (NARROWER[given] ?? 'direct');
}

/**
 * A Notification entity as masto hands it over (camel-cased keys), as an {@link IncomingNotification}; undefined for
 * another type, or one without the account or status it needs.
 */
export function toIncomingNotification(value: unknown): IncomingNotification | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const raw = value as Record<string, unknown>;
  const type = text(raw.type);
  if (!(INCOMING_TYPES as readonly string[]).includes(type ?? '')) return undefined;
  const id = text(raw.id);
  const from = account(raw.account);
  const status = raw.status as Record<string, unknown> | null | undefined;
  if (!id || !from || typeof status !== 'object' || status === null || !text(status.id)) return undefined;
  const mentions = Array.isArray(status.mentions) ? status.mentions.map(account) : [];
  return {
    id,
    type: type as IncomingNotification['type'],
    createdAt: text(raw.createdAt) ?? '',
    account: from,
    status: {
      id: status.id as string,
      visibility: visibility(status.visibility),
      content: text(status.content) ?? '',
      inReplyToId: text(status.inReplyToId) ?? null,
      mentions: mentions.filter((mention): mention is IncomingAccount => mention !== undefined),
    },
  };
}
