import type { DiskSample } from '@janitor/protocol';
import type { Counters } from './counters.ts';
import type { MemoryFigures } from './meminfo.ts';

/** Which implementation reads the machine: /proc and statfs on Linux, systeminformation elsewhere. */
export type SourceKind = 'procfs' | 'systeminformation';

/** A reading of the counters, with the CPU count read alongside. */
export interface CounterReading {
  counters: Counters;
  cpuCount: number;
}

/** Everything a sample needs besides the counters: values that are meaningful at one instant. */
export interface Gauges {
  memory: MemoryFigures;
  /** The filesystem holding `/` (the legacy `disk_usage_*` keys). */
  root: DiskSample;
  disks: DiskSample[];
  /** Degrees Celsius; undefined when the machine has no sensor. */
  cpuTemperatureC: number | undefined;
  /** 1, 5 and 15 minute load averages; undefined where the OS has none (Windows). */
  load: readonly [number, number, number] | undefined;
  uptimeSeconds: number;
}

/** A way to read the machine. */
export interface MetricSource {
  readonly kind: SourceKind;
  readCounters(): Promise<CounterReading>;
  readGauges(): Promise<Gauges>;
}

/** The parts of `node:os` a source uses; tests pass recorded values. */
export interface OsLike {
  hostname(): string;
  loadavg(): number[];
  uptime(): number;
}
