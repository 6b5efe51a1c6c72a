import type { NetworkSample } from '@janitor/protocol';
import { type CpuTimes, cpuTotal } from './cpu-times.ts';
import type { NetCounters } from './net-dev.ts';

/** One reading of the cumulative counters that rates and the CPU percent are computed from. */
export interface Counters {
  /** When it was read, milliseconds since the epoch (the injected clock). */
  atMs: number;
  /** When the machine booted, seconds since the epoch: a different value means the counters restarted. */
  bootTimeSec: number;
  cpu: CpuTimes;
  /** Per interface, loopback left out. */
  net: NetCounters;
}

/**
 * The counters kept between collections. Invariant: `last` is at least the minimum interval after `base`, so a
 * window that starts at `last` when it is old enough, else at `base`, is never shorter than that interval, and a
 * collection right after another needs no sleep.
 */
export interface CounterState {
  base: Counters;
  last: Counters;
}

/** Limits on the interval a CPU percent and network rates may be computed over. */
export interface WindowLimits {
  /** Shorter than this, the clock-tick resolution makes the percent too coarse. */
  minIntervalMs: number;
  /** Longer than this, an average says little about now. */
  maxIntervalMs: number;
}

/** Where a collection's interval starts, and the state to keep for the next one. */
export interface CounterWindow {
  start: Counters;
  next: CounterState;
}

/** Btime on Linux is derived from the wall clock and may move by a second when NTP adjusts it. */
const BOOT_TIME_TOLERANCE_SEC = 2;

/**
 * Picks the start of the interval for a reading taken now from the kept state, or undefined when nothing usable is
 * kept (first run, a reboot, counters that went backwards, a clock that went backwards, or an interval too long):
 * the caller then samples briefly.
 */
export function chooseWindow(
  state: CounterState | undefined,
  current: Counters,
  limits: WindowLimits,
): CounterWindow | undefined {
  if (!state) return undefined;
  const lastIsOldEnough = current.atMs - state.last.atMs >= limits.minIntervalMs;
  const start = lastIsOldEnough ? state.last : state.base;
  const next = lastIsOldEnough ? { base: state.last, last: current } : state;
  const elapsedMs = current.atMs - start.atMs;
  if (elapsedMs < limits.minIntervalMs || elapsedMs > limits.maxIntervalMs) return undefined;
  if (Math.abs(current.bootTimeSec - start.bootTimeSec) > BOOT_TIME_TOLERANCE_SEC) return undefined;
  if (cpuTotal(current.cpu) < cpuTotal(start.cpu)) return undefined;
  return { start, next };
}

/**
 * Receive and transmit rates of each interface present in both readings, bytes per second rounded to an integer.
 * A counter that went backwards (interface re-created, 32-bit wrap) counts as no traffic rather than a huge number.
 */
export function networkRates(start: Counters, end: Counters): NetworkSample[] {
  const seconds = (end.atMs - start.atMs) / 1000;
  const out: NetworkSample[] = [];
  for (const [iface, [rx, tx]] of Object.entries(end.net)) {
    const before = start.net[iface];
    if (!before) continue;
    const rate = (now: number, then: number) => (seconds > 0 ? Math.round(Math.max(0, now - then) / seconds) : 0);
    out.push({ iface, rxBytesPerSecond: rate(rx, before[0]), txBytesPerSecond: rate(tx, before[1]) });
  }
  return out;
}
