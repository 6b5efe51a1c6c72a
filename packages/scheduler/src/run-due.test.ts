import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileLock } from './file-lock.ts';
import { MINUTE_MS } from './minute.ts';
import { type RunContext, type RunTask, runDue, TaskTimeoutError } from './run-due.ts';
import { parseSchedules } from './schedule-parser.ts';
import { createManualClock, recordingLogger, referenceRuns, seededRandom, settle } from './scheduler.test-support.ts';
import type { Task } from './task.ts';
import { createMemoryLock, type TaskLock } from './task-lock.ts';

const at = (iso: string) => Date.parse(iso);

function tasksOf(raw: unknown[]): Task[] {
  const { tasks, problems } = parseSchedules(raw);
  expect(problems).toEqual([]);
  return tasks;
}

/** A run function that records (task name, minute) and otherwise succeeds. */
function recorder() {
  const calls: { task: string; minute: number; context: RunContext }[] = [];
  const run: RunTask = async (task, _signal, context) => {
    calls.push({ task: task.name, minute: context.minute, context });
  };
  const minutesOf = (name: string) => calls.filter((c) => c.task === name).map((c) => c.minute);
  return { calls, run, minutesOf };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'janitor-scheduler-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const DAY_SCHEDULE = [
  { name: 'every minute', when: '* * * * *', action: 'sysinfo_local' },
  { name: 'every 5', when: '*/5 * * * *', action: 'sysinfo_remote' },
  { name: 'hourly', when: '@hourly', action: 'publish_queue', timezone: 'UTC' },
  { name: 'daily', when: '@daily', action: 'silent_hosts', timezone: 'UTC' },
  { name: 'madrid 02:30', when: '30 2 * * *', action: 'exec', command: ['backup'], timezone: 'Europe/Madrid' },
  { name: 'new york 01:30', when: '30 1 * * *', action: 'exec', command: 'true', timezone: 'America/New_York' },
  { name: 'the 31st', when: '0 0 31 * *', action: 'publish_queue', timezone: 'UTC' },
  { name: 'weekdays 9-17', when: '15 9-17 * * 1-5', action: 'sysinfo_local', timezone: 'Europe/Madrid' },
  { name: 'off', when: '* * * * *', action: 'sysinfo_local', enabled: false },
];

describe('runDue over a simulated day of cron calls', () => {
  // One call per minute, each at a random moment within its minute (cron starts us late, by up to 59 s).
  it.each([
    ['a plain day, the 31st (UTC)', '2025-05-31T00:00:00Z', 'memory', 1440],
    ['the day Madrid springs forward', '2025-03-30T00:00:00Z', 'memory', 1440],
    ['the day New York falls back', '2025-11-02T00:00:00Z', 'memory', 1440],
    ['the first three hours of a day, with file locks', '2025-05-31T00:00:00Z', 'file', 180],
  ])('runs each task exactly on its minutes: %s', async (_, startIso, lockKind, minutes) => {
    const start = at(startIso);
    const end = start + minutes * MINUTE_MS;
    const tasks = tasksOf(DAY_SCHEDULE.map((t) => ({ timezone: 'UTC', ...t })));
    const clock = createManualClock(start);
    const lock = lockKind === 'file' ? createFileLock(join(dir, 'locks'), { now: clock.now }) : createMemoryLock(clock);
    const { run, minutesOf, calls } = recorder();
    const random = seededRandom(start);
    const summaries = [];
    for (let minute = start; minute < end; minute += MINUTE_MS) {
      clock.set(minute + Math.floor(random() * MINUTE_MS));
      summaries.push(await runDue({ tasks, now: clock.now, lock, run, sleep: clock.sleep }));
      // A second, overlapping run for the same minute (two crontab lines, a manual run) finds every task taken.
      clock.set(Math.min(clock.now() + 1000, minute + MINUTE_MS - 1));
      const again = await runDue({ tasks, now: clock.now, lock, run, sleep: clock.sleep });
      expect(again.outcomes.filter((o) => o.status !== 'locked' && o.status !== 'disabled')).toEqual([]);
    }
    for (const task of tasks.filter((t) => t.enabled)) {
      expect(minutesOf(task.name), task.name).toEqual(referenceRuns(task, start, end));
    }
    expect(minutesOf('off')).toEqual([]);
    expect(calls.every((c) => c.context.catchUp === false)).toBe(true);
    expect(summaries.every((s, i) => s.minute === start + i * MINUTE_MS)).toBe(true);
    expect(
      summaries.flatMap((s) => s.outcomes.map((o) => o.status)).filter((s) => s !== 'ran' && s !== 'disabled'),
    ).toEqual([]);
    if (lockKind === 'file') {
      // Each minute's claims stay as lock files for 10 minutes; the sweep (every 10 minutes) removes older ones.
      const files = readdirSync(join(dir, 'locks'));
      expect(files.length).toBeGreaterThanOrEqual(10);
      expect(files.length).toBeLessThanOrEqual(25);
    }
  });
});

