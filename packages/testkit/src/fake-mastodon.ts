import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { AccountJson, FakeAccount, NotificationJson, StatusJson, StatusVisibility } from './entities.ts';
import {
  createFaultQueue,
  type FailNextOptions,
  type Fault,
  type FaultKind,
  nginxErrorPage,
  type RawReply,
  rateLimitFaultReply,
  rateLimitHeaders,
  statusFaultReply,
} from './faults.ts';
import { type Flavour, flavourProfile } from './flavour.ts';
import { createIdGenerator } from './ids.ts';
import { instanceV1Json, instanceV2Json } from './instance.ts';
import { createNotificationServer, type RecordedNotification } from './notifications.ts';
import {
  type AuthorizeRequest,
  createOAuthServer,
  type RecordedApp,
  type RecordedToken,
  type StaticToken,
  scopeCovers,
} from './oauth.ts';
import { errorReply, jsonReply, type Reply } from './reply.ts';
import { describeParams, type Params, parseBody, parseQuery } from './request-body.ts';
import { tokenizeStatusText } from './status-text.ts';
import { createStatusServer, type RecordedMedia, type RecordedStatus } from './statuses.ts';
import { createStreamingServer, type RecordedStream } from './streaming.ts';

/** A user of the password grant (Pleroma/Akkoma). */
export interface FakeUser {
  /** Login name; when it contains `@` it is an email and the account's username is its local part. */
  username: string;
  password: string;
  /** A second login name. */
  email?: string;
  displayName?: string;
}

/** Options of {@link startFakeMastodon}. */
export interface FakeMastodonOptions {
  /**
   * Which server family to imitate.
   * @default 'mastodon'
   */
  flavour?: Flavour;
  /**
   * The status character limit.
   * @default 500 for mastodon, 5000 for pleroma, akkoma and gotosocial (their documented defaults)
   */
  maxCharacters?: number;
  /**
   * Bearer tokens accepted from the start, acting for the bot account (full scopes unless given).
   * @default ['test-token']
   */
  accessTokens?: readonly StaticToken[];
  /** Accounts that can log in with the password grant (only pleroma and akkoma accept that grant). */
  users?: readonly FakeUser[];
  /**
   * Username of the bot account the static tokens and authorization codes act for.
   * @default 'janitor'
   */
  username?: string;
  /**
   * Display name of the bot account.
   * @default 'Janitor'
   */
  displayName?: string;
  /**
   * Clock for `created_at`, idempotency expiry, authorization-code expiry and rate-limit windows.
   * @default Date.now
   */
  now?: () => number;
  /**
   * Port to listen on (0: any free port).
   * @default 0
   */
  port?: number;
  /**
   * Address to listen on.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * Request rate limit (Mastodon: per token; GoToSocial: per client address; Pleroma/Akkoma send no headers and
   * are not limited). `false` turns limiting and its headers off.
   * @default { limit: 300, windowMs: 300_000 }
   */
  rateLimit?: { limit: number; windowMs: number } | false;
  /**
   * Posting limit per account, on the injected clock. Mastodon counts created posts (429 with rate-limit
   * headers); Pleroma/Akkoma count every POST /api/v1/statuses attempt (429 "Throttled", no headers);
   * GoToSocial has none. `false` turns it off.
   * @default mastodon { limit: 300, windowMs: 3 h }, pleroma/akkoma { limit: 15, windowMs: 10 s }, gotosocial false
   */
  postRateLimit?: { limit: number; windowMs: number } | false;
  /** Called after every status the fake creates (serve.ts prints them). */
  onStatus?: (status: RecordedStatus) => void;
  /**
   * Whether the streaming API accepts WebSocket upgrades on /api/v1/streaming; false answers them 404, as a server
   * (or proxy) without streaming does.
   * @default true
   */
  streaming?: boolean;
  /**
   * Media processing on POST /api/v2/media: with a number n, every upload answers 202 (`url: null`) and the next n
   * GET /api/v1/media/:id answer 206 before one answers 200. Unset: images answer 200 at once, video and audio 202
   * and are ready at the first poll.
   */
  mediaProcessing?: number;
  /**
   * Upload limit per account on POST /api/v1/media and /api/v2/media (429 beyond). `false` turns it off.
   * @default mastodon { limit: 30, windowMs: 30 min }, the others false
   */
  mediaRateLimit?: { limit: number; windowMs: number } | false;
}

