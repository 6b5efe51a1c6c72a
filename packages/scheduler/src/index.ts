export { CRON_MACROS, CronExpressionError, isDue, nextRuns, validateCron } from './cron-expression.ts';
export type { Daemon, DaemonOptions } from './daemon.ts';
export { createDaemon } from './daemon.ts';
export type { ScheduleRow } from './describe-cron.ts';
export { describeCron, formatScheduleTable, listSchedule } from './describe-cron.ts';
export type { CommandEnd, CommandResult, ExecMessageOptions, RunCommandOptions } from './exec.ts';
export { commandStatus, execMessage, formatCommandLine, formatDuration, runCommand } from './exec.ts';
export type { FileLock, FileLockOptions } from './file-lock.ts';
export { createFileLock, LockError, lockFileName } from './file-lock.ts';
export type { LoopOptions } from './loop.ts';
export { runLoop } from './loop.ts';
export { floorToMinute, minuteStamp } from './minute.ts';
export type { OutputTail, OutputTailOptions } from './output-tail.ts';
export { cleanLine, createOutputTail } from './output-tail.ts';
export type { RunContext, RunDueOptions, RunSummary, RunTask, TaskOutcome, TaskStatus } from './run-due.ts';
export { runDue, TaskTimeoutError } from './run-due.ts';
export type { ParsedSchedules, ScheduleProblem } from './schedule-parser.ts';
export { parseSchedules } from './schedule-parser.ts';
export type {
  ScheduledMinuteOptions,
  ScheduledMinuteResult,
  SchedulerDaemonOptions,
  SignalSource,
} from './scheduled-run.ts';
export {
  COMMAND_KILL_GRACE_MS,
  REPORT_TIMEOUT_MS,
  runScheduledMinute,
  runSchedulerDaemon,
  SCHEDULER_GRACE_MS,
  ScheduledCommandError,
} from './scheduled-run.ts';
export type { SendMessageOptions, SendReceipt } from './send-message.ts';
export { sendMessage } from './send-message.ts';
export type { Sleep } from './sleep.ts';
export { sleep } from './sleep.ts';
export type { ScheduleAction, Task } from './task.ts';
export { DEFAULT_TASK_TIMEOUT_MS, SCHEDULE_ACTIONS } from './task.ts';
export type { TaskLock } from './task-lock.ts';
export { createMemoryLock } from './task-lock.ts';
export { formatInZone, isValidTimeZone, localTimeZone } from './time-zone.ts';
