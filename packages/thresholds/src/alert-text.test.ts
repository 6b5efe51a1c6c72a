import { describe, expect, it } from 'vitest';
import type { AlertNotification } from './alert-notification.ts';
import { alertLabel, formatNotification, formatNotifications } from './alert-text.ts';
import { evaluate } from './evaluation.ts';
import { DEFAULT_REPORT_FORMAT, formatReport } from './report.ts';
import type { ReportInput } from './report-input.ts';
import { DEFAULT_THRESHOLDS } from './rule-parser.ts';

const T0 = Date.UTC(2026, 10, 3, 14, 2);
const MIN = 60_000;

const cpu = (n: Partial<AlertNotification>): AlertNotification => ({
  reason: 'firing',
  hostname: 'pi1',
  key: 'cpu_percent',
  metric: 'cpu_percent',
  level: 'warning',
  limit: { type: 'warning', value: 80, operator: '>', clear: 76 },
  value: 93.1,
  firingSince: T0,
  durationMs: 0,
  at: T0,
  ...n,
});

const silent = (n: Partial<AlertNotification>): AlertNotification => ({
  reason: 'firing',
  hostname: 'pi1',
  key: 'host_silent',
  metric: 'host_silent',
  level: 'alarm',
  limit: { type: 'alarm', value: 3 * MIN, operator: '>', clear: 3 * MIN },
  value: 12 * MIN,
  firingSince: T0 + 12 * MIN,
  durationMs: 0,
  at: T0 + 12 * MIN,
  lastSeenAt: T0,
  ...n,
});

const input: ReportInput = {
  hostname: 'pi1',
  entries: [
    ['cpu_percent', 96.2],
    ['memory_percent', 40],
  ],
};

describe('formatNotification', () => {
  it.each<[string, AlertNotification, { spoiler: string; text: string; type: string }]>([
    [
      'a reminder says how long it has been firing, the value now and the limits',
      cpu({ reason: 'repeat', durationMs: 125 * MIN, at: T0 + 125 * MIN }),
      {
        spoiler: '⚠️ pi1',
        text: 'CPU % on pi1 firing for 2h 5m, now 93.1 (fires over 80, clears at 76)',
        type: 'warning',
      },
    ],
    [
      'a resolution says what recovered, to what, and how long it lasted (an info post)',
      cpu({ reason: 'resolved', value: 41.2, durationMs: 35 * MIN }),
      { spoiler: 'ℹ️ pi1', text: 'CPU % on pi1 recovered: 41.2 (was over 80 for 35m)', type: 'info' },
    ],
    [
      'a de-escalation names both levels',
      cpu({ reason: 'deescalated', previousLevel: 'alarm', value: 91, durationMs: 25 * MIN }),
      {
        spoiler: '⚠️ pi1',
        text: 'CPU % on pi1 down from alarm to warning: 91 (fires over 80, firing for 25m)',
        type: 'warning',
      },
    ],
    [
      'an escalation without the report is one line',
      cpu({
        reason: 'escalated',
        level: 'alarm',
        previousLevel: 'warning',
        value: 96.2,
        limit: { type: 'alarm', value: 95, operator: '>', clear: 90.25 },
      }),
      { spoiler: '🚨 pi1', text: 'CPU % on pi1 escalated from warning to alarm: 96.2 (over 95)', type: 'alarm' },
    ],
    [
      'a filesystem alert on low free space prints bytes and the mount',
      {
        ...cpu({ reason: 'resolved', value: 2 * 1024 ** 3, durationMs: 3 * 3_600_000 }),
        key: 'disk_usage_free@/data:below',
        metric: 'disk_usage_free',
        mount: '/data',
        limit: { type: 'warning', value: 1024 ** 3, operator: '<', clear: 1.05 * 1024 ** 3 },
      },
      { spoiler: 'ℹ️ pi1', text: 'Disk Free (/data) on pi1 recovered: 2 GB (was under 1 GB for 3h)', type: 'info' },
    ],
    [
      'a silent host: for how long, and the last report in UTC',
      silent({}),
      { spoiler: '🚨 pi1', text: 'pi1 has not reported for 12m (last report 14:02 UTC)', type: 'alarm' },
    ],
    [
      'a silent host since another day shows the date',
      silent({ value: 26 * 3_600_000, at: T0 + 26 * 3_600_000 }),
      {
        spoiler: '🚨 pi1',
        text: 'pi1 has not reported for 1d 2h (last report 2026-11-03 14:02 UTC)',
        type: 'alarm',
      },
    ],
    [
      'a still-silent reminder',
      silent({ reason: 'repeat', value: 72 * MIN, at: T0 + 72 * MIN }),
      { spoiler: '🚨 pi1', text: 'pi1 is still silent: no report for 1h 12m (last report 14:02 UTC)', type: 'alarm' },
    ],
    [
      'an expected host that never reported',
      silent({ lastSeenAt: undefined }),
      { spoiler: '🚨 pi1', text: 'pi1 has never reported (expected; nothing for 12m)', type: 'alarm' },
    ],
    [
      'a host back: how long it was silent',
      silent({ reason: 'resolved', value: 0, at: T0 + 25 * MIN }),
      { spoiler: 'ℹ️ pi1', text: 'pi1 is reporting again after 25m of silence', type: 'info' },
    ],
    [
      'an expected host’s first report',
      silent({ reason: 'resolved', value: 0, lastSeenAt: undefined }),
      { spoiler: 'ℹ️ pi1', text: 'pi1 has sent its first report', type: 'info' },
    ],
    [
      'a blank hostname is the unknown host',
      cpu({ reason: 'resolved', hostname: ' ', value: 41.2, durationMs: 35 * MIN }),
      { spoiler: 'ℹ️ unknown host', text: 'CPU % on unknown host recovered: 41.2 (was over 80 for 35m)', type: 'info' },
    ],
  ])('%s', (_meaning, notification, post) => {
    expect(formatNotification(notification)).toEqual(post);
  });

  it('an escalation with the report adds its lines after a blank line', () => {
    const n = cpu({
      reason: 'escalated',
      level: 'alarm',
      previousLevel: 'warning',
      value: 96.2,
      limit: { type: 'alarm', value: 95, operator: '>', clear: 90.25 },
    });
    expect(formatNotification(n, { input, rules: DEFAULT_THRESHOLDS }).text).toBe(
      'CPU % on pi1 escalated from warning to alarm: 96.2 (over 95)\n\n- **CPU %**: 96.2 ❗️\n- **Memory %**: 40',
    );
  });

  it('a firing post is the original report, with the alert’s level as its icon', () => {
    const post = formatNotification(cpu({ level: 'alarm', value: 96.2 }), { input, rules: DEFAULT_THRESHOLDS });
    expect(post).toEqual({
      spoiler: '🚨 pi1',
      text: formatReport(input, evaluate(input, DEFAULT_THRESHOLDS)).text,
      type: 'alarm',
    });
  });

  it('a firing post without the report is the crossed line', () => {
    expect(formatNotification(cpu({}))).toEqual({ spoiler: '⚠️ pi1', text: '- **CPU %**: 93.1 ❗️', type: 'warning' });
  });

  it('an alert that began firing before its post (a silence held it back) says since when', () => {
    const post = formatNotification(cpu({ firingSince: T0, at: T0 + 95 * MIN, durationMs: 95 * MIN }));
    expect(post.text).toBe('- **CPU %**: 93.1 ❗️\nCPU % over 80 since 14:02 UTC (1h 35m)');
  });
});

