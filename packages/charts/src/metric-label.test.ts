import { describe, expect, it } from 'vitest';
import { metricLabel } from './metric-label.ts';

describe('metricLabel', () => {
  it.each([
    ['cpu_percent', 'CPU', '%'],
    ['memory_percent', 'Memory', '%'],
    ['swap_percent', 'Swap', '%'],
    ['load_1', 'Load 1 min', ''],
    ['load_5', 'Load 5 min', ''],
    ['load_15', 'Load 15 min', ''],
    ['cpu_temperature', 'CPU temperature', '°C'],
    ['disk_usage_percent', 'Disk', '%'],
    ['disk_usage_percent@/', 'Disk /', '%'],
    ['disk_usage_percent@/data', 'Disk /data', '%'],
    ['disk_usage_free@/data', 'Disk Free /data', 'B'],
    ['memory_used', 'Memory Used', 'B'],
    ['net_rx_bytes_per_second@eth0', 'Network In (eth0)', 'B/s'],
    ['net_tx_bytes_per_second@wlan0', 'Network Out (wlan0)', 'B/s'],
    ['uptime_seconds', 'Uptime', 's'],
    ['cpu_count', 'CPU count', ''],
  ])('%s: %s in %s', (key, label, unit) => {
    expect(metricLabel(key)).toEqual({ label, unit });
  });

  it.each(['my_counter', 'my_counter@/data', 'Not A Key', '', 'cpu_percent@', 'toString', '__proto__'])(
    'an unknown key %j is its own label, without a unit',
    (key) => {
      expect(metricLabel(key)).toEqual({ label: key, unit: '' });
    },
  );
});
