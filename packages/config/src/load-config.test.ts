import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { loadConfig, parseConfig } from './load-config.ts';
import { configSchema } from './schema.ts';

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url).pathname;
const distPath = new URL('../../../config.yaml.dist', import.meta.url).pathname;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'janitor-config-'));
});

async function problemsOf(yaml: string): Promise<string[]> {
  writeFileSync(join(dir, 'config.yaml'), yaml);
  try {
    await loadConfig({ cwd: dir, env: {} });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('the original v0.1 config', () => {
  it('loads unchanged, with its values', async () => {
    copyFileSync(fixture('original-v0.1.yaml'), join(dir, 'config.yaml'));
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(config.filepath).toBe(join(dir, 'config.yaml'));
    expect(config.data.app.service.listen).toEqual({ host: '0.0.0.0', port: 5000 });
    expect(config.data.app.service.remote_url).toBe('http://192.168.1.10:5000');
    expect(config.data.app.run_control.dry_run).toBe(false);
    expect(config.data.app.schedules).toEqual([
      { name: 'Local system info', when: '*/5 * * * *', action: 'sysinfo_local' },
    ]);
    expect(config.data.mastodon.instance_type).toBe('pleroma');
    expect(config.data.mastodon.status_post.content_type).toBe('text/markdown');
    expect(config.data.mastodon.status_post.max_length).toBe(5000);
    expect(config.data.logger.loglevel).toBe(10);
    expect(config.rules.map((r) => [r.metric, r.operator, r.value, r.type])).toEqual([
      ['cpu_percent', '>', 80, 'warning'],
      ['memory_percent', '>', 80, 'warning'],
      ['disk_usage_percent', '>', 80, 'alarm'],
    ]);
    expect(config.reportFormat.namesMap.memory_avail).toBe('Memory Available');
  });

  it('warns about the keys it no longer uses instead of failing', async () => {
    copyFileSync(fixture('original-v0.1.yaml'), join(dir, 'config.yaml'));
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(config.warnings).toEqual([
      'app.service.listen.debug: unknown setting, ignored',
      'queue_storage: unknown setting, ignored',
    ]);
  });

  it('resolves relative paths against the config file folder, not the working directory', async () => {
    copyFileSync(fixture('original-v0.1.yaml'), join(dir, 'config.yaml'));
    const config = await loadConfig({ configPath: join(dir, 'config.yaml'), cwd: tmpdir(), env: {} });
    expect(config.data.mastodon.credentials.user_file).toBe(join(dir, 'user.secret'));
    expect(config.data.mastodon.credentials.client_file).toBe(join(dir, 'client.secret'));
    expect(config.data.logger.filename).toBe(join(dir, 'log/janitor.log'));
    expect(config.data.app.state_dir).toBe(join(dir, '.janitor'));
  });

  it('reads status_post at the top level, where the earliest files kept it', async () => {
    writeFileSync(join(dir, 'config.yaml'), 'status_post:\n  visibility: unlisted\n  max_length: 1000\n');
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(config.data.mastodon.status_post.visibility).toBe('unlisted');
    expect(config.data.mastodon.status_post.max_length).toBe(1000);
    expect(config.warnings).toEqual([]);
  });
});

describe('config.yaml.dist', () => {
  it('loads without problems or warnings and posts nothing until dry_run is turned off', async () => {
    copyFileSync(distPath, join(dir, 'config.yaml'));
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(config.warnings).toEqual([]);
    expect(config.data.app.run_control.dry_run).toBe(true);
    expect(config.rules).toHaveLength(3);
  });

  it('shows the history section with its defaults, and a file may change them', async () => {
    copyFileSync(distPath, join(dir, 'config.yaml'));
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(config.history).toEqual({
      enabled: true,
      retention: { rawMs: 48 * 3_600_000, tenMinutesMs: 35 * 86_400_000, hourMs: 400 * 86_400_000 },
    });
    writeFileSync(join(dir, 'config.yaml'), 'history:\n  enabled: false\n  retention: { hour: "200d" }\n');
    const changed = await loadConfig({ cwd: dir, env: {} });
    expect(changed.history).toEqual({
      enabled: false,
      retention: { rawMs: 48 * 3_600_000, tenMinutesMs: 35 * 86_400_000, hourMs: 200 * 86_400_000 },
    });
  });

  it('refuses a bad history setting naming its key path', async () => {
    writeFileSync(join(dir, 'config.yaml'), 'history:\n  retention: { raw: "two days" }\n');
    await expect(loadConfig({ cwd: dir, env: {} })).rejects.toThrow(/history\.retention\.raw/);
  });

  it('shows no checks and no auto-creation; a file declares checks, and a wrong one is named by its key path', async () => {
    copyFileSync(distPath, join(dir, 'config.yaml'));
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(config.checks).toEqual({ list: [], autoCreate: false });
    writeFileSync(
      join(dir, 'config.yaml'),
      'checks:\n  - { slug: backup, schedule: "0 2 * * *", grace: 30m }\ncheks_auto_create: true\n',
    );
    const declared = await loadConfig({ cwd: dir, env: {} });
    expect(declared.checks.list).toEqual([
      {
        slug: 'backup',
        timing: { kind: 'cron', schedule: '0 2 * * *', timezone: 'UTC' },
        graceMs: 1_800_000,
        repeatMs: 0,
      },
    ]);
    expect(declared.warnings).toEqual(['cheks_auto_create: unknown setting, ignored']);
    writeFileSync(
      join(dir, 'config.yaml'),
      'checks_auto_create: true\nchecks:\n  - { slug: a, period: 1d }\n  - { slug: b, period: 1d }\n  - { slug: c, schedule: "0 25 * * *" }\n',
    );
    await expect(loadConfig({ cwd: dir, env: {} })).rejects.toThrow(/checks\[2\]\.schedule: invalid cron expression/);
  });

  it('documents every key the schema knows', () => {
    const dist = readFileSync(distPath, 'utf8');
    const missing = schemaKeys(configSchema).filter((key) => !new RegExp(`^\\s*#?\\s*${key}:`, 'm').test(dist));
    expect(missing).toEqual([]);
  });
});

describe('finding the file', () => {
  it('walks up from the working directory', async () => {
    writeFileSync(join(dir, 'config.yaml'), 'mastodon:\n  instance_type: akkoma\n');
    const nested = join(dir, 'a', 'b');
    mkdirSync(nested, { recursive: true });
    const config = await loadConfig({ cwd: nested, env: {} });
    expect(config.data.mastodon.instance_type).toBe('akkoma');
  });

  it('takes JANITOR_CONFIG when no --config is given', async () => {
    writeFileSync(join(dir, 'other.yaml'), 'mastodon:\n  instance_type: gotosocial\n');
    const config = await loadConfig({ cwd: tmpdir(), env: { JANITOR_CONFIG: join(dir, 'other.yaml') } });
    expect(config.data.mastodon.instance_type).toBe('gotosocial');
  });

  it('fails clearly when --config names a missing file', async () => {
    await expect(loadConfig({ configPath: join(dir, 'nope.yaml'), env: {} })).rejects.toThrow(
      /config file not found: .*nope\.yaml \(from --config\)/,
    );
  });

  it('runs on embedded defaults when there is no file anywhere', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'janitor-empty-'));
    const config = parseConfig({}, { baseDir: empty, env: {} });
    expect(config.filepath).toBeUndefined();
    expect(config.data.mastodon.instance_type).toBe('mastodon');
    expect(config.rules.map((r) => r.metric)).toEqual(['cpu_percent', 'memory_percent', 'disk_usage_percent']);
  });

  it('an empty config.yaml is found and reported as empty, not taken for a missing file', async () => {
    for (const text of ['', '\n', '# only comments\n# here\n']) {
      writeFileSync(join(dir, 'config.yaml'), text);
      const config = await loadConfig({ cwd: dir, env: {} });
      expect(config.filepath, JSON.stringify(text)).toBe(join(dir, 'config.yaml'));
      expect(config.warnings).toEqual([
        `${join(dir, 'config.yaml')}: the file is empty; every setting takes its default`,
      ]);
      expect(config.data.app.state_dir).toBe(join(dir, '.janitor'));
    }
  });

  it('reports a YAML syntax error as a config error', async () => {
    const problems = await problemsOf('app:\n  name: [unclosed\n');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/cannot read the config: YAML Error in .*config\.yaml: .*\(\d+:\d+\)/);
  });

  it('rejects a file that is not a mapping', async () => {
    expect(await problemsOf('- just\n- a list\n')).toEqual([
      ': expected a YAML mapping of settings (app, mastodon, system_info, ...)',
    ]);
  });
});

