// Dry run, one meaning everywhere: the command line, then the config, then whether there is a token to post with.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseConfig } from '@janitor/config';
import type { LogFields } from '@janitor/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { announcePostingMode, postingMode } from './posting-mode.ts';
import { CliError, EXIT, type Runtime } from './runtime.ts';

const TOKEN = 'tok-mode-7731';
const SERVER = 'https://bots.example.net';
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Case {
  what: string;
  /** The command line: --dry-run (true), --no-dry-run (false), neither (undefined). */
  flag: boolean | undefined;
  configDryRun: boolean;
  token: 'env' | 'file' | undefined;
  server?: string;
}

type Line = { level: string; message: string; fields?: LogFields };

function runtimeOf(c: Pick<Case, 'flag' | 'configDryRun' | 'server'>): Runtime & { logger: { lines: Line[] } } {
  const dir = mkdtempSync(join(tmpdir(), 'janitor-mode-'));
  dirs.push(dir);
  const config = parseConfig(
    { app: { run_control: { dry_run: c.configDryRun } }, mastodon: { api_base_url: c.server ?? SERVER } },
    { baseDir: dir, env: {} },
  );
  const lines: Line[] = [];
  const log = (level: string) => (message: string, fields?: LogFields) =>
    void lines.push({ level, message, ...(fields ? { fields } : {}) });
  const logger = {
    lines,
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    flush: async () => {},
  };
  return { config, logger, dryRun: c.flag ?? c.configDryRun, ...(c.flag === undefined ? {} : { dryRunFlag: c.flag }) };
}

function envFor(runtime: Runtime, token: Case['token']): Record<string, string> {
  if (token === 'file')
    writeFileSync(runtime.config.data.mastodon.credentials.user_file, `${TOKEN}\n`, { mode: 0o600 });
  return token === 'env' ? { JANITOR_MASTODON_ACCESS_TOKEN: TOKEN } : {};
}

describe('postingMode', () => {
  it.each<Case & { dryRun: boolean; reason: string }>([
    {
      what: '--dry-run wins over a token and the config',
      flag: true,
      configDryRun: false,
      token: 'env',
      dryRun: true,
      reason: 'flag',
    },
    {
      what: '--no-dry-run with a token posts, whatever the config says',
      flag: false,
      configDryRun: true,
      token: 'file',
      dryRun: false,
      reason: 'flag',
    },
    {
      what: 'app.run_control.dry_run: true is a dry run, token or not',
      flag: undefined,
      configDryRun: true,
      token: 'env',
      dryRun: true,
      reason: 'config',
    },
    {
      what: 'dry_run false with no token at all: a dry run, not a failure',
      flag: undefined,
      configDryRun: false,
      token: undefined,
      dryRun: true,
      reason: 'no-credentials',
    },
    {
      what: 'dry_run false with the token in user.secret: posts',
      flag: undefined,
      configDryRun: false,
      token: 'file',
      dryRun: false,
      reason: 'credentials',
    },
    {
      what: 'no token and the placeholder server: a dry run too',
      flag: undefined,
      configDryRun: false,
      token: undefined,
      server: 'https://mastodon.example',
      dryRun: true,
      reason: 'no-credentials',
    },
  ])('$what', (c) => {
    const runtime = runtimeOf(c);
    const mode = postingMode(runtime, envFor(runtime, c.token));
    expect({ dryRun: mode.dryRun, reason: mode.reason }).toEqual({ dryRun: c.dryRun, reason: c.reason });
    expect(mode.token?.token).toBe(c.token ? TOKEN : undefined);
    // Said at start only when posts are printed and the command line did not ask for it.
    expect(mode.notice !== undefined).toBe(mode.dryRun && c.reason !== 'flag');
  });

  it('without credentials the notice says how to get them, and which key to set first while it is the placeholder', () => {
    const set = postingMode(runtimeOf({ flag: undefined, configDryRun: false }), {});
    expect(set.notice).toBe("dry run: no Mastodon credentials yet (run 'janitor login'); posts are printed, not made");
    const placeholder = runtimeOf({ flag: undefined, configDryRun: false, server: 'https://mastodon.example/' });
    expect(postingMode(placeholder, {}).notice).toBe(
      "dry run: no Mastodon credentials yet (set mastodon.api_base_url, then run 'janitor login'); posts are printed, not made",
    );
  });

  it('--no-dry-run without a token fails: exit 4, saying where a token goes', () => {
    const runtime = runtimeOf({ flag: false, configDryRun: false });
    const error = (() => {
      try {
        postingMode(runtime, {});
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(EXIT.credentials);
    expect((error as CliError).message).toMatch(/janitor login.*JANITOR_MASTODON_ACCESS_TOKEN.*user\.secret/);
  });

  it('posting with a token on the placeholder server is a config error naming mastodon.api_base_url', () => {
    const runtime = runtimeOf({ flag: undefined, configDryRun: false, server: 'https://mastodon.example' });
    expect(() => postingMode(runtime, { JANITOR_MASTODON_ACCESS_TOKEN: TOKEN })).toThrow(ConfigError);
    expect(() => postingMode(runtime, { JANITOR_MASTODON_ACCESS_TOKEN: TOKEN })).toThrow(/mastodon\.api_base_url/);
  });
});

describe('announcePostingMode', () => {
  it('logs the notice once per runtime, and again only when it changes', () => {
    const runtime = runtimeOf({ flag: undefined, configDryRun: false });
    for (let i = 0; i < 3; i++) announcePostingMode(runtime, {});
    expect(runtime.logger.lines).toEqual([
      {
        level: 'warn',
        message: "dry run: no Mastodon credentials yet (run 'janitor login'); posts are printed, not made",
      },
    ]);
    // `janitor login` while an agent runs: the next check posts, and says nothing more.
    const mode = announcePostingMode(runtime, { JANITOR_MASTODON_ACCESS_TOKEN: TOKEN });
    expect(mode.dryRun).toBe(false);
    expect(runtime.logger.lines).toHaveLength(1);
  });

  it('the config’s dry run is an info line (naming what posting will need); an asked-for dry run says nothing', () => {
    const config = runtimeOf({ flag: undefined, configDryRun: true });
    announcePostingMode(config, { JANITOR_MASTODON_ACCESS_TOKEN: TOKEN });
    expect(config.logger.lines).toEqual([
      { level: 'info', message: 'dry run (app.run_control.dry_run): posts are printed, not made' },
    ]);
    const before = runtimeOf({ flag: undefined, configDryRun: true });
    announcePostingMode(before, {});
    expect(before.logger.lines).toEqual([
      {
        level: 'info',
        message:
          "dry run (app.run_control.dry_run, and no Mastodon credentials yet (run 'janitor login')): posts are printed, not made",
      },
    ]);
    const asked = runtimeOf({ flag: true, configDryRun: false });
    announcePostingMode(asked, {});
    expect(asked.logger.lines).toEqual([]);
  });
});
