// `janitor config validate` and `janitor config migrate`: the configuration checked, and the original's v0.5
// config/ folder turned into one config.yaml.
import { chmodSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { findOriginalLayout, type LoadedConfig, loadConfig, migrateOriginalConfig } from '@janitor/config';
import { CliError, EXIT } from './runtime.ts';

/**
 * `janitor config validate`: loads and validates the config (without the runtime's logger, which would log each
 * warning once more) and says where it came from and its warnings. A broken config throws with every key path.
 */
export async function validateConfig(configPath: string | undefined, out: (line: string) => void): Promise<void> {
  const config = await loadConfig(configPath ? { configPath } : {});
  out(`${describeSources(config)}: valid (${config.rules.length} threshold rules)`);
  for (const w of config.warnings) out(`warning: ${w}`);
}

/** The flags of `janitor config migrate`. */
export interface MigrateConfigOptions {
  /** `--config`: the original's folder (or a file in it). @default found from `cwd` upward */
  configPath?: string;
  /** Where to write it, `-` to print it. @default config.yaml beside config/ */
  output?: string;
  force?: boolean;
  /** @default process.cwd() */
  cwd?: string;
  out: (line: string) => void;
  /** Where the warnings go when the config itself is printed (stderr). */
  warn: (line: string) => void;
}

/**
 * `janitor config migrate`: converts the original Janitor's config/ folder into one config.yaml, comments kept, and
 * says what was left out.
 * @throws CliError (config) when there is no original layout, (failure) when the file exists or cannot be written
 */
export async function migrateConfig(options: MigrateConfigOptions): Promise<void> {
  const { configPath, output, out, warn } = options;
  const from = configPath ? resolve(configPath) : findOriginalLayout(options.cwd ?? process.cwd());
  if (!from) {
    throw new CliError(
      'no config/main.yaml of the original Janitor here or in a folder above; name the folder with --config PATH',
      EXIT.config,
    );
  }
  const migration = await migrateOriginalConfig({ from });
  const folder = `${dirname(migration.sources[0] as string)}/`;
  if (output === '-') {
    out(migration.yaml.trimEnd());
    for (const w of migration.warnings) warn(`warning: ${w}`);
    return;
  }
  const target = resolve(output ?? migration.target);
  writeMigratedConfig(target, migration.yaml, { force: options.force === true });
  out(`wrote ${target} from ${folder} (${migration.sources.map((f) => basename(f)).join(', ')})`);
  if (migration.unused.length > 0) {
    out('left out, because this version does not use them (also listed at the top of the file):');
    for (const line of migration.unused) out(`  ${line}`);
  }
  for (const w of migration.warnings) out(`warning: ${w}`);
  out(`Janitor now reads ${target}; ${folder} is no longer read (keep it as a backup, or remove it).`);
}

/**
 * Writes the config.yaml that `janitor config migrate` made, readable by its owner only (it may hold a password),
 * never over an existing file unless `force`.
 */
export function writeMigratedConfig(path: string, yaml: string, options: { force: boolean }): void {
  try {
    writeFileSync(path, yaml, { mode: 0o600, flag: options.force ? 'w' : 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new CliError(
        `${path} already exists and is read before config/: if it is the original's old single file, --force replaces it`,
        EXIT.failure,
      );
    }
    throw new CliError(`cannot write ${path}: ${(error as Error).message}`, EXIT.failure, { cause: error });
  }
  chmodSync(path, 0o600);
}

/** Where the config came from: the file, the original's config/ folder and its files, or the embedded defaults. */
function describeSources(config: LoadedConfig): string {
  const { filepath, sources } = config;
  if (!filepath) return 'no config file found: embedded defaults';
  if (sources.length <= 1) return filepath;
  return `${dirname(filepath)}/ (${sources.map((f) => basename(f)).join(', ')})`;
}
