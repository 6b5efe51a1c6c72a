import { describe, expect, it } from 'vitest';
import { formatFiring } from './fleet-text.ts';
import type { FiringAlertView } from './fleet-view.ts';

const alert = (over: Partial<FiringAlertView>): FiringAlertView => ({
  key: 'cpu_percent',
  label: 'CPU %',
  level: 'warning',
  value: 97,
  limit: 80,
  sinceMs: 0,
  ...over,
});

describe('formatFiring', () => {
  it.each<[string, Partial<FiringAlertView>, string]>([
    ['a value in its unit, then the level', {}, 'CPU %: 97% (warning)'],
    [
      'a disk alert: the unit comes from the metric of the key',
      { key: 'disk_usage_percent@/data', label: 'Disk /data', value: 91.24 },
      'Disk /data: 91.2% (warning)',
    ],
    [
      'no value (host silent): the label and the level',
      { key: 'host_silent', label: 'host silent', level: 'alarm', value: null },
      'host silent (alarm)',
    ],
    ['no level: the value alone', { level: null }, 'CPU %: 97%'],
  ])('%s', (_what, over, expected) => {
    expect(formatFiring(alert(over))).toBe(expected);
  });
});
