import { randomUUID } from 'node:crypto';
import { countCharacters } from './character-count.ts';
import {
  type AccountJson,
  accountJson,
  type FakeAccount,
  type MediaAttachmentJson,
  type MentionJson,
  mediaTypeOf,
  type StatusJson,
  type StatusVisibility,
} from './entities.ts';
import { rateLimitHeaders } from './faults.ts';
import type { FlavourProfile } from './flavour.ts';
import { compareIds } from './ids.ts';
import type { RecordedApp, RecordedToken } from './oauth.ts';
import { errorReply, jsonReply, type Reply } from './reply.ts';
import { isUploadedFile, type Params } from './request-body.ts';
import { renderStatusHtml, tokenizeStatusText } from './status-text.ts';

/** A status the fake created, with what the client sent. */
export interface RecordedStatus {
  id: string;
  /** The `status` parameter as received ('' when absent). */
  status: string;
  spoilerText: string;
  visibility: string;
  sensitive: boolean;
  language: string | null;
  /** The `content_type` parameter as received (recorded for every flavour, honoured by Pleroma/Akkoma/GoToSocial). */
  contentType: string | null;
  inReplyToId: string | null;
  mediaIds: string[];
  /** The `Idempotency-Key` header as received. */
  idempotencyKey: string | null;
  /** Every parsed body parameter, snake_case as sent. */
  params: Params;
  accountId: string;
  /** The access token used. */
  accessToken: string;
  createdAt: string;
  deletedAt: string | null;
  /** The rendered HTML `content`. */
  content: string;
  /** Accounts the text mentions and the server would notify (`@user@domain` and known local `@user`). */
  mentions: MentionJson[];
  /** Hashtags the text creates. */
  tags: string[];
}

/** A media attachment uploaded to the fake. */
export interface RecordedMedia {
  id: string;
  type: MediaAttachmentJson['type'];
  filename: string;
  contentType: string;
  size: number;
  bytes: Uint8Array;
  description: string | null;
  focus: string | null;
  accountId: string;
  statusId: string | null;
  /**
   * False while "processing": a v2 upload answered 202 (video and audio, or every file with `mediaProcessing`) until
   * GET /api/v1/media/:id has answered 206 `pendingPolls` times.
   */
  processed: boolean;
  /** How many more GET /api/v1/media/:id answer 206 before the attachment is processed. */
  pendingPolls: number;
  createdAt: string;
}

/** What the status endpoints need from the rest of the fake. */
export interface StatusDependencies {
  profile: FlavourProfile;
  now: () => number;
  newId: () => string;
  baseUrl: () => string;
  maxCharacters: number;
  accounts: () => readonly FakeAccount[];
  /** Remember an account created on the fly (a remote account mentioned, or one that mentions the bot). */
  addAccount: (account: FakeAccount) => void;
  /** Whether `followerId` follows `targetId` (only the bot follows anyone: `fake.follow`). */
  follows: (followerId: string, targetId: string) => boolean;
  apps: () => readonly RecordedApp[];
  onStatus?: ((status: RecordedStatus) => void) | undefined;
  /** Called after every status is created, through the API or by `fake.mention` (notifications hook in here). */
  onCreated?: ((status: RecordedStatus) => void) | undefined;
  /** Posting limit per account (Mastodon: 300 / 3 h on successful posts; Pleroma: 15 / 10 s on attempts). */
  postRateLimit: { limit: number; windowMs: number } | null;
  /** Upload limit per account, counted on every POST /api/v1/media and /api/v2/media (Mastodon: 30 / 30 min). */
  mediaRateLimit: { limit: number; windowMs: number } | null;
  /**
   * With a number, every v2 upload answers 202 and that many polls answer 206 before it is processed; null: images
   * are processed at once (200), video and audio at the first poll.
   */
  mediaProcessing: number | null;
}

/** What {@link StatusServer.insert} needs for a status written by someone other than the API client. */
export interface InsertedStatus {
  text: string;
  visibility: StatusVisibility;
  inReplyToId: string | null;
}