describe('runDue', () => {
  const twoTasks = () =>
    tasksOf([
      { name: 'a', when: '* * * * *', action: 'sysinfo_local' },
      { name: 'b', when: '@hourly', action: 'publish_queue', timezone: 'UTC' },
    ]);

  it('counts a late start within the minute for the minute it was meant for', async () => {
    const clock = createManualClock(at('2025-06-01T10:00:59.950Z'));
    const { run, calls } = recorder();
    const summary = await runDue({ tasks: twoTasks(), now: clock.now, lock: createMemoryLock(clock), run });
    expect(summary.minute).toBe(at('2025-06-01T10:00:00Z'));
    expect(calls.map((c) => [c.task, new Date(c.minute).toISOString()])).toEqual([
      ['a', '2025-06-01T10:00:00.000Z'],
      ['b', '2025-06-01T10:00:00.000Z'],
    ]);
  });

  it('runs an explicit minute when given one', async () => {
    const clock = createManualClock(at('2025-06-01T10:07:00Z'));
    const { run, calls } = recorder();
    const summary = await runDue({
      tasks: twoTasks(),
      now: clock.now,
      lock: createMemoryLock(clock),
      run,
      minute: at('2025-06-01T10:00:20Z'),
      catchUp: true,
    });
    expect(summary).toMatchObject({ minute: at('2025-06-01T10:00:00Z'), catchUp: true });
    expect(calls.map((c) => c.context)).toEqual([
      { minute: at('2025-06-01T10:00:00Z'), catchUp: true },
      { minute: at('2025-06-01T10:00:00Z'), catchUp: true },
    ]);
  });

  it('returns nothing and runs nothing when nothing is due', async () => {
    const clock = createManualClock(at('2025-06-01T10:07:00Z'));
    const tasks = tasksOf([{ name: 'b', when: '@hourly', action: 'publish_queue' }]);
    let acquired = 0;
    const lock: TaskLock = {
      acquire: () => ++acquired > 0,
      release: () => {},
    };
    const summary = await runDue({ tasks, now: clock.now, lock, run: recorder().run });
    expect(summary.outcomes).toEqual([]);
    expect(acquired).toBe(0);
  });

  it('isolates failures: a task that throws, one that rejects and one whose lock fails do not stop the others', async () => {
    const clock = createManualClock(at('2025-06-01T10:00:00Z'));
    const tasks = tasksOf(
      ['throws', 'rejects', 'lock fails', 'fine'].map((name) => ({ name, when: '* * * * *', action: 'sysinfo_local' })),
    );
    const logger = recordingLogger();
    const memory = createMemoryLock(clock);
    const lock: TaskLock = {
      acquire: (key, ttl) => {
        if (key.startsWith('lock fails@')) throw new Error('EACCES: lock folder not writable');
        return memory.acquire(key, ttl);
      },
      release: (key) => memory.release(key),
    };
    const ran: string[] = [];
    const summary = await runDue({
      tasks,
      now: clock.now,
      lock,
      logger,
      sleep: clock.sleep,
      run: (task) => {
        if (task.name === 'throws') throw new Error('boom');
        if (task.name === 'rejects') return Promise.reject(new Error('no route to hub'));
        ran.push(task.name);
        return Promise.resolve();
      },
    });
    expect(summary.outcomes.map((o) => [o.task, o.status, (o.error as Error | undefined)?.message])).toEqual([
      ['throws', 'failed', 'boom'],
      ['rejects', 'failed', 'no route to hub'],
      ['lock fails', 'failed', 'EACCES: lock folder not writable'],
      ['fine', 'ran', undefined],
    ]);
    expect(ran).toEqual(['fine']);
    expect(
      logger.lines.filter((l) => l.level === 'error').map((l) => [l.message, l.fields?.task, l.fields?.error]),
    ).toEqual([
      ['task not run: lock failed', 'lock fails', 'EACCES: lock folder not writable'],
      ['task failed', 'throws', 'boom'],
      ['task failed', 'rejects', 'no route to hub'],
    ]);
    // A failed task does not hold its running lock: it runs again the next minute.
    clock.set(at('2025-06-01T10:01:00Z'));
    const next = await runDue({
      tasks: tasks.slice(0, 2),
      now: clock.now,
      lock,
      run: async () => {},
      sleep: clock.sleep,
    });
    expect(next.outcomes.map((o) => o.status)).toEqual(['ran', 'ran']);
  });

  it('reports a disabled task that is due, without running it', async () => {
    const clock = createManualClock(at('2025-06-01T10:00:00Z'));
    const tasks = tasksOf([{ name: 'off', when: '* * * * *', action: 'sysinfo_local', enabled: false }]);
    const { run, calls } = recorder();
    const summary = await runDue({ tasks, now: clock.now, lock: createMemoryLock(clock), run });
    expect(summary.outcomes).toEqual([{ task: 'off', action: 'sysinfo_local', status: 'disabled' }]);
    expect(calls).toEqual([]);
  });

  it('runs due tasks concurrently: a slow task does not delay a quick one', async () => {
    const clock = createManualClock(at('2025-06-01T10:00:00Z'));
    const tasks = tasksOf(['slow', 'quick'].map((name) => ({ name, when: '* * * * *', action: 'sysinfo_local' })));
    const started: string[] = [];
    let finishSlow = () => {};
    const summary = runDue({
      tasks,
      now: clock.now,
      lock: createMemoryLock(clock),
      sleep: clock.sleep,
      run: (task) => {
        started.push(task.name);
        return task.name === 'slow' ? new Promise<void>((resolve) => (finishSlow = resolve)) : Promise.resolve();
      },
    });
    await settle();
    expect(started).toEqual(['slow', 'quick']);
    clock.advance(20_000);
    finishSlow();
    expect((await summary).outcomes.map((o) => [o.task, o.status, o.durationMs])).toEqual([
      ['slow', 'ran', 20_000],
      ['quick', 'ran', 0],
    ]);
  });

  describe('timeouts', () => {
    const oneTask = (timeout: string) =>
      tasksOf([{ name: 't', when: '* * * * *', action: 'exec', command: 'sleep 1000', timeout }]);

    it('aborts a task at its timeout with a TaskTimeoutError, and waits for it to stop', async () => {
      const clock = createManualClock(at('2025-06-01T10:00:00Z'));
      const logger = recordingLogger();
      let reason: unknown;
      const summary = runDue({
        tasks: oneTask('30s'),
        now: clock.now,
        lock: createMemoryLock(clock),
        sleep: clock.sleep,
        logger,
        run: (_task, signal) =>
          new Promise<void>((_resolve, reject) => {
            signal.addEventListener('abort', () => {
              reason = signal.reason;
              clock.advance(200); // it takes a moment to clean up
              reject(signal.reason);
            });
          }),
      });
      await settle();
      clock.advance(29_999);
      await settle();
      expect(reason).toBeUndefined();
      clock.advance(1);
      const outcome = (await summary).outcomes[0]!;
      expect(reason).toBeInstanceOf(TaskTimeoutError);
      expect(outcome).toMatchObject({ task: 't', status: 'timed-out', durationMs: 30_200 });
      expect(outcome.error).toBe(reason);
      expect(outcome.abandoned).toBeUndefined();
      expect(logger.lines.at(-1)).toMatchObject({
        level: 'error',
        message: 'task timed out',
        fields: { timeoutMs: 30_000 },
      });
      expect(clock.pending()).toBe(0); // no timer left behind to keep a cron-started process alive
    });

    it('abandons a task that ignores the abort after the grace period, and skips it while it still runs', async () => {
      const clock = createManualClock(at('2025-06-01T10:00:00Z'));
      const lock = createMemoryLock(clock);
      const logger = recordingLogger();
      let finish = () => {};
      const hung: RunTask = () => new Promise<void>((resolve) => (finish = resolve));
      const tasks = oneTask('1m');
      const summary = runDue({ tasks, now: clock.now, lock, sleep: clock.sleep, logger, run: hung, graceMs: 5000 });
      await settle();
      clock.advance(60_000);
      await settle();
      clock.advance(4_999);
      await settle();
      expect(clock.pending()).toBe(1); // still within the grace period
      clock.advance(1);
      expect((await summary).outcomes[0]).toMatchObject({ status: 'timed-out', abandoned: true, durationMs: 65_000 });
      expect(logger.lines.at(-1)?.message).toBe('task timed out and ignored the abort: abandoned');

      // The next minute the abandoned run still goes on: the task is skipped, not run a second time at once.
      clock.set(at('2025-06-01T10:02:00Z'));
      const { run, calls } = recorder();
      expect((await runDue({ tasks, now: clock.now, lock, sleep: clock.sleep, logger, run })).outcomes).toEqual([
        { task: 't', action: 'exec', status: 'busy' },
      ]);
      expect(logger.lines.at(-1)).toMatchObject({
        level: 'warn',
        message: 'task skipped: its earlier run is still going',
      });
      finish();
      await settle();
      clock.set(at('2025-06-01T10:03:00Z'));
      expect((await runDue({ tasks, now: clock.now, lock, sleep: clock.sleep, run })).outcomes[0]?.status).toBe('ran');
      expect(calls).toHaveLength(1);
    });
  });
});

