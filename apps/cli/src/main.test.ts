// The janitor command end to end: spawned as a user runs it, against the fake Mastodon server on loopback.
import { statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CROSSED_MARKER, MESSAGE_ICONS } from '@janitor/protocol';
import { type FakeMastodonOptions, startFakeMastodon } from '@janitor/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import {
  closedPort,
  hasStackTrace,
  killLeftovers,
  linesOf,
  runJanitor,
  startRecordingHub,
  tempDir,
} from './cli-process.test-support.ts';

afterAll(killLeftovers);

/** Each test spawns Node (one to three times); the project's 5 s default is too short on a busy 2-core machine. */
const SPAWNING = { timeout: 20_000 };

const TOKEN = 'tok-Zq81-never-print-me';

/** The original's report titles, in its order (the default names map). */
const TITLES = [
  'CPU %',
  'CPU count',
  'Memory Total',
  'Memory Available',
  'Memory Used',
  'Memory Free',
  'Memory %',
  'Disk Total',
  'Disk Used',
  'Disk Free',
  'Disk %',
];
const SIZE = /^\d+(\.\d{1,2})? (B|KB|MB|GB|TB|PB)$/;
const NUMBER = /^\d+(\.\d+)?$/;

/** A config for local mode against `url`: Pleroma, Markdown, and a CPU limit that this machine always crosses. */
function localConfig(url: string, extra: { thresholds?: unknown; loglevel?: string } = {}): string {
  const { thresholds = { cpu_percent: { value: 0, operator: '>=' } }, loglevel = 'debug' } = extra;
  return JSON.stringify({
    // Posting for real: left out, dry_run is true (what config.yaml.dist shows).
    app: { run_control: { dry_run: false } },
    mastodon: { api_base_url: url, instance_type: 'pleroma', status_post: { content_type: 'text/markdown' } },
    system_info: { thresholds },
    logger: { loglevel },
  });
}

async function setUp(dir: string, config: string, userFile?: string): Promise<void> {
  await writeFile(join(dir, 'config.yaml'), config);
  if (userFile !== undefined) await writeFile(join(dir, 'user.secret'), userFile, { mode: 0o600 });
}

const pleroma: FakeMastodonOptions = { flavour: 'pleroma', accessTokens: [TOKEN] };

describe.concurrent('janitor: command line', SPAWNING, () => {
  it.each([
    ['--help', /^Usage: janitor \[options\] \[command\]/],
    ['--version', new RegExp(`^${pkg.version.replaceAll('.', '\\.')}\\n$`)],
    ['run local --help', /^Usage: janitor run local \[options\][\s\S]*--dry-run/],
  ])('%s exits 0 and prints to stdout', async (args, stdout) => {
    await using dir = await tempDir();
    const run = await runJanitor(args.split(' '), { cwd: dir.path });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(stdout);
  });

  it.each([
    ['frobnicate', "error: unknown command 'frobnicate'"],
    ['run local --frobnicate', "error: unknown option '--frobnicate'"],
  ])('%s exits 2 with a one-line reason', async (args, reason) => {
    await using dir = await tempDir();
    const run = await runJanitor(args.split(' '), { cwd: dir.path });
    expect(run.code).toBe(2);
    const [first, ...rest] = linesOf(run.stderr);
    expect(first).toBe(reason);
    // At most commander's hint to ask for help; no usage dump, no stack.
    expect(rest.every((l) => l.includes('--help'))).toBe(true);
    expect(rest.length).toBeLessThanOrEqual(1);
    expect(run.stdout).toBe('');
  });

  it('a command without its subcommand (run) is a usage error: exit 2, the usage on stderr', async () => {
    await using dir = await tempDir();
    const run = await runJanitor(['run'], { cwd: dir.path });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^Usage: janitor run \[options\] \[command\]/);
    expect(run.stdout).toBe('');
  });
});

