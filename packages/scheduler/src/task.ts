/**
 * What a scheduled task does. `sysinfo_local` and `sysinfo_remote` are the original's two actions; `exec` runs a
 * command and reports it, `publish_queue` flushes the outbox, `silent_hosts` checks for hosts that stopped reporting.
 */
export type ScheduleAction = 'sysinfo_local' | 'sysinfo_remote' | 'exec' | 'publish_queue' | 'silent_hosts';

/** Every {@link ScheduleAction}, in the order error messages list them. */
export const SCHEDULE_ACTIONS: readonly ScheduleAction[] = Object.freeze([
  'sysinfo_local',
  'sysinfo_remote',
  'exec',
  'publish_queue',
  'silent_hosts',
]);

/** The timeout of a task that sets none: 5 minutes. */
export const DEFAULT_TASK_TIMEOUT_MS = 5 * 60_000;

/** One validated entry of `app.schedules`. */
export interface Task {
  /** Unique within the schedule; names the task in logs and in its lock. */
  name: string;
  /** The cron expression as written: five fields (`30 2 * * *`) or a macro (`@hourly`, `@daily`, ...). */
  when: string;
  action: ScheduleAction;
  /** `exec` only (required there): argv as a list, or one string for the caller to run through a shell. */
  command?: string[] | string;
  /** IANA zone `when` is read in; absent means the process's own zone, as system cron does. */
  timezone?: string;
  /** @default true */
  enabled: boolean;
  /** How long one run may take before it is aborted. @default 300000 (5 minutes) */
  timeoutMs: number;
}

/** Whether `value` is one of the {@link SCHEDULE_ACTIONS}. */
export function isScheduleAction(value: unknown): value is ScheduleAction {
  return typeof value === 'string' && (SCHEDULE_ACTIONS as readonly string[]).includes(value);
}
