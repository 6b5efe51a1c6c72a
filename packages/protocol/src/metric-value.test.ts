import { describe, expect, it } from 'vitest';
import { formatBytes, formatMetricValue, formatNumber } from './metric-value.ts';

describe('formatNumber', () => {
  it.each<[number, string]>([
    [0, '0'],
    [12.25, '12.3'],
    [97, '97'],
    [99.96, '100'],
    [1234.5, '1235'],
    [0.425, '0.42'],
    [0.001, '0'],
    [-3.14, '-3.1'],
  ])('%d reads %s', (value, expected) => {
    expect(formatNumber(value)).toBe(expected);
  });
});

describe('formatBytes', () => {
  it.each<[number, string]>([
    [512, '512 B'],
    [1536, '1.5 KB'],
    [8 * 1024 ** 3, '8 GB'],
    [250.4 * 1024 ** 2, '250 MB'],
  ])('%d bytes read %s', (value, expected) => {
    expect(formatBytes(value)).toBe(expected);
  });
});

describe('formatMetricValue', () => {
  it.each<[string, number, string]>([
    ['cpu_percent', 12.5, '12.5%'],
    ['disk_usage_percent@/data', 71.234, '71.2%'],
    ['memory_avail', 2 * 1024 ** 3, '2 GB'],
    ['disk_usage_free@/', 1536, '1.5 KB'],
    ['net_rx_bytes_per_second@eth0', 1.25 * 1024 ** 2, '1.3 MB/s'],
    ['uptime_seconds', 93_784, '1d 2h'],
    ['cpu_temperature', 48.46, '48.5 °C'],
    ['load_1', 0.42, '0.42'],
    ['custom_metric', 1500, '1500'],
  ])('%s %d reads %s', (key, value, expected) => {
    expect(formatMetricValue(key, value)).toBe(expected);
  });
});
