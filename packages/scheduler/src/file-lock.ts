import {
  closeSync,
  futimesSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { TaskLock } from './task-lock.ts';

/** A lock file could not be created, read or removed for a reason other than being held. */
export class LockError extends Error {
  override name = 'LockError';
  readonly path: string;
  /** Whether trying again may help (a busy or exhausted resource, not a permission or a missing disk). */
  readonly retryable: boolean;

  constructor(message: string, path: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.path = path;
    const code = (options.cause as NodeJS.ErrnoException | undefined)?.code;
    this.retryable =
      code === 'EAGAIN' || code === 'EBUSY' || code === 'EMFILE' || code === 'ENFILE' || code === 'EINTR';
  }
}

/** A {@link TaskLock} kept as files in a folder, shared by every process on the machine. */
export interface FileLock extends TaskLock {
  readonly dir: string;
  /** Removes expired lock files (and leftovers of interrupted take-overs); returns how many. */
  cleanup(): number;
}

/** Options of {@link createFileLock}. */
export interface FileLockOptions {
  /** The wall clock expiry is measured with (file times are wall-clock times). @default Date.now */
  now?: () => number;
  /** How often `acquire` sweeps expired files: on first use, then at most this often. @default 600000 (10 minutes) */
  cleanupIntervalMs?: number;
}

const SUFFIX = '.lock';
const STALE_SUFFIX = '.stale';
// A file just created by open(wx) carries the time of its creation until its expiry is written a moment later: a
// lock counts as expired only this long after its expiry, so that moment is never mistaken for an old lock.
const EXPIRY_SLACK_MS = 1000;
const MAX_NAME_CHARS = 180;

/**
 * The file name of `key`'s lock: the key percent-encoded (no `/`, no leading dot, nothing a shell or another OS
 * minds), a hash in place of the tail when it would be too long for a file name, and `.lock`.
 */
export function lockFileName(key: string): string {
  const safe = encodeURIComponent(key)
    .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/^\./, '%2E');
  if (safe.length <= MAX_NAME_CHARS) return `${safe}${SUFFIX}`;
  // `~` never appears in an encoded key, so a shortened name cannot equal another key's full one.
  // node:crypto is loaded only here: it costs a cron-started process several milliseconds, and short keys never need it.
  const { createHash } = process.getBuiltinModule('node:crypto');
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 32);
  return `${safe.slice(0, MAX_NAME_CHARS - 40)}~${hash}${SUFFIX}`;
}

const errno = (error: unknown) => (error as NodeJS.ErrnoException).code;

/**
 * A {@link TaskLock} of lock files in `dir` (created with mode 0700 when missing). `acquire` creates
 * `<dir>/<lockFileName(key)>` with `open(path, 'wx')`, which the kernel makes atomic across processes, and sets
 * the file's modification time to its expiry; an expired file is taken over (renamed aside, checked, removed).
 * Expired files are swept on first use and then every `cleanupIntervalMs`.
 *
 * @example
 * const lock = createFileLock('.janitor/locks');
 * if (lock.acquire('backup@2025-03-30T01:30Z', 3_600_000)) runBackup();
 */
export function createFileLock(dir: string, options: FileLockOptions = {}): FileLock {
  const { now = Date.now, cleanupIntervalMs = 10 * 60_000 } = options;
  let lastCleanup = Number.NEGATIVE_INFINITY;
  let dirReady = false;

  const ensureDir = () => {
    if (dirReady) return;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new LockError(`cannot create the lock folder ${dir}: ${errno(error) ?? error}`, dir, { cause: error });
    }
    dirReady = true;
  };

  const isExpired = (mtimeMs: number) => mtimeMs + EXPIRY_SLACK_MS < now();

  const create = (path: string, key: string, ttlMs: number): boolean => {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (error) {
      if (errno(error) === 'EEXIST') return false;
      throw new LockError(`cannot create lock file ${path}: ${errno(error) ?? error}`, path, { cause: error });
    }
    const acquiredAt = now();
    const expiresAt = acquiredAt + ttlMs;
    try {
      writeSync(fd, `${JSON.stringify({ key, pid: process.pid, acquiredAt, expiresAt })}\n`);
      futimesSync(fd, expiresAt / 1000, expiresAt / 1000);
    } catch (error) {
      try {
        unlinkSync(path);
      } catch {}
      throw new LockError(`cannot write lock file ${path}: ${errno(error) ?? error}`, path, { cause: error });
    } finally {
      closeSync(fd);
    }
    return true;
  };

  // Moves an expired lock file aside so that exactly one contender removes it; if what was moved turns out to be
  // a fresh lock (re-created between our stat and rename), it is linked back.
  const takeOver = (path: string): void => {
    const aside = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}${STALE_SUFFIX}`;
    try {
      renameSync(path, aside);
    } catch (error) {
      if (errno(error) === 'ENOENT') return;
      throw new LockError(`cannot take over lock file ${path}: ${errno(error) ?? error}`, path, { cause: error });
    }
    try {
      if (!isExpired(statSync(aside).mtimeMs)) linkSync(aside, path);
    } catch (error) {
      if (errno(error) !== 'EEXIST' && errno(error) !== 'ENOENT') throw error;
    } finally {
      try {
        unlinkSync(aside);
      } catch {}
    }
  };

  const lock: FileLock = {
    dir,
    acquire(key, ttlMs) {
      ensureDir();
      if (now() - lastCleanup >= cleanupIntervalMs) lock.cleanup();
      const path = join(dir, lockFileName(key));
      if (create(path, key, ttlMs)) return true;
      let mtimeMs: number;
      try {
        mtimeMs = statSync(path).mtimeMs;
      } catch (error) {
        if (errno(error) !== 'ENOENT') {
          throw new LockError(`cannot read lock file ${path}: ${errno(error) ?? error}`, path, { cause: error });
        }
        return create(path, key, ttlMs); // released between our two calls
      }
      if (!isExpired(mtimeMs)) return false;
      takeOver(path);
      return create(path, key, ttlMs);
    },
    release(key) {
      const path = join(dir, lockFileName(key));
      try {
        unlinkSync(path);
      } catch (error) {
        if (errno(error) !== 'ENOENT') {
          throw new LockError(`cannot remove lock file ${path}: ${errno(error) ?? error}`, path, { cause: error });
        }
      }
    },
    cleanup() {
      lastCleanup = now();
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch (error) {
        if (errno(error) === 'ENOENT') return 0;
        throw new LockError(`cannot list the lock folder ${dir}: ${errno(error) ?? error}`, dir, { cause: error });
      }
      let removed = 0;
      for (const name of names) {
        if (!name.endsWith(SUFFIX) && !name.endsWith(STALE_SUFFIX)) continue;
        const path = join(dir, name);
        try {
          if (isExpired(statSync(path).mtimeMs)) {
            unlinkSync(path);
            removed++;
          }
        } catch (error) {
          if (errno(error) !== 'ENOENT') throw error;
        }
      }
      return removed;
    },
  };
  return lock;
}
