// `janitor config validate|migrate` and the first-contact checks of the config, end to end (spawned as a user runs
// them): each warning once, an empty file, the original v0.5's config/ folder, weak hub tokens, unusable paths, and
// the placeholder server that create-app and login refuse to contact.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasStackTrace, killLeftovers, linesOf, runJanitor, tempDir } from './cli-process.test-support.ts';

afterAll(killLeftovers);

/** Each test spawns Node (one to three times); the project's 5 s default is too short on a busy 2-core machine. */
const SPAWNING = { timeout: 20_000 };

const occurrences = (text: string, part: string) => text.split(part).length - 1;

/** A small config/ folder of the original v0.5 (its keys, its repeated key, a named account, an update_ddns task). */
async function originalV05(dir: string): Promise<void> {
  await mkdir(join(dir, 'config'));
  await writeFile(
    join(dir, 'config', 'main.yaml'),
    [
      '# Main',
      'app:',
      '  run_control:',
      '    # [Bool] Performs a dry run',
      '    dry_run: True',
      'queue_storage:',
      '  file: "storage/queue.yaml"',
      'formatter:',
      '  merge_summary_into_text: True',
      '  templates:',
      '    message_type:',
      '      error: { summary: "🔥 $summary" }',
      '      error: { summary: "🚨 $summary" }',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'config', 'mastodon.yaml'),
    [
      'mastodon:',
      '  named_accounts:',
      '    default:',
      '      # [String] Where to connect to deliver the statuses',
      '      api_base_url: "https://social.example.org"',
      '      instance_type: "pleroma"',
      '      status_params:',
      '        max_length: 5000',
      '    updates:',
      '      api_base_url: "https://social.example.org"',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'config', 'schedules.yaml'),
    [
      'schedules:',
      '  - name: "Heartbeat"',
      '    when: "* * * * *"',
      '    action: "sysinfo_local"',
      '  - name: "DDNS"',
      '    when: "*/15 * * * *"',
      '    action: "update_ddns"',
      '',
    ].join('\n'),
  );
}

describe.concurrent('janitor config validate', SPAWNING, () => {
  it('prints each warning once', async () => {
    await using dir = await tempDir();
    await writeFile(join(dir.path, 'config.yaml'), 'app:\n  frobnicate: 1\n');
    const run = await runJanitor(['config', 'validate'], { cwd: dir.path });
    expect(run.code, run.stderr).toBe(0);
    expect(occurrences(run.stdout + run.stderr, 'app.frobnicate')).toBe(1);
    expect(run.stdout).toContain('warning: app.frobnicate: unknown setting, ignored');
  });

  it('an empty config.yaml is reported as empty, not as missing', async () => {
    await using dir = await tempDir();
    const path = join(dir.path, 'config.yaml');
    await writeFile(path, '');
    const run = await runJanitor(['config', 'validate'], { cwd: dir.path });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`${path}: the file is empty; every setting takes its default`);
    expect(run.stdout).not.toContain('no config file found');
  });

  it('loads the original v0.5 config/ folder, naming its files, and lists what it does not use', async () => {
    await using dir = await tempDir();
    await originalV05(dir.path);
    const run = await runJanitor(['config', 'validate'], { cwd: dir.path });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`${join(dir.path, 'config')}/ (main.yaml, mastodon.yaml, schedules.yaml): valid`);
    expect(run.stdout).toContain('warning: queue_storage: unknown setting, ignored');
    expect(run.stdout).toMatch(/warning: app\.schedules\[1\] \("DDNS"\): action update_ddns .* the task is disabled/);
    expect(run.stdout).toMatch(/warning: .*main\.yaml:13: formatter\.templates\.message_type\.error is repeated/);
  });

  it.each([
    ['JANITOR_HUB_TOKEN=x', '', { JANITOR_HUB_TOKEN: 'x' }, /^\s+JANITOR_HUB_TOKEN: expected a token of at least 16/m],
    [
      'a short token in app.service.tokens',
      'app:\n  service:\n    tokens: [{ name: pis, token: "too-short" }]\n',
      {},
      /^\s+app\.service\.tokens\[0\]\.token: expected a token of at least 16/m,
    ],
    ['a file as app.state_dir', 'app:\n  state_dir: "state-file"\n', {}, /^\s+app\.state_dir: .*state-file is a file/m],
    [
      'a folder as logger.filename',
      'logger:\n  to_file: true\n  filename: "log-folder"\n',
      {},
      /^\s+logger\.filename: .*log-folder is a folder/m,
    ],
  ])('%s: a config error, exit 3, naming the key', async (_what, yaml, env, problem) => {
    await using dir = await tempDir();
    await writeFile(join(dir.path, 'config.yaml'), yaml);
    await writeFile(join(dir.path, 'state-file'), '');
    await mkdir(join(dir.path, 'log-folder'));
    const run = await runJanitor(['config', 'validate'], { cwd: dir.path, env });
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(problem);
    expect(hasStackTrace(run.stderr)).toBe(false);
  });
});

