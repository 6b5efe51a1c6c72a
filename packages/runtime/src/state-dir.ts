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
