import { describe, expect, it } from 'vitest';
import { parseSchedules } from './schedule-parser.ts';
import { DEFAULT_TASK_TIMEOUT_MS } from './task.ts';

const problemsOf = (raw: unknown) => parseSchedules(raw).problems.map((p) => `${p.path}: ${p.message}`);
const task = (extra: Record<string, unknown>) => ({ name: 't', when: '* * * * *', action: 'sysinfo_local', ...extra });

describe('parseSchedules', () => {
  it('reads the original config.yaml.dist entry unchanged, with the defaults', () => {
    const { tasks, problems } = parseSchedules([
      { name: 'Check this machine every minute', when: '* * * * *', action: 'sysinfo_local' },
      { name: 'Report to the hub', when: '*/5 * * * *', action: 'sysinfo_remote' },
    ]);
    expect(problems).toEqual([]);
    expect(tasks).toEqual([
      {
        name: 'Check this machine every minute',
        when: '* * * * *',
        action: 'sysinfo_local',
        enabled: true,
        timeoutMs: DEFAULT_TASK_TIMEOUT_MS,
      },
      { name: 'Report to the hub', when: '*/5 * * * *', action: 'sysinfo_remote', enabled: true, timeoutMs: 300_000 },
    ]);
  });

  it('reads every optional key', () => {
    const { tasks, problems } = parseSchedules([
      {
        name: 'backup',
        when: ' @daily ',
        action: 'exec',
        command: ['/usr/local/bin/backup', '--quiet'],
        timezone: 'Europe/Madrid',
        enabled: false,
        timeout: '1h',
      },
      { name: 'flush', when: '@hourly', action: 'publish_queue', timeout: 90 },
      { name: 'df', when: '0 8 * * 1-5', action: 'exec', command: 'df -h | mail root', timeout: '500ms' },
      { name: 'silent', when: '*/2 * * * *', action: 'silent_hosts', timeout: '2m' },
    ]);
    expect(problems).toEqual([]);
    expect(tasks).toEqual([
      {
        name: 'backup',
        when: '@daily',
        action: 'exec',
        command: ['/usr/local/bin/backup', '--quiet'],
        timezone: 'Europe/Madrid',
        enabled: false,
        timeoutMs: 3_600_000,
      },
      { name: 'flush', when: '@hourly', action: 'publish_queue', enabled: true, timeoutMs: 90_000 },
      { name: 'df', when: '0 8 * * 1-5', action: 'exec', command: 'df -h | mail root', enabled: true, timeoutMs: 500 },
      { name: 'silent', when: '*/2 * * * *', action: 'silent_hosts', enabled: true, timeoutMs: 120_000 },
    ]);
  });

  it.each([
    ['an absent key', undefined],
    ['an empty YAML key', null],
    ['an empty list', []],
  ])('gives no task and no problem for %s', (_, raw) => {
    expect(parseSchedules(raw)).toEqual({ tasks: [], problems: [] });
  });

  it.each([
    ['@hourly', '@hourly'],
    ['@daily', '@daily'],
    ['@weekly', '@weekly'],
    ['@monthly', '@monthly'],
    ['@yearly', '@yearly'],
    ['@annually', '@annually'],
    ['@midnight', '@midnight'],
    ['names', '0 9 * jan-mar mon-fri'],
    ['the last day of the month', '0 23 L * *'],
    ['the third Friday', '0 9 * * 5#3'],
    ['7 as Sunday', '0 9 * * 7'],
    ['extra spaces', '  0   9 * * *  '],
  ])('accepts %s', (_, when) => {
    expect(problemsOf([task({ when })])).toEqual([]);
  });

  it.each([
    ['a value out of range, naming the field', '61 * * * *', 'minute "61": 61 is out of range 0-59'],
    ['an hour out of range', '0 24 * * *', 'hour "24": 24 is out of range 0-23'],
    ['day 0', '0 0 0 * *', 'day of month "0": 0 is out of range 1-31'],
    ['month 13', '0 0 1 13 *', 'month "13": 13 is out of range 1-12'],
    ['day of week 8', '0 0 * * 8', 'day of week "8": 8 is out of range 0-7'],
    ['a range out of range', '1-70 * * * *', 'minute "1-70": range 1-70 is out of range 0-59'],
    ['a backwards range', '5-1 * * * *', 'minute "5-1": range 5-1 runs backwards'],
    ['a step of 0', '*/0 * * * *', 'minute "*/0": a step of 0 is not allowed'],
    ['a word', 'foo * * * *', 'minute "foo": invalid characters in "foo"'],
    ['an unknown month name', '0 0 1 foo *', 'month "foo": "foo" is not a number or a known name'],
    ['a date that never comes', '0 0 30 2 *', 'that day of the month never occurs in the months given'],
    ['four fields', '* * * *', 'expected 5 fields (minute hour day-of-month month day-of-week), got 4'],
    ['six fields (seconds)', '0 * * * * *', 'got 6 (a seconds field is not supported'],
    ['hashed values', 'H * * * *', 'minute: "H" (hashed) values are not supported'],
    ['a question mark', '0 0 ? * *', 'day of month: "?" is not supported; use "*"'],
    ['an unknown macro', '@minutely', 'unknown macro; expected five fields or one of @yearly, @annually'],
  ])('refuses %s with the key path and a clean message', (_, when, message) => {
    const problems = problemsOf([task({}), task({ name: 'u' }), task({ name: 'v', when })]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`app.schedules[2].when: invalid cron expression ${JSON.stringify(when)}: `);
    expect(problems[0]).toContain(message);
    expect(problems[0]).not.toMatch(/Constraint error|Validation error/);
  });

  it('refuses @reboot and says what to do instead', () => {
    const [problem] = problemsOf([task({ when: '@reboot' })]);
    expect(problem).toMatch(/^app\.schedules\[0\]\.when: invalid cron expression "@reboot": @reboot is not supported/);
    expect(problem).toContain('systemd');
  });

  it('refuses an unknown action, listing the known ones', () => {
    expect(problemsOf([task({ action: 'sysinfo' })])).toEqual([
      'app.schedules[0].action: unknown action "sysinfo"; expected one of sysinfo_local, sysinfo_remote, exec, publish_queue, silent_hosts',
    ]);
  });

  it('lists every problem of every task, each with its path, and keeps the valid tasks', () => {
    const { tasks, problems } = parseSchedules(
      [
        { name: 'ok', when: '@hourly', action: 'publish_queue' },
        { when: '* * * * *' },
        'not a task',
        {
          name: 'ok',
          when: 5,
          action: 'exec',
          timezone: 'Mars/Olympus',
          enabled: 'yes',
          timeout: '5 minutes',
          retries: 3,
        },
        { name: 'x', when: '* * * * *', action: 'sysinfo_local', command: 'true' },
        { name: 'y', when: '* * * * *', action: 'exec', command: [] },
        { name: ' ', when: '* * * * *', action: 'exec', command: ['', 'x'] },
        { name: 'z', when: '* * * * *', action: 'exec', timezone: '+02:00', timeout: 0 },
      ],
      'schedules',
    );
    expect(tasks.map((t) => t.name)).toEqual(['ok']);
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'schedules[1].name: expected a non-empty string, got nothing',
      'schedules[1].action: got nothing; expected one of sysinfo_local, sysinfo_remote, exec, publish_queue, silent_hosts',
      'schedules[2]: expected a task { name, when, action }, got "not a task"',
      'schedules[3].retries: unknown key; expected name, when, action, command, timezone, enabled, timeout',
      'schedules[3].name: duplicate name "ok" (also schedules[0])',
      'schedules[3].when: expected a cron expression such as "*/5 * * * *" or "@hourly", got 5',
      'schedules[3].command: required for action exec: a command line, or a list [program, ...arguments], got nothing',
      'schedules[3].timezone: expected an IANA time zone such as "Europe/Madrid" or "UTC", got "Mars/Olympus"',
      'schedules[3].enabled: expected true or false, got "yes"',
      'schedules[3].timeout: expected a duration from 1ms to 24h such as "30s", "5m" or a number of seconds, got "5 minutes"',
      "schedules[4].command: only action exec takes a command (this task's action is sysinfo_local)",
      'schedules[5].command: required for action exec: a command line, or a list [program, ...arguments], got a list',
      'schedules[6].name: expected a non-empty string, got " "',
      'schedules[6].command: required for action exec: a command line, or a list [program, ...arguments], got a list',
      'schedules[7].command: required for action exec: a command line, or a list [program, ...arguments], got nothing',
      'schedules[7].timezone: expected an IANA time zone such as "Europe/Madrid" or "UTC", got "+02:00"',
      'schedules[7].timeout: expected a duration from 1ms to 24h such as "30s", "5m" or a number of seconds, got 0',
    ]);
  });

  it('refuses a list that is not a list', () => {
    expect(problemsOf({ name: 'a' })).toEqual([
      'app.schedules: expected a list of tasks { name, when, action }, got an object',
    ]);
  });

  it.each([
    ['30', 30_000],
    ['30s', 30_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['250ms', 250],
    ['1.5s', 1500],
    [45, 45_000],
    [0.5, 500],
    ['24h', 86_400_000],
  ])('reads timeout %j as %i ms', (timeout, ms) => {
    expect(parseSchedules([task({ timeout })]).tasks[0]?.timeoutMs).toBe(ms);
  });

  it.each([['25h'], [-1], ['-5s'], ['5d'], [true], [[30]], ['']])('refuses timeout %j', (timeout) => {
    expect(problemsOf([task({ timeout })])).toHaveLength(1);
  });
});
