// janitor-agent/tasks: what the tasks of `app.schedules` are made of, without the agent's heavier modules (the
// publisher, the collector), which each action loads when it runs: a cron-started `janitor scheduler` with nothing
// due loads only this, the config and the scheduler.
export type { CommandEnd, CommandResult, ExecMessageOptions, RunCommandOptions } from './exec.ts';
export { commandStatus, execMessage, formatCommandLine, formatDuration, runCommand } from './exec.ts';
export type { HubFiles, HubState } from './hub-process.ts';
export { hubFiles, hubState, isAlive } from './hub-process.ts';
export type { OutputTail, OutputTailOptions } from './output-tail.ts';
export { cleanLine, createOutputTail } from './output-tail.ts';
export type { Runtime, RuntimeOptions } from './runtime.ts';
export { openRuntime } from './runtime.ts';
export type {
  ScheduledMinuteOptions,
  ScheduledMinuteResult,
  SchedulerCommandOptions,
  SchedulerDaemonOptions,
  SignalSource,
  TaskRunnerOptions,
} from './schedule.ts';
export {
  COMMAND_KILL_GRACE_MS,
  createTaskRunner,
  lockDirOf,
  REPORT_TIMEOUT_MS,
  runScheduledMinute,
  runSchedulerDaemon,
  SCHEDULER_GRACE_MS,
  ScheduledCommandError,
  schedulerCommand,
} from './schedule.ts';
export type { SendMessageOptions, SendReceipt } from './send-message.ts';
export { sendMessage } from './send-message.ts';
