import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultLoaders } from 'cosmiconfig';
import { describe, expect, it } from 'vitest';
import { quickParse } from './quick-parse.ts';
import { configSchema } from './schema.ts';
import { unknownKeys } from './unknown-keys.ts';

const yamlFile = (path: string) => defaultLoaders['.yaml'](path, readFileSync(path, 'utf8')) as Record<string, unknown>;
const original = yamlFile(new URL('../fixtures/original-v0.1.yaml', import.meta.url).pathname);
const dist = yamlFile(new URL('../../../config.yaml.dist', import.meta.url).pathname);

/** A file that sets every key the schema knows, none of them to its default. */
const FULL = {
  app: {
    name: ' Janitor of the lab ',
    run_control: { dry_run: true },
    service: {
      listen: { host: '0.0.0.0', port: 5001 },
      remote_url: 'https://hub.lan:5443/janitor',
      public_url: 'https://hub.example.org/janitor',
      remote_token: 'agent-token-0123456789',
      tokens: [
        { name: 'pi1', token: '0123456789abcdef', hosts: ['pi1', ' pi2 '], scopes: ['write'] },
        { name: 'ops', token: 'x'.repeat(32) },
      ],
      allow_networks: ['192.168.1.0/24', '::1'],
      trusted_proxies: ['127.0.0.1/32'],
    },
    schedules: [
      { name: 'check', when: '*/5 * * * *', action: 'sysinfo_local' },
      { name: 'backup', when: '30 2 * * *', action: 'exec', command: ['backup', '-q'], timezone: 'UTC', timeout: '1h' },
      { name: 'df', when: '@daily', action: 'exec', command: 'df -h', enabled: false, timeout: 30 },
    ],
    state_dir: '/var/lib/janitor',
  },
  mastodon: {
    app_name: 'Janitor bot',
    api_base_url: 'https://social.example.org',
    instance_type: 'akkoma',
    credentials: {
      access_token: 'token',
      client_file: 'secrets/client.secret',
      user_file: 'secrets/user.secret',
      user: { email: 'bot@example.org', password: 'pass' },
    },
    status_post: {
      max_length: 5000,
      content_type: 'text/markdown',
      visibility: 'direct',
      username_to_dm: '@me@example.org',
      merge_summary_into_text: true,
      allow_hashtags: true,
      long_text: 'truncate',
      max_thread_parts: 3,
      pacing: false,
      language: 'en',
      by_type: { alarm: { visibility: 'direct', content_warning: true, mention: ['owner@example.social'] } },
      charts: false,
    },
  },
  system_info: {
    thresholds: { cpu_percent: { value: 90 }, memory_percent: 85 },
    report_item_names_map: { cpu_percent: 'CPU' },
    human_readable: false,
    human_readable_exceptions: ['cpu_count'],
    report_keys: ['cpu_percent', 'memory_percent'],
  },
  alerting: { mode: 'lifecycle', default_repeat: '2h' },
  threads: { window: '12h' },
  bot: { enabled: true, allowed_accounts: ['owner@example.social'], poll_interval: '30s' },
  history: { enabled: false, retention: { raw: '24h' } },
  checks: [
    { slug: 'backup', schedule: '0 2 * * *', timezone: 'Europe/Madrid', grace: '30m', repeat: '1d', host: 'nas' },
    { slug: 'certbot', period: 43_200, grace: 600, repeat: 0 },
  ],
  checks_auto_create: true,
  formatting: {
    system_info: {
      report_item_names_map: { memory_percent: 'RAM' },
      human_readable: true,
      human_readable_exceptions: [],
    },
    icons: { warning: '⚠', alarm: '🔥' },
    templates: { info: { text: '{text}' }, error: { spoiler: '{summary}', text_without_summary: '{text}!' } },
  },
  logger: {
    loglevel: 30,
    name: 'janitor-lab',
    to_file: true,
    filename: '/var/log/janitor.log',
    to_stdout: false,
    format: '%(message)s',
    style: 'json',
  },
};

/** zod's answer: the data and the unknown keys, or undefined when it finds a problem. */
function zodParse(input: Record<string, unknown>) {
  const parsed = configSchema.safeParse(input);
  return parsed.success ? { data: parsed.data, unknownKeys: unknownKeys(configSchema, input) } : undefined;
}

/** quickParse either leaves the input to zod or gives exactly what zod gives, keys in the same order. */
function expectAgrees(input: Record<string, unknown>, label: string) {
  const quick = quickParse(input);
  if (quick === undefined) return false;
  const zod = zodParse(input);
  if (zod === undefined) throw new Error(`${label}: zod refuses what quickParse accepted`);
  expect(quick.data, label).toStrictEqual(zod.data);
  expect(JSON.stringify(quick.data), label).toBe(JSON.stringify(zod.data));
  expect(quick.unknownKeys, label).toEqual(zod.unknownKeys);
  return true;
}