describe('validation', () => {
  it('lists every problem with its key path and what was expected', async () => {
    const problems = await problemsOf(
      [
        'app:',
        '  service:',
        '    listen:',
        '      port: "five thousand"',
        'mastodon:',
        '  instance_type: friendica',
        '  api_base_url: not a url',
        '  status_post:',
        '    visibility: everyone',
        'system_info:',
        '  thresholds:',
        '    cpu_percent: { value: high }',
        '    gpu_percent: { value: 80 }',
        'logger:',
        '  loglevel: 15',
      ].join('\n'),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'app.service.listen.port: expected a number, got string',
        'mastodon.instance_type: expected one of mastodon, pleroma, akkoma, gotosocial, firefish',
        'mastodon.api_base_url: expected an http(s) URL',
        'mastodon.status_post.visibility: expected one of public, unlisted, private, direct',
        expect.stringMatching(/^logger\.loglevel: /),
        expect.stringMatching(/^system_info\.thresholds\.cpu_percent\.value: /),
        expect.stringMatching(/^system_info\.thresholds\.gpu_percent: /),
      ]),
    );
    expect(problems).toHaveLength(7);
  });

  it('requires username_to_dm with direct visibility', async () => {
    expect(await problemsOf('mastodon:\n  status_post:\n    visibility: direct\n')).toEqual([
      'mastodon.status_post.username_to_dm: required when visibility is direct: a direct post reaches only the accounts it mentions',
    ]);
  });

  it('names the index of a bad schedule', async () => {
    const problems = await problemsOf('app:\n  schedules:\n    - name: a\n      when: "* * * * *"\n    - name: b\n');
    expect(problems).toEqual([
      'app.schedules[0].action: got nothing; expected one of sysinfo_local, sysinfo_remote, exec, publish_queue, silent_hosts',
      'app.schedules[1].when: expected a cron expression such as "*/5 * * * *" or "@hourly", got nothing',
      'app.schedules[1].action: got nothing; expected one of sysinfo_local, sysinfo_remote, exec, publish_queue, silent_hosts',
    ]);
  });

  it('takes the access token from the environment over the file', () => {
    const config = parseConfig(
      { mastodon: { credentials: { access_token: 'from-file' } } },
      { baseDir: dir, env: { JANITOR_MASTODON_ACCESS_TOKEN: 'from-env' } },
    );
    expect(config.data.mastodon.credentials.access_token).toBe('from-env');
  });

  it('returns a frozen config', () => {
    const config = parseConfig({}, { baseDir: dir, env: {} });
    expect(Object.isFrozen(config.data.mastodon.status_post)).toBe(true);
    expect(() => {
      (config.data.app as { name: string }).name = 'x';
    }).toThrow(TypeError);
  });
});

