import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { type AlertLog, createAlertLog } from './alert-log.ts';
import { type AlertStore, createAlertStore } from './alert-store.ts';
import { convertToIncrementalVacuum, createContext, openDatabase, type SynchronousMode } from './database.ts';
import { createForeignAlerts, type ForeignAlerts } from './foreign-alerts.ts';
import { createHistory, type History, type HistoryOptions } from './history-store.ts';
import { createKeyValue, type KeyValue } from './key-value.ts';
import { createMessageLog, type MessageLog } from './message-log.ts';
import { HISTORY_SCHEMA_VERSION, migrate } from './migrations.ts';
import { createNotifications, type Notifications } from './notifications.ts';
import { createOutbox, type Outbox } from './outbox.ts';
import { createSilences, type Silences } from './silences.ts';
import { describeCause, StoreError } from './store-error.ts';
import { createWalSync } from './wal-sync.ts';

/** Where and how to open a store. */
export interface StoreOptions {
  /** The database file (created if missing, with its folder), or `:memory:` for a store that dies with the process. */
  path: string;
  /** The clock of `createdAtMs` and "due now". @default Date.now */
  now?: () => number;
  /** How long to wait for another process holding the write lock before failing with a retryable error. @default 5000 */
  busyTimeoutMs?: number;
  /**
   * `FULL`: a committed entry survives a power loss. `NORMAL`: it survives a crash or SIGKILL of the process, not
   * necessarily a power loss; commits are cheaper. @default 'FULL'
   */
  synchronous?: SynchronousMode;
  /**
   * When a commit reaches the disk. `commit`: within the commit, as `synchronous` says. `background` (a server's
   * choice): a commit only writes the WAL (`synchronous` is then NORMAL: a crash or SIGKILL of the process loses
   * nothing), and {@link Store.synced} pushes it to the disk with `fdatasync` on libuv's thread pool, so that the event
   * loop never waits for the disk; everything that tells a sender "kept" awaits `synced()` first, and then survives a
   * power cut as with FULL. @default 'commit'
   */
  durability?: 'commit' | 'background';
  /** The metric history's retention and tiering. @default raw 48 h, 10-minute buckets 35 days, hour buckets 400 days */
  history?: HistoryOptions;
}

/** What {@link Store.checkFile} finds at the store's path. */
export type StoreFileState = 'ok' | 'missing' | 'replaced';

/** One SQLite file holding Janitor's durable state. */
export interface Store {
  readonly outbox: Outbox;
  readonly kv: KeyValue;
  /** The alert lifecycle's state: each host's alert states and the hosts that reported. */
  readonly alerts: AlertStore;
  /** Silences: posts held back until a time. */
  readonly silences: Silences;
  /** The notification log: every status the server confirmed and what it was about. */
  readonly notifications: Notifications;
  /** The metric history: a point per report and its 10-minute and hour tiers. */
  readonly history: History;
  /** The alert log: every transition of every alert, and each incident's end, duration and peak. */
  readonly alertLog: AlertLog;
  /** The message log: every `/message` accepted, and its post once made. */
  readonly messageLog: MessageLog;
  /** The alerts of other monitors (Alertmanager, Grafana, Uptime Kuma) still firing, and their states. */
  readonly foreignAlerts: ForeignAlerts;
  /** The absolute path of the database file (or `:memory:`). */
  readonly path: string;
  /**
   * Runs `fn` in one write transaction: everything it writes through this store is committed together, or not at all
   * if it throws (e.g. an alert's new state and its post). Nested calls are savepoints. Synchronous only: do not
   * await inside.
   */
  transaction<T>(fn: () => T): T;
  /**
   * Resolves once everything committed before the call survives a power cut. With `durability: 'background'`, a sync
   * of the WAL off the event loop (calls in a burst share one); otherwise at once (the commit waited for the disk as
   * `synchronous` says). Rejects with the disk's error.
   */
  synced(): Promise<void>;
  /** Whether SQLite's `PRAGMA integrity_check` finds the file sound. */
  checkIntegrity(): boolean;
  /**
   * Whether {@link Store.path} still names the file the store has open: `missing` once it was deleted (SQLite goes on
   * writing into the unlinked file, and all of it is lost when the process ends), `replaced` once another file took
   * its path (a backup restored under it). One `stat`: cheap enough for a health probe or a timer, not meant for
   * every write. Always `ok` in memory.
   * @throws StoreError when the store is closed, or the path cannot be looked at (no permission)
   */
  checkFile(): StoreFileState;
  /** Closes the file (a checkpoint folds the WAL back into it). Later calls on the store throw; closing twice is fine. */
  close(): void;
}

