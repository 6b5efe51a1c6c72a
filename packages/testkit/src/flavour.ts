/** The Mastodon-compatible server families the fake can imitate. */
export type Flavour = 'mastodon' | 'pleroma' | 'akkoma' | 'gotosocial';

/** Every flavour, in a stable order (handy for `it.each`). */
export const FLAVOURS: readonly Flavour[] = ['mastodon', 'pleroma', 'akkoma', 'gotosocial'];

/** How a server family treats the `Idempotency-Key` header of POST /api/v1/statuses. */
export type IdempotencyMode =
  /** Mastodon: per account, 1 h, only successful posts; a replay returns the original status. */
  | 'per-account-success'
  /** Pleroma/Akkoma: per method+path+key for everyone, 6 h, any response (errors too) is replayed. */
  | 'global-any-response'
  /** GoToSocial (as documented for the versions Janitor targets): the header is ignored. */
  | 'ignored';

/** How rate-limit headers are written: Mastodon's ISO 8601 reset, GoToSocial's unix seconds, or none (Pleroma). */
export type RateLimitHeaderStyle = 'iso' | 'unix' | 'none';

/** One JSON error answer. */
export interface ErrorReply {
  status: number;
  body: { error: string; error_description?: string };
}

/** What differs between server families, in one table the fake reads from. */
export interface FlavourProfile {
  flavour: Flavour;
  /** The `version` string of GET /api/v1/instance. */
  version: string;
  defaultMaxCharacters: number;
  hasV2Instance: boolean;
  passwordGrant: boolean;
  idempotency: IdempotencyMode;
  idempotencyTtlMs: number;
  /** Accepted `content_type` values for a status; null: the parameter is ignored (recorded only). */
  contentTypes: readonly string[] | null;
  rateLimitHeaders: RateLimitHeaderStyle;
  /** Whether rate-limit headers go on every response (per IP) or only on authenticated ones (per token). */
  rateLimitScope: 'token' | 'ip';
  /** Default posting limit per account; false: none. */
  defaultPostRateLimit: { limit: number; windowMs: number } | false;
  /** Extra visibilities the family accepts beyond public, unlisted, private, direct. */
  extraVisibilities: readonly string[];
  /**
   * The query parameters GET /api/v1/notifications filters on: Mastodon and GoToSocial (0.16+) read `types[]` and
   * `exclude_types[]`; Pleroma and Akkoma read `include_types[]` and `exclude_types[]` (and ignore `types[]`).
   */
  notificationFilters: { include: 'types' | 'include_types'; exclude: 'exclude_types' };
  /**
   * How the streaming API answers subscriptions. `mastodon`: scope checks, errors as `{"error","status"}` messages, no
   * acknowledgement, one event message per subscribed stream. `pleroma`: the same checks, but every subscribe and
   * unsubscribe is answered with a `pleroma:respond` event (no `stream` field). `gotosocial`: no scope checks; a
   * subscribe message for a stream outside its status timelines (`user:notification` among them) is silently
   * ignored (only the `?stream=` query opens it); a notification is one message for `["user:notification", "user"]`.
   */
  streaming: 'mastodon' | 'pleroma' | 'gotosocial';
  /**
   * Mastodon 4.3+: private mentions from accounts the bot does not follow are filtered (left out of the list unless
   * `include_filtered=true`, never pushed on streams).
   */
  filtersPrivateMentions: boolean;
  /** Notification ids: Mastodon, Pleroma and Akkoma count them up (decimal strings); GoToSocial uses ULIDs. */
  notificationIds: 'sequential' | 'record';
  /** Default limit on media uploads per account (Mastodon: 30 per 30 minutes); false: none. */
  defaultMediaRateLimit: { limit: number; windowMs: number } | false;
  errors: {
    notFound: ErrorReply;
    tokenMissing: ErrorReply;
    tokenInvalid: ErrorReply;
    tokenRevoked: ErrorReply;
    userRequired: ErrorReply;
    insufficientScope: (scope: string) => ErrorReply;
    rateLimited: ErrorReply;
    emptyStatus: ErrorReply;
    tooLong: (count: number, max: number) => ErrorReply;
    replyTargetMissing: ErrorReply;
  };
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

const mastodon: FlavourProfile = {
  flavour: 'mastodon',
  version: '4.4.3',
  defaultMaxCharacters: 500,
  hasV2Instance: true,
  passwordGrant: false,
  idempotency: 'per-account-success',
  idempotencyTtlMs: HOUR_MS,
  contentTypes: null,
  rateLimitHeaders: 'iso',
  rateLimitScope: 'token',
  defaultPostRateLimit: { limit: 300, windowMs: 3 * HOUR_MS },
  extraVisibilities: [],
  notificationFilters: { include: 'types', exclude: 'exclude_types' },
  streaming: 'mastodon',
  filtersPrivateMentions: true,
  notificationIds: 'sequential',
  defaultMediaRateLimit: { limit: 30, windowMs: 30 * MINUTE_MS },
  errors: {
    notFound: { status: 404, body: { error: 'Record not found' } },
    tokenMissing: { status: 401, body: { error: 'The access token is invalid' } },
    tokenInvalid: { status: 401, body: { error: 'The access token is invalid' } },
    tokenRevoked: { status: 401, body: { error: 'The access token was revoked' } },
    userRequired: { status: 422, body: { error: 'This method requires an authenticated user' } },
    insufficientScope: () => ({ status: 403, body: { error: 'This action is outside the authorized scopes' } }),
    rateLimited: { status: 429, body: { error: 'Too many requests' } },
    emptyStatus: { status: 422, body: { error: "Validation failed: Text can't be blank" } },
    tooLong: (_count, max) => ({
      status: 422,
      body: { error: `Validation failed: Text character limit of ${max} exceeded` },
    }),
    replyTargetMissing: {
      status: 404,
      body: { error: 'The post you are trying to reply to does not appear to exist.' },
    },
  },
};

const pleroma: FlavourProfile = {
  flavour: 'pleroma',
  version: '2.7.2 (compatible; Pleroma 2.9.1)',
  defaultMaxCharacters: 5000,
  hasV2Instance: false,
  passwordGrant: true,
  idempotency: 'global-any-response',
  idempotencyTtlMs: 6 * HOUR_MS,
  contentTypes: ['text/plain', 'text/markdown', 'text/html', 'text/bbcode'],
  rateLimitHeaders: 'none',
  rateLimitScope: 'token',
  defaultPostRateLimit: { limit: 15, windowMs: 10_000 },
  extraVisibilities: ['local'],
  notificationFilters: { include: 'include_types', exclude: 'exclude_types' },
  streaming: 'pleroma',
  filtersPrivateMentions: false,
  notificationIds: 'sequential',
  defaultMediaRateLimit: false,
  errors: {
    notFound: { status: 404, body: { error: 'Not implemented' } },
    // Pleroma's EnsureAuthenticatedPlug answers 403 (not 401) for a missing or unknown token.
    tokenMissing: { status: 403, body: { error: 'Invalid credentials.' } },
    tokenInvalid: { status: 403, body: { error: 'Invalid credentials.' } },
    tokenRevoked: { status: 403, body: { error: 'Invalid credentials.' } },
    userRequired: { status: 403, body: { error: 'Invalid credentials.' } },
    insufficientScope: (scope) => ({ status: 403, body: { error: `Insufficient permissions: ${scope}.` } }),
    rateLimited: { status: 429, body: { error: 'Throttled' } },
    emptyStatus: { status: 422, body: { error: 'Cannot post an empty status without attachments' } },
    tooLong: () => ({ status: 422, body: { error: 'The status is over the character limit' } }),
    replyTargetMissing: { status: 404, body: { error: 'Record not found' } },
  },
};

const akkoma: FlavourProfile = {
  ...pleroma,
  flavour: 'akkoma',
  version: '2.7.2 (compatible; Akkoma 3.15.2)',
};

const gotosocial: FlavourProfile = {
  flavour: 'gotosocial',
  version: '0.19.1',
  // GoToSocial's documented default for `statuses-max-chars` is 5000 (not Mastodon's 500).
  defaultMaxCharacters: 5000,
  hasV2Instance: true,
  passwordGrant: false,
  idempotency: 'ignored',
  idempotencyTtlMs: 0,
  contentTypes: ['text/plain', 'text/markdown'],
  rateLimitHeaders: 'unix',
  rateLimitScope: 'ip',
  defaultPostRateLimit: false,
  extraVisibilities: ['mutuals_only'],
  notificationFilters: { include: 'types', exclude: 'exclude_types' },
  streaming: 'gotosocial',
  filtersPrivateMentions: false,
  notificationIds: 'record',
  defaultMediaRateLimit: false,
  errors: {
    notFound: { status: 404, body: { error: 'Not Found' } },
    tokenMissing: { status: 401, body: { error: 'Unauthorized: token not supplied' } },
    tokenInvalid: { status: 401, body: { error: 'Unauthorized: token not supplied' } },
    tokenRevoked: { status: 401, body: { error: 'Unauthorized: token not supplied' } },
    userRequired: { status: 401, body: { error: 'Unauthorized: user not supplied or not authorized' } },
    insufficientScope: () => ({ status: 403, body: { error: 'Forbidden: token has insufficient scope permission' } }),
    rateLimited: { status: 429, body: { error: 'rate limit reached' } },
    emptyStatus: { status: 400, body: { error: 'Bad Request: no status, media, or poll provided' } },
    tooLong: (count, max) => ({
      status: 400,
      body: {
        error: `Bad Request: status too long, ${count} characters provided (including spoiler/content warning) but limit is ${max}`,
      },
    }),
    replyTargetMissing: { status: 404, body: { error: 'Not Found: target status not found' } },
  },
};

const PROFILES: Record<Flavour, FlavourProfile> = { mastodon, pleroma, akkoma, gotosocial };

/** The behaviour table of one flavour. */
export function flavourProfile(flavour: Flavour): FlavourProfile {
  const profile = PROFILES[flavour];
  if (!profile) throw new TypeError(`unknown flavour "${String(flavour)}": use one of ${FLAVOURS.join(', ')}`);
  return profile;
}

/** Narrow an unknown string (a CLI flag, an env var) to a Flavour. */
export function isFlavour(value: unknown): value is Flavour {
  return typeof value === 'string' && (FLAVOURS as readonly string[]).includes(value);
}
