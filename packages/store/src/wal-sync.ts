import { closeSync, fdatasync, fdatasyncSync, fsync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/** Pushes a WAL database's committed transactions to the disk off the event loop (see {@link createWalSync}). */
export interface WalSync {
  /** Resolves once every transaction committed before the call is on the disk; rejects with the sync's error. */
  synced(): Promise<void>;
  /**
   * Syncs what is still waiting (synchronously: the process is shutting the store), answers those waiting, and releases
   * the file once the sync in flight (if any) is done. Call it before the database is closed.
   */
  close(): void;
}

interface Waiter {
  generation: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Syncs the write-ahead log of the database at `databasePath` (`<path>-wal`) with `fdatasync` on libuv's thread pool,
 * so that a connection with `synchronous=NORMAL` (which writes each commit to the WAL without waiting for the disk)
 * can still tell a sender "kept" only once the commit would survive a power cut, without the event loop waiting for
 * the disk. Calls coalesce: every caller that asked while a sync was in flight is answered by the next one, so a burst
 * costs two syncs at most. A WAL that does not exist holds nothing to sync. The first sync of a file also syncs its
 * folder (the WAL's entry in it).
 *
 * @example
 * const wal = createWalSync('/var/lib/janitor/janitor.db');
 * store.outbox.enqueue(input); // committed, in the WAL, maybe not yet on the disk
 * await wal.synced(); // on the disk: answer the sender
 */
export function createWalSync(databasePath: string): WalSync {
  const walPath = `${databasePath}-wal`;
  let fd: number | undefined;
  let folderSynced = false;
  let requested = 0;
  let running = false;
  let closing = false;
  const waiters: Waiter[] = [];

  function openWal(): number | undefined {
    if (fd !== undefined) return fd;
    try {
      fd = openSync(walPath, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return fd;
  }

  function syncOnce(): Promise<void> {
    return new Promise((resolve, reject) => {
      let handle: number | undefined;
      try {
        handle = openWal();
      } catch (error) {
        reject(error);
        return;
      }
      if (handle === undefined) {
        resolve();
        return;
      }
      fdatasync(handle, (error) => {
        if (error) reject(error);
        else if (folderSynced) resolve();
        else syncFolder().then(resolve, reject);
      });
    });
  }

  function syncFolder(): Promise<void> {
    return new Promise((resolve, reject) => {
      let folder: number;
      try {
        folder = openSync(dirname(walPath), 'r');
      } catch (error) {
        reject(error);
        return;
      }
      fsync(folder, (error) => {
        closeSync(folder);
        if (error) reject(error);
        else {
          folderSynced = true;
          resolve();
        }
      });
    });
  }

  async function pump(): Promise<void> {
    running = true;
    try {
      while (waiters.length > 0) {
        // Everything committed before this point is in the WAL (written by the committing call itself).
        const generation = requested;
        let failure: unknown;
        try {
          await syncOnce();
        } catch (error) {
          failure = error;
        }
        let answered = 0;
        while (answered < waiters.length && waiters[answered]!.generation <= generation) answered++;
        for (const w of waiters.splice(0, answered)) {
          if (failure === undefined) w.resolve();
          else w.reject(failure);
        }
      }
    } finally {
      running = false;
      if (closing) releaseFile();
    }
  }

  function releaseFile(): void {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  }

  return {
    synced() {
      if (closing) return Promise.reject(new Error(`the store at ${databasePath} is closed`));
      const generation = ++requested;
      const promise = new Promise<void>((resolve, reject) => {
        waiters.push({ generation, resolve, reject });
      });
      if (!running) void pump();
      return promise;
    },
    close() {
      if (closing) return;
      closing = true;
      let failure: unknown;
      if (waiters.length > 0) {
        try {
          const handle = openWal();
          if (handle !== undefined) fdatasyncSync(handle);
        } catch (error) {
          failure = error;
        }
      }
      for (const w of waiters.splice(0)) {
        if (failure === undefined) w.resolve();
        else w.reject(failure);
      }
      if (!running) releaseFile();
    },
  };
}
