import type { DiskSample } from '@janitor/protocol';
import { EXTRA_METRIC_KEYS, LEGACY_METRIC_KEYS } from '@janitor/protocol';

/** Every metric a rule may name: the original's `sys_data` keys, then the v2 additions. */
export const KNOWN_METRICS: readonly string[] = Object.freeze([...LEGACY_METRIC_KEYS, ...EXTRA_METRIC_KEYS]);

/** A metric that every mounted filesystem has; a rule on one of these may name a `mount`. */
export type DiskMetric = 'disk_usage_total' | 'disk_usage_used' | 'disk_usage_free' | 'disk_usage_percent';

const DISK_METRIC_FIELDS: Readonly<
  Record<DiskMetric, keyof Pick<DiskSample, 'totalBytes' | 'usedBytes' | 'freeBytes' | 'usedPercent'>>
> = Object.freeze({
  disk_usage_total: 'totalBytes',
  disk_usage_used: 'usedBytes',
  disk_usage_free: 'freeBytes',
  disk_usage_percent: 'usedPercent',
});

/** The disk metrics: their flat value is the root filesystem's, and each entry of `disks` has its own. */
export const DISK_METRICS: readonly DiskMetric[] = Object.freeze(Object.keys(DISK_METRIC_FIELDS) as DiskMetric[]);

/** True when `metric` is one of {@link DISK_METRICS}. */
export function isDiskMetric(metric: string): metric is DiskMetric {
  return Object.hasOwn(DISK_METRIC_FIELDS, metric);
}

/** The value of a disk metric for one mounted filesystem. */
export function diskValue(disk: DiskSample, metric: DiskMetric): number {
  return disk[DISK_METRIC_FIELDS[metric]];
}