/**
 * Opens (creating if needed) the store at `path`: WAL mode, the durability of `synchronous`, the schema brought up to
 * date. A new file and its -wal/-shm companions are private (mode 0600): they hold post texts.
 * @throws StoreError `cannot open store at PATH: ...` (a folder that cannot be created, no permission, not a
 * database, a disk full, a file from a newer janitor).
 * @example
 * const store = openStore({ path: '/var/lib/janitor/janitor.db' });
 * const entry = store.outbox.enqueue({ payload: { status: 'disk full on pi' }, groupKey: 'pi' });
 * // ...acknowledge the sender; later, in the worker:
 * const due = store.outbox.next();
 * if (due) store.outbox.complete(due.id, due.idempotencyKey, { statuses: [{ id: '1099', url: null }] });
 * store.notifications.about('1099'); // { statusId: '1099', outboxId: 1, groupKey: 'pi', about: { kind: 'report' }, ... }
 */
export function openStore(options: StoreOptions): Store {
  const { now = Date.now, busyTimeoutMs = 5000, durability = 'commit' } = options;
  const path = options.path === ':memory:' ? ':memory:' : resolve(options.path);
  const background = durability === 'background' && path !== ':memory:';
  const db = openDatabase(path, busyTimeoutMs, background ? 'NORMAL' : (options.synchronous ?? 'FULL'));
  try {
    const { fromVersion } = migrate(db);
    // A file from before the history: worth converting now, while it holds little (see convertToIncrementalVacuum).
    if (fromVersion > 0 && fromVersion < HISTORY_SCHEMA_VERSION && path !== ':memory:') convertToIncrementalVacuum(db);
  } catch (error) {
    db.close();
    throw new StoreError(`cannot open store at ${path}: ${describeCause(error)}`, { path, cause: error });
  }
  // The file the connection has open, to tell later whether the path still names it.
  let opened: { dev: bigint; ino: bigint } | undefined;
  try {
    opened = path === ':memory:' ? undefined : statSync(path, { bigint: true });
  } catch (error) {
    db.close();
    throw new StoreError(`cannot open store at ${path}: ${describeCause(error)}`, { path, cause: error });
  }
  const wal = background ? createWalSync(path) : undefined;
  const synced = wal ? () => wal.synced() : () => Promise.resolve();
  const context = createContext(db, path, now, synced);
  const integrity = db.prepare('PRAGMA integrity_check');
  const notifications = createNotifications(context);
  let history: History;
  try {
    history = createHistory(context, options.history);
  } catch (error) {
    db.close();
    throw error;
  }
  return {
    outbox: createOutbox(context, notifications),
    kv: createKeyValue(context),
    alerts: createAlertStore(context),
    silences: createSilences(context),
    notifications,
    history,
    alertLog: createAlertLog(context),
    messageLog: createMessageLog(context),
    foreignAlerts: createForeignAlerts(context),
    path,
    synced,
    transaction: (fn) => context.guard('transaction', () => context.transaction(fn)),
    checkIntegrity: () =>
      context.guard('checkIntegrity', () => {
        const rows = integrity.all() as { integrity_check: string }[];
        return rows.length === 1 && rows[0]!.integrity_check === 'ok';
      }),
    checkFile: () =>
      context.guard('checkFile', () => {
        if (opened === undefined) return 'ok';
        let now: { dev: bigint; ino: bigint } | undefined;
        try {
          now = statSync(path, { bigint: true, throwIfNoEntry: false });
        } catch (error) {
          // A folder on the way that is now a file.
          if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw error;
        }
        if (now === undefined) return 'missing';
        return now.dev === opened.dev && now.ino === opened.ino ? 'ok' : 'replaced';
      }),
    close: () => {
      wal?.close();
      if (db.isOpen) db.close();
    },
  };
}
