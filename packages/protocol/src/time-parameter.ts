const UNIT_MS: Readonly<Record<string, number>> = Object.freeze({
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
});

const RELATIVE = /^-(?:\d{1,9}(?:ms|s|m|h|d|w|y))+$/;
const RELATIVE_PART = /(\d{1,9})(ms|s|m|h|d|w|y)/g;
const EPOCH_MS = /^\d{1,15}$/;
// A calendar date first: Date.parse alone reads far too much ("1", "March 7", "2026 12 01").
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Reads a time as the hub's read API takes it in a query (`from`, `to`): `now`; a time before now such as `-24h`,
 * `-7d`, `-30m`, `-1y` or `-1h30m` (units `ms`, `s`, `m`, `h`, `d`, `w`, `y` = 365 days); epoch milliseconds
 * (`1764662400000`); or an ISO 8601 date or time (`2026-12-01`, `2026-12-01T09:00:00Z`, UTC unless it says otherwise).
 * Pure: `nowMs` is the caller's clock.
 * @returns epoch milliseconds, or undefined when `text` is none of these (the caller names its parameter in a 400)
 * @example parseTimeParameter('-24h', Date.UTC(2026, 11, 2)) // Date.UTC(2026, 11, 1)
 */
export function parseTimeParameter(text: string, nowMs: number): number | undefined {
  const value = text.trim();
  if (value === 'now') return nowMs;
  if (RELATIVE.test(value)) {
    let ms = 0;
    for (const [, amount, unit] of value.matchAll(RELATIVE_PART)) ms += Number(amount) * UNIT_MS[unit!]!;
    const at = nowMs - ms;
    return Number.isSafeInteger(at) ? at : undefined;
  }
  if (EPOCH_MS.test(value)) return Number(value);
  if (ISO_DATE.test(value) && isCalendarDate(value)) {
    // A time without a zone is UTC, as a date alone is: one reading whatever the hub's time zone.
    const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/.test(value) || !value.includes(':') ? value : `${value}Z`;
    const ms = Date.parse(zoned.replace(' ', 'T'));
    return Number.isFinite(ms) ? ms : undefined;
  }
  return undefined;
}

/** Whether the `YYYY-MM-DD` a text starts with is a day of the calendar (Date.parse reads `2026-02-31` as March 3). */
function isCalendarDate(value: string): boolean {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return month >= 1 && month <= 12 && date.getUTCDate() === day;
}
