import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ConfigProblem } from './errors.ts';
import type { ConfigData } from './schema.ts';

/** How {@link checkWritablePaths} asks the system; tests pass one that refuses, as for another user. */
export interface WritablePathsOptions {
  /** `fs.accessSync`: throws when `path` cannot be used with `mode`. @default accessSync */
  access?: (path: string, mode: number) => void;
}

/**
 * The problems with the paths Janitor writes to, found when the config loads so that a process stops before it
 * queues or posts anything: `app.state_dir` must be a writable folder, or creatable in one; `logger.filename`, when
 * `logger.to_file` is on, a writable file, or creatable in a writable folder. Paths are absolute (as `loadConfig`
 * resolves them).
 */
export function checkWritablePaths(data: ConfigData, options: WritablePathsOptions = {}): ConfigProblem[] {
  const { access = accessSync } = options;
  const problems: ConfigProblem[] = [];
  const state = problemWith(data.app.state_dir, 'folder', access);
  if (state) problems.push({ path: 'app.state_dir', message: state });
  if (data.logger.to_file) {
    const log = problemWith(data.logger.filename, 'file', access);
    if (log) problems.push({ path: 'logger.filename', message: log });
  }
  return problems;
}

function problemWith(path: string, want: 'file' | 'folder', access: (path: string, mode: number) => void) {
  const writable = (p: string) => {
    try {
      access(p, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  };
  const stat = statOf(path);
  if (stat) {
    if (want === 'folder' && !stat.isDirectory()) return `${path} is a file, not a folder`;
    if (want === 'file' && stat.isDirectory()) return `${path} is a folder, not a file`;
    return writable(path) ? undefined : `${path} is not writable`;
  }
  // It does not exist yet: it is created in the nearest folder that does, which must be one and writable.
  let parent = dirname(path);
  let parentStat = statOf(parent);
  while (!parentStat && dirname(parent) !== parent) {
    parent = dirname(parent);
    parentStat = statOf(parent);
  }
  if (!parentStat) return undefined;
  if (!parentStat.isDirectory()) return `${path} cannot be created: ${parent} is a file`;
  return writable(parent) ? undefined : `${path} cannot be created: ${parent} is not writable`;
}

function statOf(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
