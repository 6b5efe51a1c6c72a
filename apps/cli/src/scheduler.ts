// `janitor schedule list`: the tasks of `app.schedules`, their expressions in words and their next runs. Running them
// (`janitor scheduler [--daemon]`) is @janitor/runtime/tasks' schedulerCommand.

import { openRuntime, type RuntimeOptions } from '@janitor/runtime';
import { listSchedule, type ScheduleRow } from '@janitor/scheduler';

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

/** The `janitor schedule list` command: the table of {@link formatScheduleTable} for the config's tasks. */
export async function scheduleListCommand(
  options: RuntimeOptions & { now?: Date; out?: (text: string) => void } = {},
): Promise<void> {
  const { now = new Date(), out = (text) => process.stdout.write(`${text}\n`), ...runtimeOptions } = options;
  const runtime = await openRuntime(runtimeOptions);
  out(formatScheduleTable(listSchedule(runtime.config.tasks, { from: now, count: 3 })));
  await runtime.logger.flush();
}
