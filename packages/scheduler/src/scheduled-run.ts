// Running the due tasks of a schedule as a command does: once for the current minute (`janitor scheduler`, what cron
// calls), or as a daemon until SIGTERM/SIGINT (`janitor scheduler --daemon`, janitor-agent's long-running mode).
import type { Logger } from '@janitor/protocol';
import { createDaemon } from './daemon.ts';
import { type RunSummary, type RunTask, runDue } from './run-due.ts';
import type { Sleep } from './sleep.ts';
import type { Task } from './task.ts';
import type { TaskLock } from './task-lock.ts';

/**
 * How long a task that ignores its timeout is waited for before it is abandoned: room for a command to end after
 * SIGTERM ({@link COMMAND_KILL_GRACE_MS}) and for its failure to reach the hub ({@link REPORT_TIMEOUT_MS}).
 */
export const SCHEDULER_GRACE_MS = 10_000;
/** How long a scheduled command has between SIGTERM (at its timeout) and SIGKILL. */
export const COMMAND_KILL_GRACE_MS = 3000;
/** How long reporting a failed command to the hub may take. */
export const REPORT_TIMEOUT_MS = 5000;

/** A scheduled command that did not succeed; its report has been sent to the hub, or logged when that failed. */
export class ScheduledCommandError extends Error {
  override name = 'ScheduledCommandError';
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** Options of {@link runScheduledMinute}. */
export interface ScheduledMinuteOptions {
  tasks: readonly Task[];
  lock: TaskLock;
  run: RunTask;
  logger: Logger;
  /** @default Date.now */
  now?: () => number;
  /** @default {@link SCHEDULER_GRACE_MS} */
  graceMs?: number;
}

/** What one `janitor scheduler` run did, and how it should exit. */
export interface ScheduledMinuteResult {
  summary: RunSummary;
  /** 0 when every due task ran (or nothing was due, or another run had it), 1 when one failed or timed out. */
  exitCode: 0 | 1;
  /** A task ignored its timeout and still runs: the process must exit anyway. */
  abandoned: boolean;
}

/**
 * `janitor scheduler`: runs once every task due in the current minute (what a crontab line calls every minute).
 * Each task runs at most once per minute across processes (file locks); a failing task is logged and does not stop
 * the others.
 */
export async function runScheduledMinute(options: ScheduledMinuteOptions): Promise<ScheduledMinuteResult> {
  const { tasks, lock, run, logger, now = Date.now, graceMs = SCHEDULER_GRACE_MS } = options;
  const summary = await runDue({ tasks, lock, run, logger, now, graceMs });
  if (summary.outcomes.length === 0) logger.debug('nothing due', { tasks: tasks.length });
  const failed = summary.outcomes.some((o) => o.status === 'failed' || o.status === 'timed-out');
  return { summary, exitCode: failed ? 1 : 0, abandoned: summary.outcomes.some((o) => o.abandoned === true) };
}

/** The part of `process` the daemon listens to for SIGTERM and SIGINT. */
export type SignalSource = Pick<NodeJS.EventEmitter, 'on' | 'removeListener'>;

/** Options of {@link runSchedulerDaemon}. */
export interface SchedulerDaemonOptions {
  tasks: readonly Task[];
  lock: TaskLock;
  run: RunTask;
  logger: Logger;
  /** @default process */
  signals?: SignalSource;
  /** Called on a second SIGTERM/SIGINT, while the first waits for running tasks. @default exit at once with 1 */
  onSecondSignal?: () => void;
  /** @default Date.now */
  now?: () => number;
  /** @default the real one */
  sleep?: Sleep;
  /** @default {@link SCHEDULER_GRACE_MS} */
  graceMs?: number;
}

/**
 * `janitor scheduler --daemon`: the same schedule without cron. Resolves once a SIGTERM or SIGINT has stopped it,
 * after the running tasks have ended (each within its timeout). A second signal does not wait.
 */
export async function runSchedulerDaemon(options: SchedulerDaemonOptions): Promise<void> {
  const {
    tasks,
    lock,
    run,
    logger,
    signals = process,
    onSecondSignal = () => process.exit(1),
    graceMs = SCHEDULER_GRACE_MS,
  } = options;
  if (!tasks.some((t) => t.enabled)) logger.warn('no enabled task in app.schedules: nothing will run');
  const daemon = createDaemon({
    tasks,
    lock,
    run,
    logger,
    graceMs,
    ...(options.now ? { now: options.now } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn('second signal: exiting without waiting for the running tasks', { signal });
      onSecondSignal();
      return;
    }
    stopping = true;
    logger.info('scheduler daemon stopping: waiting for the running tasks', { signal });
    void daemon.stop();
  };
  signals.on('SIGTERM', onSignal);
  signals.on('SIGINT', onSignal);
  try {
    await daemon.start();
  } finally {
    signals.removeListener('SIGTERM', onSignal);
    signals.removeListener('SIGINT', onSignal);
  }
}