describe('app.run_control.dry_run left out', () => {
  it('takes the value config.yaml.dist shows (true: nothing is posted until it is turned off)', async () => {
    const dist = readFileSync(distPath, 'utf8');
    const shown = /^\s+dry_run: (true|false)$/m.exec(dist)?.[1];
    expect(shown).toBe('true');
    expect(parseConfig({}, { baseDir: dir, env: {} }).data.app.run_control.dry_run).toBe(true);
    expect(parseConfig({ app: { run_control: {} } }, { baseDir: dir, env: {} }).data.app.run_control.dry_run).toBe(
      true,
    );
    expect(
      parseConfig({ app: { run_control: { dry_run: false } } }, { baseDir: dir, env: {} }).data.app.run_control.dry_run,
    ).toBe(false);
  });
});

describe('app.service.public_url (the hub address the install script points clients to)', () => {
  it('is optional, and kept without a trailing slash', async () => {
    expect(parseConfig({}, { baseDir: dir, env: {} }).data.app.service.public_url).toBeUndefined();
    const config = parseConfig(
      { app: { service: { public_url: 'https://janitor.example.org/hub/' } } },
      { baseDir: dir, env: {} },
    );
    expect(config.data.app.service.public_url).toBe('https://janitor.example.org/hub');
  });

  it.each([
    ['ftp://hub.lan', 'expected an http(s) URL'],
    ["http://hub.lan/'$(reboot)'", 'expected a URL without quotes, spaces or %'],
    ['http://hub.lan/a%20b', 'expected a URL without quotes, spaces or %'],
  ])('refuses %s', async (url, message) => {
    expect(await problemsOf(`app:\n  service:\n    public_url: "${url}"\n`)).toEqual([
      expect.stringMatching(new RegExp(`^app\\.service\\.public_url: ${message.replace(/[()]/g, '\\$&')}`)),
    ]);
  });
});

