// node:sqlite, loaded without its ExperimentalWarning. Node 22 prints "ExperimentalWarning: SQLite is an experimental
// feature and might change at any time" the first time node:sqlite loads: on every start of janitor, which cron
// mails every minute. Node 24 prints nothing. Only that one warning is dropped, and only while node:sqlite loads:
// `process.emitWarning` is wrapped for that synchronous require and restored right after; every other warning passes.
import { createRequire } from 'node:module';
import type * as NodeSqlite from 'node:sqlite';

/** The text of the warning node:sqlite emits when it loads (Node 22). */
const SQLITE_WARNING = /^SQLite is an experimental feature\b/;

/** True for node:sqlite's own ExperimentalWarning, as `process.emitWarning` receives it. */
export function isSqliteWarning(warning: unknown, typeOrOptions: unknown): boolean {
  const text = warning instanceof Error ? warning.message : warning;
  const type =
    warning instanceof Error
      ? warning.name
      : typeof typeOrOptions === 'string'
        ? typeOrOptions
        : (typeOrOptions as { type?: unknown } | undefined)?.type;
  return type === 'ExperimentalWarning' && typeof text === 'string' && SQLITE_WARNING.test(text);
}

/**
 * Runs `load` (synchronous) with node:sqlite's ExperimentalWarning dropped: `process.emitWarning` is wrapped while it
 * runs and restored after, even when it throws. Other warnings, during and after, are emitted as usual.
 */
export function withoutSqliteWarning<T>(load: () => T): T {
  const emitWarning = process.emitWarning;
  process.emitWarning = function quietEmitWarning(this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    if (isSqliteWarning(warning, rest[0])) return;
    return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return load();
  } finally {
    process.emitWarning = emitWarning;
  }
}

// A static `import ... from 'node:sqlite'` would load it before any code of this package runs.
const sqlite = withoutSqliteWarning(() => createRequire(import.meta.url)('node:sqlite') as typeof NodeSqlite);

/** node:sqlite's `DatabaseSync`, loaded quietly. */
export const DatabaseSync: typeof NodeSqlite.DatabaseSync = sqlite.DatabaseSync;
/** node:sqlite's `DatabaseSync` instance type. */
export type DatabaseSync = NodeSqlite.DatabaseSync;
