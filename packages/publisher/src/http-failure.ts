import { MastoDeserializeError, MastoHttpError, MastoTimeoutError, MastoUnexpectedError } from 'masto';

/**
 * How a request failed, which tells whether the server may have acted on it:
 * - `http`: the server answered an error in JSON (it did not act);
 * - `error-page`: an error answered as HTML or plain text (a proxy's 502: the server behind it did not act);
 * - `unreachable`: no connection was made (refused, unknown host): the request never left;
 * - `connection`: the connection broke after the request was sent (reset): it may have been acted on;
 * - `timeout`: no answer in time: it may have been acted on;
 * - `invalid-response`: an answer that could not be read (malformed JSON): it probably was acted on;
 * - `aborted`: the caller's signal;
 * - `other`: anything else.
 */
export type FailureKind =
  | 'http'
  | 'error-page'
  | 'unreachable'
  | 'connection'
  | 'timeout'
  | 'invalid-response'
  | 'aborted'
  | 'other';

/** True when the server may have done what the failed request asked (no answer, or one that could not be read). */
export function mayHaveTakenEffect(kind: FailureKind): boolean {
  return kind === 'connection' || kind === 'timeout' || kind === 'invalid-response' || kind === 'aborted';
}

/** Network errors that mean no connection was made: nothing reached the server. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);

/** What went wrong in one request made through masto, in the terms a caller decides on. */
export interface HttpFailure {
  kind: FailureKind;
  /** Whether the same request may succeed later. */
  retryable: boolean;
  /** The HTTP status, when the server's answer could be read. */
  statusCode?: number;
  /** What failed, for the error message: `503 Service Unavailable: busy`, `timed out after 15000 ms`. */
  detail: string;
  /** The OAuth or API error code from the body (`unsupported_grant_type`, `invalid_grant`), when there was one. */
  serverError?: string;
  /** From `X-RateLimit-Reset` (Mastodon: ISO 8601; others: Unix seconds). */
  rateLimitResetAt?: Date;
  /** From `Retry-After` (seconds or an HTTP date). */
  retryAfterMs?: number;
}

/** The context that turns an error into a useful description. */
export interface FailureContext {
  timeoutMs?: number;
  /** The caller's signal: when it aborted, the failure is an abort, not a network error. */
  signal?: AbortSignal;
  /** @default Date.now */
  now?: () => number;
}

/** Statuses worth retrying: the server may answer differently later. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/**
 * Classifies what masto threw. masto reports an HTTP error with a JSON body as `MastoHttpError`; an error with an
 * HTML body (a proxy's 502 page) as a plain `TypeError` from destructuring; an error with a body of another type as
 * `MastoUnexpectedError` without the status; a network failure as `TypeError: fetch failed`.
 */
export function describeFailure(error: unknown, context: FailureContext = {}): HttpFailure {
  const { timeoutMs, signal, now = Date.now } = context;
  if (error instanceof MastoHttpError) return describeHttpError(error, now);
  if (error instanceof MastoTimeoutError || isDomException(error, 'TimeoutError')) {
    return {
      kind: 'timeout',
      retryable: true,
      detail: timeoutMs === undefined ? 'timed out' : `timed out after ${timeoutMs} ms`,
    };
  }
  if (signal?.aborted || isDomException(error, 'AbortError')) {
    return { kind: 'aborted', retryable: true, detail: 'aborted' };
  }
  if (error instanceof TypeError) {
    if (error.message === 'fetch failed') {
      const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
      const why =
        typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : '';
      const code = networkCode(error);
      return {
        kind: code !== undefined && NOT_CONNECTED.has(code) ? 'unreachable' : 'connection',
        retryable: true,
        detail: why ? `fetch failed (${why})` : 'fetch failed',
      };
    }
    return {
      kind: 'error-page',
      retryable: true,
      detail: 'the server answered with an HTML page instead of JSON (a proxy error?)',
    };
  }
  if (error instanceof MastoUnexpectedError) {
    const failed = error.message.includes('may be down');
    return {
      kind: failed ? 'error-page' : 'invalid-response',
      retryable: true,
      detail: failed
        ? 'the server answered an error with a body that is not JSON (a proxy error?)'
        : 'the server answered with a body that is not JSON',
    };
  }
  if (error instanceof MastoDeserializeError) {
    return { kind: 'invalid-response', retryable: true, detail: 'the server answered with malformed JSON' };
  }
  return { kind: 'other', retryable: false, detail: error instanceof Error ? error.message : String(error) };
}

function describeHttpError(error: MastoHttpError, now: () => number): HttpFailure {
  const status = error.statusCode;
  const response = error.cause instanceof Response ? error.cause : undefined;
  // node:http is fetched here rather than imported: an ESM import of it builds its every export (undici's WebSocket
  // among them), a cost every command that loads the publisher paid without a failure to describe.
  const reason = response?.statusText || process.getBuiltinModule('node:http').STATUS_CODES[status] || '';
  const serverText = [error.message, error.description].filter((s) => typeof s === 'string' && s !== '').join(': ');
  let detail = reason ? `${status} ${reason}` : String(status);
  if (serverText && serverText.toLowerCase() !== reason.toLowerCase()) detail += `: ${serverText}`;
  const failure: HttpFailure = { kind: 'http', retryable: isRetryableStatus(status), statusCode: status, detail };
  if (typeof error.message === 'string' && error.message !== '') failure.serverError = error.message;
  const headers = response?.headers;
  const reset = parseResetAt(headers?.get('x-ratelimit-reset'));
  if (reset) failure.rateLimitResetAt = reset;
  const after = parseRetryAfter(headers?.get('retry-after'), now);
  if (after !== undefined) failure.retryAfterMs = after;
  return failure;
}

/** `X-RateLimit-Reset`: an ISO 8601 date (Mastodon) or Unix seconds (GoToSocial). */
export function parseResetAt(value: string | null | undefined): Date | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  const date = /^\d+(\.\d+)?$/.test(trimmed) ? new Date(Number(trimmed) * 1000) : new Date(trimmed);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** `Retry-After`: delay seconds or an HTTP date, as milliseconds from now (never negative). */
export function parseRetryAfter(value: string | null | undefined, now: () => number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now());
}

/** The system error code behind `fetch failed` (undici puts it on the cause, or on the cause's cause). */
function networkCode(error: TypeError): string | undefined {
  let cause: unknown = error.cause;
  for (let depth = 0; depth < 3 && cause && typeof cause === 'object'; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && !code.startsWith('UND_ERR')) return code;
    cause = (cause as { cause?: unknown }).cause;
  }
  return undefined;
}

function isDomException(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}
