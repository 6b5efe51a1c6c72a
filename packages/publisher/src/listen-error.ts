import { AuthError } from './auth-error.ts';
import { describeFailure, type FailureContext, type FailureKind } from './http-failure.ts';

/** What a {@link ListenError} carries besides its message. */
export interface ListenErrorDetails {
  cause?: unknown;
  /** Whether trying again later may help (the caller owns the backoff). */
  retryable: boolean;
  /** How the request failed. @default 'other' */
  kind?: FailureKind;
  statusCode?: number;
  /** When the server's rate limit resets (`X-RateLimit-Reset`). */
  rateLimitResetAt?: Date;
  /** How long the server asked to wait (`Retry-After`). */
  retryAfterMs?: number;
}

/**
 * Reading the account's notifications failed, or its notification stream could not be opened or ended: the message
 * says what and where, `read notifications failed: GET https://host/api/v1/notifications: 503 Service Unavailable`.
 * A refused token is an {@link AuthError} instead.
 */
export class ListenError extends Error {
  override name = 'ListenError';
  /** Whether trying again later may help. */
  readonly retryable: boolean;
  /** How the request failed: see {@link FailureKind}. */
  readonly kind: FailureKind;
  readonly statusCode?: number;
  readonly rateLimitResetAt?: Date;
  readonly retryAfterMs?: number;

  constructor(message: string, details: ListenErrorDetails) {
    super(message, { cause: details.cause });
    this.retryable = details.retryable;
    this.kind = details.kind ?? 'other';
    if (details.statusCode !== undefined) this.statusCode = details.statusCode;
    if (details.rateLimitResetAt !== undefined) this.rateLimitResetAt = details.rateLimitResetAt;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }
}

/** What to tell the owner when the server refuses the token for reading notifications. */
export const LOGIN_AGAIN =
  'the access token is refused or lacks the read:notifications scope: run `janitor login` again to get a token with it';

/**
 * Wraps what masto threw while `step` (`read notifications`, `stream notifications`) did `method url`: a 401 or 403
 * becomes an {@link AuthError} saying to log in again, anything else a {@link ListenError}.
 */
export function toListenError(
  error: unknown,
  step: string,
  method: string,
  url: string,
  context: FailureContext = {},
): ListenError | AuthError {
  if (error instanceof ListenError || error instanceof AuthError) return error;
  const failure = describeFailure(error, context);
  const where = `${step} failed: ${method} ${url}: ${failure.detail}`;
  if (failure.statusCode === 401 || failure.statusCode === 403) {
    return new AuthError(`${where}; ${LOGIN_AGAIN}`, {
      cause: error,
      reason: 'unauthorized',
      retryable: false,
      statusCode: failure.statusCode,
    });
  }
  const details: ListenErrorDetails = { cause: error, retryable: failure.retryable, kind: failure.kind };
  if (failure.statusCode !== undefined) details.statusCode = failure.statusCode;
  if (failure.rateLimitResetAt) details.rateLimitResetAt = failure.rateLimitResetAt;
  if (failure.retryAfterMs !== undefined) details.retryAfterMs = failure.retryAfterMs;
  return new ListenError(where, details);
}
