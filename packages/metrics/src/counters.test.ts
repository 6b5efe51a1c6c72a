import { describe, expect, it } from 'vitest';
import { type CounterState, type Counters, chooseWindow, networkRates } from './counters.ts';

const limits = { minIntervalMs: 200, maxIntervalMs: 60_000 };
const cpu = (idle: number) => [100, 0, 100, idle, 0, 0, 0, 0, 0, 0];
const reading = (atMs: number, idle = atMs, bootTimeSec = 1000): Counters => ({
  atMs,
  bootTimeSec,
  cpu: cpu(idle),
  net: {},
});
const state = (base: Counters, last: Counters): CounterState => ({ base, last });

describe('chooseWindow', () => {
  const kept = state(reading(10_000), reading(10_300));

  it('without kept counters there is no window (the caller samples briefly)', () => {
    expect(chooseWindow(undefined, reading(20_000), limits)).toBeUndefined();
  });

  it('starts at the last reading when it is old enough, and keeps it as the next base', () => {
    const now = reading(11_000);
    expect(chooseWindow(kept, now, limits)).toEqual({ start: kept.last, next: { base: kept.last, last: now } });
  });

  it('starts at the base when the last reading is too recent, and keeps the state unchanged', () => {
    const now = reading(10_350);
    const window = chooseWindow(kept, now, limits);
    expect(window?.start).toBe(kept.base);
    expect(window?.next).toBe(kept);
  });

  it.each([
    ['counters older than the maximum interval', reading(10_300 + 60_001)],
    ['a reboot (boot time moved by more than 2 s)', reading(11_000, 11_000, 1003)],
    ['CPU counters that went backwards', reading(11_000, 5)],
    ['a clock that went backwards', reading(9_000)],
  ])('no window for %s', (_what, now) => {
    expect(chooseWindow(kept, now, limits)).toBeUndefined();
  });

  it('tolerates the one-second wobble of btime', () => {
    expect(chooseWindow(kept, reading(11_000, 11_000, 1001), limits)?.start).toBe(kept.last);
  });
});

describe('networkRates', () => {
  it('divides byte differences by the interval, per interface present in both readings', () => {
    const start = { ...reading(0), net: { eth0: [1000, 500] as const, gone: [1, 1] as const } };
    const end = { ...reading(2000), net: { eth0: [5001, 900] as const, wlan0: [7, 7] as const } };
    expect(networkRates(start, end)).toEqual([{ iface: 'eth0', rxBytesPerSecond: 2001, txBytesPerSecond: 200 }]);
  });

  it('reports no traffic, not a negative or huge rate, when a counter restarted', () => {
    const start = { ...reading(0), net: { eth0: [9_000_000, 10] as const } };
    const end = { ...reading(1000), net: { eth0: [100, 20] as const } };
    expect(networkRates(start, end)).toEqual([{ iface: 'eth0', rxBytesPerSecond: 0, txBytesPerSecond: 10 }]);
  });
});