describe('formatNotifications', () => {
  it('joins the firing notifications of one report into one report post, and keeps the others apart', () => {
    const memory = cpu({ key: 'memory_percent', metric: 'memory_percent', level: 'alarm', value: 99 });
    const resolved = cpu({ key: 'load_1', metric: 'load_1', reason: 'resolved', value: 0.5, durationMs: 10 * MIN });
    const reportInput: ReportInput = {
      hostname: 'pi1',
      entries: [
        ['cpu_percent', 93.1],
        ['memory_percent', 99],
      ],
    };
    const posts = formatNotifications([resolved, cpu({}), memory], { input: reportInput, rules: DEFAULT_THRESHOLDS });
    expect(posts).toEqual([
      { spoiler: 'ℹ️ pi1', text: 'Load 1 min on pi1 recovered: 0.5 (was over 80 for 10m)', type: 'info' },
      { spoiler: '🚨 pi1', text: '- **CPU %**: 93.1 ❗️\n- **Memory %**: 99 ❗️', type: 'alarm' },
    ]);
  });

  it('gives no post for no notification', () => {
    expect(formatNotifications([])).toEqual([]);
  });
});

describe('alertLabel', () => {
  it('names an alert as its posts do, with its filesystem; the silence alarm in words', () => {
    expect(alertLabel({ metric: 'cpu_percent' })).toBe('CPU %');
    expect(alertLabel({ metric: 'disk_usage_percent', mount: '/data' })).toBe('Disk % (/data)');
    expect(alertLabel({ metric: 'gpu_temp' })).toBe('gpu_temp');
    expect(alertLabel({ metric: 'host_silent' })).toBe('Host silent');
    const format = { ...DEFAULT_REPORT_FORMAT, namesMap: { cpu_percent: 'Processor' } };
    expect(alertLabel({ metric: 'cpu_percent' }, format)).toBe('Processor');
  });
});
