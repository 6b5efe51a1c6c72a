// @janitor/scheduler/cron: cron expressions and time zones alone, without the runner, the daemon and the commands, for
// code that reads schedules without running tasks (job check-ins: a check's deadline is its next scheduled time).
// cron-parser itself is loaded on first use.
export { CRON_MACROS, CronExpressionError, isDue, nextRuns, validateCron } from './cron-expression.ts';
export { formatInZone, isValidTimeZone, localTimeZone, utcOffset, utcOffsetMinutes } from './time-zone.ts';
