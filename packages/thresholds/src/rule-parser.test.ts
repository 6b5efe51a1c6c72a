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
          message: 'unknown key; expected value, message_type, type, operator, mount, for, repeat, clear, levels',
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

describe('parseThresholds: the alert lifecycle keys', () => {
  it.each<[string, unknown, Rule[]]>([
    [
      '`for` and `repeat` as durations, `clear` as a number',
      { cpu_percent: { value: 80, for: '5m', repeat: '2h', clear: 70 } },
      [
        {
          metric: 'cpu_percent',
          value: 80,
          operator: '>',
          type: 'warning',
          forMs: 300_000,
          repeatMs: 7_200_000,
          clear: 70,
        },
      ],
    ],
    [
      '`for` in seconds, `repeat: never` is 0',
      { cpu_percent: { value: 80, for: 90, repeat: 'never' } },
      [{ metric: 'cpu_percent', value: 80, operator: '>', type: 'warning', forMs: 90_000, repeatMs: 0 }],
    ],
    [
      '`clear` equal to the limit is allowed (no hysteresis)',
      { cpu_percent: { value: 80, clear: 80 } },
      [{ metric: 'cpu_percent', value: 80, operator: '>', type: 'warning', clear: 80 }],
    ],
    [
      'a `<` rule clears above its limit',
      { disk_usage_free: { value: 1000, operator: '<', clear: 1500 } },
      [{ metric: 'disk_usage_free', value: 1000, operator: '<', type: 'warning', clear: 1500 }],
    ],
    [
      '`levels` gives one rule per level, least severe first, sharing operator, mount and timing',
      { disk_usage_percent: { levels: { alarm: 95, warning: 80 }, mount: '/data', for: '1m' } },
      [
        { metric: 'disk_usage_percent', value: 80, operator: '>', type: 'warning', mount: '/data', forMs: 60_000 },
        { metric: 'disk_usage_percent', value: 95, operator: '>', type: 'alarm', mount: '/data', forMs: 60_000 },
      ],
    ],
    [
      'a level may set its own `clear`; the entry `clear` is the least severe level’s',
      { cpu_percent: { levels: { warning: 80, alarm: { value: 95, clear: 90 } }, clear: 70 } },
      [
        { metric: 'cpu_percent', value: 80, operator: '>', type: 'warning', clear: 70 },
        { metric: 'cpu_percent', value: 95, operator: '>', type: 'alarm', clear: 90 },
      ],
    ],
    [
      'a list of rules on one metric makes the levels of one alert',
      {
        cpu_percent: [
          { value: 80, for: '5m' },
          { value: 95, message_type: 'alarm' },
        ],
      },
      [
        { metric: 'cpu_percent', value: 80, operator: '>', type: 'warning', forMs: 300_000 },
        { metric: 'cpu_percent', value: 95, operator: '>', type: 'alarm' },
      ],
    ],
    [
      'rules in opposite directions on one metric are two alerts, not levels',
      {
        cpu_temperature: [
          { value: 80, message_type: 'alarm' },
          { value: 5, operator: '<', message_type: 'warning' },
        ],
      },
      [
        { metric: 'cpu_temperature', value: 80, operator: '>', type: 'alarm' },
        { metric: 'cpu_temperature', value: 5, operator: '<', type: 'warning' },
      ],
    ],
  ])('%s', (_meaning, raw, rules) => {
    expect(parseThresholds(raw)).toEqual({ rules, problems: [] });
  });

  it.each<[string, unknown, { path: string; message: string }[]]>([
    [
      'clear above the limit of a ">" rule cannot work',
      { cpu_percent: { value: 80, clear: 85 } },
      [{ path: `${P}.cpu_percent.clear`, message: 'must be at or below value 80 for a ">" rule, got 85' }],
    ],
    [
      'clear below the limit of a "<" rule cannot work',
      { disk_usage_free: { value: 1000, operator: '<', clear: 900 } },
      [{ path: `${P}.disk_usage_free.clear`, message: 'must be at or above value 1000 for a "<" rule, got 900' }],
    ],
    [
      'a level clear on the wrong side names the level',
      { cpu_percent: { levels: { warning: 80, alarm: { value: 95, clear: 99 } } } },
      [{ path: `${P}.cpu_percent.levels.alarm.clear`, message: 'must be at or below value 95 for a ">" rule, got 99' }],
    ],
    [
      'a negative `for`',
      { cpu_percent: { value: 80, for: '-5m' } },
      [{ path: `${P}.cpu_percent.for`, message: 'must not be negative, got "-5m"' }],
    ],
    [
      'a negative `repeat`',
      { cpu_percent: { value: 80, repeat: -1 } },
      [{ path: `${P}.cpu_percent.repeat`, message: 'must not be negative, got -1 (or "never")' }],
    ],
    [
      'an unreadable `for`',
      { cpu_percent: { value: 80, for: 'soon' } },
      [
        {
          path: `${P}.cpu_percent.for`,
          message: 'expected a duration such as "30s", "5m", "1h" or a number of seconds, got "soon"',
        },
      ],
    ],
    [
      'a non-numeric clear',
      { cpu_percent: { value: 80, clear: '70' } },
      [{ path: `${P}.cpu_percent.clear`, message: 'expected a finite number, got "70"' }],
    ],
    [
      '`levels` with `value` as well',
      { cpu_percent: { value: 80, levels: { alarm: 95 } } },
      [
        {
          path: `${P}.cpu_percent.levels`,
          message: 'give either value (with message_type) or levels, not both (value)',
        },
      ],
    ],
    [
      '`levels` that is not an object',
      { cpu_percent: { levels: [80, 95] } },
      [
        {
          path: `${P}.cpu_percent.levels`,
          message: 'expected an object of message types to limits, e.g. { warning: 80, alarm: 95 }, got a list',
        },
      ],
    ],
    [
      'an empty `levels`',
      { cpu_percent: { levels: {} } },
      [{ path: `${P}.cpu_percent.levels`, message: 'expected at least one level, e.g. { warning: 80, alarm: 95 }' }],
    ],
    [
      'a level that is not a message type',
      { cpu_percent: { levels: { critical: 95 } } },
      [
        {
          path: `${P}.cpu_percent.levels.critical`,
          message: 'unknown message type; expected one of none, info, warning, error, alarm',
        },
      ],
    ],
    [
      'a level given twice in two spellings',
      { cpu_percent: { levels: { alarm: 95, Alarm: 96 } } },
      [
        {
          path: `${P}.cpu_percent.levels.Alarm`,
          message: `the same level as ${P}.cpu_percent.levels.alarm: give each message type once`,
        },
      ],
    ],
    [
      'a level with an unknown key or a non-numeric value',
      { cpu_percent: { levels: { warning: { value: 'x', clr: 1 } } } },
      [
        { path: `${P}.cpu_percent.levels.warning.clr`, message: 'unknown key; expected value, clear' },
        { path: `${P}.cpu_percent.levels.warning.value`, message: 'expected a finite number, got "x"' },
      ],
    ],
    [
      'a more severe level with a lower limit, in `levels`',
      { cpu_percent: { levels: { warning: 95, alarm: 80 } } },
      [
        {
          path: `${P}.cpu_percent.levels.alarm`,
          message: `alarm at 80 must be above warning at 95 (${P}.cpu_percent.levels.warning): a more severe level needs a higher limit`,
        },
      ],
    ],
    [
      'a more severe level with a higher limit, on a "<" rule',
      {
        disk_usage_free: [
          { value: 1000, operator: '<', type: 'alarm' },
          { value: 500, operator: '<' },
        ],
      },
      [
        {
          path: `${P}.disk_usage_free[0].value`,
          message: `alarm at 1000 must be below warning at 500 (${P}.disk_usage_free[1]): a more severe level needs a lower limit`,
        },
      ],
    ],
    [
      'two rules of one type on one alert',
      { cpu_percent: [{ value: 80 }, { value: 90 }] },
      [
        {
          path: `${P}.cpu_percent[1]`,
          message: `a second warning level of one alert (the first is ${P}.cpu_percent[0])`,
        },
      ],
    ],
    [
      'two `for` on one alert',
      {
        cpu_percent: [
          { value: 80, for: '5m' },
          { value: 95, type: 'alarm', for: '1m' },
        ],
      },
      [
        {
          path: `${P}.cpu_percent[1].for`,
          message: `conflicts with ${P}.cpu_percent[0].for: the levels of one alert share one for`,
        },
      ],
    ],
    [
      'two `repeat` on one alert',
      {
        cpu_percent: [
          { value: 80, repeat: '1h' },
          { value: 95, type: 'alarm', repeat: 'never' },
        ],
      },
      [
        {
          path: `${P}.cpu_percent[1].repeat`,
          message: `conflicts with ${P}.cpu_percent[0].repeat: the levels of one alert share one repeat`,
        },
      ],
    ],
    [
      'a filesystem rule whose level is out of order with the `*` rule it joins',
      {
        disk_usage_percent: [
          { value: 90, message_type: 'alarm', mount: '*' },
          { value: 95, message_type: 'warning', mount: '/data' },
        ],
      },
      [
        {
          path: `${P}.disk_usage_percent[1].value`,
          message: `alarm at 90 must be above warning at 95 (${P}.disk_usage_percent[0]): a more severe level needs a higher limit`,
        },
      ],
    ],
  ])('%s', (_meaning, raw, problems) => {
    expect(parseThresholds(raw).problems).toEqual(problems);
  });

  it('keeps the rules of the entries without problems', () => {
    const { rules } = parseThresholds({ cpu_percent: [{ value: 80 }, { value: 90 }], memory_percent: { value: 90 } });
    expect(rules.map((r) => [r.metric, r.value])).toEqual([
      ['cpu_percent', 80],
      ['memory_percent', 90],
    ]);
  });
});
