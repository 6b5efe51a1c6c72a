import type { LegacySysData, ParsedReport, Sample } from '@janitor/protocol';
import { seriesKey } from './series-key.ts';

/** One value of one series at one time: what the store keeps of a report, a number per series key. */
export interface HistorySample {
  /** The series: `cpu_percent`, `disk_usage_percent@/data`, `net_rx_bytes_per_second@eth0` (see `seriesKey`). */
  key: string;
  /** A finite number, in the report's unit (percent 0-100, bytes, bytes per second, seconds, °C). */
  value: number;
}

/** What the store keeps of one report: whose, when, and its values. */
export interface HistoryEntry {
  hostname: string;
  /** The time of the values, epoch ms: the sample's own time, or when the hub received it (see historyOfReport). */
  atMs: number;
  samples: HistorySample[];
}

/** How far a v2 sample's own time may be from the time it was received and still be used. */
export interface SampleTimeOptions {
  /** A sample dated later than this after its receipt has a clock ahead: it is kept at its receipt. @default 60_000 */
  maxAheadMs?: number;
  /**
   * A sample dated earlier than this before its receipt has a clock behind (a Raspberry Pi without a real-time clock
   * boots in the past): it is kept at its receipt. Spooled reports younger than this keep their time. @default 7 days
   */
  maxBehindMs?: number;
}

const DEFAULT_MAX_AHEAD_MS = 60_000;
const DEFAULT_MAX_BEHIND_MS = 7 * 86_400_000;

/** The per-filesystem metrics, as the report's flat keys name them, and the field of a disk each reads. */
const DISK_FIELDS = [
  ['disk_usage_total', 'totalBytes'],
  ['disk_usage_used', 'usedBytes'],
  ['disk_usage_free', 'freeBytes'],
  ['disk_usage_percent', 'usedPercent'],
] as const;

/**
 * The history of a v2 sample: every flat metric under its own key; for each filesystem the four disk metrics under
 * `disk_usage_total@MOUNT`, `disk_usage_used@MOUNT`, `disk_usage_free@MOUNT`, `disk_usage_percent@MOUNT`; for each
 * interface `net_rx_bytes_per_second@IFACE` and `net_tx_bytes_per_second@IFACE`. A key seen twice (a filesystem
 * listed twice) keeps its first value; values that are not finite numbers are left out (the wire refuses them first).
 *
 * @example samplesOfSample(sample) // [{ key: 'cpu_percent', value: 12.5 }, ..., { key: 'disk_usage_percent@/', value: 41.3 }]
 */
export function samplesOfSample(sample: Sample): HistorySample[] {
  const out: HistorySample[] = [];
  const seen = new Set<string>();
  const add = (key: string, value: unknown) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || seen.has(key)) return;
    seen.add(key);
    out.push({ key, value });
  };
  for (const metric of Object.keys(sample.metrics)) add(metric, sample.metrics[metric]);
  for (const disk of sample.disks) {
    for (const [metric, field] of DISK_FIELDS) add(seriesKey(metric, { mount: disk.mount }), disk[field]);
  }
  for (const net of sample.network) {
    add(seriesKey('net_rx_bytes_per_second', { iface: net.iface }), net.rxBytesPerSecond);
    add(seriesKey('net_tx_bytes_per_second', { iface: net.iface }), net.txBytesPerSecond);
  }
  return out;
}

/**
 * The history of the original's `sys_data`: every numeric key but `hostname`, in payload order. The flat disk
 * metrics are the root filesystem's, under their own keys (`disk_usage_percent`), as the original sent them.
 *
 * @example samplesOfLegacy({ hostname: 'pi', cpu_percent: 12.5 }) // [{ key: 'cpu_percent', value: 12.5 }]
 */
export function samplesOfLegacy(sysData: LegacySysData): HistorySample[] {
  const out: HistorySample[] = [];
  for (const key in sysData) {
    const value = sysData[key];
    if (key === 'hostname' || !Object.hasOwn(sysData, key)) continue;
    if (typeof value === 'number' && Number.isFinite(value)) out.push({ key, value });
  }
  return out;
}

/**
 * The time a v2 sample is kept at: its own `collectedAtMs`, unless the sender's clock is clearly off (see
 * {@link SampleTimeOptions}); then the time it was received.
 */
export function sampleTimeMs(collectedAtMs: number, receivedAtMs: number, options: SampleTimeOptions = {}): number {
  const { maxAheadMs = DEFAULT_MAX_AHEAD_MS, maxBehindMs = DEFAULT_MAX_BEHIND_MS } = options;
  if (!Number.isFinite(collectedAtMs)) return receivedAtMs;
  if (collectedAtMs > receivedAtMs + maxAheadMs || collectedAtMs < receivedAtMs - maxBehindMs) return receivedAtMs;
  return collectedAtMs;
}

/**
 * What the store keeps of a report a hub took (`store.history.append(entry.hostname, entry.atMs, entry.samples)`):
 * a v2 report at its sample's time (see {@link sampleTimeMs}), the original's report (which carries no time) at
 * `receivedAtMs`. `undefined` for a report that names no host, or holds no numeric value.
 *
 * @example
 * const entry = historyOfReport(parsed, receivedAtMs);
 * if (entry) store.history.append(entry.hostname, entry.atMs, entry.samples);
 */
export function historyOfReport(
  report: ParsedReport,
  receivedAtMs: number,
  options: SampleTimeOptions = {},
): HistoryEntry | undefined {
  const name = report.kind === 'legacy' ? report.sysData.hostname : report.sample.hostname;
  const hostname = typeof name === 'string' ? name.trim() : '';
  if (hostname === '') return undefined;
  const samples = report.kind === 'legacy' ? samplesOfLegacy(report.sysData) : samplesOfSample(report.sample);
  if (samples.length === 0) return undefined;
  const atMs =
    report.kind === 'legacy' ? receivedAtMs : sampleTimeMs(report.sample.collectedAtMs, receivedAtMs, options);
  return { hostname, atMs, samples };
}

/** Past this many distinct key lists, {@link sharedKeys} starts its table again (a fleet has a handful of shapes). */
const MAX_SHARED_KEY_LISTS = 1000;
const keyLists = new Map<string, readonly string[]>();

/**
 * The keys of `samples`, in order, as one array shared by every caller with the same keys: what a cache that keeps a
 * host's keys until its report changes shape holds, so that 100,000 hosts of a few shapes keep a few arrays (and one
 * copy of each `disk_usage_percent@/`, which a report builds anew each time), not 100,000. Frozen. Costs a string
 * join: call it when the shape changed, not on every report.
 *
 * @example sharedKeys(samples) === sharedKeys(samplesOfAnotherHostOfTheSameShape) // true
 */
export function sharedKeys(samples: readonly { key: string }[]): readonly string[] {
  const keys = samples.map((s) => s.key);
  const signature = keys.join('\n');
  const known = keyLists.get(signature);
  if (known !== undefined) return known;
  if (keyLists.size >= MAX_SHARED_KEY_LISTS) keyLists.clear();
  const list = Object.freeze(keys);
  keyLists.set(signature, list);
  return list;
}

/**
 * Whether `samples` carry `keys`, in order: a report of the same shape as the one whose keys a cache kept (see
 * {@link sharedKeys}). Allocates nothing: called on every report.
 */
export function sameKeys(keys: readonly string[], samples: readonly { key: string }[]): boolean {
  if (keys.length !== samples.length) return false;
  for (let i = 0; i < keys.length; i++) if (keys[i] !== samples[i]!.key) return false;
  return true;
}
