// Configs of the original Janitor after v0.1 (v0.2 to v0.5.2): where their keys moved, what they had that this
// version does not, and how each is reported. The split layout itself (config/*.yaml) is in split-layout.test.ts.
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { resolveAccessToken } from './credentials.ts';
import { ConfigError } from './errors.ts';
import { loadConfig, parseConfig } from './load-config.ts';
import { publisherSettings } from './publisher-options.ts';

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url).pathname;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'janitor-original-'));
});

const parse = (raw: unknown) => parseConfig(raw, { baseDir: dir, env: {} });

function problemsOf(raw: unknown): string[] {
  try {
    parse(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('instance_type: firefish (the original v0.2 and later)', () => {
  it('loads the original v0.2 file for a Firefish account', async () => {
    copyFileSync(fixture('original-v0.2-firefish.yaml'), join(dir, 'config.yaml'));
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(config.data.mastodon.instance_type).toBe('firefish');
    expect(config.data.mastodon.api_base_url).toBe('https://firefish.example.org');
  });

  it('posts as the original did: the summary merged into the text, through the Mastodon-compatible API', () => {
    const settings = publisherSettings(
      parse({ mastodon: { api_base_url: 'https://firefish.example.org', instance_type: 'firefish' } }),
    );
    expect(settings.mergeSummaryIntoText).toBe(true);
    expect(settings.instanceType).toBe('mastodon');
  });

  it('takes the bearer token from credentials.user.password, where the original kept it for Firefish', async () => {
    copyFileSync(fixture('original-v0.2-firefish.yaml'), join(dir, 'config.yaml'));
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(resolveAccessToken(config, {})).toEqual({ token: 'firefish-bearer-token-0123456789', source: 'config' });
  });

  it("reads the original's Firefish user.secret (server, app name, then the token)", () => {
    writeFileSync(join(dir, 'user.secret'), 'https://firefish.example.org\nJanitor\nbearer-from-login-123\n');
    const config = parse({ mastodon: { api_base_url: 'https://firefish.example.org', instance_type: 'firefish' } });
    expect(resolveAccessToken(config, {})?.token).toBe('bearer-from-login-123');
  });

  it('still refuses an instance type nobody supports, listing firefish among the known ones', () => {
    expect(problemsOf({ mastodon: { instance_type: 'friendica' } })).toEqual([
      'mastodon.instance_type: expected one of mastodon, pleroma, akkoma, gotosocial, firefish',
    ]);
  });
});

describe('schedule actions of the original that this version does not have', () => {
  it.each([
    ['update_ddns', "the original's Directnic DDNS updater"],
    ['git_changes', "the original's Git monitor"],
    ['publish_git_changes', "the original's Git monitor"],
    ['rotate_log', "the original's log rotation"],
  ])('%s: that task is disabled with a warning, the others run', (action, what) => {
    const config = parse({
      app: {
        schedules: [
          { name: 'check', when: '*/5 * * * *', action: 'sysinfo_local' },
          { name: 'other', when: '@hourly', action },
        ],
      },
    });
    expect(config.tasks.map((t) => [t.name, t.action, t.enabled])).toEqual([['check', 'sysinfo_local', true]]);
    expect(config.warnings).toEqual([
      `app.schedules[1] ("other"): action ${action} (${what}) is not part of this version; the task is disabled`,
    ]);
  });

  it('keeps the key paths of the other tasks’ problems as written (indexes count the disabled task)', () => {
    expect(
      problemsOf({
        app: {
          schedules: [
            { name: 'ddns', when: '@hourly', action: 'update_ddns' },
            { name: 'bad', when: '61 * * * *', action: 'sysinfo_local' },
          ],
        },
      }),
    ).toEqual(['app.schedules[1].when: invalid cron expression "61 * * * *": minute "61": 61 is out of range 0-59']);
  });

  it('names the tasks as written in a problem about two of them', () => {
    expect(
      problemsOf({
        app: {
          schedules: [
            { name: 'ddns', when: '@hourly', action: 'update_ddns' },
            { name: 'check', when: '@hourly', action: 'sysinfo_local' },
            { name: 'check', when: '@daily', action: 'publish_queue' },
          ],
        },
      }),
    ).toEqual(['app.schedules[2].name: duplicate name "check" (also app.schedules[1])']);
  });

  it('an action nobody ever had is still an error (a typo must not switch a check off)', () => {
    expect(problemsOf({ app: { schedules: [{ name: 'a', when: '@hourly', action: 'sysinfo_locl' }] } })).toEqual([
      'app.schedules[0].action: unknown action "sysinfo_locl"; expected one of sysinfo_local, sysinfo_remote, exec, publish_queue, silent_hosts',
    ]);
  });
});

describe('the named accounts of v0.5 (mastodon.named_accounts)', () => {
  const account = {
    app_name: 'Janitor bot',
    api_base_url: 'https://social.example.org',
    instance_type: 'akkoma',
    credentials: { user_file: 'bot.secret', user: { email: 'bot@example.org' } },
    status_params: { max_length: 5000, visibility: 'unlisted', content_type: 'text/markdown' },
  };

  it('the account named default is the one Janitor posts with', () => {
    const config = parse({ mastodon: { named_accounts: { default: account } } });
    const { mastodon } = config.data;
    expect(mastodon.app_name).toBe('Janitor bot');
    expect(mastodon.api_base_url).toBe('https://social.example.org');
    expect(mastodon.instance_type).toBe('akkoma');
    expect(mastodon.credentials.user_file).toBe(join(dir, 'bot.secret'));
    expect(mastodon.credentials.user?.email).toBe('bot@example.org');
    expect(mastodon.status_post).toMatchObject({ max_length: 5000, visibility: 'unlisted' });
    expect(config.warnings).toEqual([]);
  });

  it('reads status_post under the account too (how v0.5.0 spelled status_params)', () => {
    const { status_params, ...rest } = account;
    const config = parse({ mastodon: { named_accounts: { default: { ...rest, status_post: status_params } } } });
    expect(config.data.mastodon.status_post.max_length).toBe(5000);
  });

  it('reports every other account by name: Janitor posts with one account', () => {
    const config = parse({ mastodon: { named_accounts: { default: account, updates: account } } });
    expect(config.warnings).toEqual([
      'mastodon.named_accounts.updates: a second account (the original used it for its Git monitor); Janitor posts with one account, named_accounts.default, so this one is not used',
    ]);
  });

  it('without an account named default: a problem that says which name Janitor needs', () => {
    expect(problemsOf({ mastodon: { named_accounts: { updates: account } } })).toEqual([
      'mastodon.named_accounts.default: missing: Janitor posts with the account named default, as the original did (accounts here: updates)',
    ]);
  });

  it('keys written where Janitor keeps them win over the same keys under the account, with a warning', () => {
    const config = parse({
      mastodon: { api_base_url: 'https://chosen.example', named_accounts: { default: account } },
    });
    expect(config.data.mastodon.api_base_url).toBe('https://chosen.example');
    expect(config.warnings).toEqual([
      'mastodon.named_accounts.default.api_base_url: also set at mastodon.api_base_url, which is used',
    ]);
  });
});

describe('other keys of v0.5 in their new places', () => {
  it('formatter.merge_summary_into_text, system_info.formatting, the top-level schedules, logger.file/stdout', () => {
    const config = parse({
      formatter: {
        merge_summary_into_text: true,
        templates: { merge_strategies: { summary_into_text: '$summary\n\n$text' } },
      },
      system_info: {
        formatting: { report_item_names_map: { cpu_percent: 'CPU usage' }, human_readable: false },
      },
      schedules: [{ name: 'Heartbeat', when: '* * * * *', action: 'sysinfo_local' }],
      logger: { file: { active: true, filename: 'logs/j.log' }, stdout: { active: false } },
    });
    expect(config.data.mastodon.status_post.merge_summary_into_text).toBe(true);
    expect(config.reportFormat.namesMap.cpu_percent).toBe('CPU usage');
    expect(config.reportFormat.humanReadable).toBe(false);
    expect(config.tasks.map((t) => t.name)).toEqual(['Heartbeat']);
    expect(config.data.logger).toMatchObject({ to_file: true, filename: join(dir, 'logs/j.log'), to_stdout: false });
    expect(config.warnings).toEqual([]);
  });

  it('says why each key it does not convert is not used', () => {
    const config = parse({
      formatter: {
        templates: {
          merge_strategies: { summary_into_text: '$summary: $text', mention_into_text: '$text $mention' },
          message_type: { info: { summary: 'ℹ️ $summary', text: '$text' } },
        },
      },
      system_info: { formatting: { templates: { report_lines: { line_ok: '- $title: $value' } } } },
      logger: { file: { active: false, encoding: 'UTF-8', rotate: { active: true } } },
      git_monitor: { file: 'storage/git_monitor.yaml' },
      directnic_ddns: { updates: [] },
    });
    expect(config.warnings).toEqual([
      expect.stringMatching(/^formatter\.templates\.merge_strategies\.summary_into_text: not used: Janitor puts /),
      expect.stringMatching(/^formatter\.templates\.merge_strategies\.mention_into_text: not used: /),
      expect.stringMatching(/^formatter\.templates\.message_type: not converted: .*formatting\.templates/),
      expect.stringMatching(/^system_info\.formatting\.templates: not converted: /),
      expect.stringMatching(/^logger\.file\.encoding: not used: /),
      expect.stringMatching(/^logger\.file\.rotate: not used: /),
      expect.stringMatching(/^git_monitor: not used: the original's Git monitor is not part of this version/),
      expect.stringMatching(/^directnic_ddns: not used: the original's Directnic DDNS updater is not part/),
    ]);
  });
});
