// Helpers of this package's tests: a hand-driven clock, a reference schedule, a recording logger.
import type { LogFields, Logger } from '@janitor/protocol';
import { CronExpressionParser } from 'cron-parser';
import { validateCron } from './cron-expression.ts';
import type { Sleep } from './sleep.ts';

interface Sleeper {
  deadline: number;
  wake: () => void;
}

/** A clock for the tests: now() reads it, sleep() waits on it, and only set()/advance() move it. */
export interface ManualClock {
  now: () => number;
  sleep: Sleep;
  /** Moves the clock to `to` (forward only) and wakes every sleeper whose deadline has come. */
  set(to: number): void;
  advance(ms: number): void;
  /** The earliest pending deadline. */
  nextDeadline(): number | undefined;
  /** How many sleeps are pending. */
  pending(): number;
  /** Every sleep duration ever asked for, in order. */
  readonly requested: number[];
}

export function createManualClock(start: number): ManualClock {
  let t = start;
  const sleepers = new Set<Sleeper>();
  const requested: number[] = [];
  const clock: ManualClock = {
    now: () => t,
    requested,
    sleep(ms, signal) {
      requested.push(ms);
      if (signal?.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const sleeper: Sleeper = {
          deadline: t + Math.max(0, ms),
          wake: () => {
            sleepers.delete(sleeper);
            signal?.removeEventListener('abort', sleeper.wake);
            resolve();
          },
        };
        sleepers.add(sleeper);
        signal?.addEventListener('abort', sleeper.wake, { once: true });
      });
    },
    set(to) {
      if (to < t) throw new Error(`the manual clock only moves forward (${t} -> ${to})`);
      t = to;
      for (const sleeper of [...sleepers]) if (sleeper.deadline <= t) sleeper.wake();
    },
    advance(ms) {
      clock.set(t + ms);
    },
    nextDeadline() {
      let best: number | undefined;
      for (const s of sleepers) if (best === undefined || s.deadline < best) best = s.deadline;
      return best;
    },
    pending: () => sleepers.size,
  };
  return clock;
}

/** Resolves once every promise callback already queued has run (setImmediate comes after all microtasks). */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A seeded pseudo-random generator (mulberry32), so a failing run can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The reference schedule: instants of `task`'s runs in [start, end), by one cron-parser iteration started a day
 * before `start` (so it has crossed any DST change the way a long-running process would).
 */
export function referenceRuns(task: { when: string; timezone?: string }, start: number, end: number): number[] {
  const expression = CronExpressionParser.parse(validateCron(task.when), {
    tz: task.timezone ?? 'UTC',
    currentDate: new Date(start - 24 * 3_600_000),
  });
  const runs: number[] = [];
  for (;;) {
    const next = expression.next().getTime();
    if (next >= end) return runs;
    if (next >= start) runs.push(next);
  }
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields?: LogFields;
}

/** A Logger that keeps every line. */
export function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (message: string, fields?: LogFields): void => {
      lines.push({ level, message, ...(fields ? { fields } : {}) });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
