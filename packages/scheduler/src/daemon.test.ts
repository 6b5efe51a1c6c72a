import { describe, expect, it } from 'vitest';
import { createDaemon, type DaemonOptions } from './daemon.ts';
import { MINUTE_MS } from './minute.ts';
import type { RunContext, RunSummary, RunTask } from './run-due.ts';
import { parseSchedules } from './schedule-parser.ts';
import {
  createManualClock,
  type ManualClock,
  recordingLogger,
  referenceRuns,
  seededRandom,
  settle,
} from './scheduler.test-support.ts';
import type { Task } from './task.ts';
import { createMemoryLock } from './task-lock.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16);

function tasksOf(raw: unknown[]): Task[] {
  const { tasks, problems } = parseSchedules(raw);
  expect(problems).toEqual([]);
  return tasks;
}

/** A daemon on a manual clock, recording every run and summary. */
function harness(tasks: Task[], clock: ManualClock, options: Partial<DaemonOptions> = {}) {
  const runs: { task: string; minute: string; catchUp: boolean; at: number }[] = [];
  const summaries: RunSummary[] = [];
  const sleeps: { at: number; ms: number }[] = [];
  const logger = recordingLogger();
  const run: RunTask = async (task, _signal, context: RunContext) => {
    runs.push({ task: task.name, minute: iso(context.minute), catchUp: context.catchUp, at: clock.now() });
  };
  const daemon = createDaemon({
    tasks,
    now: clock.now,
    sleep: (ms, signal) => {
      sleeps.push({ at: clock.now(), ms });
      return clock.sleep(ms, signal);
    },
    lock: createMemoryLock(clock),
    run,
    logger,
    onSummary: (s) => summaries.push(s),
    ...options,
  });
  return { daemon, runs, summaries, sleeps, logger };
}

/** Wakes the daemon at each deadline (late by up to `maxLateMs`) until `end`. */
async function driveUntil(clock: ManualClock, end: number, random: () => number, maxLateMs: number) {
  await settle();
  for (;;) {
    const deadline = clock.nextDeadline();
    if (deadline === undefined) throw new Error('the daemon is not waiting for anything');
    if (deadline >= end) return;
    clock.set(deadline + Math.floor(random() * maxLateMs));
    await settle();
  }
}

describe('createDaemon over a simulated day', () => {
  const schedule = [
    { name: 'every minute', when: '* * * * *', action: 'sysinfo_local', timezone: 'UTC' },
    { name: 'every 7', when: '*/7 * * * *', action: 'sysinfo_remote', timezone: 'UTC' },
    { name: 'hourly', when: '@hourly', action: 'publish_queue', timezone: 'Europe/Madrid' },
    { name: 'daily', when: '@daily', action: 'silent_hosts', timezone: 'America/New_York' },
    { name: 'madrid 02:30', when: '30 2 * * *', action: 'exec', command: ['backup'], timezone: 'Europe/Madrid' },
    { name: 'off', when: '* * * * *', action: 'sysinfo_local', enabled: false },
  ];

  it.each([
    ['a plain day', '2025-06-10T00:00:00Z', schedule],
    ['the day Madrid springs forward', '2025-03-30T00:00:00Z', schedule],
    ['the day Madrid falls back, only sparse tasks (long sleeps)', '2025-10-26T00:00:00Z', schedule.slice(2)],
  ])('runs each task exactly on its minutes, with timers firing up to 3 s late: %s', async (_, startIso, raw) => {
    const start = at(startIso);
    const end = start + 1440 * MINUTE_MS;
    const tasks = tasksOf(raw);
    const clock = createManualClock(start);
    const { daemon, runs, sleeps } = harness(tasks, clock);
    const done = daemon.start();
    await driveUntil(clock, end, seededRandom(start), 3000);
    await daemon.stop();
    await done;

    for (const task of tasks.filter((t) => t.enabled)) {
      expect(
        runs.filter((r) => r.task === task.name).map((r) => r.minute),
        task.name,
      ).toEqual(referenceRuns(task, start, end).map(iso));
    }
    expect(runs.filter((r) => r.task === 'off')).toEqual([]);
    expect(runs.every((r) => !r.catchUp && r.at - at(`${r.minute}Z`) < 3000)).toBe(true);
    // No drift: every wait of the daemon ends exactly on a minute boundary, or is a capped 60 s wait re-read on
    // waking. (The longer sleeps are the tasks' 5-minute timeouts, cancelled when each task ends.)
    for (const s of sleeps.filter((s) => s.ms <= 60_000)) {
      expect((s.at + s.ms) % MINUTE_MS === 0 || s.ms === 60_000, `slept ${s.ms} ms at ${s.at}`).toBe(true);
    }
    expect(clock.pending()).toBe(0);
  });

  it('sleeps again, not runs early, when a timer fires before its time', async () => {
    const start = at('2025-06-10T10:00:30Z');
    const tasks = tasksOf([{ name: 'a', when: '* * * * *', action: 'sysinfo_local' }]);
    const clock = createManualClock(start);
    const asked: number[] = [];
    // A timer that fires 3 ms early (timers and the wall clock disagree a little). Task timeouts (5 minutes), and
    // any wait after the first eight, last until aborted.
    const early = (ms: number, signal?: AbortSignal) => {
      if (ms > 60_000 || asked.push(ms) > 8) {
        return new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve()));
      }
      clock.advance(ms > 3 ? ms - 3 : ms);
      return settle();
    };
    const { daemon, runs } = harness(tasks, clock, { sleep: early });
    const done = daemon.start();
    // It runs the current minute at start; then each early wake leads to a 3 ms nap, never to an early run.
    for (let i = 0; i < 100 && asked.length < 8; i++) await settle();
    await daemon.stop();
    await done;
    expect(runs.slice(0, 4).map((r) => r.minute)).toEqual([
      '2025-06-10T10:00',
      '2025-06-10T10:01',
      '2025-06-10T10:02',
      '2025-06-10T10:03',
    ]);
    expect(runs.slice(1).every((r) => r.at % MINUTE_MS === 0)).toBe(true);
    expect(asked.slice(0, 4)).toEqual([30_000, 3, 60_000, 3]);
  });
});

