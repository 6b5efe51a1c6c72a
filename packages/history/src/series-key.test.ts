import { describe, expect, it } from 'vitest';
import { MAX_SERIES_KEY_LENGTH, parseSeriesKey, seriesKey } from './series-key.ts';

describe('seriesKey and parseSeriesKey', () => {
  it.each([
    ['a flat metric is its own key', 'cpu_percent', {}, 'cpu_percent'],
    ['a filesystem: the alert key spelling', 'disk_usage_percent', { mount: '/data' }, 'disk_usage_percent@/data'],
    ['the root filesystem', 'disk_usage_free', { mount: '/' }, 'disk_usage_free@/'],
    ['a mount with spaces and an @ in it', 'disk_usage_used', { mount: '/mnt/a b@c' }, 'disk_usage_used@/mnt/a b@c'],
    ['an interface', 'net_rx_bytes_per_second', { iface: 'eth0' }, 'net_rx_bytes_per_second@eth0'],
    [
      'an interface with a dot and a dash',
      'net_tx_bytes_per_second',
      { iface: 'br-1.20' },
      'net_tx_bytes_per_second@br-1.20',
    ],
  ])('%s', (_meaning, metric, scope, key) => {
    expect(seriesKey(metric, scope)).toBe(key);
    expect(parseSeriesKey(key)).toEqual({ metric, ...scope });
  });

  it.each([
    ['an empty key', ''],
    ['a metric in capitals', 'CPU_percent'],
    ['a metric starting with a digit', '1cpu'],
    ['a path', '../etc/passwd'],
    ['nothing after the @', 'disk_usage_percent@'],
    ['nothing before the @', '@/data'],
    ['an interface with a slash', 'net_rx_bytes_per_second@eth0/1'],
    ['a line break in a mount', 'disk_usage_percent@/data\nx'],
    ['a NUL in an interface', 'net_rx_bytes_per_second@eth\u00000'],
    ['a key longer than any report can make', `disk_usage_percent@/${'a'.repeat(MAX_SERIES_KEY_LENGTH)}`],
  ])('refuses %s', (_meaning, key) => {
    expect(parseSeriesKey(key)).toBeUndefined();
  });
});
