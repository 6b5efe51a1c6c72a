import type { Logger } from '@janitor/protocol';
import type { Store } from '@janitor/store';

/** What {@link createStoreWatch} needs. */
export interface StoreWatchOptions {
  store: Pick<Store, 'checkFile' | 'path'>;
  /** Told once, at error level, when the file is found gone. */
  logger: Logger;
}

/** Whether the store's file is still the one the hub writes to. */
export interface StoreWatch {
  /** Looks at the file now (one `stat`): the problem once the file was deleted or replaced, else `undefined`. */
  check(): string | undefined;
  /** The problem the last {@link StoreWatch.check} found, without looking again: cheap enough for every request. */
  problem(): string | undefined;
}

/**
 * Watches that the store's path still names the file the hub has open. Deleted under a running hub, the file lives on
 * unlinked: SQLite writes on into it and everything is lost when the process ends, so from then on the hub must take
 * nothing it would acknowledge. Once found, the problem stays until the hub restarts (a file that reappears at the
 * path is another file); reopening a fresh file instead would drop the outbox and the alert states the unlinked one
 * still holds, and leave the alert engine's memory disagreeing with the new file.
 *
 * @example
 * const watch = createStoreWatch({ store, logger });
 * setInterval(() => watch.check(), 10_000);
 * if (watch.problem()) return c.json({ error: '...' }, 503);
 */
export function createStoreWatch(options: StoreWatchOptions): StoreWatch {
  const { store, logger } = options;
  let problem: string | undefined;
  return {
    check() {
      if (problem !== undefined) return problem;
      const state = store.checkFile();
      if (state === 'ok') return undefined;
      const what = state === 'missing' ? 'deleted' : 'replaced';
      problem = `the database file ${store.path} was ${what} while the hub runs: it accepts nothing more (503) until it is restarted`;
      logger.error(
        `the database file was ${what} while the hub runs: it accepts nothing more (503) until it is restarted`,
        {
          path: store.path,
        },
      );
      return problem;
    },
    problem: () => problem,
  };
}
