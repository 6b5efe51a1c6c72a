// The original v0.5's split layout (config/main.yaml, config/mastodon.yaml, ...) loaded as it is, and the YAML its
// files contain (keys repeated, which PyYAML accepted).
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { loadConfig } from './load-config.ts';

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url).pathname;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'janitor-split-'));
  cpSync(fixture('original-v0.5'), dir, { recursive: true });
});

describe("the original v0.5's config/ folder", () => {
  it('is found from its project folder and loaded, every file merged', async () => {
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(config.filepath).toBe(join(dir, 'config', 'main.yaml'));
    expect(config.sources).toEqual(
      ['main.yaml', 'directnic_ddns.yaml', 'git_monitor.yaml', 'mastodon.yaml', 'schedules.yaml', 'sysinfo.yaml'].map(
        (f) => join(dir, 'config', f),
      ),
    );
    expect(config.data.app.service.remote_url).toBe('http://192.168.1.10:5000');
    expect(config.data.app.run_control.dry_run).toBe(false);
    expect(config.data.mastodon).toMatchObject({
      api_base_url: 'https://social.example.org',
      instance_type: 'pleroma',
      status_post: { max_length: 5000, content_type: 'text/markdown', merge_summary_into_text: true },
    });
    expect(config.rules.map((r) => [r.metric, r.value, r.type])).toEqual([
      ['cpu_percent', 90, 'warning'],
      ['disk_usage_percent', 85, 'alarm'],
    ]);
    expect(config.reportFormat.namesMap.cpu_percent).toBe('CPU usage');
    expect(config.tasks.map((t) => [t.name, t.action, t.when])).toEqual([
      ['Heartbeat', 'sysinfo_local', '*/5 * * * *'],
    ]);
    expect(config.data.logger.loglevel).toBe(20);
  });

  it('resolves relative paths against the project folder, as the original did', async () => {
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(config.baseDir).toBe(dir);
    expect(config.data.mastodon.credentials.user_file).toBe(join(dir, 'user.secret'));
    expect(config.data.app.state_dir).toBe(join(dir, '.janitor'));
  });

  it('is found walking up from a folder below, and through --config (the folder, or its main.yaml)', async () => {
    const nested = join(dir, 'storage', 'x');
    mkdirSync(nested, { recursive: true });
    for (const options of [
      { cwd: nested },
      { configPath: join(dir, 'config') },
      { configPath: join(dir, 'config', 'main.yaml'), cwd: tmpdir() },
      { cwd: tmpdir(), env: { JANITOR_CONFIG: join(dir, 'config') } },
    ]) {
      const config = await loadConfig({ env: {}, ...options });
      expect(config.data.mastodon.api_base_url, JSON.stringify(options)).toBe('https://social.example.org');
    }
  });

  it('lists every key it does not use, the other named account, the disabled tasks and the repeated keys', async () => {
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(config.warnings).toEqual(
      expect.arrayContaining([
        `${join(dir, 'config', 'main.yaml')}:73: formatter.templates.message_type.error is repeated (first at line 69); the last one is used, as the original did`,
        'mastodon.named_accounts.updates: a second account (the original used it for its Git monitor); Janitor posts with one account, named_accounts.default, so this one is not used',
        'app.schedules[1] ("DDNS"): action update_ddns (the original\'s Directnic DDNS updater) is not part of this version; the task is disabled',
        'app.schedules[2] ("Releases"): action git_changes (the original\'s Git monitor) is not part of this version; the task is disabled',
        'app.service.listen.debug: unknown setting, ignored',
        'queue_storage: unknown setting, ignored',
        expect.stringMatching(/^publisher: not used: /),
        expect.stringMatching(/^git_monitor: not used: /),
        expect.stringMatching(/^directnic_ddns: not used: /),
        expect.stringMatching(/^formatter\.templates\.message_type: not converted: /),
        expect.stringMatching(/^system_info\.formatting\.templates: not converted: /),
        expect.stringMatching(/^formatter\.templates\.merge_strategies\.mention_into_text: not used: /),
      ]),
    );
    expect(config.warnings).toHaveLength(12);
  });

  it('a top-level key in two files: the later file wins (by name, after main.yaml), with a warning', async () => {
    writeFileSync(join(dir, 'config', 'zz-local.yaml'), 'logger:\n  loglevel: 40\n');
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(config.data.logger.loglevel).toBe(40);
    expect(config.warnings).toContain(
      `logger: in both ${join(dir, 'config', 'main.yaml')} and ${join(dir, 'config', 'zz-local.yaml')}; the later file's is used, as the original did`,
    );
  });

  it('a config.yaml beside config/ is the one read; config/ is reported as not read', async () => {
    writeFileSync(join(dir, 'config.yaml'), 'app:\n  name: "single"\n');
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(config.filepath).toBe(join(dir, 'config.yaml'));
    expect(config.data.app.name).toBe('single');
    expect(config.warnings).toEqual([
      `${join(dir, 'config')}: the original's split layout is here too and is not read (config.yaml is); if config/ holds your settings, move config.yaml away, or convert config/ with 'janitor config migrate --force'`,
    ]);
  });

  it('a file of the folder that is not a mapping is a problem naming the file', async () => {
    writeFileSync(join(dir, 'config', 'broken.yaml'), '- a\n- b\n');
    await expect(loadConfig({ cwd: dir, env: {} })).rejects.toThrow(
      new RegExp(`${join(dir, 'config', 'broken.yaml')}: expected a YAML mapping`),
    );
  });

  it('a folder without main.yaml given to --config is a config error', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    await expect(loadConfig({ configPath: empty, env: {} })).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('repeated keys in one file (PyYAML kept the last one)', () => {
  it('load, the last one wins, with a warning naming the key and both lines', async () => {
    const single = mkdtempSync(join(tmpdir(), 'janitor-dup-'));
    writeFileSync(
      join(single, 'config.yaml'),
      [
        'mastodon:',
        '  status_post:',
        '    max_length: 500',
        '    max_length: 1000',
        'logger:',
        '  loglevel: 10',
        '',
      ].join('\n'),
    );
    const config = await loadConfig({ cwd: single, env: {} });
    expect(config.data.mastodon.status_post.max_length).toBe(1000);
    expect(config.warnings).toEqual([
      `${join(single, 'config.yaml')}:4: mastodon.status_post.max_length is repeated (first at line 3); the last one is used, as the original did`,
    ]);
  });
});
