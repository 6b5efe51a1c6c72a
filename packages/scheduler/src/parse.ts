// @janitor/scheduler/parse: reading `app.schedules` into tasks, without the runner, the daemon and the commands. Every
// command loads it with its config (@janitor/config), cron-run ones included, so it stays this small.
export type { ParsedSchedules, ScheduleProblem } from './schedule-parser.ts';
export { parseSchedules } from './schedule-parser.ts';
export type { ScheduleAction, Task } from './task.ts';
export { DEFAULT_TASK_TIMEOUT_MS, SCHEDULE_ACTIONS } from './task.ts';
