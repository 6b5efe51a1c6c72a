import { CronExpressionError, validateCron } from './cron-expression.ts';
import { MAX_TIMEOUT_MS, parseDuration } from './duration.ts';
import { DEFAULT_TASK_TIMEOUT_MS, isScheduleAction, SCHEDULE_ACTIONS, type Task } from './task.ts';
import { isValidTimeZone } from './time-zone.ts';

/** Something wrong in `app.schedules`: where (a key path such as `app.schedules[2].when`) and what. */
export interface ScheduleProblem {
  path: string;
  message: string;
}

/** What {@link parseSchedules} returns: the valid tasks and every problem found. */
export interface ParsedSchedules {
  tasks: Task[];
  problems: ScheduleProblem[];
}

const TASK_KEYS = ['name', 'when', 'action', 'command', 'timezone', 'enabled', 'timeout'] as const;

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Turns the config's `app.schedules` list into tasks, as the original reads it (`name`, `when`, `action`) plus the
 * optional `command` (exec), `timezone`, `enabled` and `timeout`. Checks every cron expression with cron-parser,
 * every action, time zone and duration, and that names are unique (a name keys the task's lock).
 *
 * Never throws: every problem comes back with its key path, and only valid tasks are kept. `undefined` and `null`
 * (an absent or empty key) give no tasks and no problem.
 *
 * @param raw the parsed YAML/JSON value
 * @param path the key path of `raw`, prefixed to every problem's path
 * @default path 'app.schedules'
 * @example
 * const { tasks, problems } = parseSchedules([{ name: 'check', when: '@hourly', action: 'sysinfo_local' }]);
 */
export function parseSchedules(raw: unknown, path = 'app.schedules'): ParsedSchedules {
  const tasks: Task[] = [];
  const problems: ScheduleProblem[] = [];
  if (raw === undefined || raw === null) return { tasks, problems };
  if (!Array.isArray(raw)) {
    problems.push({ path, message: `expected a list of tasks { name, when, action }, got ${describe(raw)}` });
    return { tasks, problems };
  }
  const firstIndexOfName = new Map<string, number>();
  raw.forEach((entry: unknown, index) => {
    const at = `${path}[${index}]`;
    const problem = (key: string, message: string) => problems.push({ path: `${at}.${key}`, message });
    if (!isRecord(entry)) {
      problems.push({ path: at, message: `expected a task { name, when, action }, got ${describe(entry)}` });
      return;
    }
    const before = problems.length;
    for (const key of Object.keys(entry)) {
      if (!(TASK_KEYS as readonly string[]).includes(key))
        problem(key, `unknown key; expected ${TASK_KEYS.join(', ')}`);
    }

    const { name, when, action, command, timezone, enabled, timeout } = entry;
    if (typeof name !== 'string' || name.trim() === '') {
      problem('name', `expected a non-empty string, got ${describe(name)}`);
    } else {
      const first = firstIndexOfName.get(name);
      if (first !== undefined) problem('name', `duplicate name ${JSON.stringify(name)} (also ${path}[${first}])`);
      else firstIndexOfName.set(name, index);
    }

    if (typeof when !== 'string' || when.trim() === '') {
      problem('when', `expected a cron expression such as "*/5 * * * *" or "@hourly", got ${describe(when)}`);
    } else {
      try {
        validateCron(when);
      } catch (error) {
        if (!(error instanceof CronExpressionError)) throw error;
        problem('when', error.message);
      }
    }

    if (!isScheduleAction(action)) {
      const what = typeof action === 'string' ? `unknown action ${JSON.stringify(action)}` : `got ${describe(action)}`;
      problem('action', `${what}; expected one of ${SCHEDULE_ACTIONS.join(', ')}`);
    }

    let argv: string[] | string | undefined;
    if (action === 'exec') {
      if (typeof command === 'string' && command.trim() !== '') argv = command;
      else if (
        Array.isArray(command) &&
        command.length > 0 &&
        command.every((part) => typeof part === 'string') &&
        (command[0] as string).trim() !== ''
      ) {
        argv = [...(command as string[])];
      } else {
        problem(
          'command',
          `required for action exec: a command line, or a list [program, ...arguments], got ${describe(command)}`,
        );
      }
    } else if (command !== undefined && isScheduleAction(action)) {
      problem('command', `only action exec takes a command (this task's action is ${action})`);
    }

    if (timezone !== undefined && (typeof timezone !== 'string' || !isValidTimeZone(timezone))) {
      problem('timezone', `expected an IANA time zone such as "Europe/Madrid" or "UTC", got ${describe(timezone)}`);
    }

    if (enabled !== undefined && typeof enabled !== 'boolean') {
      problem('enabled', `expected true or false, got ${describe(enabled)}`);
    }

    let timeoutMs = DEFAULT_TASK_TIMEOUT_MS;
    if (timeout !== undefined) {
      const parsed = parseDuration(timeout);
      if (parsed === undefined || parsed > MAX_TIMEOUT_MS) {
        problem(
          'timeout',
          `expected a duration from 1ms to 24h such as "30s", "5m" or a number of seconds, got ${describe(timeout)}`,
        );
      } else timeoutMs = parsed;
    }

    if (problems.length > before) return;
    const task: Task = {
      name: name as string,
      when: (when as string).trim(),
      action: action as Task['action'],
      enabled: enabled !== false,
      timeoutMs,
    };
    if (argv !== undefined) task.command = argv;
    if (timezone !== undefined) task.timezone = timezone as string;
    tasks.push(task);
  });
  return { tasks, problems };
}