describe('two processes running the same minutes at once', () => {
  it('never run a task twice for one minute, nor one task twice at the same time', async () => {
    const lockDir = join(dir, 'locks');
    const outFile = join(dir, 'runs.log');
    const start = at('2025-06-01T10:00:00Z');
    const minutes = 40;
    const child = new URL('../fixtures/lock-child.ts', import.meta.url).pathname;
    const children = [0, 1].map(() =>
      spawn(process.execPath, [child, lockDir, outFile, String(start), String(minutes)], {
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    );
    const output = children.map(() => ({ stdout: '', stderr: '' }));
    children.forEach((c, i) => {
      c.stdout.on('data', (d) => {
        output[i]!.stdout += d;
      });
      c.stderr.on('data', (d) => {
        output[i]!.stderr += d;
      });
    });
    const deadline = (ms: number, what: string) =>
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`${what} within ${ms} ms: ${JSON.stringify(output)}`)), ms).unref(),
      );
    try {
      const ready = (i: number) =>
        new Promise<void>((resolve) => {
          const check = () => (output[i]!.stdout.includes('ready\n') ? resolve() : setTimeout(check, 5));
          check();
        });
      await Promise.race([Promise.all([ready(0), ready(1)]), deadline(20_000, 'both children ready')]);
      for (const c of children) c.stdin.end('go\n'); // released together
      const exits = children.map((c) => new Promise<number | null>((resolve) => c.on('close', resolve)));
      expect(await Promise.race([Promise.all(exits), deadline(20_000, 'both children done')])).toEqual([0, 0]);
    } finally {
      for (const c of children) c.kill();
    }

    const counts = output.map((o) => JSON.parse(o.stdout.split('\n')[1]!) as Record<string, number>);
    const total = (status: string) => counts.reduce((sum, c) => sum + (c[status] ?? 0), 0);
    const keys = 5 * minutes;
    // Each (task, minute) was claimed by exactly one process: it ran there (or was skipped there as busy, its
    // previous run going on in the other process), and the other process found it locked.
    expect(total('ran') + total('busy')).toBe(keys);
    expect(total('locked')).toBe(keys);
    expect(total('failed') + total('timed-out')).toBe(0);

    const lines = readFileSync(outFile, 'utf8').trim().split('\n');
    const startsByKey = new Map<string, number>();
    const running = new Map<string, string>();
    for (const line of lines) {
      const [kind, task, minute, pid] = line.split('|');
      const key = `${task}|${minute}`;
      if (kind === 'start') {
        startsByKey.set(key, (startsByKey.get(key) ?? 0) + 1);
        expect(running.has(task!), `${task} started while running (${line})`).toBe(false);
        running.set(task!, `${minute}|${pid}`);
      } else {
        expect(running.get(task!)).toBe(`${minute}|${pid}`);
        running.delete(task!);
      }
    }
    expect([...startsByKey.values()].every((n) => n === 1)).toBe(true);
    expect(startsByKey.size).toBe(total('ran'));
  });
});
