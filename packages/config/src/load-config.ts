import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { type BotSettings, readBotSettings } from '@janitor/bot';
import { type CheckSettings, parseChecks } from '@janitor/checks';
import { type HistorySettings, parseHistorySettings } from '@janitor/history';
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
import { cosmiconfig } from 'cosmiconfig';
import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from './errors.ts';
import { MIGRATED_MARKER } from './migrated-marker.ts';
import { convertOriginalKeys, disableOriginalOnlyTasks } from './original-layout.ts';
import { quickParse } from './quick-parse.ts';
import type { ConfigData } from './schema.ts';
import { MIN_HUB_TOKEN_LENGTH } from './schema-constants.ts';
import { isSplitLayoutMain, readSplitLayout, SPLIT_LAYOUT_MAIN, type SplitLayout } from './split-layout.ts';
import { unknownKeys } from './unknown-keys.ts';
import { checkWritablePaths } from './writable-paths.ts';
import { parseYamlText, type RepeatedKey, repeatedKeyWarning } from './yaml-file.ts';

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
  /** The metric history's settings (`history`): on or off, and each tier's retention. */
  readonly history: HistorySettings;
  /** The bot's settings (`bot`): whether it listens to mentions, how, and who may command it. */
  readonly bot: BotSettings;
  /** The scheduled tasks of `app.schedules`, validated by @janitor/scheduler (empty when there are none). */
  readonly tasks: readonly Task[];
  /** The job check-ins of `checks`, validated by @janitor/checks, and `checks_auto_create`. */
  readonly checks: CheckSettings;
  /** The file it came from (`config/main.yaml` for the original's split layout); undefined on embedded defaults. */
  readonly filepath: string | undefined;
  /** Every file read, in order: the one file, or each file of the original's split layout; empty on defaults. */
  readonly sources: readonly string[];
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

// The original v0.5's split layout is found where a folder has config/main.yaml and no config.yaml.
const SEARCH_PLACES = ['config.yaml', 'config.yml', SPLIT_LAYOUT_MAIN];

