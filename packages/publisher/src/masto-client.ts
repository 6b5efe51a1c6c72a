import { createOAuthAPIClient, createRestAPIClient, createStreamingAPIClient, type mastodon } from 'masto';

/** How long one request may take, unless the caller says otherwise. */
export const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * The only place masto clients are made: masto's own console logging is silenced (we throw, the app logs). A
 * `signal` aborts every request of the client: masto's paginated lists take no per-request signal.
 */
export function restClient(
  url: string,
  accessToken: string | undefined,
  timeoutMs: number,
  signal?: AbortSignal,
): mastodon.rest.Client {
  return createRestAPIClient({
    url,
    ...(accessToken ? { accessToken } : {}),
    timeout: timeoutMs,
    log: 'error',
    ...(signal ? { requestInit: { signal } } : {}),
  });
}

/** A client for `/oauth/token` and `/oauth/revoke`. */
export function oauthClient(url: string, timeoutMs: number): mastodon.oauth.Client {
  return createOAuthAPIClient({ url, timeout: timeoutMs, log: 'error' });
}

/**
 * A streaming client that connects once (no reconnection: the caller decides when to try again) through
 * `implementation`, a WebSocket class (Node's global one, or a subclass of it). masto still prints one line on
 * `console.error` when the connection is refused: it has no quieter level.
 */
export function streamingClient(
  streamingApiUrl: string,
  accessToken: string,
  implementation: typeof WebSocket,
): mastodon.streaming.Client {
  return createStreamingAPIClient({ streamingApiUrl, accessToken, retry: false, log: 'error', implementation });
}

/** The absolute URL of `path` on the server at `url`, resolved as masto resolves it (for error messages). */
export function endpoint(url: string, path: string): string {
  return new URL(path, url).href;
}
