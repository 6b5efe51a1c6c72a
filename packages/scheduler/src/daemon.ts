import { type Logger, silentLogger } from '@janitor/protocol';
import { isDue, lastRunBefore, nextRuns } from './cron-expression.ts';
import { floorToMinute, MINUTE_MS, minuteStamp } from './minute.ts';
import { type RunSummary, type RunTask, runDue } from './run-due.ts';
import { sleep as realSleep, type Sleep } from './sleep.ts';
import type { Task } from './task.ts';
import type { TaskLock } from './task-lock.ts';

/** Options of {@link createDaemon}. */
export interface DaemonOptions {
  tasks: readonly Task[];
  lock: TaskLock;
  run: RunTask;
  /** @default Date.now */
  now?: () => number;
  /** @default the real one */
  sleep?: Sleep;
  /** @default silentLogger */
  logger?: Logger;
  /** Passed to {@link runDue}. @default 5000 */
  graceMs?: number;
  /**
   * The longest single wait. Timers run on the monotonic clock, which stands still while the machine is suspended
   * and ignores wall-clock steps: waking at least this often re-reads the wall clock. @default 60000
   */
  maxSleepMs?: number;
  /** Called with each minute's summary (after its tasks end). */
  onSummary?: (summary: RunSummary) => void;
}

/** A running schedule: see {@link createDaemon}. */
export interface Daemon {
  /** Starts the loop; resolves once the daemon has stopped (after {@link stop}). Throws if already started. */
  start(): Promise<void>;
  /** Stops waking for new minutes and resolves once the tasks running now have ended (each within its timeout). */
  stop(): Promise<void>;
}

/**
 * `janitor scheduler --daemon`: the same schedule as cron would run it, without cron. The daemon sleeps until the
 * next minute a task is due, computed afresh from the wall clock each time (so it never drifts), and runs that
 * minute with {@link runDue} (not awaited: a long task never delays the next minute). The current minute counts at
 * start, as a late cron start would.
 *
 * Waking more than a minute late (a suspend, a stopped process, a clock stepped forward) it catches up at most one
 * missed minute: the most recent one in which a task was due; then the current minute, whose tasks still running
 * from the catch-up are skipped as `busy`. Earlier missed minutes are dropped and logged.
 *
 * @example
 * const daemon = createDaemon({ tasks, lock: createFileLock('.janitor/locks'), run, logger });
 * process.once('SIGTERM', () => void daemon.stop());
 * await daemon.start();
 */
export function createDaemon(options: DaemonOptions): Daemon {
  const {
    tasks,
    lock,
    run,
    now = Date.now,
    sleep = realSleep,
    logger = silentLogger,
    graceMs = 5000,
    maxSleepMs = 60_000,
    onSummary,
  } = options;
  const enabled = tasks.filter((task) => task.enabled);
  const inFlight = new Set<Promise<void>>();
  const wake = new AbortController();
  let stopping = false;
  let finished: Promise<void> | undefined;

  // The first minute at or after `from` (a minute start) in which an enabled task is due.
  const nextDue = (from: number): number | undefined => {
    let best: number | undefined;
    for (const task of enabled) {
      const at = nextRuns(task, from - 1, 1)[0]?.getTime();
      if (at !== undefined && (best === undefined || at < best)) best = at;
    }
    return best;
  };

  const launch = (minute: number, catchUp: boolean) => {
    const running = runDue({ tasks, lock, run, now, sleep, logger, graceMs, minute, catchUp }).then(
      (summary) => onSummary?.(summary),
      (error: unknown) => logger.error('scheduler run failed', { minute: minuteStamp(minute), error: String(error) }),
    );
    inFlight.add(running);
    void running.finally(() => inFlight.delete(running));
  };

  const loop = async () => {
    let target = nextDue(floorToMinute(now()));
    logger.info('scheduler daemon started', {
      tasks: enabled.length,
      next: target === undefined ? 'never' : minuteStamp(target),
    });
    while (!stopping) {
      const t = now();
      if (target === undefined || t < target) {
        const waitMs = target === undefined ? maxSleepMs : Math.min(target - t, maxSleepMs);
        try {
          await sleep(waitMs, wake.signal);
        } catch {
          // aborted by stop(), or a sleep that rejects when woken: either way, look at the clock again
        }
        continue;
      }
      const current = floorToMinute(t);
      if (current > target) {
        // Woke after the minute it slept for had passed: catch up the most recent missed due minute, only that one.
        let missed: number | undefined;
        for (const task of enabled) {
          const at = lastRunBefore(task, current, target);
          if (at !== undefined && (missed === undefined || at > missed)) missed = at;
        }
        logger.warn('scheduler woke late', {
          expected: minuteStamp(target),
          now: minuteStamp(current),
          catchUp: missed === undefined ? 'none' : minuteStamp(missed),
        });
        if (missed !== undefined) launch(missed, true);
      }
      if (enabled.some((task) => isDue(task, current))) launch(current, false);
      target = nextDue(current + MINUTE_MS);
    }
    await Promise.all([...inFlight]);
    logger.info('scheduler daemon stopped');
  };

  return {
    start() {
      if (finished) throw new Error('scheduler daemon already started');
      finished = loop();
      return finished;
    },
    async stop() {
      stopping = true;
      wake.abort();
      if (finished) await finished;
    },
  };
}