describe('createDaemon after a suspend', () => {
  it('catches up only the most recent missed minute, then goes on', async () => {
    const tasks = tasksOf([
      { name: 'every minute', when: '* * * * *', action: 'sysinfo_local', timezone: 'UTC' },
      { name: 'hourly', when: '@hourly', action: 'publish_queue', timezone: 'UTC' },
      { name: 'daily', when: '30 3 * * *', action: 'exec', command: 'true', timezone: 'UTC' },
    ]);
    const clock = createManualClock(at('2025-06-10T01:00:10Z'));
    const { daemon, runs, summaries, logger } = harness(tasks, clock);
    const done = daemon.start();
    await settle();
    expect(runs.map((r) => [r.task, r.minute])).toEqual([
      ['every minute', '2025-06-10T01:00'],
      ['hourly', '2025-06-10T01:00'],
    ]);
    runs.length = 0;

    clock.set(at('2025-06-10T04:17:20Z')); // the machine slept three hours
    await settle();
    expect(runs.map((r) => [r.task, r.minute, r.catchUp])).toEqual([['every minute', '2025-06-10T04:16', true]]);
    // The current minute's run of the same task finds the catch-up run still going: skipped, not run twice.
    expect(summaries.find((s) => s.minute === at('2025-06-10T04:17:00Z'))).toMatchObject({
      catchUp: false,
      outcomes: [{ task: 'every minute', status: 'busy' }],
    });
    expect(summaries.find((s) => s.minute === at('2025-06-10T04:16:00Z'))).toMatchObject({
      catchUp: true,
      outcomes: [{ task: 'every minute', status: 'ran' }],
    });
    expect(logger.lines.find((l) => l.message === 'scheduler woke late')?.fields).toEqual({
      expected: '2025-06-10T01:01Z',
      now: '2025-06-10T04:17Z',
      catchUp: '2025-06-10T04:16Z',
    });

    await driveUntil(clock, at('2025-06-10T04:20:00Z'), () => 0, 1);
    await daemon.stop();
    await done;
    expect(runs.slice(1).map((r) => [r.task, r.minute, r.catchUp])).toEqual([
      ['every minute', '2025-06-10T04:18', false],
      ['every minute', '2025-06-10T04:19', false],
    ]);
  });

  it('catches up a sparse task whose minute was the most recent one missed, and not an older one', async () => {
    const tasks = tasksOf([
      { name: 'hourly', when: '@hourly', action: 'publish_queue', timezone: 'UTC' },
      { name: 'daily', when: '30 3 * * *', action: 'exec', command: 'true', timezone: 'UTC' },
    ]);
    const clock = createManualClock(at('2025-06-10T01:00:30Z'));
    const { daemon, runs } = harness(tasks, clock);
    const done = daemon.start();
    await settle();
    clock.set(at('2025-06-10T04:17:20Z'));
    await settle();
    await daemon.stop();
    await done;
    expect(runs.map((r) => [r.task, r.minute, r.catchUp])).toEqual([
      ['hourly', '2025-06-10T01:00', false],
      ['hourly', '2025-06-10T04:00', true],
    ]);
  });

  it('does not treat a wake within the due minute as missed', async () => {
    const tasks = tasksOf([{ name: 'hourly', when: '@hourly', action: 'publish_queue', timezone: 'UTC' }]);
    const clock = createManualClock(at('2025-06-10T01:30:00Z'));
    const { daemon, runs, logger } = harness(tasks, clock, { maxSleepMs: 3_600_000 });
    const done = daemon.start();
    await settle();
    clock.set(at('2025-06-10T02:00:59Z'));
    await settle();
    await daemon.stop();
    await done;
    expect(runs.map((r) => [r.minute, r.catchUp])).toEqual([['2025-06-10T02:00', false]]);
    expect(logger.lines.some((l) => l.message === 'scheduler woke late')).toBe(false);
  });
});