/**
 * Finds, reads and validates the config: `configPath`, else `$JANITOR_CONFIG`, else the first `config.yaml` found
 * walking up from `cwd` (then the user's config folder, `~/.config/janitor/`). The original v0.5's split layout
 * (`config/main.yaml` and the other `config/*.yaml`) is read where a folder has it instead of a `config.yaml`, or when
 * `configPath` names that folder or its main.yaml. With no file at all, the embedded defaults apply. Throws
 * {@link ConfigError} listing every problem with its key path, including a state folder or log file that cannot be
 * written.
 *
 * @example
 * const { data, rules } = await loadConfig({ configPath: 'config.yaml' });
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const { cwd = process.cwd(), env = process.env } = options;
  const explicit = options.configPath ?? (env.JANITOR_CONFIG || undefined);
  // What the loader saw of each file: the text (for the migration marker) and the keys repeated in it.
  const seen = new Map<string, { text: string; repeated: RepeatedKey[] }>();
  const loader = async (filepath: string, content: string) => {
    const parsed = await parseYamlText(content, filepath);
    seen.set(filepath, { text: content, repeated: parsed.repeated });
    return parsed.value;
  };
  const explorer = cosmiconfig('janitor', {
    searchPlaces: SEARCH_PLACES,
    searchStrategy: 'global',
    cache: false,
    ignoreEmptySearchPlaces: false,
    loaders: { '.yaml': loader, '.yml': loader, noExt: loader },
  });
  let result: { config: unknown; filepath: string; isEmpty?: boolean } | null;
  let split: SplitLayout | undefined;
  try {
    if (explicit !== undefined) {
      const path = resolve(cwd, explicit);
      const from = options.configPath !== undefined ? '--config' : 'JANITOR_CONFIG';
      if (!existsSync(path)) {
        throw new ConfigError([
          { path: '', message: `config file not found: ${path} (from ${from}); create one with 'janitor init'` },
        ]);
      }
      if (statSync(path).isDirectory()) split = await readSplitLayout(path);
      else if (isSplitLayoutMain(path)) split = await readSplitLayout(dirname(path));
      result = split ? null : await explorer.load(path);
    } else {
      result = await explorer.search(cwd);
      if (result && isSplitLayoutMain(result.filepath)) split = await readSplitLayout(dirname(result.filepath));
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    // YAML errors span lines: "YAML Error in FILE:", the reason with (line:column), then an excerpt. Keep the reason.
    const lines = error instanceof Error ? error.message.split('\n').filter((l) => l.trim()) : [String(error)];
    const message = lines.length > 1 && /^YAML Error/.test(lines[0] ?? '') ? `${lines[0]} ${lines[1]}` : lines[0];
    throw new ConfigError([{ path: '', message: `cannot read the config: ${message}` }], undefined, { cause: error });
  }
  if (split) {
    const main = split.files[0] as string;
    return parseConfig(split.raw, {
      baseDir: split.baseDir,
      filepath: main,
      sources: split.files,
      env,
      fileWarnings: split.warnings,
      checkPaths: true,
    });
  }
  // No file anywhere: embedded defaults, with state kept where per-user state belongs rather than in the cwd. A file
  // that leaves dry_run out is a dry run (what config.yaml.dist shows); no file at all is not: an agent started with
  // only --hub and --token must send its reports, and without credentials nothing can be posted anyway.
  if (!result) {
    return parseConfig(
      { app: { state_dir: defaultStateDir(env), run_control: { dry_run: false } } },
      { baseDir: cwd, env },
    );
  }
  const { filepath } = result;
  const file = seen.get(filepath);
  const fileWarnings = (file?.repeated ?? []).map((key) => repeatedKeyWarning(filepath, key));
  if (result.isEmpty) fileWarnings.push(`${filepath}: the file is empty; every setting takes its default`);
  const beside = join(dirname(filepath), SPLIT_LAYOUT_MAIN);
  if (/^config\.ya?ml$/.test(basename(filepath)) && existsSync(beside) && !file?.text.startsWith(MIGRATED_MARKER)) {
    fileWarnings.push(
      `${dirname(beside)}: the original's split layout is here too and is not read (${basename(filepath)} is); if ` +
        "config/ holds your settings, move config.yaml away, or convert config/ with 'janitor config migrate --force'",
    );
  }
  return parseConfig(result.isEmpty ? {} : result.config, {
    baseDir: dirname(filepath),
    filepath,
    sources: [filepath],
    env,
    fileWarnings,
    checkPaths: true,
  });
}

export interface ParseConfigOptions {
  /** Relative paths resolve against this folder. */
  baseDir: string;
  filepath?: string;
  /** Every file the config was read from. @default [filepath] when given, else [] */
  sources?: readonly string[];
  env?: Record<string, string | undefined>;
  /** Warnings about the files themselves (repeated keys, an empty file), listed first. @default [] */
  fileWarnings?: readonly string[];
  /**
   * Check that `app.state_dir` and `logger.filename` (with `to_file`) can be written ({@link checkWritablePaths}).
   * `loadConfig` does for a config read from files. @default false
   */
  checkPaths?: boolean;
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
  const { baseDir, filepath, env = process.env, fileWarnings = [], checkPaths = false } = options;
  const sources = options.sources ?? (filepath ? [filepath] : []);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(
      [{ path: '', message: 'expected a YAML mapping of settings (app, mastodon, system_info, ...)' }],
      filepath,
    );
  }
  // Keys of the original's later layouts (v0.2-v0.5) move where the schema expects them; see original-layout.ts.
  const original = convertOriginalKeys(raw as Record<string, unknown>);
  const { input } = original;
  const problems: ConfigProblem[] = [...original.problems];
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
  const history = parseHistorySettings(input.history);
  problems.push(...history.problems);
  const bot = readBotSettings(input.bot);
  problems.push(...bot.problems);
  const checks = parseChecks(input.checks);
  problems.push(...checks.problems);

  // Tasks of actions only the original had are left out with a warning; the others keep their index in key paths.
  const disabled = disableOriginalOnlyTasks((input.app as { schedules?: unknown } | undefined)?.schedules);
  const schedules = parseSchedules(disabled.kept, 'app.schedules');
  problems.push(
    ...schedules.problems.map((p) => ({
      path: unshiftIndex(p.path, disabled.indexes),
      message: unshiftIndex(p.message, disabled.indexes),
    })),
  );

  // Weak hub tokens are refused everywhere; the schema checks the file's, this the environment's.
  const hubToken = env.JANITOR_HUB_TOKEN?.trim();
  if (hubToken && hubToken.length < MIN_HUB_TOKEN_LENGTH) {
    problems.push({
      path: 'JANITOR_HUB_TOKEN',
      message: `expected a token of at least ${MIN_HUB_TOKEN_LENGTH} characters, got ${hubToken.length}`,
    });
  }

  if (validated) {
    const post = validated.data.mastodon.status_post;
    if (post.visibility === 'direct' && !post.username_to_dm) {
      problems.push({
        path: 'mastodon.status_post.username_to_dm',
        message: 'required when visibility is direct: a direct post reaches only the accounts it mentions',
      });
    }
    for (const [type, route] of Object.entries(post.by_type)) {
      if (route?.visibility === 'direct' && route.mention.length === 0 && !post.username_to_dm) {
        problems.push({
          path: `mastodon.status_post.by_type.${type}.mention`,
          message:
            'required when visibility is direct (or set username_to_dm): a direct post reaches only the accounts it mentions',
        });
      }
    }
    if (checkPaths) problems.push(...checkWritablePaths(resolvePaths(validated.data, baseDir)));
  }
  if (problems.length > 0 || !validated) throw new ConfigError(problems, filepath);

  const data = resolvePaths(validated.data, baseDir);
  const token = env.JANITOR_MASTODON_ACCESS_TOKEN;
  if (token) data.mastodon.credentials.access_token = token;
  // JANITOR_HUB_TOKEN: the token this machine's agent presents, and one more token the hub accepts.
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
    history: history.settings,
    bot: bot.settings,
    tasks: schedules.tasks,
    checks: { list: checks.checks, autoCreate: data.checks_auto_create },
    filepath,
    sources,
    baseDir,
    warnings: [
      ...fileWarnings,
      ...original.warnings,
      ...original.unused,
      ...disabled.warnings,
      ...validated.unknownKeys().map((key) => `${key}: unknown setting, ignored`),
    ],
  });
}

/** Each `app.schedules[i]` of the list given to parseSchedules, with the index of the list as written. */
function unshiftIndex(text: string, indexes: readonly number[]): string {
  return text.replace(/app\.schedules\[(\d+)\]/g, (whole, i: string) => {
    const original = indexes[Number(i)];
    return original === undefined ? whole : `app.schedules[${original}]`;
  });
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

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
