/**
 * The keys of the original's `sys_data`, in the order it sent them. A report lists metrics in this order.
 * Sizes are bytes, percents are 0-100.
 */
export const LEGACY_METRIC_KEYS = [
  'cpu_percent',
  'cpu_count',
  'memory_total',
  'memory_avail',
  'memory_used',
  'memory_free',
  'memory_percent',
  'disk_usage_total',
  'disk_usage_used',
  'disk_usage_free',
  'disk_usage_percent',
] as const;

export type LegacyMetricKey = (typeof LEGACY_METRIC_KEYS)[number];

/** The original's payload: `POST /sysinfo` with `{"sys_data": {...}}`. Any subset of keys may be present. */
export interface LegacySysData {
  hostname?: string;
  [metric: string]: number | string | undefined;
}

/** One mounted filesystem and its usage, as `df` shows it. */
export interface DiskSample {
  /** Where it is mounted, e.g. `/` or `/data`. */
  mount: string;
  /** The device or source, e.g. `/dev/sda1`. */
  device: string;
  /** Filesystem type, e.g. `ext4`. */
  fsType: string;
  totalBytes: number;
  usedBytes: number;
  /** Space available to unprivileged users. */
  freeBytes: number;
  /** used / (used + free) * 100, one decimal: the figure df prints. */
  usedPercent: number;
}

/** Receive and transmit rates of one network interface over the interval since the previous sample. */
export interface NetworkSample {
  iface: string;
  rxBytesPerSecond: number;
  txBytesPerSecond: number;
}

/**
 * One collection from one machine: the v2 report. `metrics` holds flat numeric metrics by name, including
 * every legacy key (see {@link LEGACY_METRIC_KEYS}) and the additions listed in {@link EXTRA_METRIC_KEYS}; a
 * metric the machine cannot measure (no temperature sensor) is absent, never zero.
 */
export interface Sample {
  hostname: string;
  /** Milliseconds since the epoch when the sample was taken. */
  collectedAtMs: number;
  metrics: Record<string, number>;
  /** Every real mounted filesystem. */
  disks: DiskSample[];
  /** Every interface except loopback. */
  network: NetworkSample[];
}

/** The flat metrics a v2 sample adds to the legacy ones (absent where the machine has no such source). */
export const EXTRA_METRIC_KEYS = [
  'load_1',
  'load_5',
  'load_15',
  'swap_total',
  'swap_used',
  'swap_free',
  'swap_percent',
  'uptime_seconds',
  'cpu_temperature',
  'net_rx_bytes_per_second',
  'net_tx_bytes_per_second',
] as const;

/** The version tag of the v2 report on the wire. */
export const REPORT_VERSION = 2;

/** The v2 report as an agent posts it to the hub. */
export interface ReportV2 {
  version: typeof REPORT_VERSION;
  sample: Sample;
}

/** The original's `sys_data` for a sample: hostname first, then the legacy keys in their order. */
export function toLegacySysData(sample: Sample): LegacySysData {
  const out: LegacySysData = { hostname: sample.hostname };
  for (const key of LEGACY_METRIC_KEYS) {
    const value = sample.metrics[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
