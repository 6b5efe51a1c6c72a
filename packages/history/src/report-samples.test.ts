import type { ParsedReport, Sample } from '@janitor/protocol';
import { describe, expect, it } from 'vitest';
import {
  historyOfReport,
  sameKeys,
  samplesOfLegacy,
  samplesOfSample,
  sampleTimeMs,
  sharedKeys,
} from './report-samples.ts';

const RECEIVED = Date.parse('2026-12-01T10:00:30Z');

const sample: Sample = {
  hostname: 'pi',
  collectedAtMs: RECEIVED - 500,
  metrics: { cpu_percent: 12.5, memory_percent: 40.25, load_1: 0.42, disk_usage_percent: 41.3 },
  disks: [
    {
      mount: '/',
      device: '/dev/mmcblk0p2',
      fsType: 'ext4',
      totalBytes: 100,
      usedBytes: 41,
      freeBytes: 58,
      usedPercent: 41.3,
    },
    {
      mount: '/data',
      device: '/dev/sda1',
      fsType: 'ext4',
      totalBytes: 1000,
      usedBytes: 900,
      freeBytes: 100,
      usedPercent: 90,
    },
    // Listed twice (a bind mount): the first one counts.
    { mount: '/data', device: '/dev/sdb1', fsType: 'ext4', totalBytes: 5, usedBytes: 1, freeBytes: 4, usedPercent: 20 },
  ],
  network: [{ iface: 'eth0', rxBytesPerSecond: 1500, txBytesPerSecond: 300 }],
};

describe('samplesOfSample', () => {
  it('keeps every flat metric, four values per filesystem and two per interface, keyed as series', () => {
    expect(samplesOfSample(sample)).toEqual([
      { key: 'cpu_percent', value: 12.5 },
      { key: 'memory_percent', value: 40.25 },
      { key: 'load_1', value: 0.42 },
      { key: 'disk_usage_percent', value: 41.3 },
      { key: 'disk_usage_total@/', value: 100 },
      { key: 'disk_usage_used@/', value: 41 },
      { key: 'disk_usage_free@/', value: 58 },
      { key: 'disk_usage_percent@/', value: 41.3 },
      { key: 'disk_usage_total@/data', value: 1000 },
      { key: 'disk_usage_used@/data', value: 900 },
      { key: 'disk_usage_free@/data', value: 100 },
      { key: 'disk_usage_percent@/data', value: 90 },
      { key: 'net_rx_bytes_per_second@eth0', value: 1500 },
      { key: 'net_tx_bytes_per_second@eth0', value: 300 },
    ]);
  });

  it('leaves out a value that is not a finite number', () => {
    const odd = { ...sample, metrics: { cpu_percent: Number.NaN, load_1: 1 }, disks: [], network: [] };
    expect(samplesOfSample(odd)).toEqual([{ key: 'load_1', value: 1 }]);
  });
});

describe('samplesOfLegacy', () => {
  it('keeps every numeric key of sys_data in payload order, without the hostname', () => {
    expect(samplesOfLegacy({ hostname: 'vm', memory_percent: 40, cpu_percent: 91.2, note: 'x' })).toEqual([
      { key: 'memory_percent', value: 40 },
      { key: 'cpu_percent', value: 91.2 },
    ]);
  });
});

describe('sampleTimeMs', () => {
  it.each([
    ['a sample half a second old keeps its time', RECEIVED - 500, RECEIVED - 500],
    ['a spooled sample from 3 days ago keeps its time', RECEIVED - 3 * 86_400_000, RECEIVED - 3 * 86_400_000],
    ['a clock 30 s ahead is tolerated', RECEIVED + 30_000, RECEIVED + 30_000],
    ['a clock 2 minutes ahead: kept at its receipt', RECEIVED + 120_000, RECEIVED],
    ['a Pi that booted in 1970: kept at its receipt', 86_400_000, RECEIVED],
    ['a time that is not a number: kept at its receipt', Number.NaN, RECEIVED],
  ])('%s', (_meaning, collectedAtMs, expected) => {
    expect(sampleTimeMs(collectedAtMs, RECEIVED)).toBe(expected);
  });

  it('takes other tolerances', () => {
    expect(sampleTimeMs(RECEIVED - 3_600_000, RECEIVED, { maxBehindMs: 60_000 })).toBe(RECEIVED);
    expect(sampleTimeMs(RECEIVED + 3_600_000, RECEIVED, { maxAheadMs: 7_200_000 })).toBe(RECEIVED + 3_600_000);
  });
});

describe('historyOfReport', () => {
  it('keeps a v2 report at its sample time', () => {
    const entry = historyOfReport({ kind: 'v2', sample }, RECEIVED);
    expect(entry).toMatchObject({ hostname: 'pi', atMs: RECEIVED - 500 });
    expect(entry?.samples).toHaveLength(14);
  });

  it('keeps the original report at its receipt, under its trimmed hostname', () => {
    const report: ParsedReport = { kind: 'legacy', sysData: { hostname: ' vm ', cpu_percent: 3 } };
    expect(historyOfReport(report, RECEIVED)).toEqual({
      hostname: 'vm',
      atMs: RECEIVED,
      samples: [{ key: 'cpu_percent', value: 3 }],
    });
  });

  it.each([
    ['a report that names no host', { kind: 'legacy', sysData: { cpu_percent: 3 } }],
    ['a blank hostname', { kind: 'legacy', sysData: { hostname: '  ', cpu_percent: 3 } }],
    ['a report with no value', { kind: 'legacy', sysData: { hostname: 'vm' } }],
  ] as const)('keeps nothing of %s', (_meaning, report) => {
    expect(historyOfReport(report as ParsedReport, RECEIVED)).toBeUndefined();
  });
});

describe('sharedKeys', () => {
  const samplesOf = (...keys: string[]) => keys.map((key, i) => ({ key: `${key}`, value: i }));
  it('gives every list of the same keys in the same order one frozen array', () => {
    const a = sharedKeys(samplesOf('cpu_percent', `disk_usage_percent@${'/'}`));
    const b = sharedKeys(samplesOf('cpu_percent', ['disk_usage_percent', '/'].join('@')));
    expect(b).toBe(a);
    expect(a).toEqual(['cpu_percent', 'disk_usage_percent@/']);
    expect(Object.isFrozen(a)).toBe(true);
  });
  it('sameKeys tells a report of the kept shape from one of another (order and length count)', () => {
    const kept = sharedKeys(samplesOf('cpu_percent', 'load_1'));
    expect(sameKeys(kept, samplesOf('cpu_percent', 'load_1'))).toBe(true);
    expect(sameKeys(kept, samplesOf('load_1', 'cpu_percent'))).toBe(false);
    expect(sameKeys(kept, samplesOf('cpu_percent'))).toBe(false);
  });
  it('gives other keys, or the same keys in another order, another array', () => {
    const a = sharedKeys(samplesOf('cpu_percent', 'memory_percent'));
    expect(sharedKeys(samplesOf('memory_percent', 'cpu_percent'))).not.toBe(a);
    expect(sharedKeys(samplesOf('cpu_percent'))).not.toBe(a);
    expect(sharedKeys(samplesOf('cpu_percent', 'memory_percent', 'load_1'))).toEqual([
      'cpu_percent',
      'memory_percent',
      'load_1',
    ]);
  });
});
