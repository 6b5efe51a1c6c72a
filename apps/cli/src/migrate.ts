import { chmodSync, writeFileSync } from 'node:fs';
import { CliError, EXIT } from '@janitor/runtime';

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
