import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApplicationJson, FakeAccount } from './entities.ts';
import type { FlavourProfile } from './flavour.ts';
import { jsonReply, type Reply } from './reply.ts';
import { escapeHtml } from './status-text.ts';

/** The redirect URI that makes the server show the code instead of redirecting. */
export const OOB_REDIRECT_URI = 'urn:ietf:wg:oauth:2.0:oob';

/** How a token came to be. `static`: from the `accessTokens` option. */
export type GrantType = 'static' | 'authorization_code' | 'client_credentials' | 'password';

/** An app registered through POST /api/v1/apps. */
export interface RecordedApp {
  id: string;
  name: string;
  website: string | null;
  redirectUris: string[];
  scopes: string[];
  clientId: string;
  clientSecret: string;
  createdAt: string;
}

/** A bearer token the fake accepts (or accepted, once revoked). */
export interface RecordedToken {
  accessToken: string;
  scopes: string[];
  grantType: GrantType;
  /** The app it was issued to; null for static tokens. */
  clientId: string | null;
  /** The user it acts for; null for app-level tokens (client_credentials). */
  accountId: string | null;
  createdAt: string;
  revoked: boolean;
}

/** What `fake.authorize()` and GET /oauth/authorize take. */
export interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  /** Space-separated scopes. @default 'read' */
  scope?: string;
  codeChallenge?: string;
  /** Only S256 is accepted, as Mastodon 4.3+ does. */
  codeChallengeMethod?: string;
  /** The account that approves. Default: the bot account. */
  accountId?: string;
}

/** An OAuth request the fake refused; `code` is the OAuth error (invalid_client, invalid_scope...). */
export class FakeOAuthError extends Error {
  override name = 'FakeOAuthError';
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status = 400) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

const BASE_SCOPES = ['read', 'write', 'follow', 'push', 'profile'];
const READ_SCOPES = [
  'accounts',
  'blocks',
  'bookmarks',
  'favourites',
  'filters',
  'follows',
  'lists',
  'mutes',
  'notifications',
  'search',
  'statuses',
];
const WRITE_SCOPES = [
  'accounts',
  'blocks',
  'bookmarks',
  'conversations',
  'favourites',
  'filters',
  'follows',
  'lists',
  'media',
  'mutes',
  'notifications',
  'reports',
  'statuses',
];

/** Whether a scope name is one Mastodon knows. */
export function isKnownScope(scope: string): boolean {
  if (BASE_SCOPES.includes(scope)) return true;
  const [group, name, extra] = scope.split(':');
  if (extra !== undefined) return group === 'admin' && (name === 'read' || name === 'write');
  if (group === 'read') return READ_SCOPES.includes(name ?? '');
  if (group === 'write') return WRITE_SCOPES.includes(name ?? '');
  if (group === 'admin') return name === 'read' || name === 'write';
  return false;
}

/** Split a scope string (spaces, or pluses from a query string). */
export function parseScopes(value: unknown, fallback: string[]): string[] {
  if (Array.isArray(value)) return value.map(String).filter(Boolean);
  if (typeof value !== 'string' || value.trim() === '') return fallback;
  return value.split(/[\s+]+/).filter(Boolean);
}

/** Whether granted scopes cover a required one (`write` covers `write:statuses`). */
export function scopeCovers(granted: readonly string[], required: string): boolean {
  if (granted.includes(required)) return true;
  const parent = required.split(':')[0] ?? required;
  return parent !== required && granted.includes(parent);
}

function secret(): string {
  return randomBytes(32).toString('base64url');
}

