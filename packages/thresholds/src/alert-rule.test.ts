import { describe, expect, it } from 'vitest';
import { type AlertRule, alertKey, compileAlertRules } from './alert-rule.ts';
import { defaultClear } from './rule.ts';
import { parseThresholds } from './rule-parser.ts';

function compile(thresholds: unknown, defaults?: { forMs?: number; repeatMs?: number }): AlertRule[] {
  const { rules, problems } = parseThresholds(thresholds);
  expect(problems).toEqual([]);
  return compileAlertRules(rules, defaults);
}

describe('alertKey', () => {
  it.each<[string, Parameters<typeof alertKey>, string]>([
    ['a flat metric is its name', ['cpu_percent'], 'cpu_percent'],
    ['a filesystem adds @mount', ['disk_usage_percent', '/data'], 'disk_usage_percent@/data'],
    ['low values alerting add :below', ['disk_usage_free', undefined, 'below'], 'disk_usage_free:below'],
  ])('%s', (_meaning, args, key) => {
    expect(alertKey(...args)).toBe(key);
  });
});

describe('defaultClear', () => {
  it.each([
    ['5 % below a ">" limit', 80, '>', 76],
    ['5 % above a "<" limit', 1000, '<', 1050],
    ['a negative limit moves to the safe side too', -10, '>', -10.5],
    ['a zero limit has no margin', 0, '>', 0],
    ['the margin is rounded to 12 significant digits, for posts', 75.5, '>', 71.725],
  ] as const)('%s', (_meaning, value, operator, clear) => {
    expect(defaultClear({ value, operator })).toBe(clear);
  });
});

describe('compileAlertRules', () => {
  it('joins the rules of one metric into one alert with levels, with the default timing', () => {
    expect(compile({ cpu_percent: [{ value: 95, type: 'alarm', clear: 85 }, { value: 80 }] })).toEqual([
      {
        key: 'cpu_percent',
        metric: 'cpu_percent',
        direction: 'above',
        levels: [
          { type: 'warning', value: 80, operator: '>', clear: 76 },
          { type: 'alarm', value: 95, operator: '>', clear: 85 },
        ],
        forMs: 0,
        repeatMs: 3_600_000,
      },
    ]);
  });

  it('takes the timing a rule sets over the defaults', () => {
    const [alert] = compile({ cpu_percent: { value: 80, for: '5m', repeat: 'never' } }, { forMs: 1, repeatMs: 2 });
    expect(alert).toMatchObject({ forMs: 300_000, repeatMs: 0 });
    const [other] = compile({ cpu_percent: { value: 80 } }, { forMs: 1000, repeatMs: 2000 });
    expect(other).toMatchObject({ forMs: 1000, repeatMs: 2000 });
  });

  it('makes one alert per direction and per mount', () => {
    const alerts = compile({
      cpu_temperature: [{ value: 80 }, { value: 5, operator: '<' }],
      disk_usage_percent: [{ value: 80 }, { value: 90, mount: '*' }],
    });
    expect(alerts.map((a) => a.key)).toEqual([
      'cpu_temperature',
      'cpu_temperature:below',
      'disk_usage_percent',
      'disk_usage_percent@*',
    ]);
  });

  it('gives a filesystem with its own rule the `*` levels it does not set, and takes it out of the `*` alert', () => {
    const alerts = compile({
      disk_usage_percent: [
        { value: 80, message_type: 'warning', mount: '*', for: '10m' },
        { value: 90, message_type: 'alarm', mount: '*' },
        { value: 95, message_type: 'alarm', mount: '/data' },
      ],
    });
    expect(alerts).toEqual([
      expect.objectContaining({ key: 'disk_usage_percent@*', exceptMounts: ['/data'], forMs: 600_000 }),
      expect.objectContaining({
        key: 'disk_usage_percent@/data',
        mount: '/data',
        forMs: 600_000,
        levels: [
          { type: 'warning', value: 80, operator: '>', clear: 76 },
          { type: 'alarm', value: 95, operator: '>', clear: 90.25 },
        ],
      }),
    ]);
  });
});
