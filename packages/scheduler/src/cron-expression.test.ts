import { CronExpressionParser } from 'cron-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { CronExpressionError, isDue, lastRunBefore, nextRuns, validateCron } from './cron-expression.ts';
import { MINUTE_MS } from './minute.ts';
import { formatInZone } from './time-zone.ts';

const at = (iso: string) => Date.parse(iso);
const HOUR_MS = 60 * MINUTE_MS;

/** Every minute of [start, end) in which `task` is due, per isDue, formatted in `zone`. */
function dueMinutes(task: { when: string; timezone: string }, start: number, end: number): string[] {
  const due: string[] = [];
  for (let m = start; m < end; m += MINUTE_MS) if (isDue(task, m)) due.push(formatInZone(new Date(m), task.timezone));
  return due;
}

/**
 * The reference: instants of the runs of `task` in (after, end), by one cron-parser iteration started a day earlier
 * (long before any DST change it crosses).
 */
function reference(task: { when: string; timezone: string }, from: number, after: number, end: number): number[] {
  const expression = CronExpressionParser.parse(validateCron(task.when), {
    tz: task.timezone,
    currentDate: new Date(from),
  });
  const runs: number[] = [];
  for (;;) {
    const next = expression.next().getTime();
    if (next >= end) return runs;
    if (next > after) runs.push(next);
  }
}

// The local days of the 2025 DST changes: [local midnight, next local midnight) in UTC.
const DAYS = {
  'Europe/Madrid spring-forward (02:00 -> 03:00, 23 h)': {
    zone: 'Europe/Madrid',
    start: at('2025-03-29T23:00:00Z'),
    end: at('2025-03-30T22:00:00Z'),
    hours: 23,
  },
  'Europe/Madrid fall-back (03:00 -> 02:00, 25 h)': {
    zone: 'Europe/Madrid',
    start: at('2025-10-25T22:00:00Z'),
    end: at('2025-10-26T23:00:00Z'),
    hours: 25,
  },
  'America/New_York spring-forward (02:00 -> 03:00, 23 h)': {
    zone: 'America/New_York',
    start: at('2025-03-09T05:00:00Z'),
    end: at('2025-03-10T04:00:00Z'),
    hours: 23,
  },
  'America/New_York fall-back (02:00 -> 01:00, 25 h)': {
    zone: 'America/New_York',
    start: at('2025-11-02T04:00:00Z'),
    end: at('2025-11-03T05:00:00Z'),
    hours: 25,
  },
} as const;
type DayName = keyof typeof DAYS;

