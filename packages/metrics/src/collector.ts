import { access } from 'node:fs/promises';
import nodeOs from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { type Logger, type Sample, silentLogger } from '@janitor/protocol';
import { type CounterState, type Counters, chooseWindow, networkRates, type WindowLimits } from './counters.ts';
import { cpuBusyPercent } from './cpu-times.ts';
import type { StatFsLike } from './disk-usage.ts';
import { memoryUsedPercent, swapUsedPercent } from './meminfo.ts';
import { createProcfsSource, defaultStatfs } from './procfs-source.ts';
import { pyRound } from './round.ts';
import type { CounterReading, Gauges, MetricSource, OsLike, SourceKind } from './source.ts';
import { createSystemInformationSource } from './systeminformation-source.ts';

/** Options shared by {@link createCollector} and the one-shot `collect`. */
export interface CollectorOptions {
  /** The sample's hostname. @default os.hostname() */
  hostname?: string;
  /** The clock, milliseconds since the epoch. @default Date.now */
  now?: () => number;
  /** How to wait during the brief first sample. @default setTimeout from node:timers/promises */
  sleep?: (ms: number) => Promise<void>;
  /**
   * How long the first collection (no earlier counters) samples the CPU and network; also the shortest interval a
   * CPU percent is computed over (clock ticks are 10 ms). @default 200
   */
  sampleMs?: number;
  /**
   * Earlier counters older than this are stale: the collection samples briefly instead of averaging over hours.
   * The default covers an hourly schedule with slack. @default 3_900_000 (65 minutes)
   */
  maxIntervalMs?: number;
  /** Where procfs is mounted; tests point it at a recorded machine. @default '/proc' */
  procRoot?: string;
  /** Where sysfs is mounted (temperature sensors). @default '/sys' */
  sysRoot?: string;
  /** The mount table. @default `${procRoot}/self/mounts` */
  mountsFile?: string;
  /** statfs(2) of a mount point. @default fs.promises.statfs */
  statfs?: (path: string) => Promise<StatFsLike>;
  /** A filesystem whose statfs does not answer in time (a dead disk) is left out. @default 2000 */
  statfsTimeoutMs?: number;
  /** Hostname, load averages and uptime. @default node:os */
  os?: OsLike;
  /** The platform, deciding the source when `source` is 'auto'. @default process.platform */
  platform?: NodeJS.Platform;
  /**
   * 'procfs' reads /proc and statfs (Linux, no child process); 'systeminformation' works everywhere but spawns;
   * 'auto' takes procfs on Linux when `${procRoot}/stat` is readable. @default 'auto'
   */
  source?: 'auto' | SourceKind;
  /** Where skipped filesystems and ignored state files are reported. @default silentLogger */
  logger?: Logger;
}

/** Collects samples, keeping the counters of the previous collection in memory. */
export interface Collector {
  /** One sample; the CPU percent and network rates cover the time since the previous call. */
  collect(): Promise<Sample>;
}

/** The options with their defaults applied. */
export interface Settings {
  hostname: () => string;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  limits: WindowLimits;
  procRoot: string;
  sysRoot: string;
  mountsFile: string;
  statfs: (path: string) => Promise<StatFsLike>;
  statfsTimeoutMs: number;
  os: OsLike;
  platform: NodeJS.Platform;
  source: 'auto' | SourceKind;
  logger: Logger;
}

/** Applies the defaults documented on {@link CollectorOptions}. */
export function resolveSettings(options: CollectorOptions): Settings {
  const {
    hostname,
    now = Date.now,
    sleep = (ms: number) => delay(ms),
    sampleMs = 200,
    maxIntervalMs = 3_900_000,
    procRoot = '/proc',
    sysRoot = '/sys',
    mountsFile = join(procRoot, 'self/mounts'),
    statfs = defaultStatfs,
    statfsTimeoutMs = 2000,
    os = nodeOs,
    platform = process.platform,
    source = 'auto',
    logger = silentLogger,
  } = options;
  return {
    hostname: hostname === undefined ? () => os.hostname() : () => hostname,
    now,
    sleep,
    limits: { minIntervalMs: sampleMs, maxIntervalMs },
    procRoot,
    sysRoot,
    mountsFile,
    statfs,
    statfsTimeoutMs,
    os,
    platform,
    source,
    logger,
  };
}

