import { describe, expect, it } from 'vitest';
import { type AlertingSettings, DEFAULT_ALERTING, parseAlerting } from './alerting-config.ts';

const A = 'alerting';

describe('parseAlerting', () => {
  it.each<[string, unknown, Partial<AlertingSettings>]>([
    ['no section gives the defaults', undefined, {}],
    ['an empty YAML key gives the defaults', null, {}],
    ['the original behaviour, as a setting', { mode: 'every_report' }, { mode: 'every_report' }],
    [
      'default timing as durations',
      { default_for: '2m', default_repeat: '30m' },
      { defaultForMs: 120_000, defaultRepeatMs: 1_800_000 },
    ],
    ['`default_repeat: never` turns reminders off', { default_repeat: 'never' }, { defaultRepeatMs: 0 }],
    ['`silent_after` as a duration', { silent_after: '10m' }, { silentAfterMs: 600_000 }],
    ['`silent_after: never` turns the silence check off', { silent_after: 'never' }, { silentAfterMs: 'never' }],
    [
      'expected hosts, repeated names once',
      { expected_hosts: ['pi1', 'vps', 'pi1'] },
      { expectedHosts: ['pi1', 'vps'] },
    ],
    [
      'per-host overrides and mutes',
      {
        hosts: {
          pi1: {
            thresholds: { cpu_percent: { value: 95, for: '10m' }, disk_usage_percent: [] },
            mute: ['host_silent'],
          },
          nas: { mute: true },
        },
      },
      {
        hosts: {
          pi1: {
            thresholds: {
              metrics: ['cpu_percent', 'disk_usage_percent'],
              rules: [{ metric: 'cpu_percent', value: 95, operator: '>', type: 'warning', forMs: 600_000 }],
            },
            mute: ['host_silent'],
          },
          nas: { mute: true },
        },
      },
    ],
  ])('%s', (_meaning, raw, settings) => {
    expect(parseAlerting(raw)).toEqual({ settings: { ...DEFAULT_ALERTING, ...settings }, problems: [] });
  });

  it('defaults to the lifecycle: no `for`, reminders every hour, silent after three usual intervals', () => {
    expect(DEFAULT_ALERTING).toEqual({
      mode: 'lifecycle',
      defaultForMs: 0,
      defaultRepeatMs: 3_600_000,
      silentAfterMs: 'auto',
      forgetAfterMs: 30 * 24 * 3_600_000,
      expectedHosts: [],
      hosts: {},
    });
  });

  it('reads forget_after: a duration of at least an hour, or never', () => {
    expect(parseAlerting({ forget_after: '7d' }).settings.forgetAfterMs).toBe(7 * 24 * 3_600_000);
    expect(parseAlerting({ forget_after: 'never' }).settings.forgetAfterMs).toBe('never');
    expect(parseAlerting({ forget_after: '5m' }).problems).toEqual([
      { path: 'alerting.forget_after', message: 'must be at least 1h (or "never")' },
    ]);
  });

  it.each<[string, unknown, { path: string; message: string }[]]>([
    [
      'a section that is not an object',
      'on',
      [{ path: A, message: 'expected an object of alerting settings, got "on"' }],
    ],
    [
      'an unknown key',
      { repeat: '1h' },
      [
        {
          path: `${A}.repeat`,
          message:
            'unknown key; expected mode, default_for, default_repeat, silent_after, forget_after, expected_hosts, hosts',
        },
      ],
    ],
    [
      'an unknown mode',
      { mode: 'quiet' },
      [{ path: `${A}.mode`, message: 'expected one of lifecycle, every_report, got "quiet"' }],
    ],
    [
      'negative durations',
      { default_for: -1, default_repeat: '-1h' },
      [
        { path: `${A}.default_for`, message: 'must not be negative, got -1' },
        { path: `${A}.default_repeat`, message: 'must not be negative, got "-1h" (or "never")' },
      ],
    ],
    [
      'a zero silent_after',
      { silent_after: 0 },
      [{ path: `${A}.silent_after`, message: 'must be more than 0 (or "auto", or "never")' }],
    ],
    [
      'expected hosts that are not names',
      { expected_hosts: ['pi1', '', 3] },
      [
        { path: `${A}.expected_hosts[1]`, message: 'expected a hostname, got ""' },
        { path: `${A}.expected_hosts[2]`, message: 'expected a hostname, got 3' },
      ],
    ],
    [
      'a host override that cannot work, with its key path',
      { hosts: { pi1: { thresholds: { cpu_percent: { value: 80, clear: 90 } } } } },
      [
        {
          path: `${A}.hosts.pi1.thresholds.cpu_percent.clear`,
          message: 'must be at or below value 80 for a ">" rule, got 90',
        },
      ],
    ],
    [
      'a host override on an unknown metric',
      { hosts: { pi1: { thresholds: { cpu: { value: 80 } } } } },
      [{ path: `${A}.hosts.pi1.thresholds.cpu`, message: expect.stringMatching(/^unknown metric; known metrics: /) }],
    ],
    [
      'a mute that is neither true nor a list, and a muted name that is no metric',
      { hosts: { pi1: { mute: 'yes' }, pi2: { mute: ['cpu'] }, pi3: { silence: true } } },
      [
        {
          path: `${A}.hosts.pi1.mute`,
          message: 'expected true, false or a list of metrics (or host_silent), got "yes"',
        },
        { path: `${A}.hosts.pi2.mute[0]`, message: 'expected a metric name or host_silent, got "cpu"' },
        { path: `${A}.hosts.pi3.silence`, message: 'unknown key; expected thresholds, mute' },
      ],
    ],
  ])('rejects %s', (_meaning, raw, problems) => {
    expect(parseAlerting(raw).problems).toEqual(problems);
  });

  it('keeps the defaults for the keys in error', () => {
    const { settings } = parseAlerting({ mode: 'x', default_repeat: '2h' });
    expect(settings.mode).toBe('lifecycle');
    expect(settings.defaultRepeatMs).toBe(7_200_000);
  });
});
