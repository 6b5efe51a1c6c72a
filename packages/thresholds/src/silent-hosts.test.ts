import { describe, expect, it } from 'vitest';
import type { AlertNotification } from './alert-notification.ts';
import { createAlertPlan } from './alert-plan.ts';
import type { AlertState } from './alert-state.ts';
import { parseAlerting } from './alerting-config.ts';
import { evaluateHost } from './host-evaluation.ts';
import { checkSilentHosts, type HostSighting, silentAfterMs, usualIntervalMs } from './silent-hosts.ts';

const T0 = Date.UTC(2026, 10, 3, 12, 0);
const MIN = 60_000;
const at = (minute: number) => T0 + minute * MIN;

const planOf = (alerting?: unknown) => {
  const { settings, problems } = parseAlerting(alerting);
  expect(problems).toEqual([]);
  return createAlertPlan({ rules: [], settings });
};

describe('silentAfterMs', () => {
  it.each<[string, Parameters<typeof silentAfterMs>, number | undefined]>([
    ['auto: three usual intervals', ['auto', 5 * MIN], 15 * MIN],
    ['auto: at least 3 minutes', ['auto', 10_000], 3 * MIN],
    ['auto with no usual interval yet: three of 5 minutes', ['auto', undefined], 15 * MIN],
    ['a set duration is used as is', [7 * MIN, 5 * MIN], 7 * MIN],
    ['never: no silence check', ['never', 5 * MIN], undefined],
  ])('%s', (_meaning, args, expected) => {
    expect(silentAfterMs(...args)).toBe(expected);
  });
});

describe('usualIntervalMs', () => {
  it.each<[string, number[], number | undefined]>([
    ['the median gap, so one long outage does not count', [0, MIN, 2 * MIN, 3 * MIN, 60 * MIN], MIN],
    ['an even number of gaps averages the middle two', [0, MIN, 3 * MIN], 1.5 * MIN],
    ['order and repeated times do not matter', [2 * MIN, 0, MIN, MIN], MIN],
    ['one report is not enough', [T0], undefined],
    ['no report is not enough', [], undefined],
    ['the same time twice is not enough', [T0, T0], undefined],
    ['a long history, unsorted', Array.from({ length: 40 }, (_, i) => ((i * 7) % 40) * 2 * MIN), 2 * MIN],
  ])('%s', (_meaning, times, expected) => {
    expect(usualIntervalMs(times)).toBe(expected);
  });
});

describe('checkSilentHosts', () => {
  /** Checks every minute from `from` to `to` with the hosts a function gives; returns each minute's posts. */
  function watch(
    plan: ReturnType<typeof planOf>,
    hosts: (minute: number) => HostSighting[],
    from: number,
    to: number,
    options: { startedAt?: number; silencedUntil?: Record<string, number> } = {},
  ) {
    let states: Record<string, AlertState> = {};
    const posts: string[] = [];
    const all: AlertNotification[] = [];
    for (let minute = from; minute <= to; minute++) {
      const result = checkSilentHosts(hosts(minute), {
        plan,
        states,
        now: at(minute),
        startedAt: options.startedAt ?? T0,
        ...(options.silencedUntil === undefined ? {} : { silencedUntil: options.silencedUntil }),
      });
      states = JSON.parse(JSON.stringify(result.states)) as Record<string, AlertState>;
      for (const n of result.notifications) posts.push(`${n.reason} ${n.hostname} @${minute}`);
      all.push(...result.notifications);
    }
    return { posts, states, notifications: all };
  }

  it('announces a host silent for longer than three usual intervals once, and its return once', () => {
    // pi1 reports every minute until minute 10, then nothing until minute 40.
    const lastSeen = (minute: number) => (minute < 10 ? minute : minute < 40 ? 9 : minute);
    const { posts, notifications } = watch(
      planOf({ default_repeat: 'never' }),
      (minute) => [{ hostname: 'pi1', lastSeenAt: at(lastSeen(minute)), usualIntervalMs: MIN }],
      0,
      50,
    );
    expect(posts).toEqual(['firing pi1 @13', 'resolved pi1 @40']);
    expect(notifications[0]).toMatchObject({ key: 'host_silent', level: 'alarm', value: 4 * MIN, lastSeenAt: at(9) });
  });

  it('reminds after default_repeat while the host stays silent', () => {
    const { posts } = watch(planOf({ default_repeat: '1h' }), () => [{ hostname: 'pi1', lastSeenAt: T0 }], 0, 140);
    expect(posts).toEqual(['firing pi1 @16', 'repeat pi1 @76', 'repeat pi1 @136']);
  });

  it('announces an expected host that never reported, timed from the start of watching', () => {
    const { posts, notifications } = watch(planOf({ expected_hosts: ['pi9'], silent_after: '10m' }), () => [], 0, 30);
    expect(posts).toEqual(['firing pi9 @11']);
    expect(notifications[0]!.lastSeenAt).toBeUndefined();
  });

  it('leaves alone a host without a report that is not expected', () => {
    expect(watch(planOf(), () => [{ hostname: 'ghost' }], 0, 60).posts).toEqual([]);
  });

  it('does nothing with silent_after: never', () => {
    expect(watch(planOf({ silent_after: 'never' }), () => [{ hostname: 'pi1', lastSeenAt: T0 }], 0, 60).posts).toEqual(
      [],
    );
  });

  it('a mute of host_silent holds the alarm back', () => {
    const plan = planOf({ hosts: { pi1: { mute: ['host_silent'] } } });
    expect(watch(plan, () => [{ hostname: 'pi1', lastSeenAt: T0 }], 0, 60).posts).toEqual([]);
  });

  it('a silence holds the alarm back, and posts it when it ends if the host is still silent', () => {
    const { posts } = watch(planOf(), () => [{ hostname: 'pi1', lastSeenAt: T0 }], 0, 40, {
      silencedUntil: { pi1: at(30) },
    });
    expect(posts).toEqual(['firing pi1 @30']);
  });

  it('keeps the states of hosts it was not asked about', () => {
    const other: AlertState = { phase: 'firing', level: 'alarm', since: T0, notifiedLevel: 'alarm' };
    const { states } = checkSilentHosts([], { plan: planOf(), states: { nas: other }, now: at(5), startedAt: T0 });
    expect(states).toEqual({ nas: other });
  });

  it('the report that ends a silence posts "back" at once through evaluateHost; the next check adds nothing', () => {
    const plan = planOf({ default_repeat: 'never' });
    const silent = checkSilentHosts([{ hostname: 'pi1', lastSeenAt: T0, usualIntervalMs: MIN }], {
      plan,
      now: at(5),
      startedAt: T0,
    });
    expect(silent.notifications.map((n) => n.reason)).toEqual(['firing']);
    const reported = evaluateHost(
      { hostname: 'pi1', entries: [] },
      { plan: plan.host('pi1'), states: { host_silent: silent.states.pi1! }, now: at(6) },
    );
    expect(reported.notifications).toEqual([
      expect.objectContaining({ reason: 'resolved', key: 'host_silent', lastSeenAt: T0, at: at(6) }),
    ]);
    const after = checkSilentHosts([{ hostname: 'pi1', lastSeenAt: at(6), usualIntervalMs: MIN }], {
      plan,
      states: reported.states,
      now: at(7),
      startedAt: T0,
    });
    expect(after).toEqual({ states: {}, notifications: [] });
  });
});
