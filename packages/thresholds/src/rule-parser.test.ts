import { describe, expect, it } from 'vitest';
import { KNOWN_METRICS } from './metrics.ts';
import type { Rule } from './rule.ts';
import { DEFAULT_THRESHOLDS, DEFAULT_THRESHOLDS_CONFIG, parseThresholds } from './rule-parser.ts';

const P = 'system_info.thresholds';

describe('parseThresholds: valid input', () => {
  it.each<[string, unknown, Rule[]]>([
    [
      'the original form: value and message_type',
      { cpu_percent: { value: 80, message_type: 'warning' } },
      [{ metric: 'cpu_percent', value: 80, operator: '>', type: 'warning' }],
    ],
    [
      'a rule without message_type is a warning',
      { memory_percent: { value: 90 } },
      [{ metric: 'memory_percent', value: 90, operator: '>', type: 'warning' }],
    ],
    [
      'the older key `type` is accepted',
      { disk_usage_percent: { value: 80, type: 'alarm' } },
      [{ metric: 'disk_usage_percent', value: 80, operator: '>', type: 'alarm' }],
    ],
    [
      'type and message_type may both be given when they agree',
      { cpu_percent: { value: 80, type: 'error', message_type: 'error' } },
      [{ metric: 'cpu_percent', value: 80, operator: '>', type: 'error' }],
    ],
    [
      'the message type is read case-insensitively, as /message reads it',
      { cpu_percent: { value: 80, message_type: ' Alarm ' } },
      [{ metric: 'cpu_percent', value: 80, operator: '>', type: 'alarm' }],
    ],
    [
      'an operator lets a low value alert',
      { disk_usage_free: { value: 1073741824, operator: '<', message_type: 'error' } },
      [{ metric: 'disk_usage_free', value: 1073741824, operator: '<', type: 'error' }],
    ],
    [
      'a list gives several rules per metric, per mount, in order',
      {
        disk_usage_percent: [
          { value: 80, message_type: 'warning', mount: '*' },
          { value: 95, message_type: 'alarm', mount: '/data', operator: '>=' },
        ],
      },
      [
        { metric: 'disk_usage_percent', value: 80, operator: '>', type: 'warning', mount: '*' },
        { metric: 'disk_usage_percent', value: 95, operator: '>=', type: 'alarm', mount: '/data' },
      ],
    ],
    [
      'v2 metrics are known',
      { load_1: { value: 4 }, cpu_temperature: { value: 75.5, message_type: 'error' } },
      [
        { metric: 'load_1', value: 4, operator: '>', type: 'warning' },
        { metric: 'cpu_temperature', value: 75.5, operator: '>', type: 'error' },
      ],
    ],
    ['an empty list gives no rule', { cpu_percent: [] }, []],
    ['an empty object gives no rule', {}, []],
    ['undefined (key absent) gives no rule', undefined, []],
    ['null (empty YAML key) gives no rule', null, []],
  ])('%s', (_meaning, raw, rules) => {
    expect(parseThresholds(raw)).toEqual({ rules, problems: [] });
  });

  it('gives the original defaults from DEFAULT_THRESHOLDS_CONFIG', () => {
    expect(parseThresholds(DEFAULT_THRESHOLDS_CONFIG).problems).toEqual([]);
    expect(DEFAULT_THRESHOLDS).toEqual([
      { metric: 'cpu_percent', value: 80, operator: '>', type: 'warning' },
      { metric: 'memory_percent', value: 80, operator: '>', type: 'warning' },
      { metric: 'disk_usage_percent', value: 80, operator: '>', type: 'alarm' },
    ]);
    expect(Object.isFrozen(DEFAULT_THRESHOLDS) && DEFAULT_THRESHOLDS.every((r) => Object.isFrozen(r))).toBe(true);
  });
});

