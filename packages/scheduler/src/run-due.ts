import { type Logger, silentLogger } from '@janitor/protocol';
import { isDue } from './cron-expression.ts';
import { floorToMinute, MINUTE_MS, minuteStamp } from './minute.ts';
import { sleep as realSleep, type Sleep } from './sleep.ts';
import type { Task } from './task.ts';
import type { TaskLock } from './task-lock.ts';

/**
 * What became of one due task: it `ran` (resolved), `failed` (threw or rejected, or its lock could not be taken),
 * `timed-out` (aborted at its timeout), was `locked` (another run already took this task for this minute), was
 * `busy` (its run from an earlier minute is still going, so it is skipped rather than run twice at once), or is
 * `disabled`.
 */
export type TaskStatus = 'ran' | 'failed' | 'timed-out' | 'locked' | 'busy' | 'disabled';

/** One line of a {@link RunSummary}. */
export interface TaskOutcome {
  task: string;
  action: Task['action'];
  status: TaskStatus;
  /** How long the run took (`ran`, `failed`, `timed-out`). */
  durationMs?: number;
  /** `failed`: what it threw; `timed-out`: the {@link TaskTimeoutError} it was aborted with. */
  error?: unknown;
  /** `timed-out` only: the task ignored the abort for the whole grace period and was left running. */
  abandoned?: boolean;
}

/** What {@link runDue} did: the minute it ran (epoch ms) and one outcome per task due in it, in schedule order. */
export interface RunSummary {
  minute: number;
  catchUp: boolean;
  outcomes: TaskOutcome[];
}

/** Passed to each run: the minute it is for (epoch ms), and whether a daemon is catching up a missed one. */
export interface RunContext {
  minute: number;
  catchUp: boolean;
}

/** Runs one task; should stop soon after `signal` aborts (its reason is a {@link TaskTimeoutError}). */
export type RunTask = (task: Task, signal: AbortSignal, context: RunContext) => Promise<void>;

/** The reason a task's signal aborts with when the task overran its timeout. */
export class TaskTimeoutError extends Error {
  override name = 'TaskTimeoutError';
  readonly task: string;
  readonly timeoutMs: number;

  constructor(task: string, timeoutMs: number) {
    super(`task ${JSON.stringify(task)} timed out after ${timeoutMs} ms`);
    this.task = task;
    this.timeoutMs = timeoutMs;
  }
}

/** Options of {@link runDue}. */
export interface RunDueOptions {
  tasks: readonly Task[];
  /** Shared by every process that may run this schedule (see {@link createFileLock}). */
  lock: TaskLock;
  run: RunTask;
  /** @default Date.now */
  now?: () => number;
  /** @default silentLogger */
  logger?: Logger;
  /** Waits for timeouts and the grace period. @default the real one */
  sleep?: Sleep;
  /** How long a task that ignores its aborted signal is waited for before it is abandoned. @default 5000 */
  graceMs?: number;
  /** The minute to run; by default the one `now()` falls in. */
  minute?: number;
  /** Marks the run as a daemon's catch-up of a missed minute (passed on to each task). @default false */
  catchUp?: boolean;
  /**
   * How long the claim on (task, minute) is kept, so that a later run for the same minute skips the task. It must
   * outlast the minute itself; ten minutes also cover a clock stepped back a little. @default 600000
   */
  minuteLockTtlMs?: number;
}

const TIMED_OUT: unique symbol = Symbol('timed out');
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Runs every enabled task due in the current minute (`now()` floored: a run that starts late, within the minute,
 * still counts the minute it was meant for), each once per minute across processes, and reports what happened.
 *
 * For each due task it takes two locks: `<name>@<minute>` (kept until `minuteLockTtlMs`, so no other run executes
 * the task for that minute) and `<name>#running` (released when the run ends, so a task that overruns its period
 * is skipped as `busy` instead of overlapping itself). Due tasks run concurrently: one slow or hung task delays
 * none of the others, and the whole run ends with the slowest. Each has its own timeout: its signal aborts with a
 * {@link TaskTimeoutError}; a task that ignores it is abandoned after `graceMs` and reported. A task that fails is
 * logged and reported; the others go on. Never rejects.
 *
 * @example
 * const summary = await runDue({ tasks, lock: createFileLock('.janitor/locks'), run: (task, signal) => actions[task.action](task, signal) });
 */
