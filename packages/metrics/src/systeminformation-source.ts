import nodeOs from 'node:os';
import type { DiskSample } from '@janitor/protocol';
import { CPU_TIME_FIELDS } from './cpu-times.ts';
import { diskUsedPercent } from './disk-usage.ts';
import { MetricsReadError } from './errors.ts';
import { isRealFilesystem } from './mounts.ts';
import { isLoopback, type NetCounters } from './net-dev.ts';
import { pyRound } from './round.ts';
import type { CounterReading, Gauges, MetricSource, OsLike } from './source.ts';

/** What the cross-platform source needs from its caller. */
export interface SystemInformationSourceOptions {
  os: OsLike;
  now: () => number;
  platform: NodeJS.Platform;
}

type SystemInformation = typeof import('systeminformation');

let loading: Promise<SystemInformation> | undefined;

/** systeminformation is large (about 30 ms to load): only the fallback path pays for it, and only once. */
function load(): Promise<SystemInformation> {
  loading ??= import('systeminformation');
  return loading;
}

/**
 * Reads any platform through systeminformation (`mem`, `fsSize`, `networkStats`, `cpuTemperature`), which spawns
 * child processes on most of them. CPU times come from `os.cpus()` (no process, and they can be kept between runs
 * like /proc/stat's), load and uptime from `os`. Memory `used` is total - available there, psutil's definition on
 * Windows and close to active + wired on macOS.
 */
export function createSystemInformationSource(options: SystemInformationSourceOptions): MetricSource {
  const { os, now, platform } = options;

  return {
    kind: 'systeminformation',
    async readCounters(): Promise<CounterReading> {
      const si = await load();
      const stats = await call('networkStats', () => si.networkStats('*'));
      const cpus = nodeOs.cpus();
      const cpu = new Array<number>(CPU_TIME_FIELDS).fill(0);
      for (const { times } of cpus) {
        cpu[0]! += times.user;
        cpu[1]! += times.nice;
        cpu[2]! += times.sys;
        cpu[3]! += times.idle;
        cpu[5]! += times.irq;
      }
      const net: NetCounters = {};
      for (const s of stats) if (!isLoopback(s.iface)) net[s.iface] = [s.rx_bytes, s.tx_bytes];
      const atMs = now();
      const bootTimeSec = Math.round(atMs / 1000 - os.uptime());
      return { counters: { atMs, bootTimeSec, cpu, net }, cpuCount: Math.max(cpus.length, 1) };
    },
    async readGauges(): Promise<Gauges> {
      const si = await load();
      const [mem, fs, temperature] = await Promise.all([
        call('mem', () => si.mem()),
        call('fsSize', () => si.fsSize()),
        call('cpuTemperature', () => si.cpuTemperature()),
      ]);
      const seen = new Set<string>();
      const disks: DiskSample[] = [];
      for (const f of fs) {
        if (!isRealFilesystem({ fsType: f.type, mount: f.mount }) || seen.has(f.fs) || f.size <= 0) continue;
        seen.add(f.fs);
        disks.push({
          mount: f.mount,
          device: f.fs,
          fsType: f.type,
          totalBytes: f.size,
          usedBytes: f.used,
          freeBytes: f.available,
          usedPercent: diskUsedPercent(f.used, f.available),
        });
      }
      const systemDrive = process.env.SystemDrive ?? 'C:';
      const root =
        disks.find((d) => d.mount === '/') ??
        disks.find((d) => d.mount.toUpperCase().startsWith(systemDrive.toUpperCase())) ??
        disks[0];
      if (!root) throw new MetricsReadError('systeminformation.fsSize', { detail: 'no filesystem reported' });
      const [l1 = 0, l5 = 0, l15 = 0] = os.loadavg();
      const available = mem.available || mem.free;
      return {
        memory: {
          totalBytes: mem.total,
          availableBytes: available,
          usedBytes: Math.max(0, mem.total - available),
          freeBytes: mem.free,
          swapTotalBytes: mem.swaptotal,
          swapFreeBytes: mem.swapfree,
        },
        root,
        disks,
        cpuTemperatureC:
          typeof temperature.main === 'number' && temperature.main > 0 ? pyRound(temperature.main, 1) : undefined,
        load: platform === 'win32' ? undefined : [l1, l5, l15],
        uptimeSeconds: Math.floor(os.uptime()),
      };
    },
  };
}

async function call<T>(name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (cause) {
    throw new MetricsReadError(`systeminformation.${name}`, { cause });
  }
}