describe('hub tokens of at least 16 characters, wherever they come from', () => {
  it.each([
    [
      'JANITOR_HUB_TOKEN',
      {},
      { JANITOR_HUB_TOKEN: 'x' },
      'JANITOR_HUB_TOKEN: expected a token of at least 16 characters, got 1',
    ],
    [
      'app.service.tokens',
      { app: { service: { tokens: [{ name: 'pis', token: 'short-token' }] } } },
      {},
      'app.service.tokens[0].token: expected a token of at least 16 characters',
    ],
    [
      'app.service.remote_token',
      { app: { service: { remote_token: 'short' } } },
      {},
      'app.service.remote_token: expected a token of at least 16 characters',
    ],
  ])('%s shorter than 16 characters is a config error naming it', (_what, raw, env, problem) => {
    let problems: string[] = [];
    try {
      parseConfig(raw, { baseDir: dir, env });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = error.problems.map((p) => `${p.path}: ${p.message}`);
    }
    expect(problems).toEqual([problem]);
  });

  it('a token of 16 characters is accepted', () => {
    const config = parseConfig({}, { baseDir: dir, env: { JANITOR_HUB_TOKEN: '0123456789abcdef' } });
    expect(config.data.app.service.remote_token).toBe('0123456789abcdef');
  });
});

