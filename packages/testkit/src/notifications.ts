import type { FakeAccount, NotificationJson } from './entities.ts';
import type { FlavourProfile } from './flavour.ts';
import { compareIds } from './ids.ts';
import type { RecordedToken } from './oauth.ts';
import { errorReply, jsonReply, type Reply } from './reply.ts';
import type { Params } from './request-body.ts';
import type { RecordedStatus, StatusServer } from './statuses.ts';

/** The notification types the fake creates. */
export type FakeNotificationType = 'mention' | 'favourite';

/** A notification of the bot account, as the fake keeps it. */
export interface RecordedNotification {
  id: string;
  type: FakeNotificationType;
  /** Who mentioned or favourited. */
  accountId: string;
  /** The mentioning status, or the bot's status that was favourited. */
  statusId: string;
  createdAt: string;
  /**
   * Mastodon 4.3+: a private mention from an account the bot does not follow (and not in reply to a private mention
   * of it by the bot). Listed only with `include_filtered=true`, never pushed on a stream.
   */
  filtered: boolean;
}

/** What the notifications need from the rest of the fake. */
export interface NotificationDependencies {
  profile: FlavourProfile;
  now: () => number;
  newId: () => string;
  baseUrl: () => string;
  bot: () => FakeAccount;
  content: StatusServer;
  accountById: (id: string) => FakeAccount | undefined;
  /** Whether the bot follows the account. */
  botFollows: (accountId: string) => boolean;
  /** Push a new notification (already serialised as the bot sees it) to the bot's open streams. */
  push: (notification: NotificationJson) => void;
}

/** The bot's notifications: state, creation and GET /api/v1/notifications. */
export interface NotificationServer {
  readonly notifications: RecordedNotification[];
  /** A mention notification when `status` mentions the bot and is by someone else; null otherwise. */
  mentioned(status: RecordedStatus): RecordedNotification | null;
  /** A favourite notification when `status` is the bot's and `account` someone else; null otherwise. */
  favourited(status: RecordedStatus, account: FakeAccount): RecordedNotification | null;
  json(notification: RecordedNotification): NotificationJson;
  list(query: Params, token: RecordedToken): Reply;
  show(id: string, token: RecordedToken): Reply;
  clear(): void;
}

const DEFAULT_LIMIT = 40;
const MAX_LIMIT = 80;
/** How far up a thread Mastodon looks for a private mention of the sender by the bot. */
const THREAD_DEPTH_LIMIT = 100;

