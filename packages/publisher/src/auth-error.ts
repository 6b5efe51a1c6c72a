import { describeFailure, type FailureContext } from './http-failure.ts';

/**
 * Why a login step failed.
 * - `grant-unsupported`: the server refuses this way of logging in (password grant on Mastodon >= 4.4, GoToSocial).
 * - `invalid-grant`: wrong user name or password, or an expired, used or mistyped authorization code.
 * - `unauthorized`: the access token is invalid, revoked, or lacks a scope.
 * - `invalid-response`: the server answered without what the step needs (no token, no client id).
 * - `request-failed`: anything else: network, timeout, server error, a rejected parameter.
 */
export type AuthFailureReason =
  | 'grant-unsupported'
  | 'invalid-grant'
  | 'unauthorized'
  | 'invalid-response'
  | 'request-failed';

/** What an {@link AuthError} carries besides its message. */
export interface AuthErrorDetails {
  cause?: unknown;
  reason: AuthFailureReason;
  /** Whether trying the same step again may help (a network failure, a 503). */
  retryable: boolean;
  statusCode?: number;
}

/**
 * A login step failed: registering the app, exchanging a code, the password grant, or checking a token. The
 * message says which step, where, and what to do when the server refuses the grant.
 */
export class AuthError extends Error {
  override name = 'AuthError';
  readonly reason: AuthFailureReason;
  readonly retryable: boolean;
  readonly statusCode?: number;

  constructor(message: string, details: AuthErrorDetails) {
    super(message, { cause: details.cause });
    this.reason = details.reason;
    this.retryable = details.retryable;
    if (details.statusCode !== undefined) this.statusCode = details.statusCode;
  }
}

/** Wraps whatever masto threw during `step` (`register app`, `exchange code`...) in an {@link AuthError}. */
export function toAuthError(
  error: unknown,
  step: string,
  method: string,
  url: string,
  context: FailureContext = {},
): AuthError {
  if (error instanceof AuthError) return error;
  const failure = describeFailure(error, context);
  const status = failure.statusCode;
  let reason: AuthFailureReason = 'request-failed';
  if (failure.serverError === 'unsupported_grant_type') reason = 'grant-unsupported';
  else if (failure.serverError === 'invalid_grant') reason = 'invalid-grant';
  else if (status === 401 || status === 403) reason = 'unauthorized';
  const details: AuthErrorDetails = { cause: error, reason, retryable: failure.retryable };
  if (status !== undefined) details.statusCode = status;
  return new AuthError(`${step} failed: ${method} ${url}: ${failure.detail}`, details);
}
