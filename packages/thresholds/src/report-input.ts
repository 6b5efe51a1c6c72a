import type { DiskSample, LegacySysData, Sample } from '@janitor/protocol';
import { LEGACY_METRIC_KEYS } from '@janitor/protocol';

/**
 * What a report is made of: the metrics to show, in order, plus the mounted filesystems that per-mount rules
 * look at. {@link evaluate} only sees what is here.
 */
export interface ReportInput {
  /** Who the report is about; `unknown host` in the report when absent or blank. */
  hostname?: string;
  /** One report line each, in this order. */
  entries: Array<[metric: string, value: number]>;
  /**
   * Metrics that rules check but the report lists only when they crossed (after the entries): what a sample
   * measured beyond the keys chosen for its report.
   */
  unlisted?: Array<[metric: string, value: number]>;
  /** Every mounted filesystem, for rules with a `mount`. */
  disks?: DiskSample[];
}

/** Options of {@link fromSample}. */
export interface FromSampleOptions {
  /**
   * Which flat metrics are listed in the report, in this order; a key the sample lacks is skipped. Every other
   * metric of the sample is still checked by the rules and listed only when it crossed.
   * @default LEGACY_METRIC_KEYS
   */
  keys?: readonly string[];
}

/**
 * The report input of the original's payload (`{"sys_data": {...}}`): entries in the payload's key order,
 * `hostname` taken out of them. Values that are not finite numbers are left out (the hub rejects them first).
 *
 * @example fromLegacy({ hostname: 'vm', cpu_percent: 91.2 }) // { hostname: 'vm', entries: [['cpu_percent', 91.2]] }
 */
export function fromLegacy(sysData: LegacySysData): ReportInput {
  const entries: ReportInput['entries'] = [];
  for (const metric in sysData) {
    if (metric === 'hostname' || !Object.hasOwn(sysData, metric)) continue;
    const value = sysData[metric];
    if (typeof value === 'number' && Number.isFinite(value)) entries.push([metric, value]);
  }
  const input: ReportInput = { entries };
  if (typeof sysData.hostname === 'string') input.hostname = sysData.hostname;
  return input;
}

/**
 * The report input of a v2 sample: the flat metrics of `keys` as entries in that order, the sample's other
 * metrics as `unlisted` (in the sample's order), and every disk.
 *
 * @example fromSample(sample) // lists the original's keys; a crossed load_1 rule still shows up
 */
export function fromSample(sample: Sample, options: FromSampleOptions = {}): ReportInput {
  const { keys = LEGACY_METRIC_KEYS } = options;
  const finite = (metric: string): number | undefined => {
    const value = Object.hasOwn(sample.metrics, metric) ? sample.metrics[metric] : undefined;
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  };
  const listed = new Set(keys);
  const entries: ReportInput['entries'] = [];
  for (const metric of listed) {
    const value = finite(metric);
    if (value !== undefined) entries.push([metric, value]);
  }
  const unlisted: NonNullable<ReportInput['unlisted']> = [];
  for (const metric of Object.keys(sample.metrics)) {
    const value = finite(metric);
    if (!listed.has(metric) && value !== undefined) unlisted.push([metric, value]);
  }
  return { hostname: sample.hostname, entries, unlisted, disks: [...sample.disks] };
}