/** What {@link FakeMastodon.mention} takes. */
export interface FakeMentionOptions {
  /** Who writes: `owner@example.social` (remote) or `owner` (local); the account is created when unknown. */
  from: string;
  /** The text after the bot's mention (`status pi1`); `@janitor ` is put in front unless the text mentions the bot. */
  text: string;
  /** @default 'public' */
  visibility?: StatusVisibility;
  /** The status this one replies to (it must exist). */
  inReplyToId?: string;
}

/** One request as the fake received it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Params;
  /** Header names lower-cased; repeated headers joined with ', '. */
  headers: Record<string, string>;
  /** The body as received, decoded as UTF-8. */
  rawBody: string;
  /** The parsed body (JSON, form or multipart; files as `{ filename, type, size }`), or null if unparseable. */
  body: Params | null;
  /** Clock time of arrival (the injected `now`). */
  receivedAt: number;
  /** The fault this request consumed, if any. */
  fault: FaultKind | null;
  /** The status answered; null while pending, or when the fake never answered (stall, reset). */
  responseStatus: number | null;
}

/** A running fake server and what it observed. */
export interface FakeMastodon {
  /** Base URL, `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly flavour: Flavour;
  readonly maxCharacters: number;
  /** Every request, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** Every status created, in order (deleted ones keep `deletedAt`). */
  readonly statuses: readonly RecordedStatus[];
  /** Every media attachment uploaded. */
  readonly media: readonly RecordedMedia[];
  /** The bot account's notifications, oldest first (filtered ones included, with `filtered: true`). */
  readonly notifications: readonly RecordedNotification[];
  /** Every streaming connection accepted, in order (closed ones keep `open: false`). */
  readonly streams: readonly RecordedStream[];
  /** Apps registered through POST /api/v1/apps. */
  readonly apps: readonly RecordedApp[];
  /** Tokens: the static ones first, then every token issued. */
  readonly tokens: readonly RecordedToken[];
  /** The bot account as GET /api/v1/accounts/verify_credentials shows it. */
  readonly account: AccountJson;
  /**
   * Every account: the bot account first, then one per `users` entry, then those created on the fly (remote accounts
   * a status mentions, accounts given to `mention`, `favourite` or `follow`).
   */
  readonly accounts: readonly FakeAccount[];
  /** Faults armed and not yet consumed (counting `times`). */
  readonly pendingFaults: number;
  /** Arm a fault for the next matching request(s). */
  failNext(fault: Fault, options?: FailNextOptions): void;
  /** Disarm every fault. */
  clearFaults(): void;
  /**
   * Approve an authorization request as the bot account, as a user clicking "Authorize" would, and return the
   * code (no HTML scraping). Throws FakeOAuthError for an unknown client, a redirect URI or scope the app did
   * not register, or a code challenge method other than S256.
   */
  authorize(request: AuthorizeRequest): string;
  /**
   * Resolve once `probe` returns a truthy value; it is checked now and after every request. Rejects after the
   * deadline. @example await fake.waitFor(() => fake.statuses[0])
   */
  waitFor<T>(probe: () => T | null | undefined | false, options?: { timeoutMs?: number }): Promise<T>;
  /**
   * A status by `from` that mentions the bot, and its mention notification, pushed on the bot's open streams (unless
   * Mastodon filters it: a private mention from an account the bot does not follow). Throws for an unknown
   * `inReplyToId` or a malformed `from`.
   * @example const { status } = fake.mention({ from: 'owner@example.social', text: 'status pi1' });
   */
  mention(options: FakeMentionOptions): { status: StatusJson; notification: NotificationJson };
  /**
   * `from` favourites a status: a favourite notification when the status is the bot's (null otherwise, or when
   * `from` had favourited it already). Throws for an unknown status or one `from` cannot see.
   */
  favourite(statusId: string, from: string): { notification: NotificationJson | null };
  /** The bot follows `handle` (`user` or `user@domain`): Mastodon then no longer filters its private mentions. */
  follow(handle: string): void;
  /** Cut every open streaming connection abruptly (no close frame); returns how many were open. */
  dropStreams(): number;
  /**
   * Forget requests, statuses, media, notifications, idempotency keys, rate-limit counts and faults (apps, tokens,
   * accounts, follows and open streams stay).
   */
  reset(): void;
  /** Close every connection (stalled ones too) and stop listening. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

type AuthRequirement = 'none' | 'optional' | 'token' | 'user';

interface Route {
  method: string;
  pattern: RegExp;
  auth: AuthRequirement;
  /** Any one of these scopes suffices. */
  scopes?: readonly string[];
  handle: (request: HandledRequest) => Reply | Promise<Reply>;
}

