import { describe, expect, it } from 'vitest';
import { type AlertRule, compileAlertRules } from './alert-rule.ts';
import type { AlertState, StepContext } from './alert-state.ts';
import { acknowledge, isIdle, step } from './lifecycle.ts';
import { parseThresholds } from './rule-parser.ts';

const T0 = Date.UTC(2026, 10, 3, 12, 0);
const MIN = 60_000;
const at = (minute: number) => T0 + minute * MIN;

/** The one alert of a `system_info.thresholds` config, as the lifecycle sees it. */
function alertOf(thresholds: unknown): AlertRule {
  const { rules, problems } = parseThresholds(thresholds);
  expect(problems).toEqual([]);
  const alerts = compileAlertRules(rules);
  expect(alerts).toHaveLength(1);
  return alerts[0]!;
}

const cpu = (spec: Record<string, unknown>) => alertOf({ cpu_percent: { value: 80, ...spec } });
const cpuLevels = (spec: Record<string, unknown> = {}) =>
  alertOf({ cpu_percent: { levels: { warning: 80, alarm: 95 }, ...spec } });

/** A value at a minute; `undefined` when the metric is missing from that report. */
type Obs = [minute: number, value: number | undefined];

/** `n` observations, one a minute from `from`, all with the same value. */
const hold = (from: number, n: number, value: number | undefined): Obs[] =>
  Array.from({ length: n }, (_, i) => [from + i, value] as Obs);

/** Runs the observations through `step` (the state through JSON, as the store keeps it) and lists the posts. */
function run(rule: AlertRule, observations: readonly Obs[], ctx: StepContext = {}): string[] {
  let state: AlertState | undefined;
  const posts: string[] = [];
  for (const [minute, value] of observations) {
    const { next, notify } = step(state, { value, at: at(minute) }, rule, ctx);
    state = JSON.parse(JSON.stringify(next)) as AlertState;
    if (notify === undefined) continue;
    const lasted = notify.durationMs > 0 ? ` after ${notify.durationMs / MIN}m` : '';
    const from = notify.previousLevel === undefined ? '' : ` from ${notify.previousLevel}`;
    posts.push(`${notify.reason} ${notify.level}${from} @${minute}${lasted}`);
  }
  return posts;
}