describe('app.schedules', () => {
  const parse = (schedules: unknown) => parseConfig({ app: { schedules } }, { baseDir: dir, env: {} });
  const problemsOfSchedules = (schedules: unknown): string[] => {
    try {
      parse(schedules);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
      throw error;
    }
    return [];
  };

  it("reads the original's form (name, when, action) into tasks with the defaults", async () => {
    copyFileSync(fixture('original-v0.1.yaml'), join(dir, 'config.yaml'));
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(config.tasks).toEqual([
      { name: 'Local system info', when: '*/5 * * * *', action: 'sysinfo_local', enabled: true, timeoutMs: 300_000 },
    ]);
  });

  it('reads the optional keys: command, timezone, enabled, timeout', () => {
    const config = parse([
      { name: 'backup', when: '30 2 * * *', action: 'exec', command: ['/usr/local/bin/backup', '--all'] },
      { name: 'df', when: '@hourly', action: 'exec', command: 'df -h | tail -n 1', timezone: 'Europe/Madrid' },
      { name: 'flush', when: '*/10 * * * *', action: 'publish_queue', enabled: false, timeout: '30s' },
      { name: 'hub', when: '0 * * * *', action: 'sysinfo_remote', timeout: 90 },
      { name: 'silent', when: '* * * * *', action: 'silent_hosts' },
    ]);
    expect(config.tasks).toEqual([
      {
        name: 'backup',
        when: '30 2 * * *',
        action: 'exec',
        command: ['/usr/local/bin/backup', '--all'],
        enabled: true,
        timeoutMs: 300_000,
      },
      {
        name: 'df',
        when: '@hourly',
        action: 'exec',
        command: 'df -h | tail -n 1',
        timezone: 'Europe/Madrid',
        enabled: true,
        timeoutMs: 300_000,
      },
      { name: 'flush', when: '*/10 * * * *', action: 'publish_queue', enabled: false, timeoutMs: 30_000 },
      { name: 'hub', when: '0 * * * *', action: 'sysinfo_remote', enabled: true, timeoutMs: 90_000 },
      { name: 'silent', when: '* * * * *', action: 'silent_hosts', enabled: true, timeoutMs: 300_000 },
    ]);
    expect(config.warnings).toEqual([]);
  });

  it('freezes the tasks', () => {
    const config = parse([{ name: 'a', when: '* * * * *', action: 'exec', command: ['true'] }]);
    expect(Object.isFrozen(config.tasks)).toBe(true);
    expect(Object.isFrozen(config.tasks[0])).toBe(true);
    expect(Object.isFrozen(config.tasks[0]?.command)).toBe(true);
  });

  it.each([
    ['an absent key', undefined],
    ['an empty key (YAML null)', null],
    ['an empty list', []],
  ])('gives no tasks and no problem for %s', (_what, schedules) => {
    expect(parse(schedules).tasks).toEqual([]);
  });

  it('reports schedule problems with their key paths, together with the other problems of the file', async () => {
    const problems = await problemsOf(
      [
        'app:',
        '  service:',
        '    listen:',
        '      port: 70000',
        '  schedules:',
        '    - { name: check, when: "*/5 * * * *", action: sysinfo_local }',
        '    - { name: nightly, when: "61 * * * *", action: sysinfo_local }',
        '    - { name: reboot, when: "@daily", action: reboot }',
        'system_info:',
        '  thresholds:',
        '    cpu_percent: { value: high }',
      ].join('\n'),
    );
    expect(problems).toEqual([
      'app.service.listen.port: Too big: expected number to be <=65535',
      expect.stringMatching(/^system_info\.thresholds\.cpu_percent\.value: /),
      'app.schedules[1].when: invalid cron expression "61 * * * *": minute "61": 61 is out of range 0-59',
      'app.schedules[2].action: unknown action "reboot"; expected one of sysinfo_local, sysinfo_remote, exec, publish_queue, silent_hosts',
    ]);
  });

  it.each([
    // Each case: what is wrong, the schedule, the one problem expected.
    ['not a list', { name: 'a' }, /^app\.schedules: expected a list of tasks/],
    ['an entry that is not a mapping', ['check'], /^app\.schedules\[0\]: expected a task \{ name, when, action \}/],
    [
      'a seconds field',
      [{ name: 'a', when: '0 * * * * *', action: 'sysinfo_local' }],
      /^app\.schedules\[0\]\.when: .*seconds field is not supported/,
    ],
    [
      '@reboot',
      [{ name: 'a', when: '@reboot', action: 'sysinfo_local' }],
      /^app\.schedules\[0\]\.when: .*@reboot is not supported/,
    ],
    [
      'exec without a command',
      [{ name: 'a', when: '@daily', action: 'exec' }],
      /^app\.schedules\[0\]\.command: required for action exec/,
    ],
    [
      'a command on another action',
      [{ name: 'a', when: '@daily', action: 'sysinfo_local', command: 'ls' }],
      /^app\.schedules\[0\]\.command: only action exec takes a command/,
    ],
    [
      'an unknown zone',
      [{ name: 'a', when: '@daily', action: 'silent_hosts', timezone: 'Mars/Olympus' }],
      /^app\.schedules\[0\]\.timezone: expected an IANA time zone/,
    ],
    [
      'enabled not a boolean',
      [{ name: 'a', when: '@daily', action: 'silent_hosts', enabled: 'yes' }],
      /^app\.schedules\[0\]\.enabled: expected true or false, got "yes"/,
    ],
    [
      'a timeout above a day',
      [{ name: 'a', when: '@daily', action: 'silent_hosts', timeout: '25h' }],
      /^app\.schedules\[0\]\.timeout: expected a duration/,
    ],
    [
      'an unknown key',
      [{ name: 'a', when: '@daily', action: 'silent_hosts', tz: 'UTC' }],
      /^app\.schedules\[0\]\.tz: unknown key/,
    ],
    [
      'a duplicate name (it keys the lock)',
      [
        { name: 'a', when: '@daily', action: 'silent_hosts' },
        { name: 'a', when: '@hourly', action: 'publish_queue' },
      ],
      /^app\.schedules\[1\]\.name: duplicate name "a" \(also app\.schedules\[0\]\)$/,
    ],
  ])('refuses %s', (_what, schedules, expected) => {
    const problems = problemsOfSchedules(schedules);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });
});

