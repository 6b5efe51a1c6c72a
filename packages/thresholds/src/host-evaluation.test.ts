import type { DiskSample } from '@janitor/protocol';
import { describe, expect, it } from 'vitest';
import type { AlertNotification } from './alert-notification.ts';
import { createAlertPlan } from './alert-plan.ts';
import type { AlertState } from './alert-state.ts';
import { formatNotifications } from './alert-text.ts';
import { parseAlerting } from './alerting-config.ts';
import { evaluate } from './evaluation.ts';
import { alertOfKey, evaluateHost } from './host-evaluation.ts';
import { formatReport } from './report.ts';
import type { ReportInput } from './report-input.ts';
import { DEFAULT_THRESHOLDS, parseThresholds } from './rule-parser.ts';

const T0 = Date.UTC(2026, 10, 3, 12, 0);
const MIN = 60_000;
const at = (minute: number) => T0 + minute * MIN;

function planOf(thresholds: unknown, alerting?: unknown) {
  const parsedRules = parseThresholds(thresholds);
  const parsedAlerting = parseAlerting(alerting);
  expect([...parsedRules.problems, ...parsedAlerting.problems]).toEqual([]);
  return createAlertPlan({ rules: parsedRules.rules, settings: parsedAlerting.settings });
}

const report = (hostname: string, metrics: Record<string, number>, disks?: DiskSample[]): ReportInput => ({
  hostname,
  entries: Object.entries(metrics),
  ...(disks === undefined ? {} : { disks }),
});

const disk = (mount: string, usedPercent: number): DiskSample => ({
  mount,
  device: `dev${mount}`,
  fsType: 'ext4',
  totalBytes: 1000,
  usedBytes: usedPercent * 10,
  freeBytes: 1000 - usedPercent * 10,
  usedPercent,
});

const brief = (notifications: readonly AlertNotification[]) =>
  notifications.map((n) => `${n.reason} ${n.key} ${n.level}`);

/** Feeds one host's reports, one a minute, keeping the states between them; returns every notification. */
function feed(plan: ReturnType<typeof planOf>, inputs: readonly ReportInput[], silencedUntil?: number) {
  let states: Record<string, AlertState> = {};
  const all: AlertNotification[][] = [];
  inputs.forEach((input, minute) => {
    const result = evaluateHost(input, {
      plan: plan.host(input.hostname ?? ''),
      states,
      now: at(minute),
      ...(silencedUntil === undefined ? {} : { silencedUntil }),
    });
    states = JSON.parse(JSON.stringify(result.states)) as Record<string, AlertState>;
    all.push(result.notifications);
  });
  return { states, notifications: all };
}