export async function runDue(options: RunDueOptions): Promise<RunSummary> {
  const {
    tasks,
    lock,
    run,
    now = Date.now,
    logger = silentLogger,
    sleep = realSleep,
    graceMs = 5000,
    catchUp = false,
    minuteLockTtlMs = 10 * MINUTE_MS,
  } = options;
  const minute = floorToMinute(options.minute ?? now());
  const stamp = minuteStamp(minute);
  const context: RunContext = { minute, catchUp };

  const runOne = async (task: Task): Promise<TaskOutcome> => {
    const base = { task: task.name, action: task.action };
    const fields = { task: task.name, action: task.action, minute: stamp, ...(catchUp ? { catchUp } : {}) };
    if (!task.enabled) {
      logger.debug('task due but disabled', fields);
      return { ...base, status: 'disabled' };
    }
    const runningKey = `${task.name}#running`;
    try {
      if (!lock.acquire(`${task.name}@${stamp}`, minuteLockTtlMs)) {
        logger.debug('task already taken for this minute', fields);
        return { ...base, status: 'locked' };
      }
      if (!lock.acquire(runningKey, task.timeoutMs + graceMs + MINUTE_MS)) {
        logger.warn('task skipped: its earlier run is still going', fields);
        return { ...base, status: 'busy' };
      }
    } catch (error) {
      logger.error('task not run: lock failed', { ...fields, error: messageOf(error) });
      return { ...base, status: 'failed', error };
    }

    const started = now();
    const controller = new AbortController();
    const timers = new AbortController();
    const release = () => {
      try {
        lock.release(runningKey);
      } catch (error) {
        logger.warn('could not release task lock', { ...fields, error: messageOf(error) });
      }
    };
    const work = (async () => run(task, controller.signal, context))().then(
      () => ({ ok: true as const }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    const wake = (): typeof TIMED_OUT => TIMED_OUT;
    try {
      const first = await Promise.race([work, sleep(task.timeoutMs, timers.signal).then(wake, wake)]);
      if (first !== TIMED_OUT) {
        release();
        const durationMs = now() - started;
        if (first.ok) {
          logger.info('task ran', { ...fields, durationMs });
          return { ...base, status: 'ran', durationMs };
        }
        logger.error('task failed', { ...fields, durationMs, error: messageOf(first.error) });
        return { ...base, status: 'failed', durationMs, error: first.error };
      }
      const error = new TaskTimeoutError(task.name, task.timeoutMs);
      controller.abort(error);
      const second = await Promise.race([work, sleep(graceMs, timers.signal).then(wake, wake)]);
      const durationMs = now() - started;
      const abandoned = second === TIMED_OUT;
      if (abandoned) void work.then(release);
      else release();
      logger.error(abandoned ? 'task timed out and ignored the abort: abandoned' : 'task timed out', {
        ...fields,
        durationMs,
        timeoutMs: task.timeoutMs,
      });
      return { ...base, status: 'timed-out', durationMs, error, ...(abandoned ? { abandoned } : {}) };
    } finally {
      timers.abort();
    }
  };

  const outcomes = await Promise.all(
    tasks.map((task): TaskOutcome | undefined | Promise<TaskOutcome> => {
      let due: boolean;
      try {
        due = isDue(task, minute);
      } catch (error) {
        logger.error('task not run: bad schedule', { task: task.name, minute: stamp, error: messageOf(error) });
        return { task: task.name, action: task.action, status: 'failed', error };
      }
      return due ? runOne(task) : undefined;
    }),
  );
  return { minute, catchUp, outcomes: outcomes.filter((o) => o !== undefined) };
}