describe.concurrent('janitor config migrate', SPAWNING, () => {
  it('writes config.yaml from config/, comments kept, lists what it leaves out; the result validates', async () => {
    await using dir = await tempDir();
    await originalV05(dir.path);
    const run = await runJanitor(['config', 'migrate'], { cwd: dir.path });
    expect(run.code, run.stderr).toBe(0);
    const path = join(dir.path, 'config.yaml');
    expect(run.stdout).toContain(
      `wrote ${path} from ${join(dir.path, 'config')}/ (main.yaml, mastodon.yaml, schedules.yaml)`,
    );
    expect(run.stdout).toMatch(/^ {2}queue_storage: unknown setting, ignored$/m);
    expect(run.stdout).toMatch(/^ {2}mastodon\.named_accounts\.updates: a second account/m);
    const yaml = await readFile(path, 'utf8');
    expect(yaml).toMatch(
      /# \[String\] Where to connect to deliver the statuses\n {2}api_base_url: https:\/\/social\.example\.org/,
    );
    expect(yaml).toMatch(/merge_summary_into_text: true/);
    const validate = await runJanitor(['config', 'validate'], { cwd: dir.path });
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toContain(`${path}: valid`);
  });

  it('never overwrites an existing config.yaml without --force', async () => {
    await using dir = await tempDir();
    await originalV05(dir.path);
    const path = join(dir.path, 'config.yaml');
    await writeFile(path, 'app:\n  name: "old v0.4 file"\n');
    const run = await runJanitor(['config', 'migrate'], { cwd: dir.path });
    expect(run.code).not.toBe(0);
    expect(linesOf(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain(`${path} already exists`);
    expect(await readFile(path, 'utf8')).toBe('app:\n  name: "old v0.4 file"\n');
    const forced = await runJanitor(['config', 'migrate', '--force'], { cwd: dir.path });
    expect(forced.code, forced.stderr).toBe(0);
    expect(await readFile(path, 'utf8')).toContain('api_base_url: https://social.example.org');
  });

  it('--output - prints the file instead of writing it', async () => {
    await using dir = await tempDir();
    await originalV05(dir.path);
    const run = await runJanitor(['config', 'migrate', '--output', '-'], { cwd: dir.path });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('api_base_url: https://social.example.org');
    expect(existsSync(join(dir.path, 'config.yaml'))).toBe(false);
  });

  it('without an original config/ folder: one line saying so, exit 3', async () => {
    await using dir = await tempDir();
    const run = await runJanitor(['config', 'migrate'], { cwd: dir.path });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/no config\/main\.yaml of the original Janitor/);
    expect(hasStackTrace(run.stderr)).toBe(false);
  });
});

describe.concurrent('the placeholder server', SPAWNING, () => {
  it.each([
    ['create-app', ['create-app']],
    ['login --token', ['login', '--token', 'some-token-0123456789']],
    ['login --oauth', ['login', '--oauth', '--code', 'x']],
  ])('%s before mastodon.api_base_url is set: exit 3, says which key to set, writes nothing', async (_what, args) => {
    await using dir = await tempDir();
    await writeFile(join(dir.path, 'config.yaml'), 'app:\n  name: "fresh"\n');
    const run = await runJanitor(args, { cwd: dir.path });
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/mastodon\.api_base_url: not set/);
    expect(existsSync(join(dir.path, 'client.secret'))).toBe(false);
    expect(existsSync(join(dir.path, 'user.secret'))).toBe(false);
  });
});
