import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, EXIT } from '@janitor/runtime';

/**
 * Where the commented template lives: beside this file once packed (`prepack` copies it into dist/), or at the
 * repository's root when run from a clone.
 */
export function distConfigPath(): string {
  const candidates = ['./config.yaml.dist', '../../../config.yaml.dist'].map((p) =>
    fileURLToPath(new URL(p, import.meta.url)),
  );
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new CliError(`config.yaml.dist not found (looked in ${candidates.join(', ')})`, EXIT.failure);
  return found;
}

/**
 * `janitor init`: writes a commented config.yaml from config.yaml.dist (the original's
 * `cp config.yaml.dist config.yaml`), readable by its owner only since it may hold credentials.
 * Refuses to overwrite an existing file.
 */
export function initConfig(target: string): string {
  const path = resolve(target);
  const template = readFileSync(distConfigPath());
  try {
    // Created 0600 and only if absent ('wx'): never a moment where others can read it, never an overwrite.
    writeFileSync(path, template, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new CliError(`${path} already exists; edit it, or remove it first to start over`, EXIT.failure);
    }
    throw new CliError(`cannot write ${path}: ${(error as Error).message}`, EXIT.failure, { cause: error });
  }
  // The umask may have narrowed the mode further, never widened it; set it exactly.
  chmodSync(path, 0o600);
  return path;
}