describe('step: the alert lifecycle', () => {
  it.each<[string, AlertRule, Obs[], StepContext, string[]]>([
    [
      'a spike shorter than `for` posts nothing',
      cpu({ for: '5m' }),
      [[0, 70], ...hold(1, 3, 90), ...hold(4, 20, 70)],
      {},
      [],
    ],
    [
      'a crossing held for `for` fires once, when `for` has passed',
      cpu({ for: '5m', repeat: 'never' }),
      [[0, 70], ...hold(1, 30, 85)],
      {},
      ['firing warning @6'],
    ],
    [
      'without `for` the first crossing fires, as the original did',
      cpu({ repeat: 'never' }),
      [[0, 70], ...hold(1, 10, 85)],
      {},
      ['firing warning @1'],
    ],
    [
      'a pending alert whose value drops below the limit (not only past clear) starts over',
      cpu({ for: '5m', repeat: 'never' }),
      [...hold(0, 4, 85), [4, 79], ...hold(5, 6, 85)],
      {},
      ['firing warning @10'],
    ],
    [
      'a reminder comes after `repeat`, with how long it has been firing',
      cpu({ repeat: '1h' }),
      hold(0, 150, 93),
      {},
      ['firing warning @0', 'repeat warning @60 after 60m', 'repeat warning @120 after 120m'],
    ],
    ['`repeat: never` sends no reminders', cpu({ repeat: 'never' }), hold(0, 300, 93), {}, ['firing warning @0']],
    ['`repeat: 0` is never too', cpu({ repeat: 0 }), hold(0, 300, 93), {}, ['firing warning @0']],
    [
      'with `clear: 70` a value of 79 keeps it firing and 69 resolves it, saying how long it lasted',
      cpu({ clear: 70, repeat: 'never' }),
      [[0, 85], ...hold(1, 20, 79), [21, 69]],
      {},
      ['firing warning @0', 'resolved warning @21 after 21m'],
    ],
    [
      'without `clear`, the limit 80 clears at 76 (5 % back): 76.5 holds, 76 resolves',
      cpu({ repeat: 'never' }),
      [
        [0, 85],
        [1, 76.5],
        [2, 76],
      ],
      {},
      ['firing warning @0', 'resolved warning @2 after 2m'],
    ],
    [
      'a value flapping around the limit posts once',
      cpu({ repeat: 'never' }),
      Array.from({ length: 120 }, (_, i) => [i, i % 2 === 0 ? 81 : 79] as Obs),
      {},
      ['firing warning @0'],
    ],
    [
      'the same flapping with `clear` at the limit (no hysteresis) posts every swing',
      cpu({ clear: 80, repeat: 'never' }),
      Array.from({ length: 4 }, (_, i) => [i, i % 2 === 0 ? 81 : 79] as Obs),
      {},
      ['firing warning @0', 'resolved warning @1 after 1m', 'firing warning @2', 'resolved warning @3 after 1m'],
    ],
    [
      'two levels escalate warning -> alarm and back with one post each, then resolve',
      cpuLevels({ repeat: 'never' }),
      [
        [0, 85],
        [1, 96],
        [2, 97],
        [3, 93], // above the alarm's clear (95 - 5 % = 90.25): still alarm
        [4, 90],
        [5, 85],
        [6, 70],
      ],
      {},
      [
        'firing warning @0',
        'escalated alarm from warning @1 after 1m',
        'deescalated warning from alarm @4 after 4m',
        'resolved warning @6 after 6m',
      ],
    ],
    [
      'a value crossing both levels at once fires at the worse one',
      cpuLevels({ repeat: 'never' }),
      [
        [0, 99],
        [1, 50],
      ],
      {},
      ['firing alarm @0', 'resolved alarm @1 after 1m'],
    ],
    [
      'escalation waits for `for` too: a 3-minute spike to the alarm level posts nothing',
      cpuLevels({ for: '5m', repeat: 'never' }),
      [...hold(0, 6, 85), ...hold(6, 3, 96), ...hold(9, 2, 85), ...hold(11, 6, 96)],
      {},
      ['firing warning @5', 'escalated alarm from warning @16 after 11m'],
    ],
    [
      'a silence holds the post back, evaluation goes on, and the still-firing alert is posted when it ends',
      cpu({ repeat: 'never' }),
      [[0, 70], ...hold(5, 30, 85)],
      { silencedUntil: at(30) },
      ['firing warning @30 after 25m'],
    ],
    [
      'an alert that fires and resolves within a silence posts nothing, not even after it',
      cpu({ repeat: 'never' }),
      [...hold(5, 10, 85), ...hold(15, 30, 50)],
      { silencedUntil: at(30) },
      [],
    ],
    [
      'a silence does not restart `for`: the alert pending during it fires at its end',
      cpu({ for: '5m', repeat: 'never' }),
      hold(20, 20, 85),
      { silencedUntil: at(30) },
      ['firing warning @30 after 5m'],
    ],
    ['a mute holds every post back, with no end', cpu({}), [...hold(0, 200, 93), [200, 10]], { muted: true }, []],
    [
      'every_report mode posts every report that crosses, ignores `for` and posts no resolution',
      cpu({ for: '5m', clear: 50 }),
      [
        [0, 85],
        [1, 70],
        [2, 85],
        [3, 86],
        [4, 60],
      ],
      { mode: 'every_report' },
      ['report warning @0', 'report warning @2', 'report warning @3 after 1m'],
    ],
    [
      'a missing metric neither resolves nor reminds; the next value does (the reminder is overdue)',
      cpu({ repeat: '1h' }),
      [[0, 85], ...hold(1, 120, undefined), [121, 85]],
      {},
      ['firing warning @0', 'repeat warning @121 after 121m'],
    ],
    [
      'a missing metric does not fire, nor does it reset a pending `for`',
      cpu({ for: '5m', repeat: 'never' }),
      [[0, 85], ...hold(1, 4, undefined), [5, 85]],
      {},
      ['firing warning @5'],
    ],
    [
      'a low-value rule (`<`) fires below its limit and clears 5 % above it',
      alertOf({ disk_usage_free: { value: 1000, operator: '<', repeat: 'never' } }),
      [
        [0, 999],
        [1, 1049],
        [2, 1050],
      ],
      {},
      ['firing warning @0', 'resolved warning @2 after 2m'],
    ],
  ])('%s', (_meaning, rule, observations, ctx, posts) => {
    expect(run(rule, observations, ctx)).toEqual(posts);
  });
});

