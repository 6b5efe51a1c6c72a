import { describe, expect, it } from 'vitest';
import { CronExpressionError } from './cron-expression.ts';
import { describeCron, listSchedule } from './describe-cron.ts';
import { parseSchedules } from './schedule-parser.ts';

describe('describeCron', () => {
  it.each([
    ['* * * * *', 'Every minute'],
    ['*/5 * * * *', 'Every 5 minutes'],
    ['30 2 * * 1-5', 'At 02:30, Monday through Friday'],
    ['0 0 31 * *', 'At 00:00, on day 31 of the month'],
    ['@hourly', 'Every hour'],
    ['@daily', 'At 00:00'],
    ['@weekly', 'At 00:00, only on Sunday'],
    ['0 18 L * *', 'At 18:00, on the last day of the month'],
  ])('%s: %s', (when, words) => {
    expect(describeCron(when)).toBe(words);
  });

  it('refuses what parseSchedules refuses', () => {
    expect(() => describeCron('@reboot')).toThrow(CronExpressionError);
    expect(() => describeCron('61 * * * *')).toThrow(CronExpressionError);
  });
});

describe('listSchedule', () => {
  it('shows each task in words with its next three runs in its own zone', () => {
    const { tasks } = parseSchedules([
      { name: 'backup', when: '30 2 * * *', action: 'exec', command: ['backup'], timezone: 'Europe/Madrid' },
      { name: 'flush', when: '@hourly', action: 'publish_queue', timezone: 'UTC', enabled: false },
    ]);
    expect(listSchedule(tasks, { from: new Date('2025-03-28T12:00:00Z') })).toEqual([
      {
        name: 'backup',
        when: '30 2 * * *',
        description: 'At 02:30',
        action: 'exec',
        enabled: true,
        timezone: 'Europe/Madrid',
        next: ['Sat 2025-03-29 02:30 +01:00', 'Sun 2025-03-30 03:30 +02:00', 'Mon 2025-03-31 02:30 +02:00'],
      },
      {
        name: 'flush',
        when: '@hourly',
        description: 'Every hour',
        action: 'publish_queue',
        enabled: false,
        timezone: 'UTC',
        next: ['Fri 2025-03-28 13:00 +00:00', 'Fri 2025-03-28 14:00 +00:00', 'Fri 2025-03-28 15:00 +00:00'],
      },
    ]);
    expect(listSchedule(tasks, { from: Date.parse('2025-03-28T12:00:00Z'), count: 1 })[1]?.next).toEqual([
      'Fri 2025-03-28 13:00 +00:00',
    ]);
  });
});
