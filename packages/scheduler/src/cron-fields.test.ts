import { spawnSync } from 'node:child_process';
import { CronExpressionParser } from 'cron-parser';
import { describe, expect, it } from 'vitest';
import { parsePlainCron, plainCronMatches } from './cron-fields.ts';

const DAY_MS = 24 * 60 * 60_000;

/** What cron-parser makes of `fields`, or undefined when it refuses them. */
function reference(fields: string) {
  try {
    return CronExpressionParser.parse(fields, { tz: 'UTC' });
  } catch {
    return undefined;
  }
}

/** A small seeded generator (mulberry32), so that a failure can be replayed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random fields in the plain syntax, now and then out of range, backwards, repeated or with a step of 0. */
function randomExpression(next: () => number): string {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const number = (max: number) => Math.floor(next() * (next() < 0.05 ? max + 4 : max + 1));
  const step = (max: number) => `/${Math.floor(next() * (max / 2))}`;
  const field = (min: number, max: number, names: readonly string[] = []) => {
    const roll = next();
    if (roll < 0.35) return '*';
    if (roll < 0.5) return `*${step(max)}`;
    const value = (n: number) => (names.length > 0 && next() < 0.3 ? pick(names) : String(n));
    const items = Array.from({ length: 1 + Math.floor(next() * 3) }, () => {
      const low = Math.max(min, number(max));
      const kind = next();
      if (kind < 0.5) return value(low);
      const high = kind < 0.95 ? low + Math.floor(next() * (max - low + 1)) : Math.max(0, low - 1);
      return `${value(low)}-${value(high)}${next() < 0.3 ? step(max) : ''}`;
    });
    return items.join(',');
  };
  return [
    field(0, 59),
    field(0, 23),
    field(1, 31),
    field(1, 12, ['jan', 'feb', 'Mar', 'apr', 'jun', 'sep', 'dec', 'foo']),
    field(0, 7, ['sun', 'mon', 'Tue', 'fri', 'sat', 'xyz']),
  ].join(' ');
}

/** cron-parser's includesDate and plainCronMatches agree on many instants, most of them at allowed times of day. */
function expectSameMatches(fields: string, seed: number) {
  const plain = parsePlainCron(fields)!;
  const expression = reference(fields)!;
  const next = random(seed);
  const minutes = [...plain.minutes];
  const hours = [...plain.hours];
  for (let i = 0; i < 120; i++) {
    const day = Date.UTC(2024, 0, 1) + Math.floor(next() * 730) * DAY_MS;
    const minute = minutes[Math.floor(next() * minutes.length)]!;
    const hour = i % 4 === 0 ? Math.floor(next() * 24) : hours[Math.floor(next() * hours.length)]!;
    const at = new Date(day + (hour * 60 + minute) * 60_000);
    expect(plainCronMatches(plain, at), `${fields} at ${at.toISOString()}`).toBe(expression.includesDate(at));
  }
}

describe('parsePlainCron', () => {
  it.each([
    ['every minute', '* * * * *', { minutes: 60, hours: 24 }],
    ['every 5 minutes', '*/5 * * * *', { minutes: 12, hours: 24 }],
    ['a step from a start', '5/15 * * * *', { minutes: 4, hours: 24 }],
    ['office hours on weekdays, by name', '0 9-17 * jan-mar mon-fri', { minutes: 1, hours: 9 }],
    ['a list and a stepped range', '0,30 8-18/2 1,15 * *', { minutes: 2, hours: 6 }],
    ['leading zeros', '05 03 * * *', { minutes: 1, hours: 1 }],
    ['7 as Sunday', '0 0 * * 7', { minutes: 1, hours: 1 }],
    ['a weekday range ending on 7', '0 0 * * 5-7', { minutes: 1, hours: 1 }],
  ])('reads %s (%s) as cron-parser does', (_, fields, sizes) => {
    const plain = parsePlainCron(fields);
    expect({ minutes: plain?.minutes.size, hours: plain?.hours.size }).toEqual(sizes);
    expectSameMatches(fields, 1);
  });

  it('reads weekday names and 7 as the same days cron-parser does', () => {
    expect([...parsePlainCron('0 0 * * 5-7')!.daysOfWeek].sort()).toEqual([0, 5, 6]);
    expect([...parsePlainCron('0 0 * * sat,sun')!.daysOfWeek].sort()).toEqual([0, 6]);
    expect(parsePlainCron('0 0 13 * fri')).toMatchObject({ anyDayOfMonth: false, anyDayOfWeek: false });
  });

  it.each([
    ['the last day of the month', '0 0 L * *'],
    ['the third Friday', '0 9 * * 5#3'],
    ['a value out of range', '61 * * * *'],
    ['a backwards range', '5-1 * * * *'],
    ['a step of 0', '*/0 * * * *'],
    ['a value listed twice', '1,1 * * * *'],
    ['Sunday as 0 and 7', '0 0 * * 0,7'],
    ['an unknown name', '0 0 1 foo *'],
    ['a name in the minute field', 'jan * * * *'],
    ['30 February', '0 0 30 2 *'],
    ['an empty list item', '1,,2 * * * *'],
    ['a step without a start', '/5 * * * *'],
    ['four fields', '* * * *'],
  ])('leaves %s (%s) to cron-parser', (_, fields) => {
    expect(parsePlainCron(fields)).toBeUndefined();
  });

  it('accepts exactly the expressions of its syntax that cron-parser accepts, and matches the same minutes', () => {
    const next = random(20_251_123);
    let plainCount = 0;
    for (let i = 0; i < 3000; i++) {
      const fields = randomExpression(next);
      const plain = parsePlainCron(fields);
      expect(plain !== undefined, fields).toBe(reference(fields) !== undefined);
      if (plain === undefined) continue;
      plainCount++;
      if (i % 5 === 0) expectSameMatches(fields, i);
    }
    // The generator must exercise both answers: a reader that refused everything would pass the loop above.
    expect(plainCount).toBeGreaterThan(600);
    expect(plainCount).toBeLessThan(2400);
  });
});

describe('what a cron-run `janitor scheduler` loads', () => {
  it('checks and evaluates a plain schedule without loading cron-parser or luxon', () => {
    const index = new URL('./index.ts', import.meta.url).href;
    const script = `
      import { createRequire } from 'node:module';
      import { isDue, parseSchedules } from ${JSON.stringify(index)};
      const { tasks, problems } = parseSchedules([
        { name: 'a', when: '*/5 9-17 * * mon-fri', action: 'sysinfo_local' },
        { name: 'b', when: '@daily', action: 'publish_queue', timezone: 'Europe/Madrid' },
      ]);
      const due = tasks.map((task) => isDue(task, Date.UTC(2025, 5, 2, 10, 5)));
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((f) => /cron-parser|luxon/.test(f));
      console.log(JSON.stringify({ problems, due, loaded }));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, TZ: 'UTC' },
    });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ problems: [], due: [true, false], loaded: [] });
  });
});
