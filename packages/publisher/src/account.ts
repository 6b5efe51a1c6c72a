import { AuthError, toAuthError } from './auth-error.ts';
import { DEFAULT_TIMEOUT_MS, endpoint, restClient } from './masto-client.ts';

/** The account a token belongs to. */
export interface Account {
  id: string;
  /** The local user name, without the domain. */
  username: string;
  /** `user` for a local account, as the server shows it. */
  acct: string;
  /** The profile page. */
  url: string;
}

/** Options of {@link verifyCredentials}. */
export interface VerifyCredentialsOptions {
  /** The server's base URL, e.g. `https://mastodon.social`. */
  url: string;
  accessToken: string;
  /** @default 15000 */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const VERIFY_PATH = '/api/v1/accounts/verify_credentials';

/**
 * Checks a token with `GET /api/v1/accounts/verify_credentials` (scope `read:accounts`) and returns its account.
 * Throws an {@link AuthError} with reason `unauthorized` when the token is invalid or lacks the scope.
 *
 * @example const me = await verifyCredentials({ url: 'https://mastodon.social', accessToken }); // me.acct
 */
export async function verifyCredentials(options: VerifyCredentialsOptions): Promise<Account> {
  const { url, accessToken, timeoutMs = DEFAULT_TIMEOUT_MS, signal } = options;
  const where = endpoint(url, VERIFY_PATH);
  let data: unknown;
  try {
    data = await restClient(url, accessToken, timeoutMs).v1.accounts.verifyCredentials(
      undefined,
      signal ? { requestInit: { signal } } : undefined,
    );
  } catch (error) {
    throw toAuthError(error, 'verify credentials', 'GET', where, signal ? { timeoutMs, signal } : { timeoutMs });
  }
  const account = data as Partial<Record<keyof Account, unknown>> | undefined;
  if (!account || typeof account.id !== 'string' || typeof account.username !== 'string') {
    throw new AuthError(`verify credentials failed: GET ${where}: the answer names no account`, {
      reason: 'invalid-response',
      retryable: false,
    });
  }
  return {
    id: account.id,
    username: account.username,
    acct: typeof account.acct === 'string' ? account.acct : account.username,
    url: typeof account.url === 'string' ? account.url : '',
  };
}
