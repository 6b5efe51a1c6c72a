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
        '  instance_type: firefish',
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
        'mastodon.instance_type: expected one of mastodon, pleroma, akkoma, gotosocial',
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
      'app.schedules[0].action: expected a string, got nothing',
      'app.schedules[1].when: expected a string, got nothing',
      'app.schedules[1].action: expected a string, got nothing',
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
