// The page's pure modules (assets/format.js, assets/chart-plan.js), run in Node: units, words, the charts of a host,
// the alert periods shaded on them. They are browser files without types: imported through a URL, typed here.
import { describe, expect, it } from 'vitest';

type Unit = 'percent' | 'bytes' | 'bytesPerSecond' | 'celsius' | 'seconds' | 'count';
type Points = { avg: (number | null)[]; min?: (number | null)[]; max?: (number | null)[] };
interface FormatModule {
  seriesLabel(key: string): string;
  unitOf(key: string): Unit;
  formatValue(value: number | null | undefined, unit: Unit): string;
  duration(ms: number): string;
  ago(atMs: number | null, nowMs: number): string;
  describeSeries(label: string, points: Points, unit: Unit, range: string): string;
}
interface Period {
  fromMs: number;
  toMs: number;
  level: string | null;
}
interface PlanModule {
  chartsFor(keys: string[]): { id: string; title: string; keys: string[]; unit: string }[];
  alertPeriods(entries: Record<string, unknown>[], nowMs: number): Map<string, Period[]>;
  limitLines(limits: Record<string, unknown> | undefined): { label: string; value: number; level: string }[];
  isSevere(level: string | null | undefined): boolean;
}

const format = (await import(new URL('../assets/format.js', import.meta.url).href)) as FormatModule;
const plan = (await import(new URL('../assets/chart-plan.js', import.meta.url).href)) as PlanModule;

describe('format.js', () => {
  it.each([
    ['cpu_percent', 'CPU', 'percent'],
    ['disk_usage_percent@/data', 'Disk /data', 'percent'],
    ['net_rx_bytes_per_second@eth0', 'Received on eth0', 'bytesPerSecond'],
    ['cpu_temperature', 'Temperature', 'celsius'],
    ['memory_total', 'memory total', 'bytes'],
    ['load_15', 'Load (15 min)', 'count'],
    ['uptime_seconds', 'Uptime', 'seconds'],
  ])('names %s "%s" in %s', (key, label, unit) => {
    expect(format.seriesLabel(key)).toBe(label);
    expect(format.unitOf(key)).toBe(unit);
  });

  it.each([
    [12.5, 'percent', '12.5 %'],
    [97, 'percent', '97 %'],
    [3.456, 'percent', '3.46 %'],
    [1_250_000, 'bytesPerSecond', '1.25 MB/s'],
    [999, 'bytes', '999 B'],
    [54.25, 'celsius', '54.3 °C'],
    [0.523, 'count', '0.523'],
    [90_000, 'seconds', '1 d 1 h'],
    [null, 'percent', '–'],
    [Number.NaN, 'percent', '–'],
  ] as const)('formats %s as %s: %s', (value, unit, text) => {
    expect(format.formatValue(value, unit)).toBe(text);
  });

  it('says durations and ages in at most two units', () => {
    expect(format.duration(45_000)).toBe('45 s');
    expect(format.duration(5 * 60_000 + 10_000)).toBe('5 min');
    expect(format.duration(65 * 60_000)).toBe('1 h 5 min');
    expect(format.duration(3 * 86_400_000)).toBe('3 d');
    expect(format.ago(1_000, 13_000)).toBe('12 s ago');
    expect(format.ago(null, 13_000)).toBe('never');
  });

  it('describes a series for a screen reader: lowest of the minimums, highest of the maximums, latest average', () => {
    expect(format.describeSeries('CPU', { avg: [3, 97, 12.5] }, 'percent', 'the last 24 hours')).toBe(
      'CPU over the last 24 hours: lowest 3 %, highest 97 %, latest 12.5 %.',
    );
    expect(
      format.describeSeries(
        'Disk /',
        { avg: [40, null, 41, null], min: [38, null, 40, null], max: [45, null, 42, null] },
        'percent',
        'the last hour',
      ),
    ).toBe('Disk / over the last hour: lowest 38 %, highest 45 %, latest 41 %.');
    expect(format.describeSeries('CPU', { avg: [null, null] }, 'percent', 'the last hour')).toBe(
      'CPU over the last hour: no data.',
    );
  });
});

