import { createRequire } from 'node:module';
import type { CronExpression } from 'cron-parser';
import { type PlainCronFields, parsePlainCron, plainCronMatches } from './cron-fields.ts';
import { floorToMinute, MINUTE_MS } from './minute.ts';
import type { Task } from './task.ts';
import { localTimeZone, utcOffsetMinutes } from './time-zone.ts';

type CronParserModule = typeof import('cron-parser');

// cron-parser (and luxon under it) is loaded on first use, not at import: a CLI that imports this package for
// another command, or a schedule with no tasks, never pays for it.
const require = createRequire(import.meta.url);
let parserModule: CronParserModule | undefined;
function cronParser(): CronParserModule {
  parserModule ??= require('cron-parser') as CronParserModule;
  return parserModule;
}

/** The macros `when` may use, as the five fields they stand for (Vixie cron's set, without `@reboot`). */
export const CRON_MACROS: Readonly<Record<string, string>> = Object.freeze({
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
});

const FIELD_NAMES = ['minute', 'hour', 'day of month', 'month', 'day of week'] as const;

/** A cron expression that cannot be used, with a message that says why. */
export class CronExpressionError extends Error {
  override name = 'CronExpressionError';
  readonly expression: string;

  constructor(expression: string, reason: string, options?: { cause?: unknown }) {
    super(`invalid cron expression ${JSON.stringify(expression)}: ${reason}`, options);
    this.expression = expression;
  }
}

/** The five fields `when` stands for (a macro expanded, whitespace normalised); throws {@link CronExpressionError}. */
export function expandCron(when: string): string {
  const trimmed = when.trim();
  if (trimmed.startsWith('@')) {
    const macro = CRON_MACROS[trimmed.toLowerCase()];
    if (macro) return macro;
    const known = Object.keys(CRON_MACROS).join(', ');
    if (trimmed.toLowerCase() === '@reboot') {
      throw new CronExpressionError(
        when,
        `@reboot is not supported: the scheduler runs tasks at times of day, not at boot (start janitor from a systemd unit or your own crontab's @reboot line instead); expected five fields or one of ${known}`,
      );
    }
    throw new CronExpressionError(when, `unknown macro; expected five fields or one of ${known}`);
  }
  const fields = trimmed.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5) {
    const extra = fields.length === 6 ? ' (a seconds field is not supported: the scheduler works per minute)' : '';
    throw new CronExpressionError(
      when,
      `expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}${extra}`,
    );
  }
  for (const [index, field] of fields.entries()) {
    // cron-parser accepts these but gives them meanings of its own (H is random per process; ? is Quartz syntax),
    // and cronstrue cannot describe them: refuse them rather than run something nobody can read.
    if (/(^|[^a-z])h([^a-z]|$)/i.test(field)) {
      throw new CronExpressionError(when, `${FIELD_NAMES[index]}: "H" (hashed) values are not supported`);
    }
    if (field.includes('?')) {
      throw new CronExpressionError(when, `${FIELD_NAMES[index]}: "?" is not supported; use "*"`);
    }
  }
  return fields.join(' ');
}