/** Picks and builds the source: procfs on Linux with a readable /proc, else systeminformation. */
export async function resolveSource(settings: Settings, longRunning: boolean): Promise<MetricSource> {
  let kind = settings.source;
  if (kind === 'auto') {
    const stat = join(settings.procRoot, 'stat');
    const readable =
      settings.platform === 'linux' &&
      (await access(stat).then(
        () => true,
        () => false,
      ));
    kind = readable ? 'procfs' : 'systeminformation';
    if (!readable && settings.platform === 'linux') {
      settings.logger.debug('metrics: no procfs, using systeminformation', { path: stat });
    }
  }
  if (kind === 'procfs') {
    return createProcfsSource({ ...settings, cacheSensor: longRunning });
  }
  return createSystemInformationSource(settings);
}

/**
 * One collection: read the counters, pick the interval's start from the kept state, or sample briefly when none
 * is usable (reading the other metrics meanwhile), and build the sample. Returns the state to keep.
 */
export async function runCollection(
  source: MetricSource,
  state: CounterState | undefined,
  settings: Settings,
): Promise<{ sample: Sample; state: CounterState }> {
  const first = await source.readCounters();
  const window = chooseWindow(state, first.counters, settings.limits);
  if (window) {
    const gauges = await source.readGauges();
    return { sample: buildSample(settings.hostname(), window.start, first, gauges), state: window.next };
  }
  const [gauges, second] = await Promise.all([
    source.readGauges(),
    settings.sleep(settings.limits.minIntervalMs).then(() => source.readCounters()),
  ]);
  return {
    sample: buildSample(settings.hostname(), first.counters, second, gauges),
    state: { base: first.counters, last: second.counters },
  };
}

function buildSample(hostname: string, start: Counters, end: CounterReading, gauges: Gauges): Sample {
  const { memory, root } = gauges;
  const network = networkRates(start, end.counters);
  const metrics: Record<string, number> = {
    cpu_percent: cpuBusyPercent(start.cpu, end.counters.cpu),
    cpu_count: end.cpuCount,
    memory_total: memory.totalBytes,
    memory_avail: memory.availableBytes,
    memory_used: memory.usedBytes,
    memory_free: memory.freeBytes,
    memory_percent: memoryUsedPercent(memory),
    disk_usage_total: root.totalBytes,
    disk_usage_used: root.usedBytes,
    disk_usage_free: root.freeBytes,
    disk_usage_percent: root.usedPercent,
  };
  if (gauges.load) {
    metrics.load_1 = pyRound(gauges.load[0], 2);
    metrics.load_5 = pyRound(gauges.load[1], 2);
    metrics.load_15 = pyRound(gauges.load[2], 2);
  }
  metrics.swap_total = memory.swapTotalBytes;
  metrics.swap_used = memory.swapTotalBytes - memory.swapFreeBytes;
  metrics.swap_free = memory.swapFreeBytes;
  metrics.swap_percent = swapUsedPercent(memory);
  metrics.uptime_seconds = gauges.uptimeSeconds;
  if (gauges.cpuTemperatureC !== undefined) metrics.cpu_temperature = gauges.cpuTemperatureC;
  metrics.net_rx_bytes_per_second = network.reduce((sum, n) => sum + n.rxBytesPerSecond, 0);
  metrics.net_tx_bytes_per_second = network.reduce((sum, n) => sum + n.txBytesPerSecond, 0);
  return { hostname, collectedAtMs: end.counters.atMs, metrics, disks: gauges.disks, network };
}

/**
 * A collector for a long-running agent: the first `collect()` samples briefly (`sampleMs`), every later one
 * measures the CPU and network over the time since the previous one, with no sleep. Calls are serialised.
 *
 * @example
 * const collector = createCollector();
 * setInterval(async () => console.log((await collector.collect()).metrics.cpu_percent), 60_000);
 */
export function createCollector(options: CollectorOptions = {}): Collector {
  const settings = resolveSettings(options);
  let source: Promise<MetricSource> | undefined;
  let state: CounterState | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  return {
    collect(): Promise<Sample> {
      const run = queue.then(async () => {
        source ??= resolveSource(settings, true);
        const result = await runCollection(await source, state, settings);
        state = result.state;
        return result.sample;
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
