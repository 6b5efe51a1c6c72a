import {
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { type Logger, type Sample, silentLogger } from '@janitor/protocol';

/** How a report goes on the wire: the v2 `{ version: 2, sample }`, or the original's `{ "sys_data": … }`. */
export type WireFormat = 'v2' | 'legacy';

/** A report waiting for the hub. */
export interface SpooledReport {
  format: WireFormat;
  sample: Sample;
  /** When it was put in the spool (milliseconds since the epoch). */
  spooledAtMs: number;
}

/** What a delivery failure means for a spooled report. */
export type DeliveryVerdict =
  /** Try again later (the hub is down, answered 5xx, 408 or 429): stop here and keep the order. */
  | 'keep'
  /** The hub will never take it (a 4xx): move it to `rejected/`, go on with the next. */
  | 'reject';

/** The most reports a spool keeps by default: a day of reports at one a minute. */
export const DEFAULT_SPOOL_MAX_FILES = 1440;

export interface SpoolOptions {
  /** The spool folder (created 0700 when missing); rejected reports go to its `rejected/` subfolder. */
  dir: string;
  /** The most reports kept; when full, the oldest are dropped (and a warning logged). @default 1440 */
  maxFiles?: number;
  /** The clock of `spooledAtMs`. @default Date.now */
  now?: () => number;
  logger?: Logger;
}

/** The outcome of {@link Spool.flush}. */
export interface FlushOutcome {
  delivered: number;
  rejected: number;
  /** Reports still in the spool. */
  remaining: number;
  /** The failure that stopped delivery (the hub is still unreachable), when one did. */
  stoppedBy?: unknown;
  /** True when another process was delivering this spool: nothing was sent, so nothing is sent twice. */
  busy?: boolean;
}

export interface FlushOptions {
  /** Sends one report; resolves once the hub answered 2xx, throws otherwise. */
  deliver: (report: SpooledReport) => Promise<void>;
  /** Whether a failure means "later" or "never". @default `keep` when the error says `retryable: true`, else `reject` */
  classify?: (error: unknown) => DeliveryVerdict;
  /** Stops between two reports (the agent is shutting down). */
  signal?: AbortSignal;
}

/** Reports kept on disk while the hub cannot be reached, delivered oldest first when it is back. */
export interface Spool {
  readonly dir: string;
  /** Writes a report atomically (tmp file, then link; mode 0600) after the newest; drops the oldest beyond the bound. */
  add(report: { format: WireFormat; sample: Sample }): { file: string; dropped: number };
  /** Keeps a report the hub refused in `rejected/` (bounded too), for a person to look at. */
  reject(report: { format: WireFormat; sample: Sample }, reason: string): string;
  /** The spooled files, oldest first. */
  pending(): string[];
  /**
   * Delivers the spooled reports oldest first; each file is deleted only after its delivery succeeded. One process
   * at a time (a lock file holds its PID): a run that finds another one delivering leaves the spool to it.
   */
  flush(options: FlushOptions): Promise<FlushOutcome>;
}

const NAME = /^(\d{12})\.json$/;

/**
 * Opens (creating it when needed) a bounded on-disk spool: one JSON file per report, named by a sequence number so
 * the order survives clock jumps (a Raspberry Pi boots with a stale clock). Files are written to a temporary name
 * and hard-linked into place, so a reader never sees half a report and two writers never take the same number.
 *
 * @example
 * const spool = createSpool({ dir: '/var/lib/janitor/spool', logger });
 * await spool.flush({ deliver: (r) => client.report(r.sample) });
 */
export function createSpool(options: SpoolOptions): Spool {
  const { dir, maxFiles = DEFAULT_SPOOL_MAX_FILES, now = Date.now, logger = silentLogger } = options;
  if (!Number.isInteger(maxFiles) || maxFiles < 1) throw new RangeError(`spool maxFiles must be >= 1, got ${maxFiles}`);
  const rejectedDir = join(dir, 'rejected');
  let tmpCounter = 0;

  function list(folder: string): string[] {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names.filter((n) => NAME.test(n)).sort();
  }

  /** Writes `report` as the next file of `folder`, then trims the folder to `maxFiles`. */
  function append(folder: string, report: SpooledReport): { file: string; dropped: number } {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const tmp = join(folder, `.tmp-${process.pid}-${++tmpCounter}`);
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(report));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      const existing = list(folder);
      let seq = existing.length === 0 ? 1 : Number(NAME.exec(existing.at(-1)!)![1]) + 1;
      for (;;) {
        const file = join(folder, `${String(seq).padStart(12, '0')}.json`);
        try {
          // link fails on an existing name: another writer took this number, take the next.
          linkSync(tmp, file);
          const dropped = trim(folder);
          return { file, dropped };
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          seq += 1;
        }
      }
    } finally {
      unlinkSync(tmp);
    }
  }

  function trim(folder: string): number {
    const names = list(folder);
    const excess = names.length - maxFiles;
    if (excess <= 0) return 0;
    for (const name of names.slice(0, excess)) removeQuietly(join(folder, name));
    return excess;
  }

  function read(file: string): SpooledReport {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<SpooledReport>;
    if (
      (parsed.format !== 'v2' && parsed.format !== 'legacy') ||
      typeof parsed.sample !== 'object' ||
      parsed.sample === null
    ) {
      throw new Error('not a spooled report');
    }
    return parsed as SpooledReport;
  }

  function moveToRejected(name: string): void {
    mkdirSync(rejectedDir, { recursive: true, mode: 0o700 });
    // A fresh number keeps rejected/ ordered and bounded like the spool.
    const existing = list(rejectedDir);
    const seq = existing.length === 0 ? 1 : Number(NAME.exec(existing.at(-1)!)![1]) + 1;
    renameSync(join(dir, name), join(rejectedDir, `${String(seq).padStart(12, '0')}.json`));
    trim(rejectedDir);
  }

  return {
    dir,
    add(report) {
      const result = append(dir, { format: report.format, sample: report.sample, spooledAtMs: now() });
      if (result.dropped > 0) {
        logger.warn('spool full: oldest reports dropped', { dropped: result.dropped, maxFiles, dir });
      }
      return result;
    },
    reject(report, reason) {
      const { file } = append(rejectedDir, { format: report.format, sample: report.sample, spooledAtMs: now() });
      logger.error('report rejected by the hub, kept for inspection', { file, reason });
      return file;
    },
    pending() {
      return list(dir);
    },
    async flush(options) {
      const names = list(dir);
      if (names.length === 0) return { delivered: 0, rejected: 0, remaining: 0 };
      const release = lock();
      if (!release) return { delivered: 0, rejected: 0, remaining: names.length, busy: true };
      try {
        return await deliverAll(options);
      } finally {
        release();
      }
    },
  };

  /** Takes `<dir>/.lock`; undefined when a live process holds it. A lock older than {@link LOCK_STALE_MS} is stale. */
  function lock(): (() => void) | undefined {
    const path = join(dir, '.lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o600);
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return () => removeQuietly(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      if (!isStaleLock(path, Date.now())) return undefined;
      removeQuietly(path);
    }
    return undefined;
  }

  async function deliverAll({ deliver, classify = defaultClassify, signal }: FlushOptions): Promise<FlushOutcome> {
    let delivered = 0;
    let rejected = 0;
    const names = list(dir);
    for (const [index, name] of names.entries()) {
      if (signal?.aborted) return { delivered, rejected, remaining: names.length - index };
      const file = join(dir, name);
      let report: SpooledReport;
      try {
        report = read(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // another run delivered it
        moveToRejected(name);
        rejected += 1;
        logger.error('unreadable spooled report moved to rejected/', { file: name, error: String(error) });
        continue;
      }
      try {
        await deliver(report);
      } catch (error) {
        if (classify(error) === 'keep') {
          return { delivered, rejected, remaining: names.length - index, stoppedBy: error };
        }
        moveToRejected(name);
        rejected += 1;
        logger.error('spooled report rejected by the hub, moved to rejected/', {
          file: name,
          error: error instanceof Error ? error.message : String(error),
        });
        continue;
      }
      removeQuietly(file);
      delivered += 1;
    }
    return { delivered, rejected, remaining: 0 };
  }
}

/** How long a spool lock may be held before another run takes it over (a crashed run whose PID was reused). */
const LOCK_STALE_MS = 10 * 60_000;

function isStaleLock(path: string, nowMs: number): boolean {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    if (nowMs - statSync(path).mtimeMs > LOCK_STALE_MS) return true;
    if (!Number.isInteger(pid) || pid <= 0) return true;
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // ENOENT: released meanwhile; ESRCH: its process is gone. EPERM: alive, another user's.
    return (error as NodeJS.ErrnoException).code !== 'EPERM';
  }
}

function defaultClassify(error: unknown): DeliveryVerdict {
  return (error as { retryable?: unknown } | null)?.retryable === true ? 'keep' : 'reject';
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
