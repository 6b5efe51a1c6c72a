// `janitor login` and `janitor create-app`: the app's client credentials and the account's token, each got one of
// three ways, checked with verify_credentials, and saved 0600.
import { existsSync } from 'node:fs';
import { readClientCredentials, requireServer, writeSecretFile } from '@janitor/config';
import {
  type Account,
  AuthError,
  authorizationUrl,
  createPkce,
  DEFAULT_SCOPES,
  exchangeCode,
  passwordGrant,
  registerApp,
  verifyCredentials,
} from '@janitor/publisher';
import { ask } from './prompt.ts';
import { CliError, EXIT, openRuntime, type Runtime, type RuntimeOptions } from './runtime.ts';

export const OOB_REDIRECT = 'urn:ietf:wg:oauth:2.0:oob';

/** The app's client credentials: the client file when it exists, else a new registration (written 0600). */
export async function ensureApp(
  runtime: Runtime,
  options: { force?: boolean } = {},
): Promise<{ clientId: string; clientSecret: string; created: boolean }> {
  const { mastodon } = runtime.config.data;
  const file = mastodon.credentials.client_file;
  const existing = options.force ? undefined : readClientCredentials(runtime.config);
  if (existing) return { ...existing, created: false };
  const app = await registerApp({
    url: mastodon.api_base_url,
    appName: mastodon.app_name,
    scopes: DEFAULT_SCOPES,
    redirectUri: OOB_REDIRECT,
  });
  writeSecretFile(file, [app.clientId, app.clientSecret, mastodon.api_base_url]);
  runtime.logger.info('app registered', { server: mastodon.api_base_url, file });
  return { ...app, created: true };
}

export type LoginMethod = 'token' | 'oauth' | 'password';

export interface LoginOptions {
  method: LoginMethod;
  token?: string;
  code?: string;
  username?: string;
  password?: string;
  out?: (line: string) => void;
}

/** `janitor login`: gets a token one of three ways, checks it with verify_credentials, saves it 0600. */
export async function login(runtime: Runtime, options: LoginOptions): Promise<{ account: Account; file: string }> {
  const { mastodon } = runtime.config.data;
  const url = mastodon.api_base_url;
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  let token: string;
  if (options.method === 'token') {
    out(`Create a token in your account's settings on ${url}: Preferences > Development > New application,`);
    out(`with the scopes ${DEFAULT_SCOPES.join(' ')}, then copy "Your access token".`);
    token = options.token ?? (await ask('Access token: ', 'access token'));
  } else if (options.method === 'oauth') {
    const app = await ensureApp(runtime);
    const pkce = createPkce();
    const link = authorizationUrl({
      url,
      clientId: app.clientId,
      scopes: DEFAULT_SCOPES,
      redirectUri: OOB_REDIRECT,
      codeChallenge: pkce.challenge,
    });
    out('Open this address in a browser where you are logged in as the bot, and authorize Janitor:');
    out(link);
    const code = options.code ?? (await ask('Authorization code: ', 'authorization code'));
    token = await exchangeCode({
      url,
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      code,
      codeVerifier: pkce.verifier,
      redirectUri: OOB_REDIRECT,
      scopes: DEFAULT_SCOPES,
    });
  } else {
    const app = await ensureApp(runtime);
    const username =
      options.username ?? mastodon.credentials.user?.email ?? (await ask('Email or username: ', 'username'));
    const password =
      options.password ??
      process.env.JANITOR_MASTODON_PASSWORD ??
      mastodon.credentials.user?.password ??
      (await ask('Password: ', 'password'));
    try {
      token = await passwordGrant({
        url,
        clientId: app.clientId,
        clientSecret: app.clientSecret,
        username,
        password,
        scopes: DEFAULT_SCOPES,
      });
    } catch (error) {
      // The publisher's message names the server's settings page; here the user needs the commands instead.
      if (error instanceof AuthError && error.reason === 'grant-unsupported') {
        throw new CliError(
          `${url} no longer allows logging in with a password (Mastodon 4.4 and later, GoToSocial): run ` +
            "'janitor login --token' with a token made in Preferences > Development, or 'janitor login --oauth'",
          EXIT.credentials,
          { cause: error },
        );
      }
      throw error;
    }
  }
  const account = await verifyCredentials({ url, accessToken: token });
  const file = mastodon.credentials.user_file;
  writeSecretFile(file, [token, url]);
  return { account, file };
}

/** True when the user file already holds a token (login would replace it). */
export function hasUserFile(runtime: Runtime): boolean {
  return existsSync(runtime.config.data.mastodon.credentials.user_file);
}

export function requireMethod(flags: { token?: unknown; oauth?: boolean; password?: unknown }): LoginMethod {
  const chosen = [
    flags.token !== undefined && 'token',
    flags.oauth && 'oauth',
    flags.password !== undefined && 'password',
  ].filter(Boolean) as LoginMethod[];
  if (chosen.length > 1) throw new CliError('choose one of --token, --oauth and --password', EXIT.usage);
  return chosen[0] ?? 'token';
}

/**
 * `janitor create-app [--force]`: registers Janitor on the server the config names (never on the placeholder) and
 * says where its client credentials are.
 */
export async function createAppCommand(
  runtimeOptions: RuntimeOptions,
  options: { force?: boolean; out: (line: string) => void },
): Promise<void> {
  const runtime = await openRuntime(runtimeOptions);
  // Nothing is registered on a server the config does not name (the default is a placeholder).
  requireServer(runtime.config);
  const app = await ensureApp(runtime, { force: options.force === true });
  const file = runtime.config.data.mastodon.credentials.client_file;
  options.out(
    app.created
      ? `app registered; credentials saved to ${file}`
      : `app already registered (${file}); --force registers a new one`,
  );
}

/** The flags of `janitor login`: `--token [T]`, `--oauth [--code C]`, `--password [P] [--username U]`. */
export interface LoginFlags {
  token?: string | true;
  oauth?: boolean;
  code?: string;
  password?: string | true;
  username?: string;
}

/** `janitor login`: one of the three ways chosen from the flags ({@link login}), then who is logged in, and where. */
export async function loginCommand(
  runtimeOptions: RuntimeOptions,
  flags: LoginFlags,
  out: (line: string) => void,
): Promise<void> {
  const method = requireMethod(flags);
  const runtime = await openRuntime(runtimeOptions);
  requireServer(runtime.config);
  const { account, file } = await login(runtime, {
    method,
    ...(typeof flags.token === 'string' ? { token: flags.token } : {}),
    ...(flags.code ? { code: flags.code } : {}),
    ...(flags.username ? { username: flags.username } : {}),
    ...(typeof flags.password === 'string' ? { password: flags.password } : {}),
    out,
  });
  out(`logged in as @${account.acct} on ${runtime.config.data.mastodon.api_base_url}; token saved to ${file}`);
}