/** Every key path (objects and list elements) the schema declares, as `app.service.tokens[].name`. */
function schemaPaths(schema: unknown, prefix = ''): string[] {
  let def = (schema as { _zod: { def: Record<string, unknown> } })._zod.def;
  while (def.innerType) def = (def.innerType as { _zod: { def: Record<string, unknown> } })._zod.def;
  if (def.type === 'array') return schemaPaths(def.element, `${prefix}[]`);
  if (def.type !== 'object') return [];
  return Object.entries(def.shape as Record<string, unknown>).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return [path, ...schemaPaths(child, path)];
  });
}

function valuePaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => valuePaths(item, `${prefix}[]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return [path, ...valuePaths(child, path)];
  });
}

/** A small seeded generator (mulberry32), so that a failure can be replayed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VALUES: unknown[] = [
  ...['x', ' padded ', '', '   ', 'http://a.b', 'https://x.y/z', ' http://a.b', 'HTTP://X.Y', 'ftp://x.y', 'http:x.y'],
  ...['http://', 'https://a b', '10.0.0.0/8', '300.1.1.1', 'info', 'warning', 'json', 'public', 'thread', 'akkoma'],
  ...['text/html', '0123456789abcdef', '* * * * *'],
  ...[0, 10, 15, -1, 1.5, 500, 65535, 65536, 50, 51, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60],
  ...[true, false, null, [], ['a'], [' b '], [1], {}, { a: 'b' }, { info: 'i' }, new Date(0)],
];

function mutate(base: Record<string, unknown>, next: () => number): Record<string, unknown> {
  const copy = structuredClone(base);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  // A random object or list inside the copy, and one of its keys.
  let node: Record<string, unknown> | unknown[] = copy;
  for (let depth = 0; depth < 4; depth++) {
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const child = (node as Record<string, unknown>)[pick(keys)];
    if (child === null || typeof child !== 'object' || child instanceof Date || next() < 0.25) break;
    node = child as Record<string, unknown>;
  }
  const target = node as Record<string, unknown>;
  const keys = Object.keys(target);
  const roll = next();
  if (roll < 0.15 || keys.length === 0) target[pick(['extra', 'debug', 'queue_storage'])] = pick(VALUES);
  else if (roll < 0.3 && !Array.isArray(target)) delete target[pick(keys)];
  else target[pick(keys)] = structuredClone(pick(VALUES));
  return copy;
}

describe('quickParse', () => {
  it('gives zod’s data for an empty file: every default', () => {
    expect(expectAgrees({}, '{}')).toBe(true);
  });

  it.each([
    ['config.yaml.dist', dist],
    ['the original’s config.yaml, with its unknown keys', original],
    ['a file that sets every key', FULL],
  ])('gives zod’s data and warnings for %s', (label, input) => {
    expect(expectAgrees(input, label)).toBe(true);
  });

  it('knows every key of the schema (FULL sets them all)', () => {
    const set = new Set(
      valuePaths(FULL).map((path) => path.replace(/^(system_info\.thresholds|alerting|bot|history)\..*/, '$1')),
    );
    expect(schemaPaths(configSchema).filter((path) => !set.has(path))).toEqual([]);
  });

  it.each([
    ['a problem zod reports', { app: { service: { listen: { port: 70000 } } } }],
    ['a URL to trim', { app: { service: { remote_url: ' http://hub.lan:5000 ' } } }],
    ['a null section', { logger: null }],
    ['an unknown key zod would drop silently', { formatting: { templates: { info: { body: 'x' } } } }],
  ])('leaves %s to zod', (_, input) => {
    expect(quickParse(input)).toBeUndefined();
  });

  it('never disagrees with zod on thousands of altered files', () => {
    const next = random(20_251_202);
    let answered = 0;
    for (let i = 0; i < 4000; i++) {
      const base = [FULL, dist, original][i % 3] as Record<string, unknown>;
      let input = mutate(base, next);
      if (next() < 0.5) input = mutate(input, next);
      if (expectAgrees(input, `case ${i}: ${JSON.stringify(input)}`)) answered++;
    }
    // Both answers must occur: a quickParse that deferred everything would pass the loop above.
    expect(answered).toBeGreaterThan(800);
    expect(answered).toBeLessThan(3600);
  });
});

describe('what a cron-run command loads', () => {
  it('reads a plain config.yaml without loading zod', () => {
    const dir = mkdtempSync(join(tmpdir(), 'janitor-quick-'));
    writeFileSync(join(dir, 'config.yaml'), readFileSync(new URL('../../../config.yaml.dist', import.meta.url)));
    const index = new URL('./index.ts', import.meta.url).href;
    const script = `
      import { registerHooks } from 'node:module';
      const zod = [];
      registerHooks({ resolve(specifier, context, next) { if (specifier === 'zod') zod.push(specifier); return next(specifier, context); } });
      const { loadConfig } = await import(${JSON.stringify(index)});
      const config = await loadConfig({ cwd: ${JSON.stringify(dir)}, env: {} });
      console.log(JSON.stringify({ tasks: config.tasks.length, warnings: config.warnings, zod }));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ tasks: 1, warnings: [], zod: [] });
  });
});
