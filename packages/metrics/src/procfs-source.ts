import { statfs as nodeStatfs, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DiskSample, Logger } from '@janitor/protocol';
import { parseProcStat } from './cpu-times.ts';
import { type StatFsLike, toDiskSample } from './disk-usage.ts';
import { MetricsReadError } from './errors.ts';
import { parseMeminfo } from './meminfo.ts';
import { parseMounts, selectRealFilesystems } from './mounts.ts';
import { isLoopback, type NetCounters, parseNetDev } from './net-dev.ts';
import type { CounterReading, Gauges, MetricSource, OsLike } from './source.ts';
import { findCpuSensor, readCelsius } from './temperature.ts';

/** What the Linux source reads, each injectable so tests replay recorded machines. */
export interface ProcfsSourceOptions {
  procRoot: string;
  sysRoot: string;
  mountsFile: string;
  statfs: (path: string) => Promise<StatFsLike>;
  statfsTimeoutMs: number;
  os: OsLike;
  now: () => number;
  logger: Logger;
  /** Remember the temperature sensor found (long-running collectors) instead of looking for it every time. */
  cacheSensor: boolean;
}

/** The default `statfs`: Node's, which reports `frsize` since 22. */
export const defaultStatfs = (path: string): Promise<StatFsLike> => nodeStatfs(path);

/**
 * Reads a Linux machine without spawning anything: /proc/stat, /proc/net/dev, /proc/meminfo, the mount table,
 * statfs(2) of each real filesystem, the CPU sensor under /sys, load and uptime from `os`.
 */
export function createProcfsSource(options: ProcfsSourceOptions): MetricSource {
  const { procRoot, sysRoot, mountsFile, statfs, statfsTimeoutMs, os, now, logger, cacheSensor } = options;
  // undefined: not looked for yet; null: looked for, none found.
  let sensor: string | null | undefined;

  async function temperature(): Promise<number | undefined> {
    if (cacheSensor && typeof sensor === 'string') {
      const value = await readCelsius(sensor);
      if (value !== undefined) return value;
    }
    const found = await findCpuSensor(sysRoot);
    sensor = found ?? null;
    return found === undefined ? undefined : readCelsius(found);
  }

  async function disks(): Promise<{ root: DiskSample; disks: DiskSample[] }> {
    const entries = selectRealFilesystems(parseMounts(await read(mountsFile)));
    const results = await Promise.all(
      entries.map(async (entry) => {
        try {
          return toDiskSample(entry, await withDeadline(statfs(entry.mount), statfsTimeoutMs, entry.mount));
        } catch (error) {
          // One unreadable or hung mount must not cost the whole sample: it is left out and said so.
          logger.warn('metrics: filesystem skipped', { mount: entry.mount, error: String(error) });
          return undefined;
        }
      }),
    );
    const found = results.filter((d): d is DiskSample => d !== undefined);
    let root = found.find((d) => d.mount === '/');
    if (!root) {
      // '/' is not a real filesystem here (e.g. rootfs on an initramfs-only system): psutil would still statfs it.
      const st = await withDeadline(statfs('/'), statfsTimeoutMs, '/').catch((cause: unknown) => {
        throw new MetricsReadError('statfs /', { cause });
      });
      root = toDiskSample({ mount: '/', device: 'rootfs', fsType: 'rootfs' }, st);
    }
    return { root, disks: found.filter((d) => d.totalBytes > 0) };
  }

  return {
    kind: 'procfs',
    async readCounters(): Promise<CounterReading> {
      const [statText, netText] = await Promise.all([read(join(procRoot, 'stat')), read(join(procRoot, 'net/dev'))]);
      const atMs = now();
      const stat = parseProcStat(statText, join(procRoot, 'stat'));
      const net: NetCounters = {};
      for (const [iface, value] of Object.entries(parseNetDev(netText, join(procRoot, 'net/dev')))) {
        if (!isLoopback(iface)) net[iface] = value;
      }
      return { counters: { atMs, bootTimeSec: stat.bootTimeSec, cpu: stat.cpuTimes, net }, cpuCount: stat.cpuCount };
    },
    async readGauges(): Promise<Gauges> {
      const [meminfo, fs, cpuTemperatureC] = await Promise.all([
        read(join(procRoot, 'meminfo')),
        disks(),
        temperature(),
      ]);
      const [l1 = 0, l5 = 0, l15 = 0] = os.loadavg();
      return {
        memory: parseMeminfo(meminfo, join(procRoot, 'meminfo')),
        root: fs.root,
        disks: fs.disks,
        cpuTemperatureC,
        load: [l1, l5, l15],
        uptimeSeconds: Math.floor(os.uptime()),
      };
    },
  };
}

async function read(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw new MetricsReadError(path, { cause });
  }
}

/** Rejects after `ms` when a statfs hangs (a dead USB disk); the kernel call itself cannot be cancelled. */
function withDeadline<T>(promise: Promise<T>, ms: number, mount: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new MetricsReadError(`statfs ${mount}`, { retryable: true, detail: `no answer in ${ms} ms` })),
      ms,
    );
    timer.unref();
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