/** Statuses, media and accounts: state and endpoints. */
export interface StatusServer {
  readonly statuses: RecordedStatus[];
  readonly media: RecordedMedia[];
  create(params: Params, token: RecordedToken, idempotencyKey: string | null): Reply;
  show(id: string, viewer: RecordedToken | null): Reply;
  remove(id: string, token: RecordedToken): Reply;
  accountStatuses(accountId: string, query: Params, viewer: RecordedToken | null, requestUrl: URL): Reply;
  account(id: string): Reply;
  verifyCredentials(token: RecordedToken): Reply;
  upload(params: Params, token: RecordedToken, version: 1 | 2): Reply;
  showMedia(id: string, token: RecordedToken): Reply;
  updateMedia(id: string, params: Params, token: RecordedToken): Reply;
  accountJsonOf(account: FakeAccount, withSource?: boolean): AccountJson;
  /** The Status entity of a record. */
  statusJsonOf(record: RecordedStatus): StatusJson;
  /** Whether the holder of `viewer` may see the status (author, mentioned, follower for private, anyone for public). */
  visibleTo(record: RecordedStatus, viewer: { accountId: string | null } | null): boolean;
  /** The account for `user` (local) or `user@domain` (remote), created when unknown. Throws on a malformed handle. */
  ensureAccount(handle: string): FakeAccount;
  /** Create a status written by `account` (no validation, no limits), as if it arrived from its server. */
  insert(account: FakeAccount, status: InsertedStatus): RecordedStatus;
  /** Record a favourite of a status by an account; false when it had favourited it already. */
  favourite(statusId: string, accountId: string): boolean;
  clear(): void;
}

const VISIBILITIES: readonly StatusVisibility[] = ['public', 'unlisted', 'private', 'direct'];
const MASTODON_IDEMPOTENCY_KEY = (accountId: string, key: string) => `${accountId}\u0000${key}`;

function asText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

function asBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return ['true', '1', 'on', 't'].includes(value.toLowerCase());
  if (typeof value === 'number') return value !== 0;
  return false;
}

function validLanguage(value: string | null): string | null {
  return value && /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$/.test(value) ? value : null;
}

