import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseSchedules, type Task } from '@janitor/scheduler/parse';
import {
  type AlertingSettings,
  DEFAULT_REPORT_FORMAT,
  DEFAULT_THRESHOLDS,
  parseAlerting,
  parseThresholds,
  type ReportFormat,
  type Rule,
} from '@janitor/thresholds/parse';
import { cosmiconfigSync } from 'cosmiconfig';
import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from './errors.ts';
import { quickParse } from './quick-parse.ts';
import type { ConfigData } from './schema.ts';
import { unknownKeys } from './unknown-keys.ts';

// zod and the schema are loaded when a file needs them (a problem to report, or something quickParse leaves to zod),
// synchronously, through this package's own `./schema` export: what a cron-run command reads is usually a plain file.
const require = createRequire(import.meta.url);
let schemaModule: typeof import('./schema.ts') | undefined;
function configSchema() {
  schemaModule ??= require('@janitor/config/schema') as typeof import('./schema.ts');
  return schemaModule.configSchema;
}

/** A validated, frozen config with everything derived from it that more than one app needs. */
export interface LoadedConfig {
  /** The validated file with defaults applied; relative paths already resolved against {@link baseDir}. */
  readonly data: ConfigData;
  /** The threshold rules (the original's defaults when the file has none). */
  readonly rules: readonly Rule[];
  /** How reports are written: names map, human-readable sizes and their exceptions. */
  readonly reportFormat: ReportFormat;
  /** The alert lifecycle's settings (`alerting`): mode, default for/repeat, silent hosts, per-host overrides. */
  readonly alerting: AlertingSettings;
  /** The scheduled tasks of `app.schedules`, validated by @janitor/scheduler (empty when there are none). */
  readonly tasks: readonly Task[];
  /** The file it came from; undefined when running on embedded defaults. */
  readonly filepath: string | undefined;
  /** The folder relative paths resolve against: the file's folder, or the working directory. */
  readonly baseDir: string;
  /** Keys the file has that Janitor does not use (typos, or settings of the original that no longer apply). */
  readonly warnings: readonly string[];
}

export interface LoadConfigOptions {
  /** An explicit file (`--config PATH`); it must exist. */
  configPath?: string;
  /** Where the upward search starts. @default process.cwd() */
  cwd?: string;
  /** Environment: `JANITOR_CONFIG` names the file when `configPath` is not given. @default process.env */
  env?: Record<string, string | undefined>;
}

const SEARCH_PLACES = ['config.yaml', 'config.yml'];

/**
 * Finds, reads and validates `config.yaml`: `configPath`, else `$JANITOR_CONFIG`, else the first `config.yaml` found
 * walking up from `cwd` (then the user's config folder, `~/.config/janitor/`). With no file at all, the embedded
 * defaults apply. Throws {@link ConfigError} listing every problem with its key path.
 *
 * @example
 * const { data, rules } = await loadConfig({ configPath: 'config.yaml' });
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const { cwd = process.cwd(), env = process.env } = options;
  const explicit = options.configPath ?? (env.JANITOR_CONFIG || undefined);
  // The synchronous explorer: the same search and loaders, without starting libuv's thread pool, which a cron-run
  // command (janitor scheduler with nothing due) otherwise starts for these few reads alone.
  const explorer = cosmiconfigSync('janitor', { searchPlaces: SEARCH_PLACES, searchStrategy: 'global', cache: false });
  let result: { config: unknown; filepath: string; isEmpty?: boolean } | null;
  try {
    if (explicit !== undefined) {
      const path = resolve(cwd, explicit);
      const from = options.configPath !== undefined ? '--config' : 'JANITOR_CONFIG';
      if (!existsSync(path)) {
        throw new ConfigError([
          { path: '', message: `config file not found: ${path} (from ${from}); create one with 'janitor init'` },
        ]);
      }
      result = explorer.load(path);
    } else {
      result = explorer.search(cwd);
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    // YAML errors span lines: "YAML Error in FILE:", the reason with (line:column), then an excerpt. Keep the reason.
    const lines = error instanceof Error ? error.message.split('\n').filter((l) => l.trim()) : [String(error)];
    const message = lines.length > 1 && /^YAML Error/.test(lines[0] ?? '') ? `${lines[0]} ${lines[1]}` : lines[0];
    throw new ConfigError([{ path: '', message: `cannot read the config: ${message}` }], undefined, { cause: error });
  }
  // No file anywhere: embedded defaults, with state kept where per-user state belongs rather than in the cwd.
  if (!result) return parseConfig({ app: { state_dir: defaultStateDir(env) } }, { baseDir: cwd, env });
  const raw = result.isEmpty ? {} : result.config;
  return parseConfig(raw, { baseDir: dirname(result.filepath), filepath: result.filepath, env });
}

export interface ParseConfigOptions {
  /** Relative paths resolve against this folder. */
  baseDir: string;
  filepath?: string;
  env?: Record<string, string | undefined>;
}

/**
 * Per-user state when no config file says where: `$XDG_STATE_HOME/janitor`, else `~/.local/state/janitor` (the folder
 * @janitor/metrics keeps its counters in).
 */
export function defaultStateDir(env: Record<string, string | undefined> = process.env): string {
  const xdg = env.XDG_STATE_HOME;
  const base = xdg?.startsWith('/') ? xdg : join(homedir(), '.local', 'state');
  return join(base, 'janitor');
}

