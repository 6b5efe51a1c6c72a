import { MetricsParseError } from './errors.ts';
import { pyRound } from './round.ts';

/**
 * Cumulative CPU time of all CPUs together, in the order of the `cpu` line of /proc/stat: user, nice, system, idle,
 * iowait, irq, softirq, steal, guest, guest_nice. Units are clock ticks on Linux and milliseconds from `os.cpus()`
 * elsewhere; only ratios of differences are used, so the unit does not matter.
 */
export type CpuTimes = readonly number[];

/** How many fields a {@link CpuTimes} has. Older kernels print fewer; the missing ones count as zero. */
export const CPU_TIME_FIELDS = 10;

const IDLE = 3;
const IOWAIT = 4;
const GUEST = 8;
const GUEST_NICE = 9;

/** What /proc/stat says about the CPUs and the boot. */
export interface ProcStat {
  cpuTimes: CpuTimes;
  /** Online logical CPUs: the `cpuN` lines (what `sysconf(_SC_NPROCESSORS_ONLN)`, and so psutil, counts). */
  cpuCount: number;
  /** The `btime` line: when the machine booted, seconds since the epoch. */
  bootTimeSec: number;
}

/** Parses the content of /proc/stat. */
export function parseProcStat(text: string, source = '/proc/stat'): ProcStat {
  let cpuTimes: number[] | undefined;
  let cpuCount = 0;
  let bootTimeSec: number | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('cpu ')) {
      const fields = line
        .trim()
        .split(/\s+/)
        .slice(1, CPU_TIME_FIELDS + 1)
        .map(Number);
      if (fields.length < 4 || fields.some((n) => !Number.isSafeInteger(n) || n < 0)) {
        throw new MetricsParseError(source, `malformed cpu line: ${JSON.stringify(line)}`);
      }
      while (fields.length < CPU_TIME_FIELDS) fields.push(0);
      cpuTimes = fields;
    } else if (/^cpu\d+\s/.test(line)) {
      cpuCount++;
    } else if (line.startsWith('btime ')) {
      bootTimeSec = Number(line.slice('btime '.length).trim());
    }
  }
  if (!cpuTimes) throw new MetricsParseError(source, 'no aggregate "cpu" line');
  if (bootTimeSec === undefined || !Number.isSafeInteger(bootTimeSec)) {
    throw new MetricsParseError(source, 'no "btime" line');
  }
  return { cpuTimes, cpuCount: Math.max(cpuCount, 1), bootTimeSec };
}

/**
 * The CPU busy percent between two readings, one decimal, computed the way psutil's `cpu_percent` does: per-field
 * differences (negative ones count as zero), guest time left out of the total (the kernel already counts it in user
 * and nice), busy = total - idle - iowait. Zero when no time passed.
 */
export function cpuBusyPercent(from: CpuTimes, to: CpuTimes): number {
  const delta = Array.from({ length: CPU_TIME_FIELDS }, (_, i) => Math.max(0, (to[i] ?? 0) - (from[i] ?? 0)));
  const at = (i: number) => delta[i] ?? 0;
  const total = delta.reduce((sum, n) => sum + n, 0) - at(GUEST) - at(GUEST_NICE);
  if (total <= 0) return 0;
  const busy = total - at(IDLE) - at(IOWAIT);
  return pyRound((busy / total) * 100, 1);
}

/** The sum of a reading's fields without guest time: a counter that only grows while the machine stays up. */
export function cpuTotal(times: CpuTimes): number {
  return times.reduce((sum, n, i) => (i === GUEST || i === GUEST_NICE ? sum : sum + n), 0);
}