describe('step: what a post carries and what the state keeps', () => {
  it('a reminder carries the value now, the limit and the start of the episode', () => {
    const rule = cpu({ repeat: '1h' });
    const first = step(undefined, { value: 85, at: at(0) }, rule);
    const later = step(first.next, { value: 93.1, at: at(125) }, rule);
    expect(later.notify).toEqual({
      reason: 'repeat',
      level: 'warning',
      limit: { type: 'warning', value: 80, operator: '>', clear: 76 },
      value: 93.1,
      firingSince: at(0),
      durationMs: 125 * MIN,
    });
  });

  it('a first observation with nothing crossed is idle (a store keeps no row for it)', () => {
    const { next, notify } = step(undefined, { value: 10, at: at(0) }, cpu({}));
    expect(notify).toBeUndefined();
    expect(isIdle(next)).toBe(true);
  });

  it('a pending alert says which level waits and since when', () => {
    const rule = cpuLevels({ for: '5m' });
    const { next } = step(step(undefined, { value: 85, at: at(0) }, rule).next, { value: 96, at: at(1) }, rule);
    expect(next).toMatchObject({ phase: 'pending', level: 'alarm', pendingSince: { warning: at(0), alarm: at(1) } });
    expect(isIdle(next)).toBe(false);
  });

  it('a resolution held back by a silence keeps when the alert stopped, for the post after it', () => {
    const rule = cpu({});
    const fired = step(undefined, { value: 85, at: at(0) }, rule).next;
    const stopped = step(fired, { value: 10, at: at(10) }, rule, { silencedUntil: at(60) }).next;
    expect(stopped).toMatchObject({ phase: 'ok', notifiedLevel: 'warning', firingSince: at(0), resolvedAt: at(10) });
    const told = step(stopped, { value: 11, at: at(60) }, rule, { silencedUntil: at(60) });
    expect(told.notify).toMatchObject({ reason: 'resolved', value: 11, durationMs: 10 * MIN });
    expect(isIdle(told.next)).toBe(true);
  });

  it.each<[string, AlertRule, Obs[], number | undefined]>([
    [
      'the highest value of an incident on high values',
      cpu({}),
      [
        [0, 85],
        [1, 97],
        [2, 91],
        [3, 95],
      ],
      97,
    ],
    [
      'the lowest value of an incident on low values',
      alertOf({ memory_avail: { value: 100, operator: '<' } }),
      [
        [0, 90],
        [1, 40],
        [2, 60],
      ],
      40,
    ],
    [
      'none while only pending (the incident has not begun)',
      cpu({ for: '5m' }),
      [
        [0, 99],
        [1, 99],
      ],
      undefined,
    ],
    [
      'a new incident starts its peak afresh',
      cpu({}),
      [
        [0, 99],
        [1, 10],
        [2, 85],
        [3, 86],
      ],
      86,
    ],
    [
      'gone with the resolution told',
      cpu({}),
      [
        [0, 99],
        [1, 10],
      ],
      undefined,
    ],
  ])('peak: %s', (_meaning, rule, observations, peak) => {
    let state: AlertState | undefined;
    for (const [minute, value] of observations) state = step(state, { value, at: at(minute) }, rule).next;
    expect(state?.peak).toBe(peak);
  });

  it('peak: kept through a resolution held back by a silence, and while the alert fires again in it', () => {
    const rule = cpu({});
    const silenced = { silencedUntil: at(60) };
    let state = step(undefined, { value: 97, at: at(0) }, rule).next;
    state = step(state, { value: 10, at: at(5) }, rule, silenced).next;
    expect(state).toMatchObject({ phase: 'ok', firingSince: at(0), peak: 97 });
    state = step(state, { value: 98, at: at(6) }, rule, silenced).next;
    expect(state).toMatchObject({ phase: 'firing', firingSince: at(0), peak: 98 });
  });
});

describe('acknowledge', () => {
  /** Runs observations, acknowledging once after the minute `ackAt`, and lists the posts. */
  function runAcked(rule: AlertRule, observations: readonly Obs[], ackAt: number): string[] {
    let state: AlertState | undefined;
    const posts: string[] = [];
    for (const [minute, value] of observations) {
      const { next, notify } = step(state, { value, at: at(minute) }, rule);
      state = JSON.parse(JSON.stringify(next)) as AlertState;
      if (minute === ackAt) state = acknowledge(state, 'owner@example.social', at(minute)) ?? state;
      if (notify) posts.push(`${notify.reason} ${notify.level} @${minute}`);
    }
    return posts;
  }

  it('stops the repeats of the incident until it resolves; the next incident repeats again', () => {
    const rule = cpuLevels({ repeat: '10m' });
    const posts = runAcked(rule, [...hold(0, 35, 85), ...hold(35, 2, 10), ...hold(37, 25, 85)], 1);
    expect(posts).toEqual([
      'firing warning @0',
      'resolved warning @35',
      'firing warning @37',
      'repeat warning @47',
      'repeat warning @57',
    ]);
  });

  it('is forgotten when the incident escalates past the acknowledged level', () => {
    const rule = cpuLevels({ repeat: '10m' });
    const posts = runAcked(rule, [...hold(0, 5, 85), ...hold(5, 25, 97)], 1);
    expect(posts).toEqual(['firing warning @0', 'escalated alarm @5', 'repeat alarm @15', 'repeat alarm @25']);
  });

  it('acknowledges only a firing alert, and only the incident named', () => {
    const rule = cpu({ repeat: '10m' });
    const { next: pending } = step(undefined, { value: 50, at: at(0) }, rule);
    expect(acknowledge(pending, 'a@b.social', at(0))).toBeUndefined();
    const { next: firing } = step(undefined, { value: 90, at: at(0) }, rule);
    expect(acknowledge(firing, 'a@b.social', at(1), at(0) - 1)).toBeUndefined();
    expect(acknowledge(firing, 'a@b.social', at(1), at(0))?.acknowledged).toEqual({
      by: 'a@b.social',
      at: at(1),
      level: 'warning',
    });
  });
});