describe('isDue and nextRuns across DST changes', () => {
  // What happens, documented by the table: a fixed time in the spring-forward gap runs once, shifted by the gap
  // (02:30 -> 03:30); a task with a fixed hour runs in the first pass (summer time) of the repeated autumn hour
  // only; a task whose hour is a wildcard (@hourly, every 15 minutes) runs in real time: nothing in the skipped
  // hour, both passes of the repeated one.
  it.each<[string, DayName, string, string[]]>([
    [
      '02:30 daily in the gap runs once, at 03:30',
      'Europe/Madrid spring-forward (02:00 -> 03:00, 23 h)',
      '30 2 * * *',
      ['Sun 2025-03-30 03:30 +02:00'],
    ],
    [
      '02:00 daily in the gap runs once, at 03:00',
      'Europe/Madrid spring-forward (02:00 -> 03:00, 23 h)',
      '0 2 * * *',
      ['Sun 2025-03-30 03:00 +02:00'],
    ],
    [
      '03:00 daily, just after the gap, runs once',
      'Europe/Madrid spring-forward (02:00 -> 03:00, 23 h)',
      '0 3 * * *',
      ['Sun 2025-03-30 03:00 +02:00'],
    ],
    [
      '01:59 daily, just before the gap, runs once',
      'Europe/Madrid spring-forward (02:00 -> 03:00, 23 h)',
      '59 1 * * *',
      ['Sun 2025-03-30 01:59 +01:00'],
    ],
    [
      '02:30 daily in the repeated hour runs once, in its first (summer-time) pass',
      'Europe/Madrid fall-back (03:00 -> 02:00, 25 h)',
      '30 2 * * *',
      ['Sun 2025-10-26 02:30 +02:00'],
    ],
    [
      'every 30 minutes of hour 2 (a fixed hour) runs in the first pass of the repeated hour only',
      'Europe/Madrid fall-back (03:00 -> 02:00, 25 h)',
      '*/30 2 * * *',
      ['Sun 2025-10-26 02:00 +02:00', 'Sun 2025-10-26 02:30 +02:00'],
    ],
    [
      '02:30 daily in the gap runs once, at 03:30',
      'America/New_York spring-forward (02:00 -> 03:00, 23 h)',
      '30 2 * * *',
      ['Sun 2025-03-09 03:30 -04:00'],
    ],
    [
      '02:30 daily the day the clocks go back runs once (02:30 is not repeated in New York)',
      'America/New_York fall-back (02:00 -> 01:00, 25 h)',
      '30 2 * * *',
      ['Sun 2025-11-02 02:30 -05:00'],
    ],
    [
      '01:30 daily in the repeated hour runs once, in its first (summer-time) pass',
      'America/New_York fall-back (02:00 -> 01:00, 25 h)',
      '30 1 * * *',
      ['Sun 2025-11-02 01:30 -04:00'],
    ],
    [
      '01:59 daily in the repeated hour runs once',
      'America/New_York fall-back (02:00 -> 01:00, 25 h)',
      '59 1 * * *',
      ['Sun 2025-11-02 01:59 -04:00'],
    ],
    [
      '@daily runs at local midnight',
      'America/New_York spring-forward (02:00 -> 03:00, 23 h)',
      '@daily',
      ['Sun 2025-03-09 00:00 -05:00'],
    ],
  ])('%s (%s, %s)', (_, day, when, expected) => {
    const { zone, start, end } = DAYS[day];
    const task = { when, timezone: zone };
    expect(dueMinutes(task, start, end)).toEqual(expected);
    const listed = nextRuns(task, start - 1, expected.length + 1);
    expect(listed.slice(0, -1).map((d) => formatInZone(d, zone))).toEqual(expected);
    expect(listed.at(-1)!.getTime()).toBeGreaterThanOrEqual(end);
  });

  it.each(Object.keys(DAYS) as DayName[])('wildcards run in real time on %s', (day) => {
    const { zone, start, end, hours } = DAYS[day];
    expect(dueMinutes({ when: '@hourly', timezone: zone }, start, end)).toHaveLength(hours);
    expect(dueMinutes({ when: '*/15 * * * *', timezone: zone }, start, end)).toHaveLength(hours * 4);
    expect(dueMinutes({ when: '* * * * *', timezone: zone }, start, end)).toHaveLength(hours * 60);
  });

  const expressions = ['30 2 * * *', '0 2 * * *', '15 1 * * *', '59 1 * * *', '0 3 * * *', '*/15 * * * *', '@hourly'];
  it.each(Object.keys(DAYS) as DayName[])(
    'isDue minute by minute, nextRuns from any minute, and a day-long cron-parser iteration agree on %s',
    (day) => {
      const { zone, start, end } = DAYS[day];
      const format = (ms: number) => formatInZone(new Date(ms), zone);
      for (const when of expressions) {
        const task = { when, timezone: zone };
        const truth = reference(task, start - 24 * HOUR_MS, start - 1, end);
        expect(dueMinutes(task, start, end), when).toEqual(truth.map(format));
        // nextRuns started anywhere in the day, including the hours right after the change, lists the same runs.
        for (let from = start; from < end; from += 7 * MINUTE_MS) {
          const after = from + 30_000;
          const expected = truth.filter((t) => t > after).slice(0, 4);
          expect(
            nextRuns(task, after, expected.length).map((d) => d.getTime()),
            `${when} from ${format(from)}`,
          ).toEqual(expected);
        }
      }
    },
  );
});

