// The five fields of a plain cron expression (numbers, `*`, ranges, steps, lists; month and weekday names) read as
// the sets of values they allow, the way cron-parser reads them, without loading cron-parser (and luxon under it):
// cron starts `janitor scheduler` every minute, and deciding that nothing is due must stay cheap.
//
// Anything else (L, #, W, H, ?), and anything cron-parser would refuse, is not read here: the caller asks cron-parser,
// which accepts or refuses it with its own message. So this reader may say "not plain" too often, never "valid" for
// an expression cron-parser refuses; cron-fields.test.ts checks that against cron-parser itself.

/** A plain expression's fields as sets of the values each allows. */
export interface PlainCronFields {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  /** 0 (Sunday) to 6; a 7 in the expression is Sunday too. */
  readonly daysOfWeek: ReadonlySet<number>;
  /** Day of month written as `*`: any day (cron's rule: when both day fields are restricted, either may match). */
  readonly anyDayOfMonth: boolean;
  /** Day of week written as `*`. */
  readonly anyDayOfWeek: boolean;
}

interface FieldSpec {
  min: number;
  max: number;
  names?: Readonly<Record<string, number>>;
}

const MONTH_NAMES = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};
const DAY_NAMES = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const MINUTE: FieldSpec = { min: 0, max: 59 };
const HOUR: FieldSpec = { min: 0, max: 23 };
const DAY_OF_MONTH: FieldSpec = { min: 1, max: 31 };
const MONTH: FieldSpec = { min: 1, max: 12, names: MONTH_NAMES };
const DAY_OF_WEEK: FieldSpec = { min: 0, max: 7, names: DAY_NAMES };
/** Days in each month, February with its leap day (cron-parser's table). */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** cron-parser refuses longer expressions. */
const MAX_EXPRESSION_LENGTH = 1024;
const DIGITS = /^\d+$/;

/**
 * The values one field allows, in cron-parser's order and with its duplicates (it refuses a field that lists a value
 * twice), or undefined when the field is not plain or not valid.
 */
function fieldValues(raw: string, spec: FieldSpec, weekday: boolean): number[] | undefined {
  let text = raw;
  if (spec.names) {
    const names = spec.names;
    let unknown = false;
    text = text.replace(/[a-z]{3}/gi, (name) => {
      const value = names[name.toLowerCase()];
      if (value === undefined) unknown = true;
      return String(value);
    });
    if (unknown) return undefined;
  }
  if (!/^[\d*,/-]+$/.test(text)) return undefined;
  // A `*` standing for a whole list item (with or without a step) is the field's full range.
  text = text.replace(/(^|,)\*(?=\/|,|$)/g, (_, separator: string) => `${separator}${spec.min}-${spec.max}`);
  if (text.includes('*')) return undefined;
  const values: number[] = [];
  for (const item of text.split(',')) {
    const parts = item.split('/');
    if (item === '' || parts.length > 2) return undefined;
    let [range = ''] = parts;
    let step = 1;
    if (parts.length === 2) {
      if (!DIGITS.test(parts[1]!)) return undefined;
      step = Number(parts[1]);
      if (!range.includes('-')) range = `${range}-${spec.max}`;
    }
    const bounds = range.split('-');
    if (bounds.length === 1) {
      if (!DIGITS.test(range)) return undefined;
      const value = Number(range);
      if (value < spec.min || value > spec.max) return undefined;
      values.push(weekday ? value % 7 : value);
      continue;
    }
    if (bounds.length !== 2 || !DIGITS.test(bounds[0]!) || !DIGITS.test(bounds[1]!)) return undefined;
    const low = Number(bounds[0]);
    const high = Number(bounds[1]);
    if (low < spec.min || high > spec.max || low > high || step <= 0) return undefined;
    const run: number[] = [];
    // cron-parser's rule: a weekday range that ends on 7 and steps onto it includes Sunday as 0 as well.
    if (weekday && high % 7 === 0 && (high - low) % step === 0) run.push(0);
    for (let value = low; value <= high; value += step) if (!run.includes(value)) run.push(value);
    values.push(...run);
  }
  // cron-parser refuses a value listed twice.
  return new Set(values).size === values.length ? values : undefined;
}

/**
 * Reads `fields` (five space-separated fields, macros already expanded) as sets of values, or returns undefined when
 * the expression is not plain (L, #, W, H, ?, an unknown name) or not valid: cron-parser must then decide.
 *
 * @example
 * parsePlainCron('*\/15 9-17 * * mon-fri')?.minutes // Set { 0, 15, 30, 45 }
 */
export function parsePlainCron(fields: string): PlainCronFields | undefined {
  if (fields.length > MAX_EXPRESSION_LENGTH) return undefined;
  const raw = fields.split(' ');
  if (raw.length !== 5) return undefined;
  const [minuteRaw, hourRaw, dayRaw, monthRaw, weekdayRaw] = raw as [string, string, string, string, string];
  const minutes = fieldValues(minuteRaw, MINUTE, false);
  const hours = fieldValues(hourRaw, HOUR, false);
  const daysOfMonth = fieldValues(dayRaw, DAY_OF_MONTH, false);
  const months = fieldValues(monthRaw, MONTH, false);
  const daysOfWeek = fieldValues(weekdayRaw, DAY_OF_WEEK, true);
  if (!minutes || !hours || !daysOfMonth || !months || !daysOfWeek) return undefined;
  const anyDayOfWeek = weekdayRaw === '*';
  // cron-parser refuses a day of month that no month given has (30 February), unless a weekday may match instead.
  if (anyDayOfWeek && Math.min(...daysOfMonth) > Math.max(...months.map((m) => DAYS_IN_MONTH[m - 1]!))) {
    return undefined;
  }
  return {
    minutes: new Set(minutes),
    hours: new Set(hours),
    daysOfMonth: new Set(daysOfMonth),
    months: new Set(months),
    daysOfWeek: new Set(daysOfWeek.map((d) => d % 7)),
    anyDayOfMonth: dayRaw === '*',
    anyDayOfWeek,
  };
}

/**
 * Whether a plain expression allows the wall-clock minute `wall` (its UTC fields read as the task zone's wall clock):
 * minute, hour and month, then the days by cron's rule (when both day fields are restricted, either may match).
 */
export function plainCronMatches(fields: PlainCronFields, wall: Date): boolean {
  if (
    !fields.minutes.has(wall.getUTCMinutes()) ||
    !fields.hours.has(wall.getUTCHours()) ||
    !fields.months.has(wall.getUTCMonth() + 1)
  ) {
    return false;
  }
  const dayOfMonth = fields.daysOfMonth.has(wall.getUTCDate());
  const dayOfWeek = fields.daysOfWeek.has(wall.getUTCDay());
  if (fields.anyDayOfWeek) return dayOfMonth;
  if (fields.anyDayOfMonth) return dayOfWeek;
  return dayOfMonth || dayOfWeek;
}
