// Test support (not built into dist): replays a machine recorded under fixtures/<name>/ through the real procfs
// source. The fixture is copied to a temporary procRoot; the injected sleep swaps in the later snapshot of the
// counters and moves the injected clock to the time it was taken, exactly what a real brief sample would see.
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CollectorOptions } from './collector.ts';
import type { StatFsLike } from './disk-usage.ts';

export type FixtureName = 'vm-x86_64' | 'raspberry-pi';

interface RecordedOs {
  hostname: string;
  loadavg: number[];
  uptime: number;
  firstAtMs: number;
  laterAtMs: number;
}

/** A recorded machine, ready to be collected from. */
export interface ReplayedMachine {
  /** Options pointing a collector at the copy (procfs source, platform linux, injected clock and sleep). */
  options: CollectorOptions;
  recorded: RecordedOs;
  /** Every path statfs was asked about, in call order. */
  statfsCalls: string[];
  /** Every sleep requested, in milliseconds. */
  sleeps: number[];
  /** The injected clock's current value. */
  clock: { nowMs: number };
  /** Puts the later snapshot of the counters in place and moves the clock on by the recorded interval. */
  advanceToLater(): Promise<void>;
  /** Puts the first snapshot of the counters back (the clock is left alone). */
  restoreFirst(): Promise<void>;
  dir: string;
  cleanup(): Promise<void>;
}

const fixtures = join(import.meta.dirname, '..', 'fixtures');

export async function replayMachine(name: FixtureName): Promise<ReplayedMachine> {
  const source = join(fixtures, name);
  const dir = await mkdtemp(join(tmpdir(), `janitor-metrics-${name}-`));
  await cp(join(source, 'proc'), join(dir, 'proc'), { recursive: true });
  await cp(join(source, 'sys'), join(dir, 'sys'), { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error; // a machine without sensors has no sys/ folder
  });
  const recorded = JSON.parse(await readFile(join(source, 'os.json'), 'utf8')) as RecordedOs;
  const statfsTable = JSON.parse(await readFile(join(source, 'statfs.json'), 'utf8')) as Record<
    string,
    StatFsLike | { error: string }
  >;
  const statfsCalls: string[] = [];
  const sleeps: number[] = [];
  const clock = { nowMs: recorded.firstAtMs };

  async function advanceToLater(): Promise<void> {
    await cp(join(source, 'later/stat'), join(dir, 'proc/stat'));
    await cp(join(source, 'later/net/dev'), join(dir, 'proc/net/dev'));
    clock.nowMs += recorded.laterAtMs - recorded.firstAtMs;
  }

  async function restoreFirst(): Promise<void> {
    await cp(join(source, 'proc/stat'), join(dir, 'proc/stat'));
    await cp(join(source, 'proc/net/dev'), join(dir, 'proc/net/dev'));
  }

  const options: CollectorOptions = {
    source: 'procfs',
    platform: 'linux',
    procRoot: join(dir, 'proc'),
    sysRoot: join(dir, 'sys'),
    now: () => clock.nowMs,
    async sleep(ms) {
      sleeps.push(ms);
      await advanceToLater();
    },
    async statfs(path) {
      statfsCalls.push(path);
      const entry = statfsTable[path];
      if (!entry || 'error' in entry) {
        throw Object.assign(new Error(`statfs ${path}: not recorded`), { code: entry?.error ?? 'ENOENT' });
      }
      return entry;
    },
    os: {
      hostname: () => recorded.hostname,
      loadavg: () => recorded.loadavg,
      uptime: () => recorded.uptime,
    },
  };

  return {
    options,
    recorded,
    statfsCalls,
    sleeps,
    clock,
    advanceToLater,
    restoreFirst,
    dir,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
