/** One minute in milliseconds. */
export const MINUTE_MS = 60_000;

/**
 * `epochMs` floored to the start of its minute (UTC minutes and local minutes start together in every zone in use
 * today, so this is the minute a cron line means).
 */
export function floorToMinute(epochMs: number): number {
  return Math.floor(epochMs / MINUTE_MS) * MINUTE_MS;
}

/** A minute as a short UTC timestamp for keys and logs: `2025-03-30T01:30Z`. */
export function minuteStamp(minuteMs: number): string {
  return `${new Date(floorToMinute(minuteMs)).toISOString().slice(0, 16)}Z`;
}