describe('createDaemon stop', () => {
  it('waits for the running task to finish', async () => {
    const tasks = tasksOf([{ name: 'slow', when: '* * * * *', action: 'sysinfo_local' }]);
    const clock = createManualClock(at('2025-06-10T01:00:00Z'));
    let finish = () => {};
    const { daemon } = harness(tasks, clock, { run: () => new Promise<void>((resolve) => (finish = resolve)) });
    const done = daemon.start();
    await settle();
    let stopped = false;
    const stopping = daemon.stop().then(() => {
      stopped = true;
    });
    await settle();
    expect(stopped).toBe(false);
    finish();
    await stopping;
    await done;
    expect(stopped).toBe(true);
    expect(clock.pending()).toBe(0);
  });

  it('waits at most for the running task timeout (and grace) when the task hangs', async () => {
    const tasks = tasksOf([{ name: 'hung', when: '* * * * *', action: 'sysinfo_local', timeout: '30s' }]);
    const clock = createManualClock(at('2025-06-10T01:00:00Z'));
    const { daemon, summaries } = harness(tasks, clock, { run: () => new Promise<void>(() => {}), graceMs: 2000 });
    const done = daemon.start();
    await settle();
    let stopped = false;
    const stopping = daemon.stop().then(() => {
      stopped = true;
    });
    clock.advance(30_000);
    await settle();
    expect(stopped).toBe(false);
    clock.advance(2000);
    await stopping;
    await done;
    expect(summaries.at(-1)?.outcomes[0]).toMatchObject({ status: 'timed-out', abandoned: true });
  });

  it('stops at once while sleeping, leaving no timer behind', async () => {
    const tasks = tasksOf([{ name: 'yearly', when: '@yearly', action: 'sysinfo_local', timezone: 'UTC' }]);
    const clock = createManualClock(at('2025-06-10T01:00:00Z'));
    const { daemon, runs, sleeps } = harness(tasks, clock);
    const done = daemon.start();
    await settle();
    expect(clock.pending()).toBe(1);
    expect(sleeps).toEqual([{ at: at('2025-06-10T01:00:00Z'), ms: 60_000 }]); // capped: re-reads the clock each minute
    await daemon.stop();
    await done;
    expect(clock.pending()).toBe(0);
    expect(runs).toEqual([]);
  });

  it('runs without any enabled task until stopped, and refuses a second start', async () => {
    const tasks = tasksOf([{ name: 'off', when: '* * * * *', action: 'sysinfo_local', enabled: false }]);
    const clock = createManualClock(at('2025-06-10T01:00:00Z'));
    const { daemon, runs } = harness(tasks, clock);
    const done = daemon.start();
    expect(() => daemon.start()).toThrow(/already started/);
    await driveUntil(clock, at('2025-06-10T01:10:00Z'), () => 0, 1);
    await daemon.stop();
    await done;
    expect(runs).toEqual([]);
  });
});
