import { hostname as osHostname } from 'node:os';
import type { Logger, Message, MessageType } from '@janitor/protocol';
import { silentLogger } from '@janitor/protocol';
import { MastoHttpError } from 'masto';
import { type Account, verifyCredentials } from './account.ts';
import { AuthError } from './auth-error.ts';
import type { LengthCounting } from './cut-to-length.ts';
import { isRetryableStatus } from './http-failure.ts';
import type { IncomingNotification } from './incoming-notification.ts';
import { type InstanceLinks, readInstanceLinks } from './instance-links.ts';
import { toListenError } from './listen-error.ts';
import { DEFAULT_TIMEOUT_MS, endpoint, restClient } from './masto-client.ts';
import { checkMediaUpload, type MediaUpload, uploadMedia } from './media-upload.ts';
import type { MessageTemplates } from './message-template.ts';
import { neutralize } from './neutralize.ts';
import { type NotificationHandlers, type NotificationStream, openNotificationStream } from './notification-stream.ts';
import type { AnswerPost, MergedPost, PostItem, ReportPost } from './post-item.ts';
import { leadingMentions, mentionOf, narrowerVisibility, type PostRoutes, withMentions } from './post-route.ts';
import { PublishError, toPublishError } from './publish-error.ts';
import { notificationsQuery, readNotificationsSince } from './read-notifications.ts';
import { findPostedStatus } from './recent-statuses.ts';
import {
  acceptsContentType,
  type ContentType,
  type InstanceType,
  type RenderOptions,
  renderMessage,
  type StatusDraft,
  type Visibility,
  withDirectMention,
} from './status-draft.ts';
import { type LongText, statusParts } from './status-parts.ts';

/** Options of {@link createPublisher}: the `mastodon` and `status_post` settings of config.yaml. */
export interface PublisherOptions {
  /** The server's base URL (`api_base_url`), e.g. `https://mastodon.social`. */
  url: string;
  /** Required unless `dryRun`. */
  accessToken?: string;
  /** @default 'mastodon' */
  instanceType?: InstanceType;
  /** @default 'public' */
  visibility?: Visibility;
  /** @default 'text/plain' (sent only for pleroma, akkoma, gotosocial) */
  contentType?: ContentType;
  /** Mentioned at the start of every `direct` status, so that it reaches this account (`user@domain`). */
  usernameToDm?: string;
  /** The limit when the instance does not say (`status_post.max_length`). @default 500 */
  maxLength?: number;
  /** Put the summary at the top of the text instead of in the content warning. @default false */
  mergeSummaryIntoText?: boolean;
  /**
   * A status longer than the server's limit: `thread` posts it as numbered replies (`(1/3)` …), `truncate` cuts it
   * with `…` (`status_post.long_text`). @default 'thread'
   */
  longText?: LongText;
  /** The most parts of a thread; the last is cut when even they cannot hold the text. @default 10 */
  maxThreadParts?: number;
  /**
   * Text from outside (hostnames, summaries, message texts, report lines) can never mention anyone; unless this is
   * false, its hashtags are broken too (`status_post.allow_hashtags: true` turns this off). @default true
   */
  neutralizeHashtags?: boolean;
  /**
   * Per message type: visibility, content warning or not, accounts to mention (`status_post.by_type`). An alert
   * report goes by its type; a merged post takes the narrowest visibility of its items. @default {}
   */
  routes?: PostRoutes;
  /** Per-type template overrides; the defaults reproduce the original. */
  templates?: MessageTemplates;
  /** Per-type icon overrides. @default MESSAGE_ICONS from @janitor/protocol */
  icons?: Partial<Record<MessageType, string>>;
  /** The host a message is about when it names none. @default os.hostname() */
  hostname?: string;
  /** ISO 639 language code of the statuses. */
  language?: string;
  /** Log the exact status through `logger.info` and contact nobody. @default false */
  dryRun?: boolean;
  /** How long one request may take. @default 15000 */
  timeoutMs?: number;
  /** @default silentLogger */
  logger?: Logger;
  /** The clock used to read `Retry-After` dates. @default Date.now */
  now?: () => number;
  /** How long {@link Publisher.uploadMedia} waits between two polls of an attachment still processing. @default 1000 */
  mediaPollIntervalMs?: number;
  /** How long {@link Publisher.uploadMedia} waits in all for processing before it gives up. @default 60000 */
  mediaProcessingTimeoutMs?: number;
}