/** A Rails array parameter (`types[]=a&types[]=b`); a scalar is not permitted there and is ignored. */
function arrayParam(value: unknown): string[] | null {
  return Array.isArray(value) ? value.map(String) : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Create the notification side of the fake. */
export function createNotificationServer(deps: NotificationDependencies): NotificationServer {
  const { profile, content } = deps;
  const notifications: RecordedNotification[] = [];
  let sequence = 0;
  const nextId = () => {
    if (profile.notificationIds === 'record') return deps.newId();
    sequence += 1;
    return String(sequence);
  };
  const statusById = (id: string) => content.statuses.find((status) => status.id === id);

  /** Mastodon's `response_to_recipient?`: a private mention of the sender by the bot up the thread. */
  const respondsToBot = (status: RecordedStatus, senderId: string): boolean => {
    let parentId = status.inReplyToId;
    for (let depth = 0; parentId !== null && depth <= THREAD_DEPTH_LIMIT; depth += 1) {
      const parent = statusById(parentId);
      if (!parent) return false;
      if (
        parent.accountId === deps.bot().id &&
        parent.visibility === 'direct' &&
        parent.mentions.some((mention) => mention.id === senderId)
      ) {
        return true;
      }
      parentId = parent.inReplyToId;
    }
    return false;
  };

  const add = (type: FakeNotificationType, status: RecordedStatus, account: FakeAccount, filtered: boolean) => {
    const notification: RecordedNotification = {
      id: nextId(),
      type,
      accountId: account.id,
      statusId: status.id,
      createdAt: new Date(deps.now()).toISOString(),
      filtered,
    };
    notifications.push(notification);
    if (!filtered) deps.push(json(notification));
    return notification;
  };

  const json = (notification: RecordedNotification): NotificationJson => {
    const account = deps.accountById(notification.accountId) as FakeAccount;
    const status = statusById(notification.statusId);
    const out: NotificationJson = {
      id: notification.id,
      type: notification.type,
      created_at: notification.createdAt,
      account: content.accountJsonOf(account),
    };
    if (profile.flavour === 'mastodon') out.group_key = `ungrouped-${notification.id}`;
    if (status) out.status = content.statusJsonOf(status);
    if (notification.filtered) out.filtered = true;
    if (profile.flavour === 'pleroma' || profile.flavour === 'akkoma')
      out.pleroma = { is_seen: false, is_muted: false };
    return out;
  };

  /** Notifications a listing may show: of a status that still exists, and not filtered unless asked. */
  const listable = (notification: RecordedNotification, includeFiltered: boolean) => {
    const status = statusById(notification.statusId);
    return status !== undefined && status.deletedAt === null && (includeFiltered || !notification.filtered);
  };

  return {
    notifications,

    mentioned(status) {
      const bot = deps.bot();
      if (status.accountId === bot.id || !status.mentions.some((mention) => mention.id === bot.id)) return null;
      const sender = deps.accountById(status.accountId) as FakeAccount;
      const filtered =
        profile.filtersPrivateMentions &&
        status.visibility === 'direct' &&
        !deps.botFollows(sender.id) &&
        !respondsToBot(status, sender.id);
      return add('mention', status, sender, filtered);
    },

    favourited(status, account) {
      if (status.accountId !== deps.bot().id || account.id === deps.bot().id) return null;
      return add('favourite', status, account, false);
    },

    json,

    list(query, token) {
      if (token.accountId !== deps.bot().id) return jsonReply(200, []);
      const include = arrayParam(query[profile.notificationFilters.include]);
      const exclude = arrayParam(query[profile.notificationFilters.exclude]);
      const includeFiltered =
        profile.filtersPrivateMentions && ['true', '1', 't', 'on'].includes(String(query.include_filtered));
      const limitRaw = Number(text(query.limit) ?? DEFAULT_LIMIT);
      const limit = Number.isInteger(limitRaw) && limitRaw > 0 ? Math.min(limitRaw, MAX_LIMIT) : DEFAULT_LIMIT;
      const maxId = text(query.max_id);
      const sinceId = text(query.since_id);
      const minId = text(query.min_id);
      const accountId = text(query.account_id);
      const candidates = notifications
        .filter((notification) => listable(notification, includeFiltered))
        .filter((notification) => !include || include.includes(notification.type))
        .filter((notification) => !exclude?.includes(notification.type))
        .filter((notification) => !accountId || notification.accountId === accountId)
        .filter((notification) => !maxId || compareIds(notification.id, maxId) < 0)
        .filter((notification) => !sinceId || compareIds(notification.id, sinceId) > 0)
        .filter((notification) => !minId || compareIds(notification.id, minId) > 0)
        .sort((a, b) => compareIds(b.id, a.id));
      // min_id pages forward: the notifications right after min_id, answered newest first like every page.
      const page = minId ? candidates.slice(-limit) : candidates.slice(0, limit);
      const headers: Record<string, string> = {};
      const first = page[0];
      const last = page.at(-1);
      if (first && last) {
        const link = (key: 'max_id' | 'min_id', value: string) => {
          // Like Mastodon's pagination_params: the filters and limit are kept, since_id is not.
          const url = new URL('/api/v1/notifications', deps.baseUrl());
          url.searchParams.set('limit', String(limit));
          for (const type of include ?? []) url.searchParams.append(`${profile.notificationFilters.include}[]`, type);
          for (const type of exclude ?? []) url.searchParams.append(`${profile.notificationFilters.exclude}[]`, type);
          if (accountId) url.searchParams.set('account_id', accountId);
          if (includeFiltered) url.searchParams.set('include_filtered', 'true');
          url.searchParams.set(key, value);
          return url.toString();
        };
        // Mastodon gives `next` only after a full page; the others whenever the page has anything.
        const links: string[] = [];
        if (profile.flavour !== 'mastodon' || page.length === limit)
          links.push(`<${link('max_id', last.id)}>; rel="next"`);
        links.push(`<${link('min_id', first.id)}>; rel="prev"`);
        headers.link = links.join(', ');
      }
      return jsonReply(200, page.map(json), headers);
    },

    show(id, token) {
      const notification = notifications.find((candidate) => candidate.id === id);
      if (!notification || token.accountId !== deps.bot().id || !listable(notification, true)) {
        return errorReply(profile.errors.notFound);
      }
      return jsonReply(200, json(notification));
    },

    clear() {
      notifications.length = 0;
    },
  };
}
