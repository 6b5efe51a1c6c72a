import { AuthError, toAuthError } from './auth-error.ts';
import { DEFAULT_TIMEOUT_MS, endpoint, oauthClient, restClient } from './masto-client.ts';

/**
 * The scopes Janitor asks for: post statuses and media, read mentions (bot replies), and read its own account
 * (`verify_credentials` needs `read:accounts`; Mastodon 4.3+ also accepts `profile`, older servers do not).
 */
export const DEFAULT_SCOPES: readonly string[] = [
  'write:statuses',
  'write:media',
  'read:notifications',
  'read:accounts',
];

/** The out-of-band redirect: the server shows the authorization code instead of redirecting to a web page. */
export const OOB_REDIRECT_URI = 'urn:ietf:wg:oauth:2.0:oob';

/** An app's OAuth credentials, from {@link registerApp}. */
export interface AppCredentials {
  clientId: string;
  clientSecret: string;
}

/** Options of {@link registerApp}. */
export interface RegisterAppOptions {
  /** The server's base URL, e.g. `https://mastodon.social`. */
  url: string;
  /** Shown to the user on the authorization page and beside every post. */
  appName: string;
  scopes: readonly string[];
  /** @default 'urn:ietf:wg:oauth:2.0:oob' */
  redirectUri?: string;
  website?: string;
  /** @default 15000 */
  timeoutMs?: number;
}

/**
 * Registers an app with `POST /api/v1/apps` and returns its client id and secret (keep them: a token is bound to
 * its app).
 *
 * @example const app = await registerApp({ url, appName: 'Janitor', scopes: DEFAULT_SCOPES });
 */
export async function registerApp(options: RegisterAppOptions): Promise<AppCredentials> {
  const { url, appName, scopes, redirectUri = OOB_REDIRECT_URI, website, timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  const where = endpoint(url, '/api/v1/apps');
  let app: { clientId?: string | null; clientSecret?: string | null } | undefined;
  try {
    app = await restClient(url, undefined, timeoutMs).v1.apps.create({
      clientName: appName,
      redirectUris: redirectUri,
      scopes: scopes.join(' '),
      ...(website ? { website } : {}),
    });
  } catch (error) {
    throw toAuthError(error, 'register app', 'POST', where, { timeoutMs });
  }
  if (!app?.clientId || !app.clientSecret) {
    throw new AuthError(`register app failed: POST ${where}: the answer has no client_id or client_secret`, {
      reason: 'invalid-response',
      retryable: false,
    });
  }
  return { clientId: app.clientId, clientSecret: app.clientSecret };
}

/** A PKCE pair (RFC 7636): send the challenge with the authorization URL, the verifier with the code. */
export interface Pkce {
  verifier: string;
  challenge: string;
  method: 'S256';
}

/** Makes a fresh PKCE pair: a 43-character random verifier and its base64url SHA-256 challenge. */
export function createPkce(): Pkce {
  // Fetched here rather than imported: an ESM import of node:crypto builds its every export (webcrypto among them)
  // in every command that loads the publisher; only a login makes a PKCE pair.
  const { createHash, randomBytes } = process.getBuiltinModule('node:crypto');
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge, method: 'S256' };
}

/** Options of {@link authorizationUrl}. */
export interface AuthorizationUrlOptions {
  url: string;
  clientId: string;
  scopes: readonly string[];
  /** @default 'urn:ietf:wg:oauth:2.0:oob' */
  redirectUri?: string;
  /** From {@link createPkce}. */
  codeChallenge: string;
}

/**
 * The page where the account's owner approves the app (`/oauth/authorize`, PKCE S256). With the out-of-band
 * redirect, the server then shows a code to paste into {@link exchangeCode}.
 */
export function authorizationUrl(options: AuthorizationUrlOptions): string {
  const { url, clientId, scopes, redirectUri = OOB_REDIRECT_URI, codeChallenge } = options;
  const target = new URL('/oauth/authorize', url);
  target.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: scopes.join(' '),
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
  }).toString();
  return target.href;
}

