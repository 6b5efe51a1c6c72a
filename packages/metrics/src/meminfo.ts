import { MetricsParseError } from './errors.ts';
import { pyRound } from './round.ts';

/** Memory and swap figures in bytes, with psutil's meanings (`virtual_memory()`, `swap_memory()`). */
export interface MemoryFigures {
  totalBytes: number;
  /** MemAvailable: what can be given to processes without swapping. */
  availableBytes: number;
  /** total - free - buffers - cached (cached includes SReclaimable, as `free` counts it). */
  usedBytes: number;
  /** MemFree: memory not used at all. */
  freeBytes: number;
  swapTotalBytes: number;
  swapFreeBytes: number;
}

/**
 * Parses /proc/meminfo the way psutil's `virtual_memory()` reads it on Linux. When MemAvailable is missing (kernels
 * before 3.14) or zero (a kernel bug psutil works around), available falls back to free + cached, psutil's own
 * fallback; psutil refines it with /proc/zoneinfo watermarks, which this does not read.
 */
export function parseMeminfo(text: string, source = '/proc/meminfo'): MemoryFigures {
  const kib = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([^:\s]+):\s*(\d+)/.exec(line);
    if (match) kib.set(match[1]!, Number(match[2]));
  }
  const bytes = (key: string) => {
    const value = kib.get(key);
    return value === undefined ? undefined : value * 1024;
  };
  const total = bytes('MemTotal');
  const free = bytes('MemFree');
  if (total === undefined || free === undefined) throw new MetricsParseError(source, 'no MemTotal or MemFree line');
  const buffers = bytes('Buffers') ?? 0;
  const cachedOnly = bytes('Cached') ?? 0;
  const cached = cachedOnly + (bytes('SReclaimable') ?? 0);
  let used = total - free - cached - buffers;
  // Negative inside some containers (LXC), where the host's figures leak through: psutil falls back the same way.
  if (used < 0) used = total - free;
  let available = bytes('MemAvailable') ?? 0;
  if (available === 0) available = free + cachedOnly;
  if (available > total) available = free;
  return {
    totalBytes: total,
    availableBytes: available,
    usedBytes: used,
    freeBytes: free,
    swapTotalBytes: bytes('SwapTotal') ?? 0,
    swapFreeBytes: bytes('SwapFree') ?? 0,
  };
}

/** The original's memory percent: `round(used / total * 100, 2)`. */
export function memoryUsedPercent(memory: MemoryFigures): number {
  return memory.totalBytes > 0 ? pyRound((memory.usedBytes / memory.totalBytes) * 100, 2) : 0;
}

/** psutil's swap percent: used / total * 100, one decimal; 0 without swap. */
export function swapUsedPercent(memory: MemoryFigures): number {
  const used = memory.swapTotalBytes - memory.swapFreeBytes;
  return memory.swapTotalBytes > 0 ? pyRound((used / memory.swapTotalBytes) * 100, 1) : 0;
}
