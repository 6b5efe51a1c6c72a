import { createOAuthAPIClient, createRestAPIClient, type mastodon } from 'masto';

/** How long one request may take, unless the caller says otherwise. */
export const DEFAULT_TIMEOUT_MS = 15_000;

/** The only place masto clients are made: masto's own console logging is silenced (we throw, the app logs). */
export function restClient(url: string, accessToken: string | undefined, timeoutMs: number): mastodon.rest.Client {
  return createRestAPIClient({ url, ...(accessToken ? { accessToken } : {}), timeout: timeoutMs, log: 'error' });
}

/** A client for `/oauth/token` and `/oauth/revoke`. */
export function oauthClient(url: string, timeoutMs: number): mastodon.oauth.Client {
  return createOAuthAPIClient({ url, timeout: timeoutMs, log: 'error' });
}

/** The absolute URL of `path` on the server at `url`, resolved as masto resolves it (for error messages). */
export function endpoint(url: string, path: string): string {
  return new URL(path, url).href;
}
