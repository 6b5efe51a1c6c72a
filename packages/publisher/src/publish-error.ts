import { describeFailure, type FailureContext, type FailureKind, mayHaveTakenEffect } from './http-failure.ts';

/** What a {@link PublishError} carries besides its message. */
export interface PublishErrorDetails {
  cause?: unknown;
  /** Whether the same post may succeed later (the caller owns the backoff). */
  retryable: boolean;
  /** How the request failed. @default 'other' */
  kind?: FailureKind;
  statusCode?: number;
  /** When the server's rate limit resets (`X-RateLimit-Reset`, e.g. Mastodon's 429). */
  rateLimitResetAt?: Date;
  /** How long the server asked to wait (`Retry-After`, e.g. GoToSocial's 503). */
  retryAfterMs?: number;
}

/**
 * A status could not be posted (or the server could not be asked about its limits). The message says what and
 * where: `publish failed: POST https://host/api/v1/statuses: 503 Service Unavailable`.
 */
export class PublishError extends Error {
  override name = 'PublishError';
  /** Whether the same post may succeed later. */
  readonly retryable: boolean;
  /** How the request failed: see {@link FailureKind}. */
  readonly kind: FailureKind;
  readonly statusCode?: number;
  readonly rateLimitResetAt?: Date;
  readonly retryAfterMs?: number;

  constructor(message: string, details: PublishErrorDetails) {
    super(message, { cause: details.cause });
    this.retryable = details.retryable;
    this.kind = details.kind ?? 'other';
    if (details.statusCode !== undefined) this.statusCode = details.statusCode;
    if (details.rateLimitResetAt !== undefined) this.rateLimitResetAt = details.rateLimitResetAt;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }

  /**
   * True when the server may have made the post although the request failed (a timeout, a connection that broke
   * after the request was sent, an unreadable answer): retry only where the idempotency key protects, or after
   * checking the account's latest statuses.
   */
  get mayHavePosted(): boolean {
    return mayHaveTakenEffect(this.kind);
  }
}

/** Wraps whatever masto threw for `method url` in a {@link PublishError}. */
export function toPublishError(
  error: unknown,
  method: string,
  url: string,
  context: FailureContext = {},
): PublishError {
  if (error instanceof PublishError) return error;
  const failure = describeFailure(error, context);
  const details: PublishErrorDetails = { cause: error, retryable: failure.retryable, kind: failure.kind };
  if (failure.statusCode !== undefined) details.statusCode = failure.statusCode;
  if (failure.rateLimitResetAt) details.rateLimitResetAt = failure.rateLimitResetAt;
  if (failure.retryAfterMs !== undefined) details.retryAfterMs = failure.retryAfterMs;
  return new PublishError(`publish failed: ${method} ${url}: ${failure.detail}`, details);
}
