import type { Sample } from '@janitor/protocol';
import { EXTRA_METRIC_KEYS, LEGACY_METRIC_KEYS } from '@janitor/protocol';
import { describe, expect, it } from 'vitest';
import { KNOWN_METRICS } from './metrics.ts';
import { fromLegacy, fromSample } from './report-input.ts';

const disk = {
  mount: '/',
  device: '/dev/sda1',
  fsType: 'ext4',
  totalBytes: 100,
  usedBytes: 40,
  freeBytes: 60,
  usedPercent: 40,
};

const sample: Sample = {
  hostname: 'pi',
  collectedAtMs: 1_700_000_000_000,
  // Deliberately not in LEGACY_METRIC_KEYS order: the report follows the keys, not the object.
  metrics: { memory_percent: 37.5, load_1: 0.42, cpu_percent: 12.5, uptime_seconds: 93_784 },
  disks: [disk],
  network: [],
};

describe('fromLegacy', () => {
  it("keeps the payload's key order and takes hostname out of the entries", () => {
    expect(fromLegacy({ disk_usage_free: 1536, hostname: 'vm', cpu_percent: 99 })).toEqual({
      hostname: 'vm',
      entries: [
        ['disk_usage_free', 1536],
        ['cpu_percent', 99],
      ],
    });
  });

  it('has no hostname when the payload has none', () => {
    expect(fromLegacy({ cpu_percent: 99 })).toEqual({ entries: [['cpu_percent', 99]] });
  });

  it('leaves out values that are not finite numbers', () => {
    expect(fromLegacy({ cpu_percent: '95', memory_percent: undefined, cpu_count: 2 }).entries).toEqual([
      ['cpu_count', 2],
    ]);
  });
});

describe('fromSample', () => {
  it('lists the legacy keys by default, in their order, keeps the other metrics unlisted, and every disk', () => {
    expect(fromSample(sample)).toEqual({
      hostname: 'pi',
      entries: [
        ['cpu_percent', 12.5],
        ['memory_percent', 37.5],
      ],
      unlisted: [
        ['load_1', 0.42],
        ['uptime_seconds', 93_784],
      ],
      disks: [disk],
    });
  });

  it('lists the keys asked for, in their order, once each', () => {
    const input = fromSample(sample, { keys: ['uptime_seconds', 'load_1', 'swap_total', 'load_1'] });
    expect(input.entries).toEqual([
      ['uptime_seconds', 93_784],
      ['load_1', 0.42],
    ]);
    expect(input.unlisted).toEqual([
      ['memory_percent', 37.5],
      ['cpu_percent', 12.5],
    ]);
    const all = fromSample(sample, { keys: KNOWN_METRICS });
    expect(all.entries.map(([m]) => m)).toEqual(['cpu_percent', 'memory_percent', 'load_1', 'uptime_seconds']);
    expect(all.unlisted).toEqual([]);
  });

  it('does not pick up inherited keys, nor values that are not finite numbers', () => {
    expect(fromSample(sample, { keys: ['constructor', 'toString'] }).entries).toEqual([]);
    const odd = { ...sample, metrics: { cpu_percent: Number.NaN, load_1: Number.POSITIVE_INFINITY } };
    expect(fromSample(odd)).toMatchObject({ entries: [], unlisted: [] });
  });

  it('KNOWN_METRICS are the legacy keys, then the extra keys', () => {
    expect(KNOWN_METRICS).toEqual([...LEGACY_METRIC_KEYS, ...EXTRA_METRIC_KEYS]);
  });
});