/** Create the status/media/account side of the fake. */
export function createStatusServer(deps: StatusDependencies): StatusServer {
  const statuses: RecordedStatus[] = [];
  const media: RecordedMedia[] = [];
  const idempotency = new Map<string, { statusId: string; expiresAt: number }>();
  const postWindows = new Map<string, { windowStart: number; count: number }>();
  const mediaWindows = new Map<string, { windowStart: number; count: number }>();
  const favourites = new Map<string, Set<string>>();
  const iso = () => new Date(deps.now()).toISOString();
  const { profile } = deps;

  const findAccount = (id: string) => deps.accounts().find((account) => account.id === id);
  const ownHost = () => new URL(deps.baseUrl()).host.toLowerCase();
  const localAccount = (username: string) =>
    deps.accounts().find((account) => !account.domain && account.username.toLowerCase() === username.toLowerCase());
  const remoteAccount = (username: string, domain: string) =>
    deps
      .accounts()
      .find(
        (account) =>
          account.domain?.toLowerCase() === domain.toLowerCase() &&
          account.username.toLowerCase() === username.toLowerCase(),
      );
  const newAccount = (username: string, domain: string | null): FakeAccount => {
    const account: FakeAccount = { id: deps.newId(), username, displayName: username, email: null, createdAt: iso() };
    if (domain !== null) account.domain = domain;
    account.bot = false;
    deps.addAccount(account);
    return account;
  };
  const mentionOf = (account: FakeAccount): MentionJson => {
    const json = accountJsonOf(account);
    return { id: account.id, username: account.username, url: json.url, acct: json.acct };
  };
  const liveStatuses = () => statuses.filter((status) => status.deletedAt === null);

  const accountJsonOf = (account: FakeAccount, withSource = false): AccountJson => {
    const own = liveStatuses().filter((status) => status.accountId === account.id);
    const last = own.at(-1);
    return accountJson(account, {
      baseUrl: deps.baseUrl(),
      statusesCount: own.length,
      lastStatusAt: last ? last.createdAt.slice(0, 10) : null,
      withSource,
    });
  };

  const mediaJson = (item: RecordedMedia): MediaAttachmentJson => {
    const base = `${deps.baseUrl()}/system/media_attachments/files/${item.id}`;
    return {
      id: item.id,
      type: item.type,
      url: item.processed ? `${base}/original/${encodeURIComponent(item.filename)}` : null,
      preview_url: item.processed ? `${base}/small/${encodeURIComponent(item.filename)}` : null,
      remote_url: null,
      preview_remote_url: null,
      text_url: null,
      meta: item.focus ? { focus: parseFocus(item.focus) } : {},
      description: item.description,
      blurhash: null,
    };
  };

  const statusUrls = (account: FakeAccount, id: string) => {
    const base = deps.baseUrl();
    switch (profile.flavour) {
      case 'pleroma':
      case 'akkoma':
        return { url: `${base}/notice/${id}`, uri: `${base}/objects/${randomUUID()}` };
      case 'gotosocial':
        return {
          url: `${base}/@${account.username}/statuses/${id}`,
          uri: `${base}/users/${account.username}/statuses/${id}`,
        };
      case 'mastodon':
        return { url: `${base}/@${account.username}/${id}`, uri: `${base}/users/${account.username}/statuses/${id}` };
    }
  };
  const urlsById = new Map<string, { url: string; uri: string }>();

  const applications = new Map<string, { name: string; website: string | null }>();
  const applicationOf = (record: RecordedStatus) => applications.get(record.id) ?? { name: 'Web', website: null };

  const statusJson = (record: RecordedStatus, withSource = false): StatusJson => {
    const account = findAccount(record.accountId) as FakeAccount;
    const parent = record.inReplyToId ? statuses.find((status) => status.id === record.inReplyToId) : undefined;
    const urls = urlsById.get(record.id) ?? statusUrls(account, record.id);
    const json: StatusJson = {
      id: record.id,
      created_at: record.createdAt,
      in_reply_to_id: record.inReplyToId,
      in_reply_to_account_id: parent ? parent.accountId : null,
      sensitive: record.sensitive,
      spoiler_text: record.spoilerText,
      visibility: record.visibility,
      language: record.language,
      uri: urls.uri,
      url: urls.url,
      replies_count: liveStatuses().filter((status) => status.inReplyToId === record.id).length,
      reblogs_count: 0,
      favourites_count: favourites.get(record.id)?.size ?? 0,
      quotes_count: 0,
      edited_at: null,
      favourited: false,
      reblogged: false,
      muted: false,
      bookmarked: false,
      pinned: false,
      content: record.content,
      filtered: [],
      reblog: null,
      application: applicationOf(record),
      account: accountJsonOf(account),
      media_attachments: record.mediaIds
        .map((id) => media.find((item) => item.id === id))
        .filter((item): item is RecordedMedia => item !== undefined)
        .map(mediaJson),
      mentions: record.mentions,
      tags: record.tags.map((name) => ({ name, url: `${deps.baseUrl()}/tags/${encodeURIComponent(name)}` })),
      emojis: [],
      card: null,
      poll: null,
    };
    if (withSource) json.text = record.status;
    return json;
  };

  const resolveMention = (username: string, domain: string | null): MentionJson | null => {
    if (domain === null || domain.toLowerCase() === ownHost()) {
      const local = localAccount(username);
      return local ? mentionOf(local) : null;
    }
    // A remote account: assume WebFinger would find it, since a real server would then notify it.
    return mentionOf(remoteAccount(username, domain) ?? newAccount(username, domain));
  };

  const renderContent = (text: string, contentType: string | null): string => {
    if ((profile.flavour === 'pleroma' || profile.flavour === 'akkoma') && contentType === 'text/html') return text;
    const html = renderStatusHtml(text, {
      baseUrl: deps.baseUrl(),
      resolveMention: (username, domain) => resolveMention(username, domain),
    });
    if (profile.flavour === 'pleroma' || profile.flavour === 'akkoma') {
      // Pleroma's plain-text formatter: no paragraphs, every newline a <br>.
      return html
        .replace(/^<p>|<\/p>$/g, '')
        .replaceAll('</p><p>', '<br><br>')
        .replaceAll('<br />', '<br>');
    }
    return html;
  };

  /** The account's posting window now (fixed windows on the injected clock, as both servers bucket them). */
  const postWindow = (accountId: string) => {
    const limit = deps.postRateLimit as { limit: number; windowMs: number };
    const windowStart = Math.floor(deps.now() / limit.windowMs) * limit.windowMs;
    let window = postWindows.get(accountId);
    if (!window || window.windowStart !== windowStart) {
      window = { windowStart, count: 0 };
      postWindows.set(accountId, window);
    }
    return { window, limit, resetAt: windowStart + limit.windowMs };
  };

  const visibleTo = (record: RecordedStatus, viewer: { accountId: string | null } | null): boolean => {
    if (record.visibility === 'public' || record.visibility === 'unlisted') return true;
    const viewerId = viewer?.accountId ?? null;
    if (viewerId === null) return false;
    if (viewerId === record.accountId) return true;
    // Mastodon shows a private or direct status to the accounts it mentions, and a private one to followers.
    if (record.mentions.some((mention) => mention.id === viewerId)) return true;
    return record.visibility === 'private' && deps.follows(viewerId, record.accountId);
  };

  /** The record of a new status: mentions resolved, hashtags found, content rendered (not yet stored). */
  const buildRecord = (
    account: FakeAccount,
    fields: Pick<RecordedStatus, 'status' | 'spoilerText' | 'visibility' | 'sensitive' | 'language' | 'contentType'> &
      Pick<RecordedStatus, 'inReplyToId' | 'mediaIds' | 'idempotencyKey' | 'params' | 'accessToken'>,
  ): RecordedStatus => {
    const mentions: MentionJson[] = [];
    const tags: string[] = [];
    for (const token of tokenizeStatusText(fields.status)) {
      if (token.kind === 'mention') {
        const mention = resolveMention(token.username, token.domain);
        if (mention && !mentions.some((existing) => existing.acct === mention.acct)) mentions.push(mention);
      } else if (token.kind === 'hashtag') {
        const name = token.name.toLowerCase();
        if (!tags.includes(name)) tags.push(name);
      }
    }
    const id = deps.newId();
    urlsById.set(id, statusUrls(account, id));
    return {
      id,
      ...fields,
      accountId: account.id,
      createdAt: iso(),
      deletedAt: null,
      content: renderContent(fields.status, fields.contentType),
      mentions,
      tags,
    };
  };

  /** Count one attempt in a fixed window on the injected clock; the window and when it resets. */
  const countIn = (
    windows: Map<string, { windowStart: number; count: number }>,
    key: string,
    limit: { limit: number; windowMs: number },
  ) => {
    const windowStart = Math.floor(deps.now() / limit.windowMs) * limit.windowMs;
    let window = windows.get(key);
    if (!window || window.windowStart !== windowStart) {
      window = { windowStart, count: 0 };
      windows.set(key, window);
    }
    return { window, resetAt: windowStart + limit.windowMs };
  };

  return {
    statuses,
    media,
    accountJsonOf,
    statusJsonOf: (record) => statusJson(record),
    visibleTo,

    ensureAccount(handle) {
      const match = /^@?([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@([\p{L}\p{N}_.:-]+))?$/iu.exec(handle.trim());
      if (!match)
        throw new TypeError(`not an account handle: ${JSON.stringify(handle)} (expected user or user@domain)`);
      const username = match[1] as string;
      const domain = match[2] && match[2].toLowerCase() !== ownHost() ? match[2] : null;
      if (domain === null) return localAccount(username) ?? newAccount(username, null);
      return remoteAccount(username, domain) ?? newAccount(username, domain);
    },

    insert(account, status) {
      const record = buildRecord(account, {
        status: status.text,
        spoilerText: '',
        visibility: status.visibility,
        sensitive: false,
        language: profile.flavour === 'mastodon' ? 'en' : null,
        contentType: null,
        inReplyToId: status.inReplyToId,
        mediaIds: [],
        idempotencyKey: null,
        params: {},
        accessToken: '',
      });
      statuses.push(record);
      deps.onCreated?.(record);
      return record;
    },

    favourite(statusId, accountId) {
      const set = favourites.get(statusId) ?? new Set<string>();
      favourites.set(statusId, set);
      if (set.has(accountId)) return false;
      set.add(accountId);
      return true;
    },

    create(params, token, idempotencyKey) {
      const accountId = token.accountId as string;
      const account = findAccount(accountId) as FakeAccount;
      if (deps.postRateLimit && (profile.flavour === 'pleroma' || profile.flavour === 'akkoma')) {
        // Pleroma's RateLimiter plug counts every attempt, before the action validates anything.
        const { window } = postWindow(accountId);
        window.count += 1;
        if (window.count > deps.postRateLimit.limit) return errorReply(profile.errors.rateLimited);
      }
      const text = asText(params.status) ?? '';
      const spoilerText = asText(params.spoiler_text) ?? '';
      const inReplyToId = asText(params.in_reply_to_id);
      const contentType = asText(params.content_type);
      const rawVisibility = asText(params.visibility);
      const mediaIds = Array.isArray(params.media_ids) ? params.media_ids.map((id) => String(id)) : [];

      if (inReplyToId !== null && inReplyToId !== '') {
        const parent = statuses.find((status) => status.id === inReplyToId && status.deletedAt === null);
        if (!parent || !visibleTo(parent, token)) return errorReply(profile.errors.replyTargetMissing);
      }

      if (profile.idempotency === 'per-account-success' && idempotencyKey) {
        const entry = idempotency.get(MASTODON_IDEMPOTENCY_KEY(accountId, idempotencyKey));
        if (entry && entry.expiresAt > deps.now()) {
          const original = statuses.find((status) => status.id === entry.statusId && status.deletedAt === null);
          if (original) return jsonReply(200, statusJson(original));
          return errorReply(profile.errors.notFound);
        }
      }

      if (params.scheduled_at !== undefined && params.scheduled_at !== null && params.scheduled_at !== '') {
        return jsonReply(422, { error: 'scheduled_at is not supported by the fake server' });
      }
      if (params.poll !== undefined && params.poll !== null) {
        return jsonReply(422, { error: 'polls are not supported by the fake server' });
      }

      if (mediaIds.length > 4) return jsonReply(422, { error: 'You cannot attach more than 4 files.' });
      const attached = mediaIds.map((id) => media.find((item) => item.id === id));
      const missing = mediaIds.filter(
        (_id, index) =>
          !attached[index] || attached[index]?.accountId !== accountId || attached[index]?.statusId !== null,
      );
      if (missing.length > 0) {
        return jsonReply(422, { error: `Media ${missing.join(', ')} not found or already attached to another post` });
      }
      if (attached.some((item) => item && !item.processed)) {
        return jsonReply(422, {
          error: 'Cannot attach files that have not finished processing. Try again in a moment!',
        });
      }

      if (profile.contentTypes !== null && contentType !== null && !profile.contentTypes.includes(contentType)) {
        return jsonReply(422, {
          error: `Unsupported content_type ${JSON.stringify(contentType)}: use one of ${profile.contentTypes.join(', ')}`,
        });
      }

      const allowedVisibilities = [...VISIBILITIES, ...profile.extraVisibilities];
      const problems: { reply: Reply; message: string }[] = [];
      if (rawVisibility !== null && rawVisibility !== '' && !allowedVisibilities.includes(rawVisibility)) {
        problems.push({
          reply: jsonReply(422, { error: 'Validation failed: Visibility is not included in the list' }),
          message: 'Visibility is not included in the list',
        });
      }
      const blank =
        profile.flavour === 'pleroma' || profile.flavour === 'akkoma'
          ? (text.trim() + spoilerText).trim() === ''
          : profile.flavour === 'gotosocial'
            ? text === ''
            : text.trim() === '';
      if (blank && mediaIds.length === 0) {
        problems.push({ reply: errorReply(profile.errors.emptyStatus), message: "Text can't be blank" });
      }
      const count = countCharacters(text, spoilerText, profile.flavour);
      if (count > deps.maxCharacters) {
        problems.push({
          reply: errorReply(profile.errors.tooLong(count, deps.maxCharacters)),
          message: `Text character limit of ${deps.maxCharacters} exceeded`,
        });
      }
      if (problems.length > 0) {
        if (profile.flavour === 'mastodon') {
          // ActiveRecord reports every failed validation in one sentence.
          return jsonReply(422, {
            error: `Validation failed: ${problems.map((problem) => problem.message).join(', ')}`,
          });
        }
        return (problems[0] as { reply: Reply }).reply;
      }

      if (deps.postRateLimit && profile.flavour === 'mastodon') {
        // Mastodon's RateLimiter (family :statuses) counts posts that were created.
        const { window, limit, resetAt } = postWindow(accountId);
        if (window.count >= limit.limit) {
          return jsonReply(429, profile.errors.rateLimited.body, rateLimitHeaders(profile, limit.limit, 0, resetAt));
        }
        window.count += 1;
      }

      const languageGiven = validLanguage(asText(params.language));
      const record = buildRecord(account, {
        status: text,
        spoilerText,
        visibility: rawVisibility && rawVisibility !== '' ? rawVisibility : 'public',
        sensitive: asBoolean(params.sensitive) || spoilerText !== '',
        language: languageGiven ?? (profile.flavour === 'mastodon' ? 'en' : null),
        contentType,
        inReplyToId: inReplyToId && inReplyToId !== '' ? inReplyToId : null,
        mediaIds,
        idempotencyKey,
        params,
        accessToken: token.accessToken,
      });
      const { id } = record;
      const app = deps.apps().find((candidate) => candidate.clientId === token.clientId);
      if (app) applications.set(id, { name: app.name, website: app.website });
      for (const item of attached) if (item) item.statusId = id;
      statuses.push(record);
      if (profile.idempotency === 'per-account-success' && idempotencyKey) {
        idempotency.set(MASTODON_IDEMPOTENCY_KEY(accountId, idempotencyKey), {
          statusId: id,
          expiresAt: deps.now() + profile.idempotencyTtlMs,
        });
      }
      deps.onStatus?.(record);
      deps.onCreated?.(record);
      return jsonReply(200, statusJson(record));
    },

    show(id, viewer) {
      const record = statuses.find((status) => status.id === id && status.deletedAt === null);
      if (!record || !visibleTo(record, viewer)) return errorReply(profile.errors.notFound);
      return jsonReply(200, statusJson(record));
    },

    remove(id, token) {
      const record = statuses.find((status) => status.id === id && status.deletedAt === null);
      if (!record || record.accountId !== token.accountId) return errorReply(profile.errors.notFound);
      record.deletedAt = iso();
      for (const item of media) if (item.statusId === id) item.statusId = null;
      return jsonReply(200, statusJson(record, true));
    },

    accountStatuses(accountId, query, viewer, requestUrl) {
      if (!findAccount(accountId)) return errorReply(profile.errors.notFound);
      const limitRaw = Number(asText(query.limit) ?? 20);
      const limit = Math.min(40, Math.max(1, Number.isFinite(limitRaw) ? Math.floor(limitRaw) : 20));
      const maxId = asText(query.max_id);
      const sinceId = asText(query.since_id);
      const minId = asText(query.min_id);
      const excludeReplies = asBoolean(query.exclude_replies);
      if (asBoolean(query.pinned)) return jsonReply(200, []);
      let candidates = liveStatuses()
        .filter((status) => status.accountId === accountId && visibleTo(status, viewer))
        .filter((status) => !excludeReplies || status.inReplyToId === null)
        .filter((status) => !asBoolean(query.only_media) || status.mediaIds.length > 0)
        .filter((status) => !maxId || compareIds(status.id, maxId) < 0)
        .filter((status) => !sinceId || compareIds(status.id, sinceId) > 0)
        .filter((status) => !minId || compareIds(status.id, minId) > 0)
        .sort((a, b) => compareIds(b.id, a.id));
      // min_id pages forward: the statuses right after min_id, still answered newest first.
      candidates = minId ? candidates.slice(-limit) : candidates.slice(0, limit);
      const page = candidates.map((record) => statusJson(record));
      const headers: Record<string, string> = {};
      const first = page[0];
      const last = page.at(-1);
      if (first && last) {
        const link = (key: string, value: string) => {
          const url = new URL(requestUrl.pathname, deps.baseUrl());
          url.searchParams.set('limit', String(limit));
          url.searchParams.set(key, value);
          return url.toString();
        };
        headers.link = `<${link('max_id', last.id)}>; rel="next", <${link('min_id', first.id)}>; rel="prev"`;
      }
      return jsonReply(200, page, headers);
    },

    account(id) {
      const account = findAccount(id);
      if (!account) return errorReply(profile.errors.notFound);
      return jsonReply(200, accountJsonOf(account));
    },

    verifyCredentials(token) {
      const account = findAccount(token.accountId as string) as FakeAccount;
      return jsonReply(200, accountJsonOf(account, true));
    },

    upload(params, token, version) {
      if (deps.mediaRateLimit) {
        // Rack::Attack's throttle_api_media counts every upload request of the account.
        const { window, resetAt } = countIn(mediaWindows, token.accountId as string, deps.mediaRateLimit);
        window.count += 1;
        if (window.count > deps.mediaRateLimit.limit) {
          return jsonReply(
            429,
            profile.errors.rateLimited.body,
            rateLimitHeaders(profile, deps.mediaRateLimit.limit, 0, resetAt),
          );
        }
      }
      const file = params.file;
      if (!isUploadedFile(file)) return jsonReply(422, { error: "Validation failed: File can't be blank" });
      const type = mediaTypeOf(file.type);
      if (!type) {
        return jsonReply(422, { error: 'Validation failed: File content type is invalid, File is invalid' });
      }
      if (file.size === 0) return jsonReply(422, { error: 'Validation failed: File is invalid' });
      const description = asText(params.description);
      // Rails counts characters (code points), not UTF-16 units.
      if (description !== null && [...description].length > 1500) {
        return jsonReply(422, { error: 'Validation failed: Description is too long (maximum is 1500 characters)' });
      }
      const item: RecordedMedia = {
        id: deps.newId(),
        type,
        filename: file.filename || 'file',
        contentType: file.type,
        size: file.size,
        bytes: file.bytes,
        description: description === '' ? null : description,
        focus: asText(params.focus),
        accountId: token.accountId as string,
        statusId: null,
        // v2 processes video and audio (and, with mediaProcessing, every file) asynchronously: 202, url null.
        processed: version === 1 || (deps.mediaProcessing === null && (type === 'image' || type === 'gifv')),
        pendingPolls: version === 1 ? 0 : (deps.mediaProcessing ?? 0),
        createdAt: iso(),
      };
      media.push(item);
      return jsonReply(item.processed ? 200 : 202, mediaJson(item));
    },

    showMedia(id, token) {
      const item = media.find((candidate) => candidate.id === id && candidate.accountId === token.accountId);
      // Mastodon only shows attachments not yet attached to a status (`where(status_id: nil)`).
      if (!item || (profile.flavour === 'mastodon' && item.statusId !== null))
        return errorReply(profile.errors.notFound);
      if (!item.processed && item.pendingPolls > 0) {
        item.pendingPolls -= 1;
        return jsonReply(206, mediaJson(item));
      }
      item.processed = true;
      return jsonReply(200, mediaJson(item));
    },

    updateMedia(id, params, token) {
      const item = media.find((candidate) => candidate.id === id && candidate.accountId === token.accountId);
      if (!item) return errorReply(profile.errors.notFound);
      const description = asText(params.description);
      if (description !== null) item.description = description === '' ? null : description;
      const focus = asText(params.focus);
      if (focus !== null) item.focus = focus;
      return jsonReply(item.processed ? 200 : 206, mediaJson(item));
    },

    clear() {
      statuses.length = 0;
      media.length = 0;
      idempotency.clear();
      postWindows.clear();
      mediaWindows.clear();
      favourites.clear();
      urlsById.clear();
      applications.clear();
    },
  };
}

function parseFocus(focus: string): { x: number; y: number } {
  const [x, y] = focus.split(',').map(Number);
  return { x: Number.isFinite(x) ? (x as number) : 0, y: Number.isFinite(y) ? (y as number) : 0 };
}