interface HandledRequest {
  match: RegExpExecArray;
  query: Params;
  params: Params;
  headers: Record<string, string>;
  token: RecordedToken | null;
  url: URL;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const VISIBILITIES: readonly StatusVisibility[] = ['public', 'unlisted', 'private', 'direct'];
const DEFAULT_WAIT_MS = 5000;

function lowerCaseHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function toRawReply(reply: Reply): RawReply {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.headers ?? {})) headers[name.toLowerCase()] = value;
  if (reply.html !== undefined) {
    return {
      status: reply.status,
      headers: { 'content-type': 'text/html; charset=utf-8', ...headers },
      body: reply.html,
    };
  }
  if (reply.json !== undefined) {
    return {
      status: reply.status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body: JSON.stringify(reply.json),
    };
  }
  return { status: reply.status, headers, body: '' };
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function accountFromUser(user: FakeUser, id: string, createdAt: string): FakeAccount {
  const isEmail = user.username.includes('@');
  const username = isEmail ? (user.username.split('@')[0] as string) : user.username;
  return {
    id,
    username,
    displayName: user.displayName ?? username,
    email: isEmail ? user.username : (user.email ?? null),
    createdAt,
  };
}

/**
 * Start a strict fake Mastodon-compatible server on loopback that the real `masto` client works against.
 *
 * @example
 * const fake = await startFakeMastodon({ flavour: 'pleroma' });
 * const rest = createRestAPIClient({ url: fake.url, accessToken: 'test-token' });
 * await rest.v1.statuses.create({ status: 'hello' });
 * expect(fake.statuses[0]?.status).toBe('hello');
 * await fake.close();
 */