function sameString(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function oauthError(status: number, error: string, description: string): Reply {
  return jsonReply(status, { error, error_description: description });
}

const DESCRIPTIONS = {
  invalid_client:
    'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
  invalid_grant:
    'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
  invalid_scope: 'The requested scope is invalid, unknown, or malformed.',
  unsupported_grant_type: 'The authorization grant type is not supported by the authorization server.',
  invalid_redirect_uri: "The requested redirect uri is malformed or doesn't match client redirect URI.",
  unsupported_response_type: 'The authorization server does not support this response type.',
  invalid_code_challenge_method: 'The code challenge method must be S256.',
};

interface AuthorizationCode {
  code: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  challenge: string | null;
  accountId: string;
  expiresAt: number;
  used: boolean;
}

/** A static token as given in the options: the token alone (full scopes), or with its scopes. */
export type StaticToken = string | { token: string; scopes?: readonly string[] };

/** Everything OAuth needs from the rest of the fake. */
export interface OAuthDependencies {
  profile: FlavourProfile;
  now: () => number;
  newId: () => string;
  defaultAccount: () => FakeAccount;
  accountById: (id: string) => FakeAccount | undefined;
  baseUrl: () => string;
  /** Find the account of a password-grant login (username or email), or null. */
  checkPassword: (login: string, password: string) => FakeAccount | null;
  staticTokens: readonly StaticToken[];
}

/** The outcome of reading the Authorization header. */
export type BearerResult =
  | { kind: 'ok'; token: RecordedToken }
  | { kind: 'missing' }
  | { kind: 'invalid' }
  | { kind: 'revoked' };

/** OAuth state and endpoints: apps, authorization codes, tokens. */
export interface OAuthServer {
  readonly apps: RecordedApp[];
  readonly tokens: RecordedToken[];
  registerApp(params: Record<string, unknown>): Reply;
  verifyApp(token: RecordedToken): Reply;
  authorize(request: AuthorizeRequest): string;
  authorizePage(query: Record<string, unknown>): Reply;
  token(params: Record<string, unknown>, authorization: string | undefined): Reply;
  revoke(params: Record<string, unknown>, authorization: string | undefined): Reply;
  resolveBearer(authorization: string | undefined): BearerResult;
}

const CODE_TTL_MS = 10 * 60_000;

/** Create the OAuth side of the fake. */
export function createOAuthServer(deps: OAuthDependencies): OAuthServer {
  const apps: RecordedApp[] = [];
  const tokens: RecordedToken[] = [];
  const codes = new Map<string, AuthorizationCode>();
  const iso = () => new Date(deps.now()).toISOString();

  for (const entry of deps.staticTokens) {
    const token = typeof entry === 'string' ? entry : entry.token;
    const scopes = typeof entry === 'string' ? undefined : entry.scopes;
    tokens.push({
      accessToken: token,
      scopes: scopes ? [...scopes] : ['read', 'write', 'follow', 'push', 'profile'],
      grantType: 'static',
      clientId: null,
      accountId: deps.defaultAccount().id,
      createdAt: iso(),
      revoked: false,
    });
  }

  const appJson = (app: RecordedApp, withSecret: boolean): ApplicationJson => {
    const json: ApplicationJson = {
      id: app.id,
      name: app.name,
      website: app.website,
      scopes: app.scopes,
      redirect_uris: app.redirectUris,
      redirect_uri: app.redirectUris.join('\n'),
      vapid_key: '',
    };
    if (withSecret) {
      json.client_id = app.clientId;
      json.client_secret = app.clientSecret;
      json.client_secret_expires_at = 0;
    }
    return json;
  };

  const clientCredentials = (params: Record<string, unknown>, authorization: string | undefined) => {
    let clientId = typeof params.client_id === 'string' ? params.client_id : undefined;
    let clientSecret = typeof params.client_secret === 'string' ? params.client_secret : undefined;
    const basic = authorization?.match(/^Basic\s+(.+)$/i);
    if (basic?.[1]) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) {
        clientId = decodeURIComponent(decoded.slice(0, colon));
        clientSecret = decodeURIComponent(decoded.slice(colon + 1));
      }
    }
    const app = apps.find((candidate) => candidate.clientId === clientId);
    if (!app || clientSecret === undefined || !sameString(app.clientSecret, clientSecret)) return null;
    return app;
  };

  const issue = (grantType: GrantType, app: RecordedApp, scopes: string[], accountId: string | null): Reply => {
    const token: RecordedToken = {
      accessToken: secret(),
      scopes,
      grantType,
      clientId: app.clientId,
      accountId,
      createdAt: iso(),
      revoked: false,
    };
    tokens.push(token);
    const body: Record<string, unknown> = {
      access_token: token.accessToken,
      token_type: 'Bearer',
      scope: scopes.join(' '),
      created_at: Math.floor(deps.now() / 1000),
    };
    const flavour = deps.profile.flavour;
    const account = accountId === null ? undefined : deps.accountById(accountId);
    if ((flavour === 'pleroma' || flavour === 'akkoma') && account) {
      body.refresh_token = secret();
      body.expires_in = 3_155_760_000;
      body.me = `${deps.baseUrl()}/users/${account.username}`;
    }
    return jsonReply(200, body);
  };

  const validateAuthorize = (request: AuthorizeRequest): { app: RecordedApp; scopes: string[] } => {
    const app = apps.find((candidate) => candidate.clientId === request.clientId);
    if (!app) throw new FakeOAuthError('invalid_client', DESCRIPTIONS.invalid_client, 401);
    if (!app.redirectUris.includes(request.redirectUri)) {
      throw new FakeOAuthError('invalid_redirect_uri', DESCRIPTIONS.invalid_redirect_uri);
    }
    const scopes = parseScopes(request.scope, ['read']);
    if (scopes.some((scope) => !isKnownScope(scope) || !app.scopes.some((granted) => scopeCovers([granted], scope)))) {
      throw new FakeOAuthError('invalid_scope', DESCRIPTIONS.invalid_scope);
    }
    if (request.codeChallenge !== undefined && (request.codeChallengeMethod ?? 'plain') !== 'S256') {
      throw new FakeOAuthError('invalid_request', DESCRIPTIONS.invalid_code_challenge_method);
    }
    return { app, scopes };
  };

  const authorize = (request: AuthorizeRequest): string => {
    const { app, scopes } = validateAuthorize(request);
    const code = secret();
    codes.set(code, {
      code,
      clientId: app.clientId,
      redirectUri: request.redirectUri,
      scopes,
      challenge: request.codeChallenge ?? null,
      accountId: request.accountId ?? deps.defaultAccount().id,
      expiresAt: deps.now() + CODE_TTL_MS,
      used: false,
    });
    return code;
  };

  return {
    apps,
    tokens,
    authorize,

    registerApp(params) {
      const name = typeof params.client_name === 'string' ? params.client_name.trim() : '';
      const rawUris = params.redirect_uris;
      const redirectUris = (Array.isArray(rawUris) ? rawUris.map(String) : typeof rawUris === 'string' ? [rawUris] : [])
        .flatMap((uri) => uri.split(/\s*\n\s*/))
        .map((uri) => uri.trim())
        .filter(Boolean);
      const scopes = parseScopes(params.scopes, ['read']);
      const problems: string[] = [];
      if (!name) problems.push("Application name can't be blank");
      if (redirectUris.length === 0) problems.push("Redirect URI can't be blank");
      for (const uri of redirectUris) {
        if (uri === OOB_REDIRECT_URI) continue;
        let parsed: URL | null = null;
        try {
          parsed = new URL(uri);
        } catch {
          parsed = null;
        }
        if (!parsed) problems.push('Redirect URI must be an absolute URI.');
        else if (parsed.hash) problems.push('Redirect URI cannot contain a fragment.');
      }
      if (scopes.some((scope) => !isKnownScope(scope))) problems.push("Scopes doesn't match configured on the server.");
      if (problems.length > 0) return jsonReply(422, { error: `Validation failed: ${problems.join(', ')}` });
      const website = typeof params.website === 'string' && params.website !== '' ? params.website : null;
      const app: RecordedApp = {
        id: deps.newId(),
        name,
        website,
        redirectUris,
        scopes,
        clientId: secret(),
        clientSecret: secret(),
        createdAt: iso(),
      };
      apps.push(app);
      return jsonReply(200, appJson(app, true));
    },

    verifyApp(token) {
      const app = apps.find((candidate) => candidate.clientId === token.clientId);
      if (!app) return jsonReply(200, { name: 'Web', website: null, scopes: token.scopes, redirect_uris: [] });
      return jsonReply(200, appJson(app, false));
    },

    authorizePage(query) {
      const text = (key: string) => (typeof query[key] === 'string' ? (query[key] as string) : undefined);
      const page = (status: number, title: string, body: string): Reply => ({
        status,
        html: `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body class="modal-layout"><div class="form-container">${body}</div></body></html>\n`,
      });
      if (text('response_type') !== 'code') {
        return page(
          400,
          'An error has occurred',
          `<div class="form-container"><h2>An error has occurred</h2><pre>${escapeHtml(DESCRIPTIONS.unsupported_response_type)}</pre></div>`,
        );
      }
      const redirectUri = text('redirect_uri') ?? '';
      const state = text('state');
      let code: string;
      try {
        code = authorize({
          clientId: text('client_id') ?? '',
          redirectUri,
          scope: text('scope'),
          codeChallenge: text('code_challenge'),
          codeChallengeMethod: text('code_challenge_method'),
        });
      } catch (error) {
        const description = error instanceof Error ? error.message : String(error);
        return page(
          400,
          'An error has occurred',
          `<h2>An error has occurred</h2><pre>${escapeHtml(description)}</pre>`,
        );
      }
      if (redirectUri === OOB_REDIRECT_URI) {
        return page(
          200,
          'Authorization code',
          `<div class="simple_form"><p class="hint">Copy this authorization code and paste it to the application.</p><input class="oauth-code" readonly type="text" value="${escapeHtml(code)}"></div>`,
        );
      }
      const location = new URL(redirectUri);
      location.searchParams.set('code', code);
      if (state !== undefined) location.searchParams.set('state', state);
      return { status: 302, headers: { location: location.toString() }, html: '' };
    },

    token(params, authorization) {
      const grantType = typeof params.grant_type === 'string' ? params.grant_type : '';
      if (grantType === '') return oauthError(400, 'invalid_request', 'Missing required parameter: grant_type.');
      const known = ['authorization_code', 'client_credentials'];
      if (deps.profile.passwordGrant) known.push('password');
      if (!known.includes(grantType)) {
        return oauthError(400, 'unsupported_grant_type', DESCRIPTIONS.unsupported_grant_type);
      }
      const app = clientCredentials(params, authorization);
      if (!app) return oauthError(401, 'invalid_client', DESCRIPTIONS.invalid_client);

      if (grantType === 'client_credentials') {
        const scopes = parseScopes(params.scope, ['read']);
        if (scopes.some((scope) => !app.scopes.some((granted) => scopeCovers([granted], scope)))) {
          return oauthError(400, 'invalid_scope', DESCRIPTIONS.invalid_scope);
        }
        return issue('client_credentials', app, scopes, null);
      }

      if (grantType === 'password') {
        const login = typeof params.username === 'string' ? params.username : '';
        const password = typeof params.password === 'string' ? params.password : '';
        const account = deps.checkPassword(login, password);
        // Pleroma's answer to a wrong login or password.
        if (!account) return jsonReply(400, { error: 'Invalid credentials' });
        const scopes = parseScopes(params.scope, app.scopes);
        if (scopes.some((scope) => !app.scopes.some((granted) => scopeCovers([granted], scope)))) {
          return oauthError(400, 'invalid_scope', DESCRIPTIONS.invalid_scope);
        }
        return issue('password', app, scopes, account.id);
      }

      const codeValue = typeof params.code === 'string' ? params.code : '';
      const code = codes.get(codeValue);
      const redirectUri = typeof params.redirect_uri === 'string' ? params.redirect_uri : '';
      if (!code || code.used || code.clientId !== app.clientId || code.expiresAt <= deps.now()) {
        return oauthError(400, 'invalid_grant', DESCRIPTIONS.invalid_grant);
      }
      if (code.redirectUri !== redirectUri) return oauthError(400, 'invalid_grant', DESCRIPTIONS.invalid_grant);
      if (code.challenge !== null) {
        const verifier = typeof params.code_verifier === 'string' ? params.code_verifier : '';
        if (verifier === '') return oauthError(400, 'invalid_request', 'Missing required parameter: code_verifier.');
        const computed = createHash('sha256').update(verifier).digest('base64url');
        if (!sameString(computed, code.challenge)) return oauthError(400, 'invalid_grant', DESCRIPTIONS.invalid_grant);
      }
      code.used = true;
      return issue('authorization_code', app, code.scopes, code.accountId);
    },

    revoke(params, authorization) {
      const app = clientCredentials(params, authorization);
      if (!app) return oauthError(403, 'unauthorized_client', 'You are not authorized to revoke this token');
      const value = typeof params.token === 'string' ? params.token : '';
      const token = tokens.find((candidate) => candidate.accessToken === value);
      // RFC 7009: an unknown token is not an error; a token of another client is.
      if (token && token.clientId !== app.clientId) {
        return oauthError(403, 'unauthorized_client', 'You are not authorized to revoke this token');
      }
      if (token) token.revoked = true;
      return jsonReply(200, {});
    },

    resolveBearer(authorization) {
      const match = authorization?.match(/^Bearer\s+(\S+)\s*$/i);
      if (!match?.[1]) return { kind: 'missing' };
      const token = tokens.find((candidate) => candidate.accessToken === match[1]);
      if (!token) return { kind: 'invalid' };
      if (token.revoked) return { kind: 'revoked' };
      return { kind: 'ok', token };
    },
  };
}

/** The S256 code challenge of a PKCE verifier (base64url of its SHA-256), for tests that play the client. */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}