/** Per-call options of the read side ({@link Publisher.notificationsSince}, {@link Publisher.uploadMedia}). */
export interface ReadOptions {
  signal?: AbortSignal;
}

/** The bot's own account, as {@link Publisher.whoAmI} finds it. */
export interface WhoAmI {
  /** `janitor`: the account's handle on its own server. */
  acct: string;
  /** The domain of its server's handles (`example.social`): a local `acct` like `owner` means `owner@<domain>`. */
  domain: string;
}

/** Per-call options of {@link Publisher.publish} and {@link Publisher.post}. */
export interface PostOptions {
  /**
   * Sent as `Idempotency-Key`: Mastodon (1 h, successful posts) and Pleroma/Akkoma (6 h, errors too) then post a
   * retried status once. GoToSocial ignores it.
   */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

/** A status the server created. */
export interface PostedStatus {
  id: string;
  url: string | null;
}

/**
 * What a publish did: in a dry run only the drafts, otherwise also the new statuses. `draft`, `id` and `url` are the
 * first (or only) status; `parts` all of them, in order (a thread: each later one replies to the one before).
 */
export type PublishResult =
  | { dryRun: true; draft: StatusDraft; parts: StatusDraft[] }
  | {
      dryRun: false;
      draft: StatusDraft;
      id: string;
      url: string | null;
      parts: StatusDraft[];
      statuses: PostedStatus[];
    };

/** Options of {@link Publisher.findPosted}. */
export interface FindPostedOptions {
  /** Only statuses created at or after this time (epoch ms; a minute of clock skew is allowed for). */
  sinceMs: number;
  signal?: AbortSignal;
}

/** Posts Janitor messages to one account. Made by {@link createPublisher}. */
export interface Publisher {
  /** The server software, from the options. */
  readonly instanceType: InstanceType;
  /** Whether posts are only logged (the `dryRun` option). */
  readonly dryRun: boolean;
  /**
   * The status a message becomes (templates, mention, visibility, content type), not cut to the limit. The
   * message's hostname, summary and text are neutralized: they mention nobody (and tag nothing, by default).
   */
  render(message: Message): StatusDraft;
  /** The status an alert report becomes (as {@link Publisher.publishReport} posts it), neutralized, not cut. */
  renderReport(report: ReportPost): StatusDraft;
  /**
   * The reply an answer becomes: `@asker text`, the text neutralised (it may quote hostnames or reasons), in reply
   * to the mention, with the answer's visibility.
   */
  renderAnswer(answer: AnswerPost['answer']): StatusDraft;
  /** One status for several posts about a host: `3 alerts for pi1:`, then each of them, oldest first. */
  renderMerged(merged: Pick<MergedPost, 'hostname' | 'items'>): StatusDraft;
  /**
   * The statuses a draft is sent as: direct mention, content type and language filled in, then cut or split into a
   * numbered thread (`longText`) under the server's limit.
   */
  parts(draft: StatusDraft): Promise<StatusDraft[]>;
  /** Renders and posts a message (a thread when it is too long). Throws {@link PublishError}. */
  publish(message: Message, options?: PostOptions): Promise<PublishResult>;
  /**
   * Posts a status rendered elsewhere, as it is (no neutralizing): adds the direct mention, fills the content type
   * and language from the options where the draft has none, then cuts it or posts a thread under the limit. The
   * parts after the first reply to the one before and carry the key `<idempotencyKey>.<n>`. Throws
   * {@link PublishError}; a thread that fails midway has posted its first parts.
   */
  post(draft: StatusDraft, options?: PostOptions): Promise<PublishResult>;
  /**
   * Posts an alert report with the configured visibility: the spoiler as content warning (or, with
   * `mergeSummaryIntoText`, above the text after a blank line), neutralized, then as {@link Publisher.post}.
   */
  publishReport(report: ReportPost, options?: PostOptions): Promise<PublishResult>;
  /**
   * Whether a status like `draft` (as {@link Publisher.parts} made it: same text, content warning and reply target)
   * was posted by this account since `sinceMs`: reads `verify_credentials`, then the account's latest statuses. For
   * servers that ignore `Idempotency-Key` (GoToSocial), before sending again a post whose answer never came.
   * Throws {@link PublishError}.
   */
  findPosted(draft: StatusDraft, options: FindPostedOptions): Promise<PostedStatus | undefined>;
  /**
   * The server's limit: `/api/v2/instance` `configuration.statuses.max_characters`, else `/api/v1/instance`
   * `max_toot_chars` (Pleroma, Akkoma) or `configuration.statuses.max_characters`, else the `maxLength` option.
   * Read once and cached (after a network failure the next call asks again). In a dry run, the option.
   */
  maxLength(): Promise<number>;
  /** The account of the access token. Throws {@link AuthError}; contacts the server even in a dry run. */
  verifyCredentials(): Promise<Account>;
  /**
   * Every mention and favourite notification newer than `sinceId` (every one the server keeps without it), oldest
   * first: `GET /api/v1/notifications` following `Link` pages of 80. The filter parameter follows the server family
   * (`types[]`, or `include_types[]` on Pleroma and Akkoma); Mastodon gets `include_filtered=true`, so private
   * mentions from accounts the bot does not follow are included. Throws {@link AuthError} when the token is refused
   * or lacks `read:notifications` (the message says to run `janitor login` again), else {@link ListenError}.
   */
  notificationsSince(sinceId: string | undefined, options?: ReadOptions): Promise<IncomingNotification[]>;
  /**
   * Opens the streaming API (WebSocket, at the instance's `configuration.urls.streaming`) and subscribes to
   * `user:notification` (`user` on GoToSocial). Resolves once subscribed; rejects with {@link AuthError} when the token
   * lacks `read:notifications` (checked first with one `GET /api/v1/notifications?limit=1`), with {@link ListenError}
   * when the connection is refused. Mention and favourite notifications go to `onNotification`; `onClose` is called
   * once when the stream ends other than by `close()` (no reconnection: the caller catches up with
   * {@link Publisher.notificationsSince} and opens a new one). Mastodon never streams the private mentions it
   * filters: only polling sees them.
   */
  streamNotifications(handlers: NotificationHandlers): Promise<NotificationStream>;
  /**
   * Uploads a file with `POST /api/v2/media` (multipart; `description` is the alt text, cut to 1500 characters). On
   * 202 it polls `GET /api/v1/media/:id` until processed (`mediaPollIntervalMs`, at most
   * `mediaProcessingTimeoutMs`). Post the id in a draft's `mediaIds`. Throws {@link PublishError}; a TypeError names
   * a bad field. In a dry run it only logs and returns a placeholder id.
   */
  uploadMedia(media: MediaUpload, options?: ReadOptions): Promise<{ id: string }>;
  /** The bot's account (`acct`) and its server's domain. Read once and kept. Throws {@link AuthError}. */
  whoAmI(): Promise<WhoAmI>;
}

const STATUSES_PATH = '/api/v1/statuses';

/** How each server counts a status against its limit. */
const COUNTING: Record<InstanceType, LengthCounting> = {
  mastodon: 'mastodon',
  pleroma: 'graphemes',
  akkoma: 'graphemes',
  gotosocial: 'code-points',
};

/**
 * Makes a publisher for one account. Creating it contacts nobody.
 *
 * @example
 * const publisher = createPublisher({ url: 'https://mastodon.social', accessToken: process.env.TOKEN });
 * const { url } = await publisher.publish({ type: 'warning', summary: 'Backup', text: '3 files were skipped' });
 */
export function createPublisher(options: PublisherOptions): Publisher {
  const {
    url,
    accessToken,
    instanceType = 'mastodon',
    visibility = 'public',
    contentType = 'text/plain',
    usernameToDm,
    maxLength: fallbackMaxLength = 500,
    mergeSummaryIntoText = false,
    longText = 'thread',
    maxThreadParts = 10,
    neutralizeHashtags = true,
    routes = {},
    templates = {},
    icons = {},
    hostname = osHostname(),
    language,
    dryRun = false,
    timeoutMs = DEFAULT_TIMEOUT_MS,
    logger = silentLogger,
    now = Date.now,
    mediaPollIntervalMs = 1000,
    mediaProcessingTimeoutMs = 60_000,
  } = options;
  if (!dryRun && !accessToken) {
    throw new TypeError('createPublisher: accessToken is required unless dryRun is set');
  }
  const rest = accessToken ? restClient(url, accessToken, timeoutMs) : undefined;
  const statusesUrl = endpoint(url, STATUSES_PATH);

  let cachedMaxLength: number | undefined;
  let pendingMaxLength: Promise<number> | undefined;

  const renderOptions: RenderOptions = {
    instanceType,
    visibility,
    contentType,
    mergeSummaryIntoText,
    templates,
    icons,
    hostname,
    language,
  };
  const fromOutside = (text: string) => neutralize(text, { hashtags: neutralizeHashtags });

  function neutralMessage(message: Message): Message {
    const out: Message = { ...message, text: fromOutside(message.text) };
    if (message.summary !== undefined) out.summary = fromOutside(message.summary);
    if (message.hostname !== undefined) out.hostname = fromOutside(message.hostname);
    return out;
  }

  /** How a post of this type goes out: its visibility, where its summary goes, whom it mentions. */
  function routeOf(type: MessageType | undefined) {
    const route = type === undefined ? undefined : routes[type];
    const postVisibility = route?.visibility ?? visibility;
    const merge = route?.contentWarning === undefined ? mergeSummaryIntoText : !route.contentWarning;
    const configured = (route?.mention ?? []).map(mentionOf).filter((m): m is string => m !== undefined);
    const dm = mentionOf(usernameToDm);
    const mentions = configured.length > 0 ? configured : postVisibility === 'direct' && dm ? [dm] : [];
    return { visibility: postVisibility, merge, mentions };
  }

  /** An item's status without its mentions, and its route. */
  function itemDraft(item: PostItem) {
    if (item.kind === 'message') {
      const route = routeOf(item.message.type);
      const draft = renderMessage(neutralMessage(item.message), {
        ...renderOptions,
        visibility: route.visibility,
        mergeSummaryIntoText: route.merge,
      });
      return { draft, route };
    }
    const route = routeOf(item.report.type);
    const spoiler = fromOutside(item.report.spoiler);
    const text = fromOutside(item.report.text);
    const base = { visibility: route.visibility };
    let draft: StatusDraft;
    if (spoiler === '') draft = { ...base, status: text };
    else if (route.merge) draft = { ...base, status: `${spoiler}\n\n${text}` };
    else draft = { ...base, status: text, spoilerText: spoiler };
    return { draft, route };
  }

  function render(message: Message): StatusDraft {
    // The configured mentions are added after neutralizing: they are the only mentions a status may carry.
    const { draft, route } = itemDraft({ kind: 'message', message });
    return withMentions(draft, route.mentions);
  }

  function renderReport(report: ReportPost): StatusDraft {
    const { draft, route } = itemDraft({ kind: 'report', report });
    return withMentions(draft, route.mentions);
  }

  function renderAnswer(answer: AnswerPost['answer']): StatusDraft {
    const mention = mentionOf(answer.mention);
    const text = fromOutside(answer.text);
    return {
      status: mention ? `${mention} ${text}` : text,
      visibility: answer.visibility,
      inReplyToId: answer.inReplyToId,
    };
  }

  function renderMerged(merged: Pick<MergedPost, 'hostname' | 'items'>): StatusDraft {
    let mergedVisibility: Visibility | undefined;
    const mentions: string[] = [];
    const blocks = merged.items.map((item) => {
      const { draft, route } = itemDraft(item);
      mergedVisibility = mergedVisibility ? narrowerVisibility(mergedVisibility, route.visibility) : route.visibility;
      mentions.push(...route.mentions);
      return draft.spoilerText ? `${draft.spoilerText}\n${draft.status}` : draft.status;
    });
    const kinds = new Set(merged.items.map((item) => item.kind));
    const noun = kinds.size > 1 ? 'alerts and messages' : kinds.has('message') ? 'messages' : 'alerts';
    const header = `${merged.items.length} ${noun} for ${fromOutside(merged.hostname)}:`;
    const status = [header, ...blocks].join('\n\n');
    return withMentions({ status, visibility: mergedVisibility ?? visibility }, mentions);
  }

  async function maxLength(): Promise<number> {
    if (dryRun || !rest) return fallbackMaxLength;
    if (cachedMaxLength !== undefined) return cachedMaxLength;
    pendingMaxLength ??= readMaxLength(rest).finally(() => {
      pendingMaxLength = undefined;
    });
    return pendingMaxLength;
  }

  async function readMaxLength(client: NonNullable<typeof rest>): Promise<number> {
    let unreachable = false;
    const sources: Array<[string, () => Promise<number | undefined>]> = [
      [
        '/api/v2/instance',
        async () => positive((await client.v2.instance.fetch())?.configuration?.statuses?.maxCharacters),
      ],
      [
        '/api/v1/instance',
        async () => {
          const v1 = (await client.v1.instance.fetch()) as unknown as V1Instance | undefined;
          return positive(v1?.maxTootChars) ?? positive(v1?.configuration?.statuses?.maxCharacters);
        },
      ],
    ];
    for (const [path, read] of sources) {
      try {
        const limit = await read();
        if (limit !== undefined) {
          cachedMaxLength = limit;
          return limit;
        }
        logger.debug('the instance does not state its status length limit', { url: endpoint(url, path) });
      } catch (error) {
        // A 4xx (Akkoma has no v2 endpoint) is an answer; a timeout, a reset or a 5xx is worth asking again later.
        if (!(error instanceof MastoHttpError) || isRetryableStatus(error.statusCode)) unreachable = true;
        logger.debug('could not read the instance', {
          url: endpoint(url, path),
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    if (!unreachable) cachedMaxLength = fallbackMaxLength;
    logger.warn('using max_length: the server did not say how long a status may be', {
      url,
      maxLength: fallbackMaxLength,
    });
    return fallbackMaxLength;
  }

  /** The drafts as they will be sent: mention, content type and language filled in, cut or split under `limit`. */
  function finish(draft: StatusDraft, limit: number): StatusDraft[] {
    // A direct status that mentions nobody yet is addressed to username_to_dm; one routed to accounts keeps them.
    const addressed =
      leadingMentions(draft.status).length > 0 ? { ...draft } : withDirectMention({ ...draft }, usernameToDm);
    const out: StatusDraft = addressed;
    if (acceptsContentType(instanceType)) out.contentType = draft.contentType ?? contentType;
    else delete out.contentType;
    if (!out.language && language) out.language = language;
    const mentions = out.visibility === 'direct' ? leadingMentions(out.status) : [];
    return statusParts(out, {
      limit,
      counting: COUNTING[instanceType],
      longText,
      maxParts: maxThreadParts,
      ...(mentions.length > 0 ? { mention: mentions.join(' ') } : {}),
    });
  }

  async function parts(draft: StatusDraft): Promise<StatusDraft[]> {
    return finish(draft, await maxLength());
  }

  async function post(draft: StatusDraft, postOptions: PostOptions = {}): Promise<PublishResult> {
    const { idempotencyKey, signal } = postOptions;
    const drafts = await parts(draft);
    if (dryRun || !rest) {
      for (const part of drafts) logger.info('dry run: status not posted', { ...part, url: statusesUrl });
      return { dryRun: true, draft: drafts[0]!, parts: drafts };
    }
    const statuses: PostedStatus[] = [];
    for (const [i, part] of drafts.entries()) {
      const reply = i === 0 ? part : { ...part, inReplyToId: statuses[i - 1]!.id };
      const key = idempotencyKey === undefined ? undefined : partKey(idempotencyKey, i);
      statuses.push(
        await postOne(rest, reply, { ...(key ? { idempotencyKey: key } : {}), ...(signal ? { signal } : {}) }),
      );
    }
    return { dryRun: false, draft: drafts[0]!, id: statuses[0]!.id, url: statuses[0]!.url, parts: drafts, statuses };
  }

  async function postOne(
    client: NonNullable<typeof rest>,
    final: StatusDraft,
    postOptions: PostOptions,
  ): Promise<PostedStatus> {
    const { idempotencyKey, signal } = postOptions;
    const params: Record<string, unknown> = { status: final.status, visibility: final.visibility };
    if (final.spoilerText) params.spoilerText = final.spoilerText;
    if (final.contentType) params.contentType = final.contentType;
    if (final.language) params.language = final.language;
    if (final.inReplyToId) params.inReplyToId = final.inReplyToId;
    if (final.mediaIds && final.mediaIds.length > 0) params.mediaIds = final.mediaIds;
    const requestInit: RequestInit = {};
    if (idempotencyKey) requestInit.headers = { 'Idempotency-Key': idempotencyKey };
    if (signal) requestInit.signal = signal;

    let status: { id?: unknown; url?: unknown } | undefined;
    try {
      // content_type is not in masto's types (Pleroma, Akkoma, GoToSocial read it); the encoder sends it as is.
      status = await client.v1.statuses.create(params as never, { requestInit });
    } catch (error) {
      throw toPublishError(error, 'POST', statusesUrl, signal ? { timeoutMs, signal, now } : { timeoutMs, now });
    }
    if (!status || typeof status.id !== 'string') {
      throw new PublishError(`publish failed: POST ${statusesUrl}: the answer is not a status`, {
        retryable: true,
        kind: 'invalid-response',
      });
    }
    const posted: PostedStatus = { id: status.id, url: typeof status.url === 'string' ? status.url : null };
    logger.debug('status posted', { id: posted.id, url: posted.url });
    return posted;
  }

  let accountId: string | undefined;

  async function findPosted(draft: StatusDraft, options: FindPostedOptions): Promise<PostedStatus | undefined> {
    if (dryRun || !rest || !accessToken) return undefined;
    if (accountId === undefined) {
      try {
        accountId = (
          await verifyCredentials({
            url,
            accessToken,
            timeoutMs,
            ...(options.signal ? { signal: options.signal } : {}),
          })
        ).id;
      } catch (error) {
        const retryable = error instanceof AuthError ? error.retryable : true;
        throw new PublishError(`publish failed: cannot check the latest statuses: ${(error as Error).message}`, {
          cause: error,
          retryable,
          kind: 'other',
        });
      }
    }
    return findPostedStatus(rest, accountId, draft, { ...options, url, timeoutMs, now });
  }

  /** The client for reading, or an AuthError when there is no token (a dry run may have none). */
  function reader(step: string): NonNullable<typeof rest> {
    if (!rest || !accessToken) {
      throw new AuthError(`${step} failed: no access token`, { reason: 'unauthorized', retryable: false });
    }
    return rest;
  }

  let links: InstanceLinks | undefined;
  async function instanceLinks(client: NonNullable<typeof rest>): Promise<InstanceLinks> {
    if (links) return links;
    const read = await readInstanceLinks(client, url);
    // The fallbacks are kept only once the server itself has answered.
    if (read.fromServer) links = read;
    return read;
  }

  async function notificationsSince(
    sinceId: string | undefined,
    readOptions: ReadOptions = {},
  ): Promise<IncomingNotification[]> {
    if (sinceId !== undefined && (typeof sinceId !== 'string' || sinceId === '')) {
      throw new TypeError(`notificationsSince: sinceId must be a notification id or undefined, got ${String(sinceId)}`);
    }
    reader('read notifications');
    const { signal } = readOptions;
    // masto's paginated lists take no per-request signal: a client of its own carries it.
    const client = signal ? restClient(url, accessToken, timeoutMs, signal) : (rest as NonNullable<typeof rest>);
    return readNotificationsSince(client, sinceId, {
      url,
      instanceType,
      timeoutMs,
      now,
      ...(signal ? { signal } : {}),
    });
  }

  async function streamNotifications(handlers: NotificationHandlers): Promise<NotificationStream> {
    if (typeof handlers?.onNotification !== 'function' || typeof handlers?.onClose !== 'function') {
      throw new TypeError('streamNotifications: handlers must have onNotification and onClose functions');
    }
    const client = reader('stream notifications');
    // The stream would accept a token without the scope and stay silent (GoToSocial's user stream): ask first.
    const where = endpoint(url, '/api/v1/notifications');
    try {
      await client.v1.notifications.list(notificationsQuery(instanceType, 1) as never);
    } catch (error) {
      throw toListenError(error, 'stream notifications', 'GET', where, { timeoutMs, now });
    }
    const { streamingUrl } = await instanceLinks(client);
    return openNotificationStream({
      streamingUrl,
      accessToken: accessToken as string,
      instanceType,
      timeoutMs,
      handlers,
    });
  }

  let uploads = 0;
  async function upload(media: MediaUpload, readOptions: ReadOptions = {}): Promise<{ id: string }> {
    checkMediaUpload(media);
    if (dryRun || !rest) {
      uploads += 1;
      const id = `dry-run-media-${uploads}`;
      logger.info('dry run: media not uploaded', {
        id,
        mimeType: media.mimeType,
        bytes: media.data.length,
        description: media.description,
      });
      return { id };
    }
    const { signal } = readOptions;
    return uploadMedia(rest, media, {
      url,
      timeoutMs,
      pollIntervalMs: mediaPollIntervalMs,
      processingTimeoutMs: mediaProcessingTimeoutMs,
      now,
      ...(signal ? { signal } : {}),
    });
  }

  let me: WhoAmI | undefined;
  async function whoAmI(): Promise<WhoAmI> {
    if (me) return me;
    const client = reader('verify credentials');
    const account = await verifyCredentials({ url, accessToken: accessToken as string, timeoutMs });
    const { domain } = await instanceLinks(client);
    me = { acct: account.acct, domain };
    return me;
  }

  return {
    instanceType,
    dryRun,
    render,
    renderReport,
    renderAnswer,
    renderMerged,
    parts,
    publish: (message, postOptions) => post(render(message), postOptions),
    post,
    publishReport: (report, postOptions) => post(renderReport(report), postOptions),
    findPosted,
    maxLength,
    async verifyCredentials() {
      if (!accessToken) {
        throw new AuthError('verify credentials failed: no access token', { reason: 'unauthorized', retryable: false });
      }
      return verifyCredentials({ url, accessToken, timeoutMs });
    },
    notificationsSince,
    streamNotifications,
    uploadMedia: upload,
    whoAmI,
  };
}

/** The idempotency key of part `index` (from 0) of a thread: the entry's own key for the first part. */
export function partKey(idempotencyKey: string, index: number): string {
  return index === 0 ? idempotencyKey : `${idempotencyKey}.${index + 1}`;
}

/** The parts of `/api/v1/instance` that state the limit (masto camel-cases the keys). */
interface V1Instance {
  maxTootChars?: unknown;
  configuration?: { statuses?: { maxCharacters?: unknown } };
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
