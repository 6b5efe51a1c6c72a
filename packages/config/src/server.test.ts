// The server Janitor posts to: no real public server by default; commands that need one say which key to set.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { parseConfig } from './load-config.ts';
import { PLACEHOLDER_SERVER, requireServer } from './server.ts';

const distPath = new URL('../../../config.yaml.dist', import.meta.url).pathname;
const parse = (raw: unknown) => parseConfig(raw, { baseDir: '/tmp', env: {} });

describe('mastodon.api_base_url', () => {
  it('defaults to a placeholder that is no real server (config.yaml.dist shows the same)', () => {
    expect(parse({}).data.mastodon.api_base_url).toBe(PLACEHOLDER_SERVER);
    expect(new URL(PLACEHOLDER_SERVER).hostname).toMatch(/\.example$/);
    expect(readFileSync(distPath, 'utf8')).toMatch(new RegExp(`^  api_base_url: "${PLACEHOLDER_SERVER}"$`, 'm'));
  });

  it('requireServer: the URL once set', () => {
    expect(requireServer(parse({ mastodon: { api_base_url: 'https://social.example.org' } }))).toBe(
      'https://social.example.org',
    );
  });

  it.each([
    ['left out', {}],
    ['the placeholder copied from config.yaml.dist', { mastodon: { api_base_url: PLACEHOLDER_SERVER } }],
  ])('requireServer: %s, a config error that says which key to set', (_what, raw) => {
    let error: unknown;
    try {
      requireServer(parse(raw));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      {
        path: 'mastodon.api_base_url',
        message: `not set: ${PLACEHOLDER_SERVER} is a placeholder; set it to the address of the server your bot's account is on, e.g. https://mastodon.social`,
      },
    ]);
  });
});
