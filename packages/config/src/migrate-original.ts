import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from './errors.ts';
import { MIGRATED_MARKER } from './migrated-marker.ts';
import { convertOriginalKeys, disableOriginalOnlyTasks, movedKeyPath } from './original-layout.ts';
import { isSplitLayoutMain, readSplitLayout, SPLIT_LAYOUT_MAIN } from './split-layout.ts';
import { unknownKeys } from './unknown-keys.ts';

export { MIGRATED_MARKER };

/** What {@link migrateOriginalConfig} made of the original's config/ folder. */
export interface OriginalMigration {
  /** The text of the new config.yaml: the settings this version uses, in its layout, with their comments. */
  yaml: string;
  /** The files read: main.yaml, then the others by name. */
  sources: string[];
  /** Where the new file belongs: config.yaml in the project folder, beside config/ (it is read before config/). */
  target: string;
  /** Every key left out because this version does not use it, each `path: why`. */
  unused: string[];
  /** What else to know: repeated keys, keys set twice, tasks that stay disabled. */
  warnings: string[];
}

export interface MigrateOriginalOptions {
  /** The original's `config/` folder, or its `main.yaml`. */
  from: string;
}

/**
 * Converts the original v0.5's split layout (`config/main.yaml`, `config/mastodon.yaml`, ...) into the text of one
 * config.yaml that loads to the same settings: keys moved as `ORIGINAL_KEY_MOVES` says, each key's comments kept
 * above it in its new place, the keys this version does not use left out and listed. Writes nothing. Throws
 * {@link ConfigError} when `from` is not such a folder or a file is not a mapping.
 *
 * @example
 * const { yaml, unused } = await migrateOriginalConfig({ from: 'config' });
 */
export async function migrateOriginalConfig(options: MigrateOriginalOptions): Promise<OriginalMigration> {
  const { from } = options;
  const folder =
    existsSync(from) && statSync(from).isDirectory() ? from : isSplitLayoutMain(from) ? dirname(from) : from;
  const layout = await readSplitLayout(folder).catch((error: unknown) => {
    if (error instanceof ConfigError) throw error;
    const [first, second] =
      error instanceof Error ? error.message.split('\n').filter((l) => l.trim()) : [String(error)];
    throw new ConfigError(
      [{ path: '', message: `cannot read the config: ${[first, second].filter(Boolean).join(' ')}` }],
      undefined,
      {
        cause: error,
      },
    );
  });
  const converted = convertOriginalKeys(layout.raw);
  if (converted.problems.length > 0) throw new ConfigError(converted.problems, layout.files[0]);
  const { input } = converted;
  // zod and the schema load only here: a migration is rare, every command loads this package.
  const { configSchema } = await import('./schema.ts');
  const generic = unknownKeys(configSchema, input);
  for (const path of generic) deleteAt(input, path);
  pruneEmpty(input);
  const disabled = disableOriginalOnlyTasks((input.app as { schedules?: unknown } | undefined)?.schedules);

  const { Document, isMap, isScalar, isSeq } = await import('yaml');
  const order = Object.keys(configSchema.shape);
  const sorted = Object.fromEntries(Object.entries(input).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)));
  const doc = new Document(sorted);
  const comments = await commentsOf(layout.files);
  const walk = (node: unknown, path: string, top: boolean) => {
    if (isMap(node)) {
      node.items.forEach((pair, i) => {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const keyPath = path ? `${path}.${key}` : key;
        const comment = comments.get(keyPath);
        if (isScalar(pair.key)) {
          if (comment) pair.key.commentBefore = comment;
          if (top && i > 0) pair.key.spaceBefore = true;
        }
        walk(pair.value, keyPath, false);
      });
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        walk(item, `${path}[${i}]`, false);
      });
    }
  };
  walk(doc.contents, '', true);

  const unused = [...converted.unused, ...generic.map((key) => `${key}: unknown setting, ignored`)];
  const header = [
    MIGRATED_MARKER,
    `# Read from ${layout.files.map((f) => basename(f)).join(', ')}; config.yaml.dist documents every key.`,
    ...(unused.length > 0
      ? ['# Left out, because this version does not use them:', ...unused.map((line) => `#   ${line}`)]
      : []),
  ];
  return {
    yaml: `${header.join('\n')}\n\n${doc.toString({ lineWidth: 0 })}`,
    sources: layout.files,
    target: join(layout.baseDir, 'config.yaml'),
    unused,
    warnings: [...layout.warnings, ...converted.warnings, ...disabled.warnings],
  };
}

/**
 * The nearest `config/` folder of the original's split layout, walking up from `cwd`; undefined when there is none.
 */
export function findOriginalLayout(cwd: string): string | undefined {
  let dir = cwd;
  for (;;) {
    if (existsSync(join(dir, SPLIT_LAYOUT_MAIN))) return join(dir, 'config');
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The comment above each key of the files, by the key's path in Janitor's layout. A comment before the first key of
 * a mapping belongs to that key; above a top-level key only the last paragraph is kept (the files' banners go).
 */
async function commentsOf(files: readonly string[]): Promise<Map<string, string>> {
  const { isMap, isScalar, isSeq, parseDocument } = await import('yaml');
  const out = new Map<string, string>();
  for (const file of files) {
    const doc = parseDocument(readFileSync(file, 'utf8'), { uniqueKeys: false });
    const walk = (node: unknown, path: string) => {
      if (isMap(node)) {
        node.items.forEach((pair, i) => {
          const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
          const keyPath = path ? `${path}.${key}` : key;
          const parts = [
            i === 0 ? node.commentBefore : undefined,
            isScalar(pair.key) ? pair.key.commentBefore : undefined,
          ];
          let comment = parts.filter((c): c is string => Boolean(c)).join('\n');
          if (!path) comment = comment.split('\n\n').pop() ?? '';
          if (comment.trim()) out.set(movedKeyPath(keyPath), comment);
          walk(pair.value, keyPath);
        });
      } else if (isSeq(node)) {
        node.items.forEach((item, i) => {
          walk(item, `${path}[${i}]`);
        });
      }
    };
    walk(doc.contents, '');
  }
  return out;
}

/** Removes the mappings left empty (a section whose every key was left out), so they are not reported again. */
function pruneEmpty(node: unknown): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) {
    for (const item of node) pruneEmpty(item);
    return false;
  }
  const map = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(map)) if (pruneEmpty(value)) delete map[key];
  return Object.keys(map).length === 0;
}

/** Deletes the key at a path such as `app.schedules[0].tz` or `queue_storage`. */
function deleteAt(root: Record<string, unknown>, path: string): void {
  const keys = path.split(/\.|(?=\[)/).map((k) => (k.startsWith('[') ? Number(k.slice(1, -1)) : k));
  let node: unknown = root;
  for (const key of keys.slice(0, -1)) {
    node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined;
  }
  if (node !== null && typeof node === 'object')
    delete (node as Record<string | number, unknown>)[keys.at(-1) as string];
}
