import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isReadableByOthers, readClientCredentials, resolveAccessToken, writeSecretFile } from './credentials.ts';
import { parseConfig } from './load-config.ts';

function configIn(dir: string, credentials: Record<string, unknown> = {}) {
  return parseConfig({ mastodon: { credentials } }, { baseDir: dir, env: {} });
}

describe('resolveAccessToken', () => {
  it('prefers the environment, then the config, then the user file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'janitor-cred-'));
    writeFileSync(join(dir, 'user.secret'), 'file-token\nhttps://example.org\n');
    expect(resolveAccessToken(configIn(dir), {})).toEqual({
      token: 'file-token',
      source: 'file',
      file: join(dir, 'user.secret'),
    });
    expect(resolveAccessToken(configIn(dir, { access_token: 'cfg' }), {})).toEqual({ token: 'cfg', source: 'config' });
    expect(
      resolveAccessToken(configIn(dir, { access_token: 'cfg' }), { JANITOR_MASTODON_ACCESS_TOKEN: 'env' }),
    ).toEqual({ token: 'env', source: 'env' });
  });

  it('reads the original user.secret format (token on the first line)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'janitor-cred-'));
    writeFileSync(join(dir, 'bot.secret'), 'abc123\r\nhttps://old.example\n');
    expect(resolveAccessToken(configIn(dir, { user_file: 'bot.secret' }), {})?.token).toBe('abc123');
  });

  it('is undefined when there is no token anywhere', () => {
    expect(resolveAccessToken(configIn(mkdtempSync(join(tmpdir(), 'janitor-cred-'))), {})).toBeUndefined();
  });
});

describe('writeSecretFile', () => {
  it('writes mode 0600, narrowing an existing wider file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'janitor-cred-'));
    const path = join(dir, 'sub', 'client.secret');
    writeSecretFile(path, ['id', 'secret', 'https://example.org']);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    writeFileSync(path, 'x', { mode: 0o644 });
    writeSecretFile(path, ['id2', 'secret2']);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(isReadableByOthers(path)).toBe(false);
    expect(readClientCredentials(configIn(dir, { client_file: 'sub/client.secret' }))).toEqual({
      clientId: 'id2',
      clientSecret: 'secret2',
    });
  });

  it('creates the folders it needs readable by their owner only (0700)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'janitor-cred-'));
    writeSecretFile(join(dir, 'state', 'keys', 'user.secret'), ['token']);
    expect(statSync(join(dir, 'state')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'state', 'keys')).mode & 0o777).toBe(0o700);
  });
});
