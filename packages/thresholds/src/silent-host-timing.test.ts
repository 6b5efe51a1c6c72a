import { describe, expect, it } from 'vitest';
import type { AlertState } from './alert-state.ts';
import {
  expectedHostsSince,
  isJudgedYet,
  type JudgedYetOptions,
  type ReportingHost,
  type SilentHostsDue,
  type SilentHostsDueOptions,
  silentHostsDue,
} from './silent-host-timing.ts';

const T = Date.UTC(2026, 10, 3, 14, 0);
const MIN = 60_000;
const told: AlertState = { phase: 'firing', level: 'alarm', since: T - 60 * MIN, notifiedLevel: 'alarm' };

describe('isJudgedYet', () => {
  it.each<[string, Omit<JudgedYetOptions, 'startedAt'>, boolean]>([
    [
      'auto, 1-minute host, 2 minutes after the start: not yet (3 min)',
      { setting: 'auto', usualIntervalMs: MIN, now: T + 2 * MIN, told: false },
      false,
    ],
    [
      'auto, 1-minute host, 3 minutes after the start: judged',
      { setting: 'auto', usualIntervalMs: MIN, now: T + 3 * MIN, told: false },
      true,
    ],
    ['auto, interval unknown: 15 minutes (three of 5 min)', { setting: 'auto', now: T + 14 * MIN, told: false }, false],
    [
      'auto, interval unknown, 15 minutes after the start: judged',
      { setting: 'auto', now: T + 15 * MIN, told: false },
      true,
    ],
    [
      'a set silent_after counts from the start',
      { setting: 10 * MIN, usualIntervalMs: MIN, now: T + 9 * MIN, told: false },
      false,
    ],
    [
      'a silence already told is followed at once after a start',
      { setting: 'auto', usualIntervalMs: MIN, now: T, told: true },
      true,
    ],
    ['never: no host is judged, however long', { setting: 'never', now: T + 1000 * MIN, told: false }, false],
  ])('%s', (_meaning, options, expected) => {
    expect(isJudgedYet({ ...options, startedAt: T })).toBe(expected);
  });
});

describe('expectedHostsSince', () => {
  it.each<[string, Record<string, number>, string[], ReturnType<typeof expectedHostsSince>]>([
    ['no expected host: nothing to time', {}, [], { since: {}, added: [] }],
    [
      'a first start times every expected host from now',
      {},
      ['pi1', 'vps'],
      { since: { pi1: T, vps: T }, added: ['pi1', 'vps'] },
    ],
    ['a restart keeps the saved times', { pi1: T - 5 * MIN }, ['pi1'], { since: { pi1: T - 5 * MIN }, added: [] }],
    [
      'a host added to the list since is timed from now',
      { pi1: T - 5 * MIN },
      ['pi1', 'vps'],
      { since: { pi1: T - 5 * MIN, vps: T }, added: ['vps'] },
    ],
    [
      'a host no longer expected is dropped',
      { pi1: T - 5 * MIN, old: T - 9 * MIN },
      ['pi1'],
      { since: { pi1: T - 5 * MIN }, added: [] },
    ],
  ])('%s', (_meaning, saved, hosts, expected) => {
    expect(expectedHostsSince(saved, hosts, T)).toEqual(expected);
  });
});

describe('silentHostsDue', () => {
  const oneMinuteHost = (hostname: string, lastMinute: number): ReportingHost => ({
    hostname,
    lastSeenMs: T + lastMinute * MIN,
    reportTimesMs: [0, 1, 2, 3].map((m) => T + (lastMinute - 3 + m) * MIN),
  });
  const settings = (expectedHosts: string[] = []) => ({ silentAfterMs: 'auto' as const, expectedHosts });

  it.each<[string, ReportingHost[], Omit<SilentHostsDueOptions, 'startedAt'>, SilentHostsDue]>([
    [
      'right after a start no host is judged: each gets one silent_after to report',
      [oneMinuteHost('pi1', -10)],
      { settings: settings(), now: T + MIN },
      { sightings: [], expected: [] },
    ],
    [
      'after one silent_after, a host that reported is judged, with its last report and usual interval',
      [oneMinuteHost('pi1', -10)],
      { settings: settings(), now: T + 3 * MIN },
      { sightings: [{ hostname: 'pi1', lastSeenAt: T - 10 * MIN, usualIntervalMs: MIN }], expected: [] },
    ],
    [
      'a host whose silence was told is judged at once after a start',
      [oneMinuteHost('pi1', -10), oneMinuteHost('vps', -10)],
      { settings: settings(), states: { pi1: told }, now: T },
      { sightings: [{ hostname: 'pi1', lastSeenAt: T - 10 * MIN, usualIntervalMs: MIN }], expected: [] },
    ],
    [
      'a host with one report has no usual interval yet: judged after 15 minutes',
      [{ hostname: 'pi1', lastSeenMs: T - MIN, reportTimesMs: [T - MIN] }],
      { settings: settings(), now: T + 15 * MIN },
      { sightings: [{ hostname: 'pi1', lastSeenAt: T - MIN }], expected: [] },
    ],
    [
      'an expected host that never reported is timed from when it was first expected',
      [],
      { settings: settings(['pi1']), expectedSince: { pi1: T - 60 * MIN }, now: T + 15 * MIN },
      { sightings: [], expected: [{ hostname: 'pi1', since: T - 60 * MIN }] },
    ],
    [
      'an expected host without a saved time is timed from the start',
      [],
      { settings: settings(['pi1']), now: T + 15 * MIN },
      { sightings: [], expected: [{ hostname: 'pi1', since: T }] },
    ],
    [
      'an expected host is not judged before one silent_after after a start',
      [],
      { settings: settings(['pi1']), expectedSince: { pi1: T - 60 * MIN }, now: T + 14 * MIN },
      { sightings: [], expected: [] },
    ],
    [
      'an expected host that reported is a sighting, not an expected one',
      [oneMinuteHost('pi1', -10)],
      { settings: settings(['pi1']), now: T + 15 * MIN },
      { sightings: [{ hostname: 'pi1', lastSeenAt: T - 10 * MIN, usualIntervalMs: MIN }], expected: [] },
    ],
    [
      'never: nothing is judged',
      [oneMinuteHost('pi1', -10)],
      { settings: { silentAfterMs: 'never', expectedHosts: ['vps'] }, now: T + 1000 * MIN },
      { sightings: [], expected: [] },
    ],
  ])('%s', (_meaning, hosts, options, expected) => {
    expect(silentHostsDue(hosts, { ...options, startedAt: T })).toEqual(expected);
  });
});