export async function startFakeMastodon(options: FakeMastodonOptions = {}): Promise<FakeMastodon> {
  const {
    flavour = 'mastodon',
    accessTokens = ['test-token'],
    users = [],
    username = 'janitor',
    displayName = 'Janitor',
    now = Date.now,
    port = 0,
    host = '127.0.0.1',
    rateLimit = { limit: 300, windowMs: 300_000 },
    onStatus,
    streaming: streamingEnabled = true,
    mediaProcessing,
  } = options;
  const profile = flavourProfile(flavour);
  const postRateLimit = options.postRateLimit ?? profile.defaultPostRateLimit;
  const mediaRateLimit = options.mediaRateLimit ?? profile.defaultMediaRateLimit;
  if (mediaProcessing !== undefined && !(Number.isInteger(mediaProcessing) && mediaProcessing >= 0)) {
    throw new RangeError(`mediaProcessing must be a whole number of polls (0 or more), got ${mediaProcessing}`);
  }
  if (mediaRateLimit && (!(mediaRateLimit.limit > 0) || !(mediaRateLimit.windowMs > 0))) {
    throw new RangeError('mediaRateLimit needs a positive limit and windowMs');
  }
  const maxCharacters = options.maxCharacters ?? profile.defaultMaxCharacters;
  if (!Number.isInteger(maxCharacters) || maxCharacters < 1) {
    throw new RangeError(`maxCharacters must be a positive integer, got ${maxCharacters}`);
  }
  if (rateLimit && (!(rateLimit.limit > 0) || !(rateLimit.windowMs > 0))) {
    throw new RangeError('rateLimit needs a positive limit and windowMs');
  }
  if (postRateLimit && (!(postRateLimit.limit > 0) || !(postRateLimit.windowMs > 0))) {
    throw new RangeError('postRateLimit needs a positive limit and windowMs');
  }

  let baseUrl = '';
  const newId = createIdGenerator(flavour, now);
  const createdAt = new Date(now()).toISOString();
  const botAccount: FakeAccount = { id: newId(), username, displayName, email: null, createdAt };
  const passwords = new Map<string, string>();
  const accounts: FakeAccount[] = [botAccount];
  for (const user of users) {
    const account = accountFromUser(user, newId(), createdAt);
    const existing = accounts.find((candidate) => candidate.username === account.username);
    const target = existing ?? account;
    if (!existing) accounts.push(account);
    passwords.set(target.id, user.password);
    if (existing && account.email) existing.email = account.email;
  }

  const oauth = createOAuthServer({
    profile,
    now,
    newId,
    defaultAccount: () => botAccount,
    accountById: (id) => accounts.find((account) => account.id === id),
    baseUrl: () => baseUrl,
    checkPassword: (login, password) => {
      const needle = login.toLowerCase();
      const account = accounts.find(
        (candidate) =>
          !candidate.domain &&
          (candidate.username.toLowerCase() === needle || candidate.email?.toLowerCase() === needle),
      );
      if (!account) return null;
      const expected = passwords.get(account.id);
      return expected !== undefined && expected === password ? account : null;
    },
    staticTokens: accessTokens,
  });

  const botFollows = new Set<string>();
  const faults = createFaultQueue();
  const requests: RecordedRequest[] = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };

  const streaming = createStreamingServer({
    profile,
    enabled: streamingEnabled,
    resolveToken: (token) => {
      const result = oauth.resolveBearer(`Bearer ${token}`);
      return result.kind === 'ok' && result.token.accountId !== null ? result.token : null;
    },
    changed: notify,
    record: (request, status) => {
      const url = new URL(request.url ?? '/', 'http://fake');
      requests.push({
        method: (request.method ?? 'GET').toUpperCase(),
        path: url.pathname,
        query: parseQuery(url.search),
        headers: lowerCaseHeaders(request),
        rawBody: '',
        body: null,
        receivedAt: now(),
        fault: null,
        responseStatus: status,
      });
    },
  });

  const content = createStatusServer({
    profile,
    now,
    newId,
    baseUrl: () => baseUrl,
    maxCharacters,
    accounts: () => accounts,
    addAccount: (account) => accounts.push(account),
    follows: (followerId, targetId) => followerId === botAccount.id && botFollows.has(targetId),
    apps: () => oauth.apps,
    onStatus,
    onCreated: (status) => {
      // The bot's home timeline: its own statuses and those of accounts it follows, on its `user` streams.
      if (status.accountId === botAccount.id || botFollows.has(status.accountId)) {
        streaming.emit(botAccount.id, ['user'], 'update', content.statusJsonOf(status));
      }
      // Called only once the fake is running, after `notifications` below exists.
      notifications.mentioned(status);
    },
    postRateLimit: postRateLimit || null,
    mediaRateLimit: mediaRateLimit || null,
    mediaProcessing: mediaProcessing ?? null,
  });

  const notifications = createNotificationServer({
    profile,
    now,
    newId,
    baseUrl: () => baseUrl,
    bot: () => botAccount,
    content,
    accountById: (id) => accounts.find((account) => account.id === id),
    botFollows: (accountId) => botFollows.has(accountId),
    push: (notification) =>
      streaming.emit(botAccount.id, ['user:notification', 'user'], 'notification', notification, 'read:notifications'),
  });
  const pleromaIdempotency = new Map<string, { reply: RawReply; requestId: string; expiresAt: number }>();
  const rateWindows = new Map<string, { windowStart: number; count: number }>();
  const sockets = new Set<Socket>();
  const lifetime = new AbortController();

  const instanceContext = () => ({
    profile,
    baseUrl,
    maxCharacters,
    statusCount: content.statuses.filter((status) => status.deletedAt === null).length,
    userCount: accounts.length,
  });

  const routes: Route[] = [
    {
      method: 'GET',
      pattern: /^\/api\/v1\/instance\/?$/,
      auth: 'none',
      handle: () => jsonReply(200, instanceV1Json(instanceContext())),
    },
    {
      method: 'GET',
      pattern: /^\/api\/v2\/instance\/?$/,
      auth: 'none',
      handle: () => {
        const json = instanceV2Json(instanceContext());
        return json ? jsonReply(200, json) : errorReply(profile.errors.notFound);
      },
    },
    {
      method: 'GET',
      pattern: /^\/\.well-known\/nodeinfo$/,
      auth: 'none',
      handle: () =>
        jsonReply(200, {
          links: [{ rel: 'http://nodeinfo.diaspora.software/ns/schema/2.0', href: `${baseUrl}/nodeinfo/2.0` }],
        }),
    },
    {
      method: 'GET',
      pattern: /^\/nodeinfo\/2\.[01](?:\.json)?$/,
      auth: 'none',
      handle: () =>
        jsonReply(200, {
          version: '2.0',
          software: { name: profile.flavour, version: profile.version.replace(/^.*; \w+ ([^)]+)\)$/, '$1') },
          protocols: ['activitypub'],
          services: { inbound: [], outbound: [] },
          usage: { users: { total: accounts.length }, localPosts: instanceContext().statusCount },
          openRegistrations: false,
          metadata: profile.contentTypes ? { postFormats: profile.contentTypes } : {},
        }),
    },
    {
      method: 'POST',
      pattern: /^\/api\/v1\/apps$/,
      auth: 'none',
      handle: ({ params }) => oauth.registerApp(params),
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/apps\/verify_credentials$/,
      auth: 'token',
      handle: ({ token }) => oauth.verifyApp(token as RecordedToken),
    },
    {
      method: 'GET',
      pattern: /^\/oauth\/authorize$/,
      auth: 'none',
      handle: ({ query }) => oauth.authorizePage(query),
    },
    {
      method: 'POST',
      pattern: /^\/oauth\/token$/,
      auth: 'none',
      handle: ({ params, headers }) => oauth.token(params, headers.authorization),
    },
    {
      method: 'POST',
      pattern: /^\/oauth\/revoke$/,
      auth: 'none',
      handle: ({ params, headers }) => oauth.revoke(params, headers.authorization),
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/accounts\/verify_credentials$/,
      auth: 'user',
      scopes: ['read:accounts', 'profile'],
      handle: ({ token }) => content.verifyCredentials(token as RecordedToken),
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/accounts\/([^/]+)\/statuses$/,
      auth: 'optional',
      handle: ({ match, query, token, url }) => content.accountStatuses(match[1] as string, query, token, url),
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/accounts\/([^/]+)$/,
      auth: 'optional',
      handle: ({ match }) => content.account(match[1] as string),
    },
    {
      method: 'POST',
      pattern: /^\/api\/v1\/statuses$/,
      auth: 'user',
      scopes: ['write:statuses'],
      handle: ({ params, token, headers }) =>
        content.create(params, token as RecordedToken, headers['idempotency-key'] ?? null),
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/statuses\/([^/]+)$/,
      auth: 'optional',
      handle: ({ match, token }) => content.show(match[1] as string, token),
    },
    {
      method: 'DELETE',
      pattern: /^\/api\/v1\/statuses\/([^/]+)$/,
      auth: 'user',
      scopes: ['write:statuses'],
      handle: ({ match, token }) => content.remove(match[1] as string, token as RecordedToken),
    },
    {
      method: 'POST',
      pattern: /^\/api\/v([12])\/media$/,
      auth: 'user',
      scopes: ['write:media'],
      handle: ({ match, params, token }) => content.upload(params, token as RecordedToken, match[1] === '1' ? 1 : 2),
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/media\/([^/]+)$/,
      auth: 'user',
      scopes: ['write:media'],
      handle: ({ match, token }) => content.showMedia(match[1] as string, token as RecordedToken),
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/notifications$/,
      auth: 'user',
      scopes: ['read:notifications'],
      handle: ({ query, token }) => notifications.list(query, token as RecordedToken),
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/notifications\/([^/]+)$/,
      auth: 'user',
      scopes: ['read:notifications'],
      handle: ({ match, token }) => notifications.show(match[1] as string, token as RecordedToken),
    },
    {
      method: 'PUT',
      pattern: /^\/api\/v1\/media\/([^/]+)$/,
      auth: 'user',
      scopes: ['write:media'],
      handle: ({ match, params, token }) => content.updateMedia(match[1] as string, params, token as RecordedToken),
    },
  ];

  const authenticate = (
    route: Route,
    headers: Record<string, string>,
  ): { ok: true; token: RecordedToken | null } | { ok: false; reply: Reply } => {
    if (route.auth === 'none') return { ok: true, token: null };
    const result = oauth.resolveBearer(headers.authorization);
    if (result.kind !== 'ok') {
      if (route.auth === 'optional') return { ok: true, token: null };
      const error =
        result.kind === 'missing'
          ? profile.errors.tokenMissing
          : result.kind === 'revoked'
            ? profile.errors.tokenRevoked
            : profile.errors.tokenInvalid;
      return { ok: false, reply: errorReply(error) };
    }
    const { token } = result;
    if (route.scopes && !route.scopes.some((scope) => scopeCovers(token.scopes, scope))) {
      return { ok: false, reply: errorReply(profile.errors.insufficientScope(route.scopes[0] as string)) };
    }
    if (route.auth === 'user' && token.accountId === null) {
      return { ok: false, reply: errorReply(profile.errors.userRequired) };
    }
    return { ok: true, token };
  };

  /** Count the request in its rate-limit window; returns headers to add and whether it is over the limit. */
  const countRate = (key: string): { headers: Record<string, string>; limited: boolean } => {
    if (!rateLimit || profile.rateLimitHeaders === 'none') return { headers: {}, limited: false };
    const time = now();
    const windowStart = Math.floor(time / rateLimit.windowMs) * rateLimit.windowMs;
    let window = rateWindows.get(key);
    if (!window || window.windowStart !== windowStart) {
      window = { windowStart, count: 0 };
      rateWindows.set(key, window);
    }
    window.count += 1;
    const remaining = Math.max(0, rateLimit.limit - window.count);
    return {
      headers: rateLimitHeaders(profile, rateLimit.limit, remaining, windowStart + rateLimit.windowMs),
      limited: window.count > rateLimit.limit,
    };
  };

  const send = (response: ServerResponse, record: RecordedRequest, reply: RawReply, extra: Record<string, string>) => {
    if (response.destroyed || response.headersSent) return;
    // The answer's own headers win (a post-limit 429 carries its own X-RateLimit-* values).
    const headers = { ...extra, ...reply.headers };
    response.writeHead(reply.status, headers);
    response.end(reply.body);
    record.responseStatus = reply.status;
  };

  // Write the first bytes of a response, then cut the connection: what a crashing proxy or app looks like.
  const resetMidResponse = (response: ServerResponse) => {
    const socket = response.socket;
    if (!socket || socket.destroyed) return;
    socket.write('HTTP/1.1 200 OK\r\ncontent-type: applica', () => socket.destroy());
  };

  const readBody = (request: IncomingMessage): Promise<Buffer | null> =>
    new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      request.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) tooLarge = true;
        else chunks.push(chunk);
      });
      request.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks)));
      // A client that hangs up mid-body: handle what arrived (the promise ignores later calls).
      request.on('close', () => resolve(tooLarge ? null : Buffer.concat(chunks)));
      request.on('error', () => resolve(Buffer.concat(chunks)));
    });

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const method = (request.method ?? 'GET').toUpperCase();
    const url = new URL(request.url ?? '/', baseUrl);
    const headers = lowerCaseHeaders(request);
    const raw = await readBody(request);
    const rawBody = raw ? raw.toString('utf8') : '';
    const parsed = raw ? await parseBody(headers['content-type'], raw) : { ok: false as const, error: 'too large' };
    const query = parseQuery(url.search);
    const fault = faults.take(method, url.pathname);
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query,
      headers,
      rawBody,
      body: parsed.ok ? describeParams(parsed.params) : null,
      receivedAt: now(),
      fault: fault?.kind ?? null,
      responseStatus: null,
    };
    requests.push(record);
    const requestId = randomBytes(8).toString('hex');
    const baseHeaders: Record<string, string> = { 'x-request-id': requestId, 'cache-control': 'private, no-store' };
    const idempotencyKey = headers['idempotency-key'];
    const pleromaKey =
      profile.idempotency === 'global-any-response' && idempotencyKey && ['POST', 'PUT', 'PATCH'].includes(method)
        ? `${method} ${url.pathname} ${idempotencyKey}`
        : null;

    const cacheForPleroma = (reply: RawReply): Record<string, string> => {
      if (!pleromaKey) return {};
      const existing = pleromaIdempotency.get(pleromaKey);
      if (existing && existing.expiresAt > now()) return {};
      pleromaIdempotency.set(pleromaKey, { reply, requestId, expiresAt: now() + profile.idempotencyTtlMs });
      return { 'idempotency-key': idempotencyKey as string, 'x-original-request-id': requestId };
    };

    let resetAfterCommit = false;
    if (fault) {
      switch (fault.kind) {
        case 'stall':
          notify();
          return;
        case 'reset':
          resetMidResponse(response);
          notify();
          return;
        case 'html': {
          const status = fault.status ?? 502;
          send(
            response,
            record,
            { status, headers: { 'content-type': 'text/html', server: 'nginx' }, body: nginxErrorPage(status) },
            {},
          );
          notify();
          return;
        }
        case 'status':
        case 'rate-limit': {
          const reply =
            fault.kind === 'status' ? statusFaultReply(fault, profile) : rateLimitFaultReply(fault, profile);
          send(response, record, reply, { ...baseHeaders, ...cacheForPleroma(reply) });
          notify();
          return;
        }
        case 'delay':
          if (!(await abortableSleep(fault.ms, lifetime.signal))) return;
          break;
        case 'reset-after-commit':
          resetAfterCommit = true;
          break;
      }
    }

    const finish = (reply: RawReply, extra: Record<string, string>) => {
      if (resetAfterCommit) {
        resetMidResponse(response);
      } else {
        send(response, record, reply, { ...baseHeaders, ...extra });
      }
      notify();
    };

    const candidates = routes.filter((route) => route.pattern.test(url.pathname));
    const route = candidates.find((candidate) => candidate.method === method);
    const match = route?.pattern.exec(url.pathname);
    if (!route || !match) {
      finish(toRawReply(errorReply(profile.errors.notFound)), {});
      return;
    }
    if (raw === null) {
      finish(toRawReply(jsonReply(413, { error: 'Request entity too large' })), {});
      return;
    }
    if (!parsed.ok) {
      finish(toRawReply(jsonReply(400, { error: `Error while parsing request body: ${parsed.error}` })), {});
      return;
    }

    const isApi = url.pathname.startsWith('/api/') || url.pathname.startsWith('/oauth/');
    let rate: { headers: Record<string, string>; limited: boolean } = { headers: {}, limited: false };
    if (isApi && profile.rateLimitScope === 'ip') rate = countRate(`ip:${request.socket.remoteAddress ?? ''}`);

    const auth = authenticate(route, headers);
    if (!auth.ok) {
      finish(toRawReply(auth.reply), rate.headers);
      return;
    }
    if (isApi && profile.rateLimitScope === 'token' && auth.token) rate = countRate(`token:${auth.token.accessToken}`);
    if (rate.limited) {
      finish(toRawReply(errorReply(profile.errors.rateLimited)), rate.headers);
      return;
    }

    if (pleromaKey && route.auth !== 'none') {
      const cached = pleromaIdempotency.get(pleromaKey);
      if (cached && cached.expiresAt > now()) {
        finish(cached.reply, {
          ...rate.headers,
          'idempotency-key': idempotencyKey as string,
          'idempotent-replayed': 'true',
          'x-original-request-id': cached.requestId,
        });
        return;
      }
    }

    let reply: RawReply;
    try {
      reply = toRawReply(await route.handle({ match, query, params: parsed.params, headers, token: auth.token, url }));
    } catch (error) {
      reply = toRawReply(jsonReply(500, { error: `fake server bug: ${(error as Error).message}` }));
    }
    const idempotencyHeaders = pleromaKey && route.auth !== 'none' ? cacheForPleroma(reply) : {};
    finish(reply, { ...rate.headers, ...idempotencyHeaders });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent && !response.destroyed) {
        response.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        response.end(JSON.stringify({ error: `fake server bug: ${(error as Error).message}` }));
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client that sends garbage or hangs up mid-request must not crash the test process.
  server.on('clientError', (_error, socket) => socket.destroy());
  server.on('upgrade', (request, socket, head) => streaming.handleUpgrade(request, socket, head));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fake server: unexpected listen address');
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    if (closing) return closing;
    lifetime.abort();
    streaming.close();
    closing = new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
    });
    for (const waiter of [...waiters]) waiter();
    return closing;
  };

  return {
    url: baseUrl,
    flavour,
    maxCharacters,
    requests,
    statuses: content.statuses,
    media: content.media,
    notifications: notifications.notifications,
    streams: streaming.streams,
    apps: oauth.apps,
    tokens: oauth.tokens,
    get account() {
      return content.accountJsonOf(botAccount, true);
    },
    accounts,
    get pendingFaults() {
      return faults.pending;
    },
    failNext: (fault, failOptions) => faults.add(fault, failOptions),
    clearFaults: () => faults.clear(),
    authorize: (authorizeRequest) => oauth.authorize(authorizeRequest),
    waitFor<T>(probe: () => T | null | undefined | false, waitOptions: { timeoutMs?: number } = {}): Promise<T> {
      const timeoutMs = waitOptions.timeoutMs ?? DEFAULT_WAIT_MS;
      return new Promise<T>((resolve, reject) => {
        const check = () => {
          let value: T | null | undefined | false;
          try {
            value = probe();
          } catch (error) {
            finish();
            reject(error);
            return;
          }
          if (value) {
            finish();
            resolve(value);
          } else if (lifetime.signal.aborted) {
            finish();
            reject(new Error('fake server closed while waiting'));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`waitFor: condition not met within ${timeoutMs} ms`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    mention({ from, text, visibility = 'public', inReplyToId }) {
      if (!VISIBILITIES.includes(visibility)) {
        throw new TypeError(`fake.mention: visibility must be one of ${VISIBILITIES.join(', ')}, got ${visibility}`);
      }
      const account = content.ensureAccount(from);
      if (account.id === botAccount.id) throw new TypeError('fake.mention: the bot cannot mention itself');
      if (
        inReplyToId !== undefined &&
        !content.statuses.some((status) => status.id === inReplyToId && status.deletedAt === null)
      ) {
        throw new TypeError(`fake.mention: inReplyToId ${inReplyToId} is no status of this server`);
      }
      const host = new URL(baseUrl).host.toLowerCase();
      const mentionsBot = tokenizeStatusText(text).some(
        (token) =>
          token.kind === 'mention' &&
          token.username.toLowerCase() === botAccount.username.toLowerCase() &&
          (token.domain === null || token.domain.toLowerCase() === host),
      );
      const status = content.insert(account, {
        text: mentionsBot ? text : `@${botAccount.username} ${text}`,
        visibility,
        inReplyToId: inReplyToId ?? null,
      });
      const notification = notifications.notifications.find(
        (candidate) => candidate.statusId === status.id && candidate.type === 'mention',
      ) as RecordedNotification;
      notify();
      return { status: content.statusJsonOf(status), notification: notifications.json(notification) };
    },
    favourite(statusId, from) {
      const status = content.statuses.find((candidate) => candidate.id === statusId && candidate.deletedAt === null);
      if (!status) throw new TypeError(`fake.favourite: ${statusId} is no status of this server`);
      const account = content.ensureAccount(from);
      if (!content.visibleTo(status, { accountId: account.id })) {
        throw new TypeError(`fake.favourite: ${from} cannot see status ${statusId}`);
      }
      const made = content.favourite(status.id, account.id) ? notifications.favourited(status, account) : null;
      notify();
      return { notification: made ? notifications.json(made) : null };
    },
    follow(handle) {
      botFollows.add(content.ensureAccount(handle).id);
    },
    dropStreams: () => streaming.drop(),
    reset() {
      requests.length = 0;
      notifications.clear();
      content.clear();
      pleromaIdempotency.clear();
      rateWindows.clear();
      faults.clear();
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
