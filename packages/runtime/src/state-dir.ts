import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LoadedConfig } from '@janitor/config';
// The subpath, not the package: every command imports this module, and the collector's modules are for those that
// collect.
import { defaultStateFile } from '@janitor/metrics/state-file';

/**
 * Where this machine's agent keeps its state (metric counters, the report spool, the hub's pid file): the config's
 * `app.state_dir` when a config file was found, else the per-user state folder that @janitor/metrics uses
 * (`$XDG_STATE_HOME/janitor`, or `~/.local/state/janitor`), so `janitor-agent --hub URL` on a machine with no
 * config file does not litter the working directory.
 */
export function resolveStateDir(config: LoadedConfig, env: Record<string, string | undefined> = process.env): string {
  // loadConfig already puts embedded defaults' state there; a config built another way is mapped here too.
  return config.filepath === undefined ? dirname(defaultStateFile(env)) : config.data.app.state_dir;
}

/**
 * Creates the state folder ({@link resolveStateDir}) when it is missing, readable by its owner only (0700, with any
 * folder above it that has to be made: it holds the outbox, the spool, the hub's log), and returns its path. A folder
 * that exists is left as it is.
 */
export function ensureStateDir(config: LoadedConfig, env: Record<string, string | undefined> = process.env): string {
  const dir = resolveStateDir(config, env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/**
 * The line a command that keeps state says at start: `state: /var/lib/janitor (janitor.db, spool, locks)`.
 * @param holds what this command keeps there
 */
export function stateLine(dir: string, holds: readonly string[]): string {
  return holds.length === 0 ? `state: ${dir}` : `state: ${dir} (${holds.join(', ')})`;
}
