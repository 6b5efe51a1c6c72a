import { chmodSync, copyFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, EXIT } from 'janitor-agent';

/** Where the commented template lives: beside the published package, or at the repository's root. */
export function distConfigPath(): string {
  const candidates = ['../config.yaml.dist', '../../../config.yaml.dist'].map((p) =>
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
  if (existsSync(path)) {
    throw new CliError(`${path} already exists; edit it, or remove it first to start over`, EXIT.failure);
  }
  copyFileSync(distConfigPath(), path);
  chmodSync(path, 0o600);
  return path;
}
