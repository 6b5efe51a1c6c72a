import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from './sqlite.ts';
import { describeCause, isStorageFailure, StoreError } from './store-error.ts';

/**
 * How hard SQLite pushes each commit to the disk. `FULL`: a committed transaction survives a power loss (the WAL is
 * fsynced at every commit). `NORMAL`: it survives a crash or SIGKILL of the process, but the last commits may be
 * rolled back by a power loss (the WAL is fsynced only at checkpoints).
 */
export type SynchronousMode = 'FULL' | 'NORMAL';

/** What the parts of a store share: the connection, the clock and the error wrapper. */
export interface StoreContext {
  readonly db: DatabaseSync;
  readonly path: string;
  readonly now: () => number;
  /** Resolves once everything committed so far survives a power cut (Store.synced). */
  readonly synced: () => Promise<void>;
  /** Runs `fn`, turning a SQLite or file-system failure into a {@link StoreError} naming `operation` and the path. */
  guard<T>(operation: string, fn: () => T): T;
  /** Runs `fn` in one write transaction (a savepoint when one is already open). */
  transaction<T>(fn: () => T): T;
  /**
   * Calls `listener` after every rollback, of a transaction or of a savepoint: a cache of rows written inside (ids
   * handed out by an insert) must forget them, since SQLite may hand the same ids out again.
   */
  onRollback(listener: () => void): void;
}

/**
 * Opens the SQLite file at `path` in WAL mode with the given durability. A new file is created with mode 0600 (SQLite
 * gives its -wal and -shm files the mode of the database file), in a parent folder created with mode 0700 if missing.
 */
export function openDatabase(path: string, busyTimeoutMs: number, synchronous: SynchronousMode): DatabaseSync {
  let db: DatabaseSync | undefined;
  try {
    if (path !== ':memory:') {
      makeFolder(dirname(path));
      // The file holds post texts: create it private before SQLite does (SQLite would follow the umask).
      closeSync(openSync(path, 'a', 0o600));
    }
    db = new DatabaseSync(path);
    // Set before anything that takes a lock, so a concurrent opener waits instead of failing.
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
    // A new file gives deleted pages back to the file system on request (`PRAGMA incremental_vacuum`): this only
    // takes effect before the first table exists, and before journal_mode writes the header. An existing file keeps
    // its mode (openStore converts one once, see convertToIncrementalVacuum).
    db.exec('PRAGMA auto_vacuum = INCREMENTAL');
    // The first read of the file: a file that is not a database fails here.
    db.prepare('PRAGMA journal_mode = WAL').get();
    db.exec(`PRAGMA synchronous = ${synchronous}`);
    return db;
  } catch (error) {
    closeQuietly(db);
    throw new StoreError(`cannot open store at ${path}: ${describeCause(error)}`, { path, cause: error });
  }
}

/**
 * Turns on incremental vacuum in a file created before the store set it (its pages freed by deletes can then be given
 * back to the file system): a `VACUUM`, which rewrites the whole file, so it is done once, when the history tables
 * are added to a file that holds little else. When it cannot be done (another process has the file open, the disk is
 * too full for the copy), the file keeps reusing its free pages, which also bounds its size; `store.history.stats()`
 * says which mode a file has.
 * @returns whether the file is in incremental mode now
 */
export function convertToIncrementalVacuum(db: DatabaseSync): boolean {
  const mode = () => (db.prepare('PRAGMA auto_vacuum').get() as { auto_vacuum: number }).auto_vacuum;
  if (mode() === 2) return true;
  try {
    db.exec('PRAGMA auto_vacuum = INCREMENTAL');
    db.exec('VACUUM');
  } catch {
    // Not converted: the file reuses its free pages instead (see above); the mode is what the caller reads back.
  }
  return mode() === 2;
}

/** Builds the shared context of a store over an open connection. */
export function createContext(
  db: DatabaseSync,
  path: string,
  now: () => number,
  synced: () => Promise<void> = () => Promise.resolve(),
): StoreContext {
  let savepoints = 0;
  const rollbackListeners: (() => void)[] = [];
  const rolledBack = () => {
    for (const listener of rollbackListeners) listener();
  };
  const guard = <T>(operation: string, fn: () => T): T => {
    if (!db.isOpen) throw new StoreError(`store ${operation} failed at ${path}: the store is closed`, { path });
    try {
      return fn();
    } catch (error) {
      if (error instanceof StoreError || !isStorageFailure(error)) throw error;
      throw new StoreError(`store ${operation} failed at ${path}: ${describeCause(error)}`, { path, cause: error });
    }
  };
  const transaction = <T>(fn: () => T): T => {
    if (db.isTransaction) {
      // Nested: a savepoint, so a failure inside undoes only its own writes and the outer transaction goes on.
      const name = `janitor_${++savepoints}`;
      db.exec(`SAVEPOINT ${name}`);
      try {
        const result = fn();
        db.exec(`RELEASE ${name}`);
        return result;
      } catch (error) {
        try {
          db.exec(`ROLLBACK TO ${name}`);
          db.exec(`RELEASE ${name}`);
        } catch {
          // SQLite already rolled the whole transaction back (a full disk): the original error is the one to report.
        }
        rolledBack();
        throw error;
      } finally {
        savepoints--;
      }
    }
    // IMMEDIATE takes the write lock up front: a deferred transaction that reads first could fail to upgrade to a
    // writer without waiting on busy_timeout.
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      db.exec('COMMIT');
      return result;
    } catch (error) {
      if (db.isTransaction) {
        try {
          db.exec('ROLLBACK');
        } catch {
          // SQLite may already have rolled back (a full disk); the original error is the one that matters.
        }
      }
      rolledBack();
      throw error;
    }
  };
  const onRollback = (listener: () => void) => {
    rollbackListeners.push(listener);
  };
  return { db, path, now, synced, guard, transaction, onRollback };
}

function makeFolder(folder: string): void {
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
  } catch (error) {
    const { code, path } = error as NodeJS.ErrnoException;
    // mkdir reports a file in the way as EEXIST, which reads as if the folder were fine.
    if (code === 'EEXIST') {
      throw Object.assign(new Error(`ENOTDIR: not a folder: ${path ?? folder}`, { cause: error }), { code: 'ENOTDIR' });
    }
    throw error;
  }
}

function closeQuietly(db: DatabaseSync | undefined): void {
  try {
    if (db?.isOpen) db.close();
  } catch {
    // Closing a connection that failed to open: nothing more to release.
  }
}