describe('evaluateHost', () => {
  const thresholds = { cpu_percent: { value: 80 }, memory_percent: { value: 80 } };

  it('rules apply to every host; a host override replaces the rules of that metric on that host', () => {
    const plan = planOf(thresholds, { hosts: { pi1: { thresholds: { cpu_percent: { value: 95 } } } } });
    const pi1 = evaluateHost(report('pi1', { cpu_percent: 90, memory_percent: 90 }), {
      plan: plan.host('pi1'),
      now: T0,
    });
    const pi2 = evaluateHost(report('pi2', { cpu_percent: 90, memory_percent: 90 }), {
      plan: plan.host('pi2'),
      now: T0,
    });
    expect(brief(pi1.notifications)).toEqual(['firing memory_percent warning']);
    expect(brief(pi2.notifications)).toEqual(['firing cpu_percent warning', 'firing memory_percent warning']);
  });

  it('a host override with an empty list leaves the metric without rules on that host', () => {
    const plan = planOf(thresholds, { hosts: { pi1: { thresholds: { cpu_percent: [] } } } });
    const { notifications } = evaluateHost(report('pi1', { cpu_percent: 99 }), { plan: plan.host('pi1'), now: T0 });
    expect(notifications).toEqual([]);
  });

  it('a per-host mute holds back the posts about a metric, yet the alert is evaluated and posted once unmuted', () => {
    const muted = planOf(thresholds, { hosts: { pi1: { mute: ['cpu_percent'] } } });
    const first = evaluateHost(report('pi1', { cpu_percent: 90, memory_percent: 90 }), {
      plan: muted.host('pi1'),
      now: T0,
    });
    expect(brief(first.notifications)).toEqual(['firing memory_percent warning']);
    expect(first.states.cpu_percent).toMatchObject({ phase: 'firing', level: 'warning' });
    const unmuted = planOf(thresholds);
    const later = evaluateHost(report('pi1', { cpu_percent: 91, memory_percent: 90 }), {
      plan: unmuted.host('pi1'),
      states: first.states,
      now: at(1),
    });
    expect(brief(later.notifications)).toEqual(['firing cpu_percent warning']);
  });

  it('`mute: true` holds back every post about the host', () => {
    const plan = planOf(thresholds, { hosts: { pi1: { mute: true } } });
    const { notifications, states } = feed(plan, [report('pi1', { cpu_percent: 90, memory_percent: 90 })]);
    expect(notifications.flat()).toEqual([]);
    expect(Object.keys(states)).toEqual(['cpu_percent', 'memory_percent']);
  });

  it('a silence holds posts back while evaluating; what still fires is posted when it ends', () => {
    const plan = planOf(thresholds);
    const inputs = [
      report('pi1', { cpu_percent: 90, memory_percent: 90 }),
      report('pi1', { cpu_percent: 90, memory_percent: 10 }),
      report('pi1', { cpu_percent: 90, memory_percent: 10 }),
    ];
    const { notifications } = feed(plan, inputs, at(2));
    expect(notifications.map(brief)).toEqual([[], [], ['firing cpu_percent warning']]);
    expect(notifications[2]![0]).toMatchObject({ firingSince: at(0), durationMs: 2 * MIN });
  });

  it('a silence per metric or alert key holds back only those posts', () => {
    const plan = planOf(thresholds);
    const { notifications } = evaluateHost(report('pi1', { cpu_percent: 90, memory_percent: 90 }), {
      plan: plan.host('pi1'),
      now: T0,
      silencedUntil: { cpu_percent: at(60) },
    });
    expect(brief(notifications)).toEqual(['firing memory_percent warning']);
  });

  it('a `*` rule is one alert per filesystem; a filesystem missing from a report keeps its state', () => {
    const plan = planOf({
      disk_usage_percent: [
        { value: 80, mount: '*' },
        { value: 95, type: 'alarm', mount: '/data' },
      ],
    });
    const { notifications, states } = feed(plan, [
      report('nas', {}, [disk('/', 85), disk('/data', 96), disk('/boot', 10)]),
      report('nas', {}, [disk('/', 85)]),
    ]);
    expect(notifications.map(brief)).toEqual([
      ['firing disk_usage_percent@/ warning', 'firing disk_usage_percent@/data alarm'],
      [],
    ]);
    expect(notifications[0]![1]).toMatchObject({ mount: '/data', metric: 'disk_usage_percent' });
    expect(Object.keys(states).sort()).toEqual(['disk_usage_percent@/', 'disk_usage_percent@/data']);
  });

  it('drops the state of an alert the config no longer has, and keeps a missing metric’s', () => {
    const before = evaluateHost(report('pi1', { cpu_percent: 90, memory_percent: 90 }), {
      plan: planOf(thresholds).host('pi1'),
      now: T0,
    });
    const after = evaluateHost(report('pi1', { cpu_percent: 90 }), {
      plan: planOf({ memory_percent: { value: 80 } }).host('pi1'),
      states: before.states,
      now: at(1),
    });
    expect(Object.keys(after.states)).toEqual(['memory_percent']);
    expect(after.notifications).toEqual([]);
  });

  it('a report ends the host’s told silence with one "back" post', () => {
    const silent: AlertState = {
      phase: 'firing',
      level: 'alarm',
      since: at(10),
      firingSince: at(10),
      notifiedLevel: 'alarm',
      lastNotifiedAt: at(10),
      lastValue: 10 * MIN,
      lastValueAt: at(10),
      lastSeenAt: at(0),
    };
    const { notifications, states } = evaluateHost(report('pi1', { cpu_percent: 5 }), {
      plan: planOf(thresholds).host('pi1'),
      states: { host_silent: silent },
      now: at(25),
    });
    expect(notifications).toEqual([
      expect.objectContaining({ reason: 'resolved', key: 'host_silent', hostname: 'pi1', lastSeenAt: at(0) }),
    ]);
    expect(states).toEqual({});
  });

  it('every_report mode reproduces the original: one report post for every report that crosses a limit', () => {
    const plan = createAlertPlan({
      rules: DEFAULT_THRESHOLDS,
      settings: parseAlerting({ mode: 'every_report' }).settings,
    });
    const values = [70, 85, 90, 40, 81, 81];
    let states: Record<string, AlertState> = {};
    const posts = values.map((cpu, minute) => {
      const input = report('vm', { cpu_percent: cpu, memory_percent: 50, disk_usage_percent: 30 });
      const result = evaluateHost(input, { plan: plan.host('vm'), states, now: at(minute) });
      states = result.states;
      const made = formatNotifications(result.notifications, { input, rules: plan.host('vm').rules });
      const original = evaluate(input, DEFAULT_THRESHOLDS);
      expect(made).toEqual(original.breaches.length === 0 ? [] : [formatReport(input, original)]);
      return made.length;
    });
    expect(posts).toEqual([0, 1, 1, 0, 1, 1]);
  });
});