describe('parseThresholds: problems', () => {
  it.each<[string, unknown, { path: string; message: string }[]]>([
    [
      'thresholds that are not an object',
      'cpu_percent > 80',
      [{ path: P, message: 'expected an object of metric names to rules, got "cpu_percent > 80"' }],
    ],
    [
      'thresholds given as a list',
      [{ value: 1 }],
      [{ path: P, message: 'expected an object of metric names to rules, got a list' }],
    ],
    [
      'a rule that is not an object',
      { cpu_percent: 80 },
      [
        {
          path: `${P}.cpu_percent`,
          message: 'expected a rule { value, message_type?, operator?, mount? } or a list of them, got 80',
        },
      ],
    ],
    [
      'a list item that is not an object, with its index',
      { cpu_percent: [{ value: 80, operator: '>>' }, null] },
      [
        { path: `${P}.cpu_percent[0].operator`, message: 'expected one of >, >=, <, <=, got ">>"' },
        {
          path: `${P}.cpu_percent[1]`,
          message: 'expected a rule { value, message_type?, operator?, mount? } or a list of them, got null',
        },
      ],
    ],
    [
      'a missing value',
      { cpu_percent: { message_type: 'warning' } },
      [{ path: `${P}.cpu_percent.value`, message: 'required: expected a finite number' }],
    ],
    [
      'a non-numeric value (a quoted number is not a number)',
      { cpu_percent: { value: '80' } },
      [{ path: `${P}.cpu_percent.value`, message: 'expected a finite number, got "80"' }],
    ],
    [
      'a NaN value',
      { cpu_percent: { value: Number.NaN } },
      [{ path: `${P}.cpu_percent.value`, message: 'expected a finite number, got NaN' }],
    ],
    [
      'an infinite value',
      { memory_percent: { value: Number.POSITIVE_INFINITY } },
      [{ path: `${P}.memory_percent.value`, message: 'expected a finite number, got Infinity' }],
    ],
    [
      'an unknown operator',
      { cpu_percent: { value: 80, operator: '=>' } },
      [{ path: `${P}.cpu_percent.operator`, message: 'expected one of >, >=, <, <=, got "=>"' }],
    ],
    [
      'an unknown message_type',
      { cpu_percent: { value: 80, message_type: 'critical' } },
      [
        {
          path: `${P}.cpu_percent.message_type`,
          message: 'expected one of none, info, warning, error, alarm, got "critical"',
        },
      ],
    ],
    [
      'an unknown type (the older key) names that key',
      { cpu_percent: { value: 80, type: 3 } },
      [{ path: `${P}.cpu_percent.type`, message: 'expected one of none, info, warning, error, alarm, got 3' }],
    ],
    [
      'type and message_type that disagree',
      { cpu_percent: { value: 80, type: 'alarm', message_type: 'info' } },
      [
        {
          path: `${P}.cpu_percent.type`,
          message: 'conflicts with message_type "info" (type is its older name): give only one',
        },
      ],
    ],
    [
      'an unknown metric lists the known ones',
      { cpu_load: { value: 3 } },
      [{ path: `${P}.cpu_load`, message: `unknown metric; known metrics: ${KNOWN_METRICS.join(', ')}` }],
    ],
    [
      'a mount on a metric that is not a disk metric',
      { memory_percent: { value: 80, mount: '/data' } },
      [
        {
          path: `${P}.memory_percent.mount`,
          message:
            'only disk metrics (disk_usage_total, disk_usage_used, disk_usage_free, disk_usage_percent) have a mount point',
        },
      ],
    ],
    [
      'an empty mount',
      { disk_usage_percent: [{ value: 80, mount: ' ' }] },
      [
        {
          path: `${P}.disk_usage_percent[0].mount`,
          message: 'expected a mount point such as "/data", or "*", got " "',
        },
      ],
    ],
    [
      'a misspelt key',
      { cpu_percent: { value: 80, mesage_type: 'alarm' } },
      [
        {
          path: `${P}.cpu_percent.mesage_type`,
          message: 'unknown key; expected value, message_type, type, operator, mount',
        },
      ],
    ],
  ])('%s', (_meaning, raw, problems) => {
    expect(parseThresholds(raw)).toEqual({ rules: [], problems });
  });

  it('lists every problem, keeps the valid rules, and never throws', () => {
    const raw = {
      cpu_percent: { value: 'high', operator: '!=' },
      memory_percent: { value: 90, message_type: 'error' },
      nope: {},
      disk_usage_percent: [{ value: 95, mount: '/data' }, { mount: 3 }],
    };
    const { rules, problems } = parseThresholds(raw, 'thresholds');
    expect(rules).toEqual([
      { metric: 'memory_percent', value: 90, operator: '>', type: 'error' },
      { metric: 'disk_usage_percent', value: 95, operator: '>', type: 'warning', mount: '/data' },
    ]);
    expect(problems.map((p) => p.path)).toEqual([
      'thresholds.cpu_percent.value',
      'thresholds.cpu_percent.operator',
      'thresholds.nope',
      'thresholds.disk_usage_percent[1].value',
      'thresholds.disk_usage_percent[1].mount',
    ]);
  });

  it('does not read rule fields from the prototype', () => {
    const inherited = Object.create({ value: 80 }) as object;
    expect(parseThresholds({ cpu_percent: inherited }).problems).toEqual([
      { path: `${P}.cpu_percent.value`, message: 'required: expected a finite number' },
    ]);
  });
});
