import { createRequire } from 'node:module';
import { nextRuns, validateCron } from './cron-expression.ts';
import type { Task } from './task.ts';
import { formatInZone, localTimeZone } from './time-zone.ts';

type CronstrueModule = typeof import('cronstrue');

// Only `janitor schedule list` needs words: load cronstrue then, not with the package.
const require = createRequire(import.meta.url);
let cronstrue: CronstrueModule | undefined;

/**
 * A cron expression (five fields or a macro) in English words, with 24-hour times, via cronstrue.
 * Throws {@link CronExpressionError} for an expression {@link parseSchedules} would refuse.
 *
 * @example
 * describeCron('30 2 * * 1-5') // 'At 02:30, Monday through Friday'
 */
export function describeCron(when: string, options: { verbose?: boolean } = {}): string {
  const expression = validateCron(when);
  cronstrue ??= require('cronstrue') as CronstrueModule;
  return cronstrue.toString(expression, { use24HourTimeFormat: true, verbose: options.verbose ?? false });
}

/** One line of `janitor schedule list`. */
export interface ScheduleRow {
  name: string;
  when: string;
  /** `when` in words ({@link describeCron}). */
  description: string;
  action: Task['action'];
  enabled: boolean;
  /** The zone the times are in: the task's, else the process's. */
  timezone: string;
  /** The next run times, formatted in {@link timezone} ({@link formatInZone}). */
  next: string[];
}

/**
 * What `janitor schedule list` shows for each task: the expression in words and the next run times in the task's
 * time zone.
 *
 * @param options.from list runs strictly after this instant
 * @param options.count how many runs per task
 * @default options.count 3
 */
export function listSchedule(tasks: readonly Task[], options: { from: Date | number; count?: number }): ScheduleRow[] {
  const { from, count = 3 } = options;
  return tasks.map((task) => {
    const timezone = task.timezone ?? localTimeZone();
    return {
      name: task.name,
      when: task.when,
      description: describeCron(task.when),
      action: task.action,
      enabled: task.enabled,
      timezone,
      next: nextRuns(task, from, count).map((date) => formatInZone(date, timezone)),
    };
  });
}

/**
 * `janitor schedule list`: one row per task (name, expression, the expression in words, action, time zone) and its
 * next `count` runs in the task's zone, one per line under each other; a disabled task says so instead.
 */
export function formatScheduleTable(rows: readonly ScheduleRow[]): string {
  if (rows.length === 0) return 'no scheduled tasks (app.schedules is empty)';
  const header = ['NAME', 'WHEN', 'IN WORDS', 'ACTION', 'TIMEZONE', 'NEXT RUNS'];
  const lines: string[][] = [header];
  for (const row of rows) {
    const next = row.enabled ? row.next : ['disabled: does not run'];
    const name = row.enabled ? row.name : `${row.name} (disabled)`;
    lines.push([name, row.when, row.description, row.action, row.timezone, next[0] ?? 'never']);
    for (const more of next.slice(1)) lines.push(['', '', '', '', '', more]);
  }
  const widths = header.map((_, i) => Math.max(...lines.map((cells) => cells[i]!.length)));
  return lines
    .map((cells) =>
      cells
        .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('   ')
        .trimEnd(),
    )
    .join('\n');
}
