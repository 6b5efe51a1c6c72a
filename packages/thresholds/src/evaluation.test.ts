import type { DiskSample } from '@janitor/protocol';
import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluation.ts';
import type { ReportInput } from './report-input.ts';
import type { Rule } from './rule.ts';

function disk(mount: string, usedPercent: number, freeBytes = 1000): DiskSample {
  return { mount, device: `dev${mount}`, fsType: 'ext4', totalBytes: 10_000, usedBytes: 9000, freeBytes, usedPercent };
}

const rule = (r: Partial<Rule> & Pick<Rule, 'metric' | 'value'>): Rule => ({ operator: '>', type: 'warning', ...r });

const input: ReportInput = {
  hostname: 'h',
  entries: [
    ['cpu_percent', 95.5],
    ['memory_percent', 80],
    ['disk_usage_percent', 70],
    ['disk_usage_free', 500],
  ],
  unlisted: [['load_1', 3.5]],
  disks: [disk('/', 70, 500), disk('/data', 93.2, 200), disk('/boot', 85, 50)],
};

/** [metric, mount, value, type] of each breach, in order. */
const summary = (rules: Rule[]) =>
  evaluate(input, rules).breaches.map((b) => [b.metric, b.mount, b.value, b.rule.type] as const);

describe('evaluate', () => {
  it.each<[string, Rule[], (readonly [string, string | undefined, number, string])[]]>([
    [
      'a flat value over its limit crosses',
      [rule({ metric: 'cpu_percent', value: 80 })],
      [['cpu_percent', undefined, 95.5, 'warning']],
    ],
    ['a flat value equal to a > limit does not cross', [rule({ metric: 'memory_percent', value: 80 })], []],
    [
      'a flat value equal to a >= limit crosses',
      [rule({ metric: 'memory_percent', value: 80, operator: '>=' })],
      [['memory_percent', undefined, 80, 'warning']],
    ],
    [
      'a low value crosses a < limit',
      [rule({ metric: 'disk_usage_free', value: 1000, operator: '<', type: 'error' })],
      [['disk_usage_free', undefined, 500, 'error']],
    ],
    [
      'a disk rule without mount compares the flat (root) value only',
      [rule({ metric: 'disk_usage_percent', value: 80 })],
      [],
    ],
    [
      'a disk rule with an exact mount compares that filesystem only',
      [rule({ metric: 'disk_usage_percent', value: 80, mount: '/data', type: 'alarm' })],
      [['disk_usage_percent', '/data', 93.2, 'alarm']],
    ],
    [
      "a '*' rule compares every filesystem, in the order of disks",
      [rule({ metric: 'disk_usage_percent', value: 80, mount: '*' })],
      [
        ['disk_usage_percent', '/data', 93.2, 'warning'],
        ['disk_usage_percent', '/boot', 85, 'warning'],
      ],
    ],
    [
      'a mount rule reads the disk field of its metric (free bytes, low alerts)',
      [rule({ metric: 'disk_usage_free', value: 100, operator: '<', mount: '*' })],
      [['disk_usage_free', '/boot', 50, 'warning']],
    ],
    [
      'a rule on a mount that is not there does nothing',
      [rule({ metric: 'disk_usage_percent', value: 1, mount: '/srv' })],
      [],
    ],
    ['a rule on a metric that is not there does nothing', [rule({ metric: 'swap_percent', value: 0 })], []],
    [
      'an unlisted metric is checked too',
      [rule({ metric: 'load_1', value: 2 })],
      [['load_1', undefined, 3.5, 'warning']],
    ],
    ['an unlisted metric under its limit does not cross', [rule({ metric: 'load_1', value: 4 })], []],
    ['a mount on a non-disk metric does nothing', [rule({ metric: 'cpu_percent', value: 0, mount: '*' })], []],
    [
      'several rules on one metric each give a breach, in rule order',
      [rule({ metric: 'cpu_percent', value: 90, type: 'alarm' }), rule({ metric: 'cpu_percent', value: 80 })],
      [
        ['cpu_percent', undefined, 95.5, 'alarm'],
        ['cpu_percent', undefined, 95.5, 'warning'],
      ],
    ],
  ])('%s', (_meaning, rules, expected) => {
    expect(summary(rules)).toEqual(expected);
  });

  it.each<[string, Rule[], string | undefined]>([
    ['nothing crossed: no worst type', [rule({ metric: 'cpu_percent', value: 99 })], undefined],
    [
      'the worst crossed type wins (alarm over warning)',
      [
        rule({ metric: 'cpu_percent', value: 80 }),
        rule({ metric: 'disk_usage_percent', value: 80, mount: '/data', type: 'alarm' }),
      ],
      'alarm',
    ],
    [
      'error beats info whatever the order',
      [
        rule({ metric: 'cpu_percent', value: 80, type: 'error' }),
        rule({ metric: 'memory_percent', value: 1, type: 'info' }),
      ],
      'error',
    ],
    [
      'a rule that does not cross does not count, however severe',
      [
        rule({ metric: 'cpu_percent', value: 99, type: 'alarm' }),
        rule({ metric: 'memory_percent', value: 1, type: 'info' }),
      ],
      'info',
    ],
    ['none is a type like the others', [rule({ metric: 'cpu_percent', value: 80, type: 'none' })], 'none'],
  ])('%s', (_meaning, rules, worst) => {
    expect(evaluate(input, rules).worst).toBe(worst);
  });

  it('labels each breach for logs, and points at its rule', () => {
    const r = rule({ metric: 'disk_usage_percent', value: 80, mount: '/data', type: 'alarm' });
    const [b] = evaluate(input, [r]).breaches;
    expect(b?.rule).toBe(r);
    expect(b?.label).toBe('disk_usage_percent on /data: 93.2 > 80 (alarm)');
    expect(evaluate(input, [rule({ metric: 'cpu_percent', value: 80 })]).breaches[0]?.label).toBe(
      'cpu_percent: 95.5 > 80 (warning)',
    );
  });

  it('is pure: it changes neither its input nor its rules and gives the same answer twice', () => {
    const rules = [rule({ metric: 'disk_usage_percent', value: 80, mount: '*' })];
    const before = structuredClone({ input, rules });
    expect(evaluate(input, rules)).toEqual(evaluate(input, rules));
    expect({ input, rules }).toEqual(before);
  });
});
