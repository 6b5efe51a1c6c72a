/** The visibilities every flavour accepts. */
export type StatusVisibility = 'public' | 'unlisted' | 'private' | 'direct';

/** An account the fake knows: the bot account, a password-grant user, or one that mentioned the bot. */
export interface FakeAccount {
  id: string;
  username: string;
  displayName: string;
  /** Login name for the password grant besides the username. */
  email: string | null;
  createdAt: string;
  /** The account's server for a remote account (`example.social`); absent for local ones. */
  domain?: string;
  /** Whether the profile says it is a bot. @default true */
  bot?: boolean;
}

/** Account entity as served (snake_case JSON, https://docs.joinmastodon.org/entities/Account/). */
export interface AccountJson {
  id: string;
  username: string;
  acct: string;
  display_name: string;
  locked: boolean;
  bot: boolean;
  discoverable: boolean;
  group: boolean;
  created_at: string;
  note: string;
  url: string;
  uri: string;
  avatar: string;
  avatar_static: string;
  header: string;
  header_static: string;
  followers_count: number;
  following_count: number;
  statuses_count: number;
  last_status_at: string | null;
  emojis: unknown[];
  fields: unknown[];
  source?: { privacy: string; sensitive: boolean; language: string | null; note: string; fields: unknown[] };
}

/** MediaAttachment entity as served (https://docs.joinmastodon.org/entities/MediaAttachment/). */
export interface MediaAttachmentJson {
  id: string;
  type: 'image' | 'gifv' | 'video' | 'audio' | 'unknown';
  url: string | null;
  preview_url: string | null;
  remote_url: null;
  preview_remote_url: null;
  text_url: null;
  meta: Record<string, unknown> | null;
  description: string | null;
  blurhash: string | null;
}

/** Status mention as served. */
export interface MentionJson {
  id: string;
  username: string;
  url: string;
  acct: string;
}

/** Status entity as served (https://docs.joinmastodon.org/entities/Status/). */
export interface StatusJson {
  id: string;
  created_at: string;
  in_reply_to_id: string | null;
  in_reply_to_account_id: string | null;
  sensitive: boolean;
  spoiler_text: string;
  visibility: string;
  language: string | null;
  uri: string;
  url: string;
  replies_count: number;
  reblogs_count: number;
  favourites_count: number;
  quotes_count: number;
  edited_at: string | null;
  favourited: boolean;
  reblogged: boolean;
  muted: boolean;
  bookmarked: boolean;
  pinned: boolean;
  content: string;
  filtered: unknown[];
  reblog: null;
  application: { name: string; website: string | null } | null;
  account: AccountJson;
  media_attachments: MediaAttachmentJson[];
  mentions: MentionJson[];
  tags: { name: string; url: string }[];
  emojis: unknown[];
  card: null;
  poll: null;
  /** Only on the answer to DELETE, as Mastodon does (the source text for delete-and-redraft). */
  text?: string;
}

/** Notification entity as served (https://docs.joinmastodon.org/entities/Notification/). */
export interface NotificationJson {
  id: string;
  type: string;
  created_at: string;
  /** Mastodon 4.3+: `ungrouped-<id>` for types it does not group. */
  group_key?: string;
  account: AccountJson;
  status?: StatusJson;
  /** Mastodon 4.3+: present (true) on a filtered notification, which only `include_filtered=true` lists. */
  filtered?: boolean;
  /** Pleroma and Akkoma. */
  pleroma?: { is_seen: boolean; is_muted: boolean };
}

/** Application entity as served by POST /api/v1/apps (https://docs.joinmastodon.org/entities/Application/). */
export interface ApplicationJson {
  id: string;
  name: string;
  website: string | null;
  scopes: string[];
  redirect_uris: string[];
  redirect_uri: string;
  vapid_key: string;
  client_id?: string;
  client_secret?: string;
  client_secret_expires_at?: number;
}

/** Build the Account entity of a fake account. */
export function accountJson(
  account: FakeAccount,
  context: { baseUrl: string; statusesCount: number; lastStatusAt: string | null; withSource?: boolean },
): AccountJson {
  const home = account.domain ? `https://${account.domain}` : context.baseUrl;
  const url = `${home}/@${account.username}`;
  const missing = `${context.baseUrl}/avatars/original/missing.png`;
  const json: AccountJson = {
    id: account.id,
    username: account.username,
    acct: account.domain ? `${account.username}@${account.domain}` : account.username,
    display_name: account.displayName,
    locked: false,
    bot: account.bot ?? true,
    discoverable: false,
    group: false,
    created_at: account.createdAt,
    note: '',
    url,
    uri: `${home}/users/${account.username}`,
    avatar: missing,
    avatar_static: missing,
    header: `${context.baseUrl}/headers/original/missing.png`,
    header_static: `${context.baseUrl}/headers/original/missing.png`,
    followers_count: 0,
    following_count: 0,
    statuses_count: context.statusesCount,
    last_status_at: context.lastStatusAt,
    emojis: [],
    fields: [],
  };
  if (context.withSource) json.source = { privacy: 'public', sensitive: false, language: null, note: '', fields: [] };
  return json;
}

/** The MediaAttachment type Mastodon derives from a file's content type, or null when it refuses the type. */
export function mediaTypeOf(contentType: string): MediaAttachmentJson['type'] | null {
  const type = contentType.toLowerCase();
  if (type === 'image/gif') return 'gifv';
  if (['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif', 'image/avif'].includes(type))
    return 'image';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return 'audio';
  return null;
}