describe('alerting', () => {
  it('takes the defaults without an alerting section (or an empty one)', () => {
    for (const raw of [{}, { alerting: null }]) {
      expect(parseConfig(raw, { baseDir: dir, env: {} }).alerting).toEqual({
        mode: 'lifecycle',
        defaultForMs: 0,
        defaultRepeatMs: 3_600_000,
        silentAfterMs: 'auto',
        forgetAfterMs: 30 * 24 * 3_600_000,
        expectedHosts: [],
        hosts: {},
      });
    }
  });

  it('reads the section into frozen settings, durations in ms, host overrides as rules', async () => {
    writeFileSync(
      join(dir, 'config.yaml'),
      [
        'alerting:',
        '  mode: every_report',
        '  default_for: 5m',
        '  default_repeat: never',
        '  silent_after: 10m',
        '  expected_hosts: [pi1, vps]',
        '  hosts:',
        '    pi1:',
        '      thresholds: { cpu_percent: { value: 95, for: 2m } }',
        '      mute: [disk_usage_percent, host_silent]',
        '    build: { mute: true }',
      ].join('\n'),
    );
    const config = await loadConfig({ cwd: dir, env: {} });
    const { hosts, ...settings } = config.alerting;
    expect(settings).toEqual({
      mode: 'every_report',
      defaultForMs: 300_000,
      defaultRepeatMs: 0,
      silentAfterMs: 600_000,
      forgetAfterMs: 30 * 24 * 3_600_000,
      expectedHosts: ['pi1', 'vps'],
    });
    expect(hosts.pi1?.mute).toEqual(['disk_usage_percent', 'host_silent']);
    expect(hosts.pi1?.thresholds?.rules.map((r) => [r.metric, r.value, r.forMs])).toEqual([
      ['cpu_percent', 95, 120_000],
    ]);
    expect(hosts.build?.mute).toBe(true);
    expect(Object.isFrozen(config.alerting.hosts)).toBe(true);
    expect(config.warnings).toEqual([]);
  });

  it('config.yaml.dist documents a lifecycle that loads with its defaults', async () => {
    copyFileSync(distPath, join(dir, 'config.yaml'));
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(config.alerting).toMatchObject({ mode: 'lifecycle', defaultForMs: 0, defaultRepeatMs: 3_600_000 });
    const dist = readFileSync(distPath, 'utf8');
    for (const key of ['mode', 'default_for', 'default_repeat', 'silent_after', 'expected_hosts', 'hosts']) {
      expect(dist, key).toMatch(new RegExp(`^  ${key}:`, 'm'));
    }
    for (const key of ['for', 'repeat', 'clear', 'levels']) expect(dist, key).toMatch(new RegExp(`#\\s+${key}:`));
  });

  it.each([
    [
      'a clear above the limit of a ">" rule',
      'system_info:\n  thresholds:\n    cpu_percent: { value: 80, clear: 90 }\n',
      'system_info.thresholds.cpu_percent.clear: must be at or below value 80 for a ">" rule, got 90',
    ],
    [
      'a negative for',
      'system_info:\n  thresholds:\n    cpu_percent: { value: 80, for: -5m }\n',
      'system_info.thresholds.cpu_percent.for: must not be negative, got "-5m"',
    ],
    ['a negative default_for', 'alerting:\n  default_for: -5\n', 'alerting.default_for: must not be negative, got -5'],
    [
      'an unknown mode',
      'alerting:\n  mode: sometimes\n',
      'alerting.mode: expected one of lifecycle, every_report, got "sometimes"',
    ],
    [
      'an unknown metric in a host override',
      'alerting:\n  hosts:\n    pi1:\n      thresholds: { gpu_percent: { value: 1 } }\n',
      expect.stringMatching(
        /^alerting\.hosts\.pi1\.thresholds\.gpu_percent: unknown metric; known metrics: cpu_percent, /,
      ),
    ],
    [
      'a clear on the wrong side in a host override',
      'alerting:\n  hosts:\n    pi1:\n      thresholds: { disk_usage_free: { value: 100, operator: "<", clear: 50 } }\n',
      expect.stringMatching(/^alerting\.hosts\.pi1\.thresholds\.disk_usage_free\.clear: must be at or above value 100/),
    ],
    [
      'an unknown mute',
      'alerting:\n  hosts:\n    pi1: { mute: [nope] }\n',
      'alerting.hosts.pi1.mute[0]: expected a metric name or host_silent, got "nope"',
    ],
    [
      'an unknown key',
      'alerting:\n  repeat: 1h\n',
      'alerting.repeat: unknown key; expected mode, default_for, default_repeat, silent_after, forget_after, expected_hosts, hosts',
    ],
    ['a section that is not a mapping', 'alerting: 5\n', 'alerting: expected an object of alerting settings, got 5'],
  ])('rejects %s at load, with its key path', async (_what, yaml, problem) => {
    expect(await problemsOf(yaml)).toEqual([problem]);
  });

  it('lists every alerting problem at once, with the other sections’ problems', async () => {
    const problems = await problemsOf(
      'app:\n  name: ""\nalerting:\n  default_for: soon\n  silent_after: 0\n  expected_hosts: [a, 3]\n',
    );
    expect(problems).toEqual([
      'app.name: expected a non-empty string',
      'alerting.default_for: expected a duration such as "30s", "5m", "1h" or a number of seconds, got "soon"',
      'alerting.silent_after: must be more than 0 (or "auto", or "never")',
      'alerting.expected_hosts[1]: expected a hostname, got 3',
    ]);
  });
});

/** Every leaf-or-object key name the schema declares, to check the documentation covers it. */
function schemaKeys(schema: unknown): string[] {
  const keys = new Set<string>();
  const visit = (s: unknown) => {
    let def = (s as { _zod: { def: Record<string, unknown> } })._zod.def;
    while (def.innerType) def = (def.innerType as { _zod: { def: Record<string, unknown> } })._zod.def;
    if (def.type === 'object') {
      for (const [k, v] of Object.entries(def.shape as Record<string, unknown>)) {
        keys.add(k);
        visit(v);
      }
    } else if (def.type === 'array') visit(def.element);
  };
  visit(schema);
  return [...keys];
}
