import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LoadedConfig } from './load-config.ts';

/** Where an access token came from, so messages can tell the user which one is in use (never the token itself). */
export type TokenSource = 'env' | 'config' | 'file';

export interface ResolvedToken {
  token: string;
  source: TokenSource;
  /** The credential file, when the token came from one. */
  file?: string;
}

/**
 * The Mastodon access token: `$JANITOR_MASTODON_ACCESS_TOKEN`, else `mastodon.credentials.access_token`, else the
 * first line of `mastodon.credentials.user_file` (the original's `user.secret` format). With `instance_type: firefish`
 * also as the original kept it: the third line of a user file that starts with the server's address (server, app
 * name, token), else `mastodon.credentials.user.password` (the bearer token). Undefined when none is set.
 */
export function resolveAccessToken(
  config: LoadedConfig,
  env: Record<string, string | undefined> = process.env,
): ResolvedToken | undefined {
  const fromEnv = env.JANITOR_MASTODON_ACCESS_TOKEN?.trim();
  if (fromEnv) return { token: fromEnv, source: 'env' };
  const fromConfig = config.data.mastodon.credentials.access_token?.trim();
  if (fromConfig) return { token: fromConfig, source: 'config' };
  const { credentials, instance_type } = config.data.mastodon;
  const file = credentials.user_file;
  const lines = readLines(file);
  const firefish = instance_type === 'firefish';
  const fromFile = firefish && /^https?:\/\//.test(lines[0] ?? '') ? lines[2] : lines[0];
  if (fromFile) return { token: fromFile, source: 'file', file };
  const bearer = firefish ? credentials.user?.password?.trim() : undefined;
  if (bearer) return { token: bearer, source: 'config' };
  return undefined;
}

/** The app's client id and secret from `mastodon.credentials.client_file` (the original's `client.secret`). */
export function readClientCredentials(config: LoadedConfig): { clientId: string; clientSecret: string } | undefined {
  const lines = readLines(config.data.mastodon.credentials.client_file);
  const [clientId, clientSecret] = lines;
  return clientId && clientSecret ? { clientId, clientSecret } : undefined;
}

/**
 * Writes a credential file readable by its owner only (mode 0600), creating its folder (0700). The mode is set on
 * creation and again afterwards, so an existing file with wider permissions is narrowed too.
 */
export function writeSecretFile(path: string, lines: readonly string[]): void {
  // A folder made for it is its owner's only (it may be the state folder).
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${lines.join('\n')}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** True when a credential file can be read by users other than its owner. */
export function isReadableByOthers(path: string): boolean {
  return existsSync(path) && (statSync(path).mode & 0o077) !== 0;
}

function readLines(path: string): string[] {
  try {
    return readFileSync(path, 'utf8')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l.length > 0);
  } catch {
    return [];
  }
}