describe('isDue', () => {
  it.each([
    ['@hourly at :00', '@hourly', '2025-06-01T10:00:00Z', true],
    ['@hourly at :00:59.999 (a late start within the minute)', '@hourly', '2025-06-01T10:00:59.999Z', true],
    ['@hourly at :01', '@hourly', '2025-06-01T10:01:00Z', false],
    ['@daily at midnight', '@daily', '2025-06-01T00:00:30Z', true],
    ['@daily at 01:00', '@daily', '2025-06-01T01:00:00Z', false],
    ['@weekly on Sunday midnight', '@weekly', '2025-06-01T00:00:00Z', true],
    ['@weekly on Monday midnight', '@weekly', '2025-06-02T00:00:00Z', false],
    ['@monthly on the 1st', '@monthly', '2025-07-01T00:00:00Z', true],
    ['@yearly on 1 January', '@yearly', '2026-01-01T00:00:00Z', true],
    ['@yearly on 1 February', '@yearly', '2026-02-01T00:00:00Z', false],
    ['the 31st on the 31st', '0 0 31 * *', '2025-05-31T00:00:00Z', true],
    ['the 31st on 30 April', '0 0 31 * *', '2025-04-30T00:00:00Z', false],
    ['the 31st on 1 May', '0 0 31 * *', '2025-05-01T00:00:00Z', false],
    ['every 5 minutes at :05', '*/5 * * * *', '2025-06-01T10:05:42Z', true],
    ['every 5 minutes at :06', '*/5 * * * *', '2025-06-01T10:06:00Z', false],
    ['day of month OR day of week (cron): the 13th', '0 0 13 * 5', '2025-06-13T00:00:00Z', true],
    ['day of month OR day of week (cron): a Friday', '0 0 13 * 5', '2025-06-06T00:00:00Z', true],
    ['day of month OR day of week (cron): neither', '0 0 13 * 5', '2025-06-07T00:00:00Z', false],
    ['L: the last day of February', '0 0 L * *', '2025-02-28T00:00:00Z', true],
    ['L: 28 February of a leap year', '0 0 L * *', '2024-02-28T00:00:00Z', false],
  ])('%s', (_, when, iso, expected) => {
    expect(isDue({ when, timezone: 'UTC' }, new Date(iso))).toBe(expected);
    expect(isDue({ when, timezone: 'UTC' }, at(iso))).toBe(expected);
  });

  it('reads the expression in the task zone', () => {
    const nine = { when: '0 9 * * *' };
    expect(isDue({ ...nine, timezone: 'Europe/Madrid' }, at('2025-06-01T07:00:00Z'))).toBe(true);
    expect(isDue({ ...nine, timezone: 'America/New_York' }, at('2025-06-01T13:00:00Z'))).toBe(true);
    expect(isDue({ ...nine, timezone: 'Asia/Kolkata' }, at('2025-06-01T03:30:00Z'))).toBe(true);
    expect(isDue({ ...nine, timezone: 'UTC' }, at('2025-06-01T07:00:00Z'))).toBe(false);
  });

  describe('without a timezone', () => {
    const saved = process.env.TZ;
    afterEach(() => {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    });

    it("uses the process's own zone (TZ), as system cron does", () => {
      process.env.TZ = 'America/New_York';
      expect(isDue({ when: '0 9 * * *' }, at('2025-06-01T13:00:00Z'))).toBe(true);
      process.env.TZ = 'Asia/Tokyo';
      expect(isDue({ when: '0 9 * * *' }, at('2025-06-01T13:00:00Z'))).toBe(false);
      expect(isDue({ when: '0 9 * * *' }, at('2025-06-01T00:00:00Z'))).toBe(true);
    });

    // The process's own zone is read from Date rather than Intl: across DST changes it must mean what naming the
    // same zone means.
    it.each(Object.keys(DAYS) as DayName[])('agrees with the zone named explicitly on %s', (day) => {
      const { zone, start, end } = DAYS[day];
      process.env.TZ = zone;
      for (const when of ['30 2 * * *', '0 3 * * *', '59 1 * * *', '*/15 * * * *', '0 0 L * *']) {
        const named = { when, timezone: zone };
        const local = { when };
        for (let m = start - 6 * HOUR_MS; m < end; m += 5 * MINUTE_MS) {
          expect(isDue(local, m), `${when} at ${new Date(m).toISOString()}`).toBe(isDue(named, m));
        }
        const from = start + 90 * MINUTE_MS;
        expect(nextRuns(local, from, 3)).toEqual(nextRuns(named, from, 3));
      }
    });
  });

  it('throws CronExpressionError for an expression parseSchedules would refuse', () => {
    expect(() => isDue({ when: '61 * * * *', timezone: 'UTC' }, 0)).toThrow(CronExpressionError);
    expect(() => isDue({ when: '@reboot', timezone: 'UTC' }, 0)).toThrow(/@reboot is not supported/);
  });
});