describe.concurrent('janitor config validate', SPAWNING, () => {
  it('says a valid file is valid', async () => {
    await using dir = await tempDir();
    await setUp(dir.path, localConfig('http://127.0.0.1:9'));
    const run = await runJanitor(['config', 'validate'], { cwd: dir.path });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${join(dir.path, 'config.yaml')}: valid (1 threshold rules)`);
  });

  it('lists every problem with its key path, exit 3, no stack trace', async () => {
    await using dir = await tempDir();
    const file = join(dir.path, 'broken.yaml');
    await writeFile(
      file,
      [
        'app:',
        '  service:',
        '    listen:',
        '      port: 70000',
        'mastodon:',
        '  instance_type: friendica',
        'system_info:',
        '  thresholds:',
        '    cpu_percent: { value: 80, message_type: panic }',
        '    no_such_metric: { value: 1 }',
        '',
      ].join('\n'),
    );
    const run = await runJanitor(['--config', file, 'config', 'validate'], { cwd: dir.path });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(file);
    for (const path of [
      'app.service.listen.port',
      'mastodon.instance_type',
      'system_info.thresholds.cpu_percent.message_type',
      'system_info.thresholds.no_such_metric',
    ]) {
      expect(run.stderr).toMatch(new RegExp(`^\\s+${path.replaceAll('.', '\\.')}: \\S`, 'm'));
    }
    expect(run.stderr).toContain('expected one of mastodon, pleroma, akkoma, gotosocial');
    expect(run.stderr).toContain('panic');
    expect(hasStackTrace(run.stderr)).toBe(false);
    expect(run.stdout).not.toContain('valid');
  });

  it('a missing --config file: exit 3, names the file', async () => {
    await using dir = await tempDir();
    const run = await runJanitor(['--config', 'nowhere.yaml', 'config', 'validate'], { cwd: dir.path });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`config file not found: ${join(dir.path, 'nowhere.yaml')}`);
    expect(hasStackTrace(run.stderr)).toBe(false);
  });

  it('malformed YAML: exit 3, no stack trace', async () => {
    await using dir = await tempDir();
    await writeFile(join(dir.path, 'config.yaml'), 'app: [\n  name: : x\n');
    const run = await runJanitor(['config', 'validate'], { cwd: dir.path });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(join(dir.path, 'config.yaml'));
    expect(hasStackTrace(run.stderr)).toBe(false);
    expect(run.stdout).toBe('');
  });
});

describe.concurrent('janitor run local', SPAWNING, () => {
  it('posts one report in the original format when a limit is crossed', async () => {
    await using fake = await startFakeMastodon(pleroma);
    await using dir = await tempDir();
    await setUp(dir.path, localConfig(fake.url), `${TOKEN}\n${fake.url}\n`);
    const run = await runJanitor(['run', 'local'], { cwd: dir.path });
    expect(run.code, run.stderr).toBe(0);
    expect(fake.statuses).toHaveLength(1);
    const status = fake.statuses[0]!;
    expect(status).toMatchObject({
      contentType: 'text/markdown',
      spoilerText: `${MESSAGE_ICONS.warning} ${hostname()}`,
      visibility: 'public',
      accessToken: TOKEN,
    });
    const lines = status.status.split('\n');
    expect(lines.map((l) => /^- \*\*(.+?)\*\*: /.exec(l)?.[1])).toEqual(TITLES);
    for (const [i, line] of lines.entries()) {
      const value = line.slice(`- **${TITLES[i]}**: `.length).replace(` ${CROSSED_MARKER}`, '');
      expect(value, line).toMatch(['CPU %', 'CPU count', 'Memory %', 'Disk %'].includes(TITLES[i]!) ? NUMBER : SIZE);
    }
    expect(lines[0]!.endsWith(` ${CROSSED_MARKER}`)).toBe(true);
    // loglevel debug: the token still never reaches the output.
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });

  it('--dry-run prints the post and contacts nobody', async () => {
    await using fake = await startFakeMastodon(pleroma);
    await using dir = await tempDir();
    await setUp(dir.path, localConfig(fake.url), `${TOKEN}\n${fake.url}\n`);
    const run = await runJanitor(['run', 'local', '--dry-run'], { cwd: dir.path });
    expect(run.code, run.stderr).toBe(0);
    expect(fake.requests).toEqual([]);
    expect(run.stdout).toContain(`content warning: ${MESSAGE_ICONS.warning} ${hostname()}`);
    expect(run.stdout).toMatch(/^- \*\*CPU %\*\*: .* ❗️$/m);
    expect(run.stdout).toMatch(/^- \*\*Disk %\*\*: /m);
  });

  it('logs "No issues found" and posts nothing when no limit is crossed', async () => {
    await using fake = await startFakeMastodon(pleroma);
    await using dir = await tempDir();
    await setUp(dir.path, localConfig(fake.url, { thresholds: { cpu_count: { value: 100_000 } } }), `${TOKEN}\n`);
    const run = await runJanitor(['run', 'local'], { cwd: dir.path });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('No issues found');
    expect(fake.statuses).toEqual([]);
  });
});

describe.concurrent('janitor run local: its state', SPAWNING, () => {
  it('creates the state folder 0700 (before its log file, which lives there) and says where it is', async () => {
    await using dir = await tempDir();
    await setUp(
      dir.path,
      JSON.stringify({
        app: { state_dir: 'var/state' },
        system_info: { thresholds: { cpu_count: { value: 0 } } },
        logger: { to_file: true, filename: 'var/state/janitor.log' },
      }),
    );
    const run = await runJanitor(['run', 'local'], { cwd: dir.path });
    expect(run.code, run.stderr).toBe(0);
    for (const folder of ['var', 'var/state']) {
      expect(statSync(join(dir.path, folder)).mode & 0o777, folder).toBe(0o700);
    }
    const said = linesOf(run.stderr).filter((l) => l.includes('state: '));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain(`state: ${join(dir.path, 'var', 'state')} (janitor.db, metrics-state.json)`);
    // Stdout is the dry-run post only.
    expect(run.stdout).toMatch(/^--- dry run: this post was not made ---\n/);
  });
});

describe.concurrent('janitor run remote', SPAWNING, () => {
  it('--no-dry-run sends although the config leaves dry_run out (a dry run)', async () => {
    const hub = await startRecordingHub();
    try {
      await using dir = await tempDir();
      await setUp(dir.path, `app: { service: { remote_url: "${hub.url}" } }\n`);
      const dry = await runJanitor(['run', 'remote'], { cwd: dir.path });
      expect(dry.code, dry.stderr).toBe(0);
      expect(hub.received).toEqual([]);
      const run = await runJanitor(['run', 'remote', '--no-dry-run'], { cwd: dir.path });
      expect(run.code, run.stderr).toBe(0);
      expect(hub.received.map((r) => r.path)).toEqual(['/sysinfo']);
    } finally {
      await hub.close();
    }
  });
});

describe.concurrent('options with a bad value: exit 2 and the reason', SPAWNING, () => {
  it.each([
    ['listen --port abc', "error: option '--port <port>' argument 'abc' is invalid. expected a port number 0-65535"],
    [
      'listen --port 99999',
      "error: option '--port <port>' argument '99999' is invalid. expected a port number 0-65535",
    ],
    [
      'listen --detach --port -1',
      "error: option '--port <port>' argument '-1' is invalid. expected a port number 0-65535",
    ],
    ['start --interval abc', "error: option '--interval <duration>' argument 'abc' is invalid."],
  ])('%s', async (args, reason) => {
    await using dir = await tempDir();
    const run = await runJanitor(args.split(' '), { cwd: dir.path });
    expect(run.code, run.stderr).toBe(2);
    const [first, ...rest] = linesOf(run.stderr);
    expect(first).toContain(reason);
    expect(rest).toEqual(['(run with --help for usage)']);
    expect(run.stdout).toBe('');
  });
});

describe('janitor run local: the alert lifecycle across cron runs', () => {
  it('three runs over a limit post the alert once; two runs back under it post the recovery once', {
    timeout: 90_000,
  }, async () => {
    await using fake = await startFakeMastodon(pleroma);
    await using dir = await tempDir();
    const run = () => runJanitor(['run', 'local'], { cwd: dir.path, timeoutMs: 30_000 });
    // Every machine has more than 0 CPUs, and fewer than 100000.
    await setUp(
      dir.path,
      localConfig(fake.url, { thresholds: { cpu_count: { value: 0 } } }),
      `${TOKEN}\n${fake.url}\n`,
    );
    for (let i = 0; i < 3; i++) {
      const crossed = await run();
      expect(crossed.code, crossed.stderr).toBe(0);
    }
    expect(fake.statuses.map((s) => s.spoilerText)).toEqual([`${MESSAGE_ICONS.warning} ${hostname()}`]);
    expect(fake.statuses[0]!.status).toMatch(new RegExp(`^- \\*\\*CPU count\\*\\*: \\d+ ${CROSSED_MARKER}$`, 'm'));

    await writeFile(
      join(dir.path, 'config.yaml'),
      localConfig(fake.url, { thresholds: { cpu_count: { value: 100_000 } } }),
    );
    for (let i = 0; i < 2; i++) {
      const back = await run();
      expect(back.code, back.stderr).toBe(0);
    }
    expect(fake.statuses.map((s) => s.spoilerText)).toEqual([
      `${MESSAGE_ICONS.warning} ${hostname()}`,
      `${MESSAGE_ICONS.info} ${hostname()}`,
    ]);
    expect(fake.statuses[1]!.status).toMatch(/^CPU count on .+ recovered: \d+ \(was over /);
  });
});

describe.concurrent('janitor run local: credentials', SPAWNING, () => {
  it('without any token: a dry run, said once on stderr, the post printed, nobody contacted', async () => {
    await using fake = await startFakeMastodon(pleroma);
    await using dir = await tempDir();
    await setUp(dir.path, localConfig(fake.url));
    const run = await runJanitor(['run', 'local'], { cwd: dir.path });
    expect(run.code, run.stderr).toBe(0);
    const notices = linesOf(run.stderr).filter((l) => l.includes('dry run: no Mastodon credentials'));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain("run 'janitor login'");
    expect(run.stdout).toContain('--- dry run: this post was not made ---');
    expect(run.stdout).toMatch(/^- \*\*CPU %\*\*: .* ❗️$/m);
    expect(fake.requests).toEqual([]);
  });

  it('--no-dry-run without any token: exit 4, says how to get one, contacts nobody', async () => {
    await using fake = await startFakeMastodon(pleroma);
    await using dir = await tempDir();
    await setUp(dir.path, localConfig(fake.url));
    const run = await runJanitor(['run', 'local', '--no-dry-run'], { cwd: dir.path });
    expect(run.code).toBe(4);
    const errors = linesOf(run.stderr).filter((l) => l.startsWith('janitor: '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('janitor login');
    expect(errors[0]).toContain('JANITOR_MASTODON_ACCESS_TOKEN');
    expect(fake.requests).toEqual([]);
  });

  it('--no-dry-run posts although the config says dry_run: true', async () => {
    await using fake = await startFakeMastodon(pleroma);
    await using dir = await tempDir();
    const config = JSON.parse(localConfig(fake.url)) as { app: { run_control: { dry_run: boolean } } };
    config.app.run_control.dry_run = true;
    await setUp(dir.path, JSON.stringify(config), `${TOKEN}\n`);
    const run = await runJanitor(['run', 'local', '--no-dry-run'], { cwd: dir.path });
    expect(run.code, run.stderr).toBe(0);
    expect(fake.statuses).toHaveLength(1);
  });

  it('with a token but the placeholder server: exit 3, names mastodon.api_base_url, posts nowhere', async () => {
    await using dir = await tempDir();
    await setUp(dir.path, JSON.stringify({ app: { run_control: { dry_run: false } } }));
    const run = await runJanitor(['run', 'local'], {
      cwd: dir.path,
      env: { JANITOR_MASTODON_ACCESS_TOKEN: TOKEN },
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('mastodon.api_base_url');
    expect(run.stderr).toContain('placeholder');
    expect(hasStackTrace(run.stderr)).toBe(false);
  });

  it('uses JANITOR_MASTODON_ACCESS_TOKEN and never prints it', async () => {
    await using fake = await startFakeMastodon(pleroma);
    await using dir = await tempDir();
    await setUp(dir.path, localConfig(fake.url));
    const run = await runJanitor(['run', 'local'], {
      cwd: dir.path,
      env: { JANITOR_MASTODON_ACCESS_TOKEN: TOKEN },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(fake.statuses.map((s) => s.accessToken)).toEqual([TOKEN]);
    expect(run.stderr).toMatch(/DEBUG/);
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });

  it('a refused token (401): exit 4, one line', async () => {
    await using fake = await startFakeMastodon({ flavour: 'mastodon', accessTokens: [TOKEN] });
    await using dir = await tempDir();
    await setUp(dir.path, localConfig(fake.url, { loglevel: 'error' }), `not-${TOKEN}\n`);
    const run = await runJanitor(['run', 'local'], { cwd: dir.path });
    expect(run.code).toBe(4);
    expect(fake.requests.filter((r) => r.path === '/api/v1/statuses').map((r) => r.responseStatus)).toEqual([401]);
    expect(linesOf(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/^janitor: .*401.*janitor login/);
  });

  it('an unreachable server: exit 1, one line, no stack trace', async () => {
    const port = await closedPort();
    await using dir = await tempDir();
    await setUp(dir.path, localConfig(`http://127.0.0.1:${port}`, { loglevel: 'error' }), `${TOKEN}\n`);
    const run = await runJanitor(['run', 'local'], { cwd: dir.path });
    expect(run.code).toBe(1);
    expect(linesOf(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(new RegExp(`^janitor: .*127\\.0\\.0\\.1:${port}.*ECONNREFUSED`));
    expect(hasStackTrace(run.stderr)).toBe(false);
  });
});

describe.concurrent('janitor mastodon test', SPAWNING, () => {
  it('posts one status and prints its address', async () => {
    await using fake = await startFakeMastodon(pleroma);
    await using dir = await tempDir();
    await setUp(dir.path, localConfig(fake.url), `${TOKEN}\n`);
    const run = await runJanitor(['mastodon', 'test'], { cwd: dir.path });
    expect(run.code, run.stderr).toBe(0);
    expect(fake.statuses).toHaveLength(1);
    const { id, status } = fake.statuses[0]!;
    expect(status).toContain('publishing works');
    const printed = run.stdout.trim();
    expect(printed.startsWith(fake.url)).toBe(true);
    expect(printed.endsWith(id)).toBe(true);
  });

  it('--dry-run prints the post and contacts nobody', async () => {
    await using fake = await startFakeMastodon(pleroma);
    await using dir = await tempDir();
    await setUp(dir.path, localConfig(fake.url));
    const run = await runJanitor(['mastodon', 'test', '--dry-run'], { cwd: dir.path });
    expect(run.code, run.stderr).toBe(0);
    expect(fake.requests).toEqual([]);
    expect(run.stdout).toContain('--- dry run: this post was not made ---');
    expect(run.stdout).toContain(`${MESSAGE_ICONS.info} ${hostname()}:`);
    expect(run.stdout).toContain('publishing works');
  });
});
