import type { DiskSample } from '@janitor/protocol';
import { pyRound } from './round.ts';

/** The fields of `fs.statfs` this package reads (Node's `StatsFs`, or a recorded one in tests). */
export interface StatFsLike {
  bsize: number;
  /** Fragment size, the unit of the block counts; Node >= 22 reports it, 0 or absent falls back to bsize. */
  frsize?: number;
  blocks: number;
  bfree: number;
  bavail: number;
}

/**
 * A filesystem's usage as psutil's `disk_usage` and df compute it: total = blocks, used = blocks - free (root's
 * reserve counts as neither used nor free), free = available to unprivileged users, and
 * percent = used / (used + free) * 100 with one decimal (df prints the same ratio rounded up to an integer).
 */
export function toDiskSample(mount: { mount: string; device: string; fsType: string }, st: StatFsLike): DiskSample {
  const unit = st.frsize || st.bsize;
  const totalBytes = st.blocks * unit;
  const usedBytes = (st.blocks - st.bfree) * unit;
  const freeBytes = st.bavail * unit;
  return {
    mount: mount.mount,
    device: mount.device,
    fsType: mount.fsType,
    totalBytes,
    usedBytes,
    freeBytes,
    usedPercent: diskUsedPercent(usedBytes, freeBytes),
  };
}

/** used / (used + free) * 100, one decimal, 0 for an empty filesystem. */
export function diskUsedPercent(usedBytes: number, freeBytes: number): number {
  const denominator = usedBytes + freeBytes;
  return denominator > 0 ? pyRound((usedBytes / denominator) * 100, 1) : 0;
}