/** Options of {@link exchangeCode}. */
export interface ExchangeCodeOptions {
  url: string;
  clientId: string;
  clientSecret: string;
  /** The code the server showed after approval. */
  code: string;
  /** From the same {@link createPkce} call as the challenge in the authorization URL. */
  codeVerifier: string;
  /** @default 'urn:ietf:wg:oauth:2.0:oob' */
  redirectUri?: string;
  /** The scopes of the authorization URL (Mastodon checks they are equal when given). */
  scopes?: readonly string[];
  /** @default 15000 */
  timeoutMs?: number;
}

/**
 * Trades an authorization code for an access token (`POST /oauth/token`, `grant_type=authorization_code`).
 * Throws an {@link AuthError} with reason `invalid-grant` for a wrong, used or expired code or verifier.
 */
export async function exchangeCode(options: ExchangeCodeOptions): Promise<string> {
  const { url, clientId, clientSecret, code, codeVerifier, redirectUri = OOB_REDIRECT_URI, scopes } = options;
  const params: Record<string, unknown> = {
    grantType: 'authorization_code',
    clientId,
    clientSecret,
    redirectUri,
    code: code.trim(),
    codeVerifier,
  };
  if (scopes) params.scope = scopes.join(' ');
  return requestToken(url, params, 'exchange code', options.timeoutMs);
}

/** Options of {@link passwordGrant}. */
export interface PasswordGrantOptions {
  url: string;
  clientId: string;
  clientSecret: string;
  /** The account's user name or e-mail address, as the server's login form takes it. */
  username: string;
  password: string;
  scopes: readonly string[];
  /** @default 15000 */
  timeoutMs?: number;
}

/**
 * The original's login: user name and password for a token (`grant_type=password`). Pleroma and Akkoma accept it;
 * Mastodon 4.4 removed it and GoToSocial never had it: those refuse with an {@link AuthError} of reason
 * `grant-unsupported` whose message says what to use instead. Wrong credentials give reason `invalid-grant`.
 */
export async function passwordGrant(options: PasswordGrantOptions): Promise<string> {
  const { url, clientId, clientSecret, username, password, scopes } = options;
  const params = { grantType: 'password', clientId, clientSecret, username, password, scope: scopes.join(' ') };
  try {
    return await requestToken(url, params, 'password login', options.timeoutMs);
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    if (error.reason === 'grant-unsupported') {
      throw new AuthError(
        `${error.message.replace(/\.$/, '')}. This server does not accept a user name and password (Mastodon 4.4 and later, ` +
          'GoToSocial): paste a token made in Preferences > Development, or use the authorization-code login',
        { cause: error.cause, reason: 'grant-unsupported', retryable: false, statusCode: error.statusCode },
      );
    }
    // Pleroma answers a wrong password with 400/401 and its own wording ("Invalid credentials").
    if (error.reason === 'request-failed' && (error.statusCode === 400 || error.statusCode === 401)) {
      throw new AuthError(error.message, {
        cause: error.cause,
        reason: 'invalid-grant',
        retryable: false,
        statusCode: error.statusCode,
      });
    }
    throw error;
  }
}

async function requestToken(
  url: string,
  params: Record<string, unknown>,
  step: string,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<string> {
  const where = endpoint(url, '/oauth/token');
  let token: { accessToken?: unknown } | undefined;
  try {
    // masto types only the documented grant parameters; code_verifier (PKCE) passes through its snake_case encoder.
    token = await oauthClient(url, timeoutMs).token.create(params as never);
  } catch (error) {
    throw toAuthError(error, step, 'POST', where, { timeoutMs });
  }
  if (typeof token?.accessToken !== 'string' || token.accessToken === '') {
    throw new AuthError(`${step} failed: POST ${where}: the answer has no access_token`, {
      reason: 'invalid-response',
      retryable: false,
    });
  }
  return token.accessToken;
}
