import { describeValue as describe, readDuration } from '@janitor/protocol';
import { CronExpressionError, isValidTimeZone, validateCron } from '@janitor/scheduler/cron';
import {
  type CheckDefinition,
  type CheckTiming,
  DEFAULT_CHECK_TIMEZONE,
  DEFAULT_GRACE_MS,
  isCheckSlug,
} from './check-definition.ts';

/** Something wrong in `checks`: where (a key path such as `checks[2].schedule`) and what. */
export interface CheckProblem {
  path: string;
  message: string;
}

/** What {@link parseChecks} returns: the valid checks and every problem found. */
export interface ParsedChecks {
  checks: CheckDefinition[];
  problems: CheckProblem[];
}

/** The keys of one check. */
export const CHECK_KEYS = ['slug', 'period', 'schedule', 'timezone', 'grace', 'repeat', 'host'] as const;

/** The shortest period and grace: the hub looks at its checks every 30 seconds. */
export const MIN_CHECK_DURATION_MS = 60_000;

/** The longest period, grace and repeat: a year. */
export const MAX_CHECK_DURATION_MS = 366 * 86_400_000;

/** Longest host name (the wire's limit). */
const MAX_HOST_LENGTH = 255;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads the `checks` list of `config.yaml`:
 *
 * ```yaml
 * checks:
 *   - { slug: backup, schedule: "0 2 * * *", timezone: Europe/Madrid, grace: 30m }
 *   - { slug: certbot, period: 12h, grace: 1h, host: vps, repeat: 1d }
 * ```
 *
 * Each check has a `slug` (1-64 of `a-z 0-9 - _`, unique), either a `period` (a duration, at least 1m) or a cron
 * `schedule` (five fields or a macro such as `@daily`, read in `timezone`, UTC by default), a `grace` (default 1h),
 * and optionally `repeat` (reminders while a problem lasts; default never) and `host` (the machine the job runs on).
 *
 * Never throws: every problem names its key path (`checks[2].schedule: invalid cron expression ...`), and only valid
 * checks are kept. `undefined` and `null` (an absent or empty key) give no checks and no problem.
 *
 * @param path the key path of `raw`, prefixed to every problem's path
 * @default path 'checks'
 */
export function parseChecks(raw: unknown, path = 'checks'): ParsedChecks {
  const checks: CheckDefinition[] = [];
  const problems: CheckProblem[] = [];
  if (raw === undefined || raw === null) return { checks, problems };
  if (!Array.isArray(raw)) {
    problems.push({
      path,
      message: `expected a list of checks { slug, period or schedule, grace }, got ${describe(raw)}`,
    });
    return { checks, problems };
  }
  const firstIndexOfSlug = new Map<string, number>();
  raw.forEach((entry: unknown, index) => {
    const at = `${path}[${index}]`;
    const before = problems.length;
    const problem = (key: string, message: string) => problems.push({ path: `${at}.${key}`, message });
    if (!isRecord(entry)) {
      problems.push({
        path: at,
        message: `expected a check { slug, period or schedule, grace }, got ${describe(entry)}`,
      });
      return;
    }
    for (const key of Object.keys(entry)) {
      if (!(CHECK_KEYS as readonly string[]).includes(key))
        problem(key, `unknown key; expected ${CHECK_KEYS.join(', ')}`);
    }
    const { slug, period, schedule, timezone, grace, repeat, host } = entry;

    if (!isCheckSlug(slug)) {
      problem(
        'slug',
        `expected 1-64 characters of a-z, 0-9, - and _ (the {slug} of /ping/{slug}), got ${describe(slug)}`,
      );
    } else {
      const first = firstIndexOfSlug.get(slug);
      if (first !== undefined) problem('slug', `duplicate slug ${JSON.stringify(slug)} (also ${path}[${first}])`);
      else firstIndexOfSlug.set(slug, index);
    }

    let timing: CheckTiming | undefined;
    if (period !== undefined && schedule !== undefined) {
      problem('schedule', 'a check has a period or a schedule, not both');
    } else if (period !== undefined) {
      const ms = duration(period, 'period', problem);
      if (ms !== undefined) timing = { kind: 'period', periodMs: ms };
      if (timezone !== undefined) problem('timezone', 'only a check with a schedule has a time zone');
    } else if (schedule !== undefined) {
      const zone = readZone(timezone, problem);
      if (typeof schedule !== 'string' || schedule.trim() === '') {
        problem('schedule', `expected a cron expression such as "0 2 * * *" or "@daily", got ${describe(schedule)}`);
      } else {
        try {
          validateCron(schedule);
          if (zone !== undefined) timing = { kind: 'cron', schedule: schedule.trim(), timezone: zone };
        } catch (error) {
          if (!(error instanceof CronExpressionError)) throw error;
          problem('schedule', error.message);
        }
      }
    } else {
      problems.push({
        path: at,
        message: 'expected a period (such as "1d") or a cron schedule (such as "0 2 * * *") for the pings',
      });
    }

    const graceMs = grace === undefined ? DEFAULT_GRACE_MS : duration(grace, 'grace', problem);
    let repeatMs: number | undefined = 0;
    if (repeat !== undefined && repeat !== 'never' && repeat !== 0) {
      repeatMs = duration(repeat, 'repeat', problem, { never: true });
    }

    if (host !== undefined) {
      if (
        typeof host !== 'string' ||
        host.trim() === '' ||
        host.length > MAX_HOST_LENGTH ||
        /[\p{Cc}\p{Cf}]/u.test(host)
      ) {
        problem('host', `expected a hostname of at most ${MAX_HOST_LENGTH} visible characters, got ${describe(host)}`);
      }
    }

    if (problems.length > before || timing === undefined || graceMs === undefined || repeatMs === undefined) return;
    checks.push({
      slug: slug as string,
      timing,
      graceMs,
      repeatMs,
      ...(host === undefined ? {} : { host: (host as string).trim() }),
    });
  });
  return { checks, problems };
}

/** A duration from 1 minute to a year, or a problem named after `key`. */
function duration(
  value: unknown,
  key: string,
  problem: (key: string, message: string) => void,
  options: { never?: boolean } = {},
): number | undefined {
  const read = readDuration(value);
  const expected = `expected a duration from 1m to 366d such as "30m", "1h", "1d" or a number of seconds${options.never ? ', or "never"' : ''}`;
  if (read.ms === undefined) {
    problem(key, `${expected}, got ${describe(value)}`);
    return undefined;
  }
  if (read.ms < MIN_CHECK_DURATION_MS || read.ms > MAX_CHECK_DURATION_MS) {
    problem(key, `${expected}, got ${describe(value)}`);
    return undefined;
  }
  return read.ms;
}

/** A cron check's zone: its `timezone`, else UTC; undefined (with a problem) for one no runtime knows. */
function readZone(timezone: unknown, problem: (key: string, message: string) => void): string | undefined {
  if (timezone === undefined) return DEFAULT_CHECK_TIMEZONE;
  if (typeof timezone === 'string' && isValidTimeZone(timezone.trim())) return timezone.trim();
  problem('timezone', `expected an IANA time zone such as "Europe/Madrid" or "UTC", got ${describe(timezone)}`);
  return undefined;
}