describe('chart-plan.js', () => {
  it('charts CPU, memory, swap, each disk, load, temperature and each interface, only those the host has', () => {
    const charts = plan.chartsFor([
      'net_tx_bytes_per_second@eth0',
      'disk_usage_percent@/data',
      'load_5',
      'cpu_percent',
      'disk_usage_percent@/',
      'load_1',
      'net_rx_bytes_per_second@eth0',
      'memory_percent',
      'cpu_temperature',
      'disk_usage_free@/',
      'net_rx_bytes_per_second@wlan0',
    ]);
    expect(charts.map((c) => [c.title, c.keys])).toEqual([
      ['CPU', ['cpu_percent']],
      ['Memory', ['memory_percent']],
      ['Disk /', ['disk_usage_percent@/']],
      ['Disk /data', ['disk_usage_percent@/data']],
      ['Load', ['load_1', 'load_5']],
      ['Temperature', ['cpu_temperature']],
      ['Network eth0', ['net_rx_bytes_per_second@eth0', 'net_tx_bytes_per_second@eth0']],
      ['Network wlan0', ['net_rx_bytes_per_second@wlan0']],
    ]);
    expect(new Set(charts.map((c) => c.id)).size).toBe(charts.length);
    for (const c of charts) expect(c.id).toMatch(/^[A-Za-z][A-Za-z0-9-]*$/);
  });

  it('charts the original’s flat disk value as "Disk"', () => {
    expect(plan.chartsFor(['disk_usage_percent']).map((c) => c.title)).toEqual(['Disk']);
  });

  it('gives periods from firing to resolved, an open one up to now, and one whose start is before the entries', () => {
    const periods = plan.alertPeriods(
      [
        {
          id: 4,
          atMs: 400,
          key: 'cpu_percent',
          transition: 'resolved',
          level: 'warning',
          incidentStartMs: 100,
          endMs: 400,
        },
        { id: 3, atMs: 300, key: 'cpu_percent', transition: 'escalated', level: 'alarm', incidentStartMs: 100 },
        { id: 1, atMs: 100, key: 'cpu_percent', transition: 'firing', level: 'warning', incidentStartMs: 100 },
        {
          id: 5,
          atMs: 500,
          key: 'disk_usage_percent@/:below',
          transition: 'firing',
          level: 'warning',
          incidentStartMs: 450,
        },
        {
          id: 6,
          atMs: 600,
          key: 'memory_percent',
          transition: 'resolved',
          level: 'warning',
          incidentStartMs: 20,
          endMs: 600,
        },
        { id: 7, atMs: 650, key: 'memory_percent', transition: 'pending', level: 'warning' },
      ],
      1000,
    );
    expect(Object.fromEntries(periods)).toEqual({
      cpu_percent: [{ fromMs: 100, toMs: 400, level: 'alarm' }],
      'disk_usage_percent@/': [{ fromMs: 450, toMs: 1000, level: 'warning' }],
      memory_percent: [{ fromMs: 20, toMs: 600, level: 'warning' }],
    });
  });

  it('draws a rule’s numeric limits as lines, least severe first', () => {
    expect(plan.limitLines({ alarm: 95, warning: 80, direction: 'above' })).toEqual([
      { label: 'warning', value: 80, level: 'warning' },
      { label: 'alarm', value: 95, level: 'alarm' },
    ]);
    expect(plan.limitLines(undefined)).toEqual([]);
  });

  it('tells the severe levels (error, alarm) from the others', () => {
    expect(['none', 'info', 'warning', 'error', 'alarm', 'unknown', null].map(plan.isSevere)).toEqual([
      false,
      false,
      false,
      true,
      true,
      false,
      false,
    ]);
  });
});
