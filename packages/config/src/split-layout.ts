import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from './errors.ts';
import { parseYamlText, repeatedKeyWarning } from './yaml-file.ts';

/** The file that marks the original v0.5's split layout, relative to its project folder. */
export const SPLIT_LAYOUT_MAIN = join('config', 'main.yaml');

/** True for the `config/main.yaml` of the original v0.5's split layout. */
export function isSplitLayoutMain(path: string): boolean {
  return basename(path) === 'main.yaml' && basename(dirname(path)) === 'config';
}

/** The original v0.5's `config/` folder, read and merged as the original did. */
export interface SplitLayout {
  /** Every top-level key of every file; a key in two files is the later file's. */
  raw: Record<string, unknown>;
  /** The files read, in order: main.yaml, then the others by name. */
  files: string[];
  /** The project folder (the one above `config/`), which the original resolved relative paths against. */
  baseDir: string;
  /** Repeated keys, and top-level keys found in two files. */
  warnings: string[];
}

/**
 * Reads the original v0.5's split layout: every `*.yaml` of `folder` (its `*.yaml.dist` examples are not read),
 * `main.yaml` first, then the others by name, each file's top-level keys replacing the same keys of the files before
 * (the original merged them so). Throws {@link ConfigError} when `folder` has no main.yaml or a file is not a mapping;
 * a YAML syntax error is thrown as it is.
 */
export async function readSplitLayout(folder: string): Promise<SplitLayout> {
  const main = join(folder, 'main.yaml');
  if (!existsSync(main)) {
    throw new ConfigError([
      {
        path: '',
        message: `no main.yaml in ${folder}: the original's split layout is a config/ folder with main.yaml`,
      },
    ]);
  }
  const others = readdirSync(folder)
    .filter((name) => name.endsWith('.yaml') && name !== 'main.yaml')
    .sort();
  const files = [main, ...others.map((name) => join(folder, name))];
  const raw: Record<string, unknown> = {};
  const from = new Map<string, string>();
  const warnings: string[] = [];
  for (const file of files) {
    const { value, repeated } = await parseYamlText(readFileSync(file, 'utf8'), file);
    warnings.push(...repeated.map((key) => repeatedKeyWarning(file, key)));
    if (value === undefined) continue;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new ConfigError([{ path: '', message: `${file}: expected a YAML mapping of settings` }], file);
    }
    for (const [key, v] of Object.entries(value)) {
      const before = from.get(key);
      if (before !== undefined) {
        warnings.push(`${key}: in both ${before} and ${file}; the later file's is used, as the original did`);
      }
      raw[key] = v;
      from.set(key, file);
    }
  }
  return { raw, files, baseDir: dirname(folder), warnings };
}
