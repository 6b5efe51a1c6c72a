// The hub's JSON API as the page calls it: same-origin, with the session's CSRF token on requests that change
// something, errors turned into messages.

/** @type {string | null} */
let csrfToken = null;

/**
 * The CSRF token requests that change something carry (from `GET /api/v1/session`).
 * @param {string | null} token
 */
export function setCsrfToken(token) {
  csrfToken = token;
}

/** @type {() => void} */
let onUnauthorized = () => {};

/**
 * What to do when the hub answers 401 (the session ended): the page goes to the login form.
 * @param {() => void} handler
 */
export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

/** A request the hub refused, or that did not reach it. */
export class ApiError extends Error {
  /**
   * @param {number} status 0 when the hub could not be reached
   * @param {string} message
   * @param {string | undefined} field the parameter the hub named
   */
  constructor(status, message, field) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.field = field;
  }
}

/**
 * Calls the hub: `GET` by default; a `body` is sent as JSON.
 * @param {string} path e.g. `/api/v1/hosts`
 * @param {{ method?: string, body?: unknown, signal?: AbortSignal }} [options]
 * @returns {Promise<any>} the parsed JSON answer
 * @throws {ApiError} with the hub's `error` as the message
 */
export async function api(path, options = {}) {
  const { method = 'GET', body, signal } = options;
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  /** @type {Response} */
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, `the hub cannot be reached (${error instanceof Error ? error.message : error})`, undefined);
  }
  const text = await res.text();
  /** @type {any} */
  let data = null;
  try {
    data = text === '' ? null : JSON.parse(text);
  } catch {
    data = null;
  }
  if (!res.ok) {
    if (res.status === 401) onUnauthorized();
    const message = typeof data?.error === 'string' ? data.error : `${res.status} ${res.statusText}`.trim();
    throw new ApiError(res.status, message, typeof data?.field === 'string' ? data.field : undefined);
  }
  return data;
}

/**
 * A query string from the values that are set.
 * @param {Record<string, string | number | undefined | null>} params
 */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text === '' ? '' : `?${text}`;
}
