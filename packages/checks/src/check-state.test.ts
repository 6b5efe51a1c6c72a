import { describe, expect, it } from 'vitest';
import type { CheckDefinition } from './check-definition.ts';
import {
  applyPing,
  type CheckState,
  checkStatus,
  checkTime,
  lateDeadline,
  newCheckState,
  nextDeadline,
} from './check-state.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 10, 3, 2, 0);
const at = (iso: string) => Date.parse(iso);

const daily: CheckDefinition = {
  slug: 'backup',
  timing: { kind: 'period', periodMs: DAY },
  graceMs: HOUR,
  repeatMs: 0,
};
const cron = (schedule: string, timezone: string, graceMs = 5 * MINUTE): CheckDefinition => ({
  slug: 'backup',
  timing: { kind: 'cron', schedule, timezone },
  graceMs,
  repeatMs: 0,
});
const pinged = (lastSuccessMs: number): CheckState => ({
  createdMs: lastSuccessMs - DAY,
  pings: 1,
  lastPingMs: lastSuccessMs,
  lastPingKind: 'success',
  lastSuccessMs,
});

describe('the deadline', () => {
  it.each<[string, CheckDefinition, CheckState, number]>([
    ['a period: the last success, plus the period, plus the grace', daily, pinged(T0), T0 + DAY + HOUR],
    ['a period never pinged: timed from when the hub first knew the check', daily, newCheckState(T0), T0 + DAY + HOUR],
    [
      'a cron schedule: the next scheduled time after the last success, plus the grace',
      cron('0 2 * * *', 'UTC'),
      pinged(at('2026-11-03T02:03:00Z')),
      at('2026-11-04T02:05:00Z'),
    ],
    [
      'a cron schedule in a zone: its times are wall-clock times there (09:00 in New York is 14:00 UTC in winter)',
      cron('0 9 * * *', 'America/New_York', 30 * MINUTE),
      pinged(at('2026-11-03T14:10:00Z')),
      at('2026-11-04T14:30:00Z'),
    ],
    [
      'across the spring DST change in New York the same 09:00 comes an hour earlier in UTC',
      cron('0 9 * * *', 'America/New_York', 30 * MINUTE),
      pinged(at('2026-03-07T14:00:00Z')),
      at('2026-03-08T13:30:00Z'),
    ],
    [
      'a time that does not exist on the spring change day (02:30 in Madrid) runs at 03:30 CEST, as the scheduler does',
      cron('30 2 * * *', 'Europe/Madrid'),
      pinged(at('2026-03-28T01:30:00Z')),
      at('2026-03-29T01:35:00Z'),
    ],
    [
      'the day after the autumn change, 02:30 in Madrid is 01:30 UTC again',
      cron('30 2 * * *', 'Europe/Madrid'),
      pinged(at('2026-10-25T00:31:00Z')),
      at('2026-10-26T01:35:00Z'),
    ],
    [
      'a macro schedule (@hourly) with a 10-minute grace',
      cron('@hourly', 'UTC', 10 * MINUTE),
      pinged(at('2026-11-03T10:00:30Z')),
      at('2026-11-03T11:10:00Z'),
    ],
  ])('%s', (_what, definition, state, deadline) => {
    expect(lateDeadline(definition, state)).toBe(deadline);
    expect(nextDeadline(definition, state)).toBe(deadline);
  });

  it('during a run, the next deadline is the start plus the grace; with a problem there is none', () => {
    const running = applyPing(pinged(T0), { kind: 'start' }, T0 + 2 * HOUR).state;
    expect(nextDeadline(daily, running)).toBe(T0 + 3 * HOUR);
    const failed = applyPing(running, { kind: 'fail' }, T0 + 2 * HOUR + MINUTE).state;
    expect(nextDeadline(daily, failed)).toBeUndefined();
  });
});

describe('time passing', () => {
  it('is not late up to its deadline and late just after it, with the deadline it missed', () => {
    const state = pinged(T0);
    const deadline = T0 + DAY + HOUR;
    expect(checkTime(daily, state, deadline)).toEqual({ state });
    expect(checkStatus(daily, state, deadline)).toBe('up');
    const late = checkTime(daily, state, deadline + 1);
    expect(late.change).toEqual({
      reason: 'firing',
      atMs: deadline + 1,
      incident: { problem: 'late', sinceMs: deadline + 1, lastPostMs: deadline + 1, deadlineMs: deadline },
    });
    expect(checkStatus(daily, late.state, deadline + 1)).toBe('late');
    // The next look finds the problem told already: nothing more.
    expect(checkTime(daily, late.state, deadline + 30 * MINUTE).change).toBeUndefined();
  });

  it('says late before the periodic check found it (the read API is never behind)', () => {
    expect(checkStatus(daily, pinged(T0), T0 + DAY + HOUR + 1)).toBe('late');
  });

  it('a start without a success within the grace is running too long; a start within it is running', () => {
    const start = T0 + DAY + 30 * MINUTE;
    const started = applyPing(pinged(T0), { kind: 'start' }, start).state;
    // Its period's deadline (T0 + 25h) passes during the run: the job is alive, so it is not late.
    expect(checkTime(daily, started, T0 + DAY + HOUR + 1).change).toBeUndefined();
    expect(checkStatus(daily, started, start + HOUR)).toBe('running');
    const tooLong = checkTime(daily, started, start + HOUR + 1);
    expect(tooLong.change?.incident).toEqual({
      problem: 'running_too_long',
      sinceMs: start + HOUR + 1,
      lastPostMs: start + HOUR + 1,
      startedMs: start,
    });
  });

  it('reminds every repeat while the problem lasts, and never without a repeat', () => {
    const withRepeat = { ...daily, repeatMs: 6 * HOUR };
    const late = checkTime(withRepeat, pinged(T0), T0 + DAY + HOUR + 1).state;
    const since = T0 + DAY + HOUR + 1;
    expect(checkTime(withRepeat, late, since + 6 * HOUR - 1).change).toBeUndefined();
    const reminded = checkTime(withRepeat, late, since + 6 * HOUR);
    expect(reminded.change?.reason).toBe('repeat');
    expect(reminded.state.incident).toMatchObject({ sinceMs: since, lastPostMs: since + 6 * HOUR });
    expect(checkTime(withRepeat, reminded.state, since + 11 * HOUR).change).toBeUndefined();
    expect(checkTime(daily, late, since + 100 * DAY).change).toBeUndefined();
  });
});