/** Validates an already-parsed config object (what `loadConfig` does after reading the file). */
export function parseConfig(raw: unknown, options: ParseConfigOptions): LoadedConfig {
  const { baseDir, filepath, env = process.env } = options;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(
      [{ path: '', message: 'expected a YAML mapping of settings (app, mastodon, system_info, ...)' }],
      filepath,
    );
  }
  const input = applyLegacyLayout(raw as Record<string, unknown>);
  const problems: ConfigProblem[] = [];
  const quick = quickParse(input);
  let validated: { data: ConfigData; unknownKeys: () => string[] } | undefined;
  if (quick) validated = { data: quick.data, unknownKeys: () => quick.unknownKeys };
  else {
    const schema = configSchema();
    const parsed = schema.safeParse(input);
    if (parsed.success) validated = { data: parsed.data, unknownKeys: () => unknownKeys(schema, input) };
    else problems.push(...parsed.error.issues.map((issue) => toProblem(issue, input)));
  }

  const thresholdsRaw = (input.system_info as { thresholds?: unknown } | undefined)?.thresholds;
  const thresholds =
    thresholdsRaw === undefined ? { rules: [...DEFAULT_THRESHOLDS], problems: [] } : parseThresholds(thresholdsRaw);
  problems.push(...thresholds.problems);

  const alerting = parseAlerting(input.alerting);
  problems.push(...alerting.problems);

  const schedules = parseSchedules((input.app as { schedules?: unknown } | undefined)?.schedules, 'app.schedules');
  problems.push(...schedules.problems);

  if (validated) {
    const post = validated.data.mastodon.status_post;
    if (post.visibility === 'direct' && !post.username_to_dm) {
      problems.push({
        path: 'mastodon.status_post.username_to_dm',
        message: 'required when visibility is direct: a direct post reaches only the accounts it mentions',
      });
    }
  }
  if (problems.length > 0 || !validated) throw new ConfigError(problems, filepath);

  const data = resolvePaths(validated.data, baseDir);
  const token = env.JANITOR_MASTODON_ACCESS_TOKEN;
  if (token) data.mastodon.credentials.access_token = token;
  // JANITOR_HUB_TOKEN: the token this machine's agent presents, and one more token the hub accepts.
  const hubToken = env.JANITOR_HUB_TOKEN?.trim();
  if (hubToken) {
    data.app.service.remote_token = hubToken;
    if (!data.app.service.tokens.some((t) => t.token === hubToken)) {
      data.app.service.tokens.push({ name: 'JANITOR_HUB_TOKEN', token: hubToken });
    }
  }

  return deepFreeze({
    data,
    rules: thresholds.rules,
    reportFormat: reportFormatOf(data),
    alerting: alerting.settings,
    tasks: schedules.tasks,
    filepath,
    baseDir,
    warnings: validated.unknownKeys().map((key) => `${key}: unknown setting, ignored`),
  });
}

/** The original's files kept some keys elsewhere; move them where the schema expects them (explicit new keys win). */
function applyLegacyLayout(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  if (isObject(raw.status_post)) {
    const mastodon = isObject(raw.mastodon) ? { ...raw.mastodon } : {};
    const current = isObject(mastodon.status_post) ? mastodon.status_post : {};
    mastodon.status_post = { ...raw.status_post, ...current };
    out.mastodon = mastodon;
    delete out.status_post;
  }
  return out;
}

function reportFormatOf(data: ConfigData): ReportFormat {
  const legacy = data.system_info;
  const current = data.formatting.system_info;
  return {
    namesMap: {
      ...DEFAULT_REPORT_FORMAT.namesMap,
      ...legacy.report_item_names_map,
      ...current.report_item_names_map,
    },
    humanReadable: current.human_readable ?? legacy.human_readable ?? DEFAULT_REPORT_FORMAT.humanReadable,
    humanReadableExceptions:
      current.human_readable_exceptions ??
      legacy.human_readable_exceptions ??
      DEFAULT_REPORT_FORMAT.humanReadableExceptions,
  };
}

function resolvePaths(data: ConfigData, baseDir: string): ConfigData {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const copy = structuredClone(data);
  copy.mastodon.credentials.client_file = abs(copy.mastodon.credentials.client_file);
  copy.mastodon.credentials.user_file = abs(copy.mastodon.credentials.user_file);
  copy.logger.filename = abs(copy.logger.filename);
  copy.app.state_dir = abs(copy.app.state_dir);
  return copy;
}

function toProblem(issue: z.core.$ZodIssue, input: unknown): ConfigProblem {
  const path = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`));
  return { path: path.join(''), message: describeIssue(issue, valueAt(input, issue.path)) };
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function describeIssue(issue: z.core.$ZodIssue, got: unknown): string {
  if (issue.code === 'invalid_type') {
    const received = got === undefined ? 'nothing' : got === null ? 'null' : Array.isArray(got) ? 'a list' : typeof got;
    return `expected ${article(issue.expected)}, got ${received}`;
  }
  return issue.message;
}

function article(expected: string): string {
  const names: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    number: 'a number',
    boolean: 'true or false',
  };
  return names[expected] ?? expected;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