describe('nextRuns', () => {
  it('skips the months without a 31st', () => {
    const runs = nextRuns({ when: '0 0 31 * *', timezone: 'UTC' }, at('2025-01-01T00:00:00Z'), 7);
    expect(runs.map((d) => d.toISOString().slice(0, 10))).toEqual([
      '2025-01-31',
      '2025-03-31',
      '2025-05-31',
      '2025-07-31',
      '2025-08-31',
      '2025-10-31',
      '2025-12-31',
    ]);
  });

  it('lists runs strictly after `from`, in the task zone', () => {
    const task = { when: '@hourly', timezone: 'Asia/Kolkata' }; // +05:30: its hours start at :30 UTC
    expect(nextRuns(task, at('2025-06-01T10:30:00Z'), 3).map((d) => d.toISOString())).toEqual([
      '2025-06-01T11:30:00.000Z',
      '2025-06-01T12:30:00.000Z',
      '2025-06-01T13:30:00.000Z',
    ]);
    expect(nextRuns({ when: '@daily', timezone: 'UTC' }, new Date('2025-06-01T00:00:00Z'), 1)[0]?.toISOString()).toBe(
      '2025-06-02T00:00:00.000Z',
    );
  });

  it('finds a leap day years away', () => {
    const [run] = nextRuns({ when: '0 12 29 2 *', timezone: 'UTC' }, at('2025-03-01T00:00:00Z'), 1);
    expect(run?.toISOString()).toBe('2028-02-29T12:00:00.000Z');
  });
});

describe('lastRunBefore', () => {
  it.each([
    ['every minute: the minute before', '* * * * *', '2025-06-01T10:00:00Z', '2025-06-01T09:59:00.000Z'],
    ['hourly', '@hourly', '2025-06-01T10:30:00Z', '2025-06-01T10:00:00.000Z'],
    ['daily, from the next day', '0 3 * * *', '2025-06-02T01:00:00Z', '2025-06-01T03:00:00.000Z'],
    ['nothing since notBefore', '0 3 * * *', '2025-06-01T02:00:00Z', undefined],
  ])('%s', (_, when, beforeIso, expected) => {
    const found = lastRunBefore({ when, timezone: 'UTC' }, at(beforeIso), at('2025-06-01T00:00:00Z'));
    expect(found === undefined ? undefined : new Date(found).toISOString()).toBe(expected);
  });

  it('finds the shifted run of the spring-forward gap, and not the second pass of the repeated hour', () => {
    const madrid = { when: '30 2 * * *', timezone: 'Europe/Madrid' };
    const gap = lastRunBefore(madrid, at('2025-03-30T02:00:00Z'), at('2025-03-29T12:00:00Z'));
    expect(formatInZone(new Date(gap!), 'Europe/Madrid')).toBe('Sun 2025-03-30 03:30 +02:00');
    const repeated = lastRunBefore(madrid, at('2025-10-26T02:00:00Z'), at('2025-10-25T12:00:00Z'));
    expect(formatInZone(new Date(repeated!), 'Europe/Madrid')).toBe('Sun 2025-10-26 02:30 +02:00');
  });
});

describe('validateCron', () => {
  it('expands macros and normalises whitespace', () => {
    expect(validateCron('@hourly')).toBe('0 * * * *');
    expect(validateCron('@DAILY')).toBe('0 0 * * *');
    expect(validateCron('  */5   *  * * * ')).toBe('*/5 * * * *');
  });
});