describe('pings', () => {
  it.each<[string, CheckState | undefined, Parameters<typeof applyPing>[1], string | undefined, string]>([
    ['a first success of a new check tells nothing', undefined, { kind: 'success' }, undefined, 'up'],
    ['a start tells nothing and begins a run', pinged(T0), { kind: 'start' }, undefined, 'running'],
    ['a failure of a check without a problem starts one', pinged(T0), { kind: 'fail' }, 'firing', 'failed'],
    ['exit status 3 is a failure', pinged(T0), { kind: { exit: 3 } }, 'firing', 'failed'],
    ['exit status 0 is a success', pinged(T0), { kind: { exit: 0 } }, undefined, 'up'],
  ])('%s', (_what, state, ping, reason, status) => {
    const step = applyPing(state, ping, T0 + HOUR);
    expect(step.change?.reason).toBe(reason);
    expect(checkStatus(daily, step.state, T0 + HOUR)).toBe(status);
  });

  it('a failing job is one incident: the next failures tell nothing, the success ends it', () => {
    const first = applyPing(pinged(T0), { kind: { exit: 3 }, body: 'disk full' }, T0 + HOUR);
    expect(first.change).toMatchObject({ reason: 'firing', incident: { problem: 'failed', exitStatus: 3 } });
    expect(first.state).toMatchObject({ lastExitStatus: 3, lastBody: 'disk full', lastPingKind: 'fail' });
    const again = applyPing(first.state, { kind: { exit: 4 } }, T0 + 2 * HOUR);
    expect(again.change).toBeUndefined();
    expect(again.state.incident).toMatchObject({ sinceMs: T0 + HOUR, exitStatus: 4 });
    // The body of a ping without one is not kept from the earlier ping.
    expect(again.state.lastBody).toBeUndefined();
    const back = applyPing(again.state, { kind: 'success' }, T0 + 3 * HOUR);
    expect(back.change).toEqual({
      reason: 'resolved',
      atMs: T0 + 3 * HOUR,
      incident: { problem: 'failed', sinceMs: T0 + HOUR, lastPostMs: T0 + HOUR, exitStatus: 4 },
    });
    expect(back.state.incident).toBeUndefined();
    expect(back.state).toMatchObject({ pings: 4, lastSuccessMs: T0 + 3 * HOUR });
    expect(back.state.lastExitStatus).toBeUndefined();
  });

  it('a failure of a late check escalates the same incident (same thread), keeping its first post', () => {
    const late = checkTime(daily, pinged(T0), T0 + DAY + HOUR + 1).state;
    late.incident!.outboxId = 41;
    const failed = applyPing(late, { kind: 'fail' }, T0 + DAY + 2 * HOUR);
    expect(failed.change).toMatchObject({
      reason: 'escalated',
      incident: { problem: 'failed', sinceMs: T0 + DAY + HOUR + 1, outboxId: 41 },
    });
  });

  it('a start while late keeps the incident open and tells nothing; its success resolves it', () => {
    const late = checkTime(daily, pinged(T0), T0 + DAY + HOUR + 1).state;
    const started = applyPing(late, { kind: 'start' }, T0 + DAY + 2 * HOUR);
    expect(started.change).toBeUndefined();
    expect(checkStatus(daily, started.state, T0 + DAY + 2 * HOUR)).toBe('late');
    const done = applyPing(started.state, { kind: 'success' }, T0 + DAY + 3 * HOUR);
    expect(done.change?.reason).toBe('resolved');
    expect(done.state.startedMs).toBeUndefined();
    expect(nextDeadline(daily, done.state)).toBe(T0 + 2 * DAY + 4 * HOUR);
  });

  it('a success ends a run that ran too long', () => {
    const started = applyPing(pinged(T0), { kind: 'start' }, T0 + HOUR);
    const tooLong = checkTime(daily, started.state, T0 + 2 * HOUR + 1);
    expect(tooLong.change?.incident.problem).toBe('running_too_long');
    const done = applyPing(tooLong.state, { kind: 'success' }, T0 + 3 * HOUR);
    expect(done.change).toMatchObject({ reason: 'resolved', incident: { problem: 'running_too_long' } });
  });

  it('counts pings and keeps when the check was first known', () => {
    let state = newCheckState(T0);
    for (let i = 1; i <= 3; i++) state = applyPing(state, { kind: 'success' }, T0 + i * MINUTE).state;
    expect(state).toEqual({
      createdMs: T0,
      pings: 3,
      lastPingMs: T0 + 3 * MINUTE,
      lastPingKind: 'success',
      lastSuccessMs: T0 + 3 * MINUTE,
    });
  });
});