/** cron-parser's messages, said the way a config error should say them. */
function cleanMessage(message: string): string {
  let m = message.replace(/^(Constraint|Validation) error,\s*/i, '').replace(/\.$/, '');
  m = m
    .replace(/^got value (\S+) expected range (\S+)$/, '$1 is out of range $2')
    .replace(/^got range (\S+) expected range (\S+)$/, 'range $1 is out of range $2')
    .replace(/^cannot repeat at every 0 time$/, 'a step of 0 is not allowed')
    .replace(/^cannot resolve alias "(.*)"$/, '"$1" is not a number or a known name')
    .replace(/^Invalid characters, got value: (.*)$/, 'invalid characters in "$1"')
    .replace(/^Invalid range: (\S+), min\(\d+\) > max\(\d+\)$/, 'range $1 runs backwards')
    .replace(/^Invalid repeat: .*$/, 'invalid step')
    .replace(/^invalid dayOfWeek occurrence number \(#\)$/, 'the occurrence after # must be 1 to 5')
    .replace(
      /^Invalid explicit day of month definition$/,
      'that day of the month never occurs in the months given, so the task would never run',
    );
  return m;
}

/** The five fields of `when`, and their value sets when the expression is plain (see cron-fields.ts). */
interface ReadCron {
  fields: string;
  plain: PlainCronFields | undefined;
}

/**
 * Reads `when` (five fields or a macro): a plain expression by {@link parsePlainCron}, anything else by cron-parser,
 * which also says what is wrong with an expression it refuses. Throws {@link CronExpressionError}.
 */
function readCron(when: string): ReadCron {
  const expression = expandCron(when);
  const plain = parsePlainCron(expression);
  if (plain) return { fields: expression, plain };
  const { CronExpressionParser } = cronParser();
  try {
    CronExpressionParser.parse(expression);
    return { fields: expression, plain: undefined };
  } catch (error) {
    const fields = expression.split(' ');
    // Which field is wrong: parse each one alone with wildcards elsewhere; a mismatch between fields (the 31st
    // of February) passes this test and is reported for the whole expression.
    for (const [index, field] of fields.entries()) {
      const alone = FIELD_NAMES.map((_, i) => (i === index ? field : '*')).join(' ');
      try {
        CronExpressionParser.parse(alone);
      } catch (fieldError) {
        throw new CronExpressionError(
          when,
          `${FIELD_NAMES[index]} "${field}": ${cleanMessage((fieldError as Error).message)}`,
          { cause: fieldError },
        );
      }
    }
    throw new CronExpressionError(when, cleanMessage((error as Error).message), { cause: error });
  }
}

/**
 * Checks `when` (five fields or a macro) as cron-parser reads it and returns its five fields, or throws
 * {@link CronExpressionError} naming the field at fault. Plain expressions (numbers, ranges, steps, lists, names) are
 * checked without loading cron-parser.
 */
export function validateCron(when: string): string {
  return readCron(when).fields;
}

// --- evaluation ----------------------------------------------------------------------------------------------------
//
// What a schedule means is cron-parser's forward iteration in the task's zone. Away from DST changes that is
// "the wall-clock fields match" (includesDate, cheap). Within a few hours after a change the two differ: a time in
// the spring-forward gap (02:30) runs once, shifted by the gap (03:30); a task with a fixed hour runs in the first
// pass of the repeated autumn hour only; a task whose hour is a wildcard (@hourly, every 15 minutes) keeps running
// in real time (both passes). So near a change, isDue answers from the iteration itself, started just before it.

/** How long after a UTC-offset change the iteration decides rather than the wall-clock fields. */
const CHANGE_WINDOW_MS = 3 * 60 * MINUTE_MS;

interface Compiled {
  fields: string;
  /** The task's zone; undefined: the process's own, read without Intl until cron-parser needs its name. */
  zone: string | undefined;
  /** The value sets of a plain expression: isDue needs nothing more away from DST changes. */
  plain: PlainCronFields | undefined;
  /** cron-parser's expression in the task's zone, built on first use (iterations, and expressions that are not plain). */
  expression(): CronExpression;
}

const compiledCache = new Map<string, Compiled>();
const windowCache = new Map<string, Set<number>>();

/** The cache key of a zone: its name, or the process's own zone as TZ says (re-read when TZ changes). */
const zoneKey = (zone: string | undefined) => zone ?? `\u0001local ${process.env.TZ ?? ''}`;

function compile(task: Pick<Task, 'when' | 'timezone'>): Compiled {
  const zone = task.timezone;
  const key = `${zoneKey(zone)}\u0000${task.when}`;
  let compiled = compiledCache.get(key);
  if (!compiled) {
    const { fields, plain } = readCron(task.when);
    let expression: CronExpression | undefined;
    compiled = {
      fields,
      zone,
      plain,
      expression: () => {
        expression ??= cronParser().CronExpressionParser.parse(fields, { tz: zone ?? localTimeZone() });
        return expression;
      },
    };
    if (compiledCache.size >= 256) compiledCache.clear();
    compiledCache.set(key, compiled);
  }
  return compiled;
}

/** The first minute at or before `t` whose offset is that of `t`, if the offset changed within the window. */
function offsetChangeBefore(t: number, zone: string | undefined): number | undefined {
  const offsetNow = utcOffsetMinutes(t, zone);
  let low = t - CHANGE_WINDOW_MS; // old offset here
  if (utcOffsetMinutes(low, zone) === offsetNow) return undefined;
  let high = t; // new offset here
  while (high - low > MINUTE_MS) {
    const middle = floorToMinute(low + (high - low) / 2);
    if (middle <= low) break;
    if (utcOffsetMinutes(middle, zone) === offsetNow) high = middle;
    else low = middle;
  }
  return high;
}

/** Occurrences within the window after the offset change at `change`, by iteration from just before it. */
function occurrencesAfterChange(compiled: Compiled, change: number): Set<number> {
  const key = `${zoneKey(compiled.zone)}\u0000${compiled.fields}\u0000${change}`;
  let set = windowCache.get(key);
  if (!set) {
    set = new Set();
    const expression = compiled.expression();
    expression.reset(new Date(change - MINUTE_MS));
    for (;;) {
      const at = expression.next().getTime();
      if (at > change + CHANGE_WINDOW_MS) break;
      set.add(at);
    }
    if (windowCache.size >= 64) windowCache.clear();
    windowCache.set(key, set);
  }
  return set;
}

/**
 * Whether `task` is due in `minute` (floored to the minute), in the task's zone. Ignores `enabled`.
 * Agrees with {@link nextRuns}, including across DST changes.
 *
 * @example
 * isDue({ ...task, when: '@hourly' }, new Date('2025-01-01T10:00:42Z')) // true
 */
export function isDue(task: Pick<Task, 'when' | 'timezone'>, minute: Date | number): boolean {
  const at = floorToMinute(typeof minute === 'number' ? minute : minute.getTime());
  const compiled = compile(task);
  const change = offsetChangeBefore(at, compiled.zone);
  if (change !== undefined) return occurrencesAfterChange(compiled, change).has(at);
  // Away from a change the run times are the minutes whose wall-clock fields match: a plain expression's value sets
  // say it; otherwise minute, hour and month are checked here (an includesDate builds a luxon DateTime: ten times the
  // cost) and the days, with their L, # and day-of-month-or-day-of-week rules, by cron-parser.
  const wall = new Date(at + utcOffsetMinutes(at, compiled.zone) * MINUTE_MS);
  if (compiled.plain) return plainCronMatches(compiled.plain, wall);
  const fields = compiled.expression().fields;
  const allows = (values: readonly unknown[], value: number) => values.includes(value);
  if (
    !allows(fields.minute.values, wall.getUTCMinutes()) ||
    !allows(fields.hour.values, wall.getUTCHours()) ||
    !allows(fields.month.values, wall.getUTCMonth() + 1)
  ) {
    return false;
  }
  return compiled.expression().includesDate(new Date(at));
}

/**
 * The next `count` run times of `task` strictly after `from`, computed in the task's zone (its `timezone`, else the
 * process's). Fewer when the expression has no more (never, for a valid one).
 *
 * @example
 * nextRuns({ when: '0 0 31 * *', timezone: 'UTC' }, new Date('2025-04-01T00:00:00Z'), 2)
 * // [2025-05-31T00:00Z, 2025-07-31T00:00Z]
 */
export function nextRuns(task: Pick<Task, 'when' | 'timezone'>, from: Date | number, count: number): Date[] {
  const start = typeof from === 'number' ? from : from.getTime();
  const compiled = compile(task);
  const change = offsetChangeBefore(floorToMinute(start), compiled.zone);
  const expression = compiled.expression();
  // Started just before a recent offset change, the iteration sees the change the way a longer-running one did.
  expression.reset(new Date(change === undefined ? start : change - MINUTE_MS));
  const runs: Date[] = [];
  while (runs.length < count) {
    let next: Date;
    try {
      next = expression.next().toDate();
    } catch {
      break;
    }
    if (next.getTime() > start) runs.push(next);
  }
  return runs;
}

/**
 * The latest minute before `before` (and not before `notBefore`) in which `task` was due, if any: what a daemon
 * waking from a suspend looks for.
 */
export function lastRunBefore(
  task: Pick<Task, 'when' | 'timezone'>,
  before: number,
  notBefore: number,
): number | undefined {
  const compiled = compile(task);
  let best: number | undefined;
  const change = offsetChangeBefore(floorToMinute(before), compiled.zone);
  if (change !== undefined) {
    for (const at of occurrencesAfterChange(compiled, change)) {
      if (at < before && at >= notBefore && (best === undefined || at > best)) best = at;
    }
  }
  const expression = compiled.expression();
  expression.reset(new Date(before));
  // prev() reads wall-clock fields; near a DST change a candidate may not be a real run, so check each one.
  for (let tries = 0; tries < 8; tries++) {
    let at: number;
    try {
      at = expression.prev().getTime();
    } catch {
      break;
    }
    if (at < notBefore || (best !== undefined && at <= best)) break;
    if (at < before && isDue(task, at)) return at;
  }
  return best;
}