/** A seeded pseudo-random generator (mulberry32), so the simulated run is the same on every machine. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('a 6-hour simulated run: one report a minute, cpu_percent noisy between 78 and 83 around its limit 80', () => {
  const next = random(42);
  const cpu = Array.from({ length: 6 * 60 }, () => Math.round((78 + 5 * next()) * 10) / 10);
  const inputs = cpu.map((value) => report('pi1', { cpu_percent: value, memory_percent: 40 }));
  const postsOf = (alerting: unknown) => {
    const plan = planOf({ cpu_percent: { value: 80 } }, alerting);
    const { notifications } = feed(plan, inputs);
    return notifications.flatMap((list, minute) =>
      formatNotifications(list, { input: inputs[minute]!, rules: plan.host('pi1').rules }),
    );
  };

  it('crosses the limit in about half the reports', () => {
    const crossing = cpu.filter((v) => v > 80).length;
    expect(crossing).toBeGreaterThan(150);
    expect(crossing).toBeLessThan(260);
  });

  it('the original behaviour (every_report) posts hundreds of times', () => {
    expect(postsOf({ mode: 'every_report' }).length).toBe(cpu.filter((v) => v > 80).length);
  });

  it('the lifecycle posts a handful: one firing post and hourly reminders', () => {
    const posts = postsOf(undefined);
    expect(posts.length).toBeGreaterThanOrEqual(1);
    expect(posts.length).toBeLessThanOrEqual(6);
    expect(posts[0]!.spoiler).toBe('⚠️ pi1');
    expect(posts.slice(1).every((p) => /^CPU % on pi1 firing for \d+h, now \d/.test(p.text))).toBe(true);
  });

  it('with `for: 5m` and no reminders it posts at most once', () => {
    expect(postsOf({ default_for: '5m', default_repeat: 'never' }).length).toBeLessThanOrEqual(1);
  });
});

describe('alertOfKey', () => {
  const plan = planOf({
    cpu_percent: { value: 80 },
    disk_usage_percent: [
      { value: 80, mount: '*' },
      { value: 95, type: 'alarm', mount: '/data' },
    ],
    disk_usage_free: { value: 1_000_000, operator: '<', mount: '*' },
  }).host('nas');
  const of = (key: string) => {
    const found = alertOfKey(plan, key);
    return found === undefined ? undefined : [found.alert.metric, found.alert.mount, found.mount];
  };

  it.each<[string, string, unknown]>([
    ['a flat alert', 'cpu_percent', ['cpu_percent', undefined, undefined]],
    ['an alert on an exact mount', 'disk_usage_percent@/data', ['disk_usage_percent', '/data', '/data']],
    ['a filesystem of a `*` alert', 'disk_usage_percent@/var/lib', ['disk_usage_percent', '*', '/var/lib']],
    ['a filesystem of a `*` alert on low values', 'disk_usage_free@/boot:below', ['disk_usage_free', '*', '/boot']],
    ['the silence alarm (no rule of the plan)', 'host_silent', undefined],
    ['an alert the config no longer has', 'memory_percent', undefined],
  ])('%s', (_meaning, key, expected) => {
    expect(of(key)).toEqual(expected);
  });
});
