import { describe, expect, it } from 'vitest';
import type { ChartInput } from './chart-input.ts';
import { describeChart } from './describe-chart.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const TO = Date.parse('2026-12-01T14:30:00Z');
const FROM = TO - 6 * HOUR;
/** A time of the window's day in UTC: `at('14:05')`. */
const at = (hhmm: string) => Date.parse(`2026-12-01T${hhmm}:00Z`);

function input(points: [string, number | null][], extra: Partial<ChartInput> = {}): ChartInput {
  return {
    host: 'pi1',
    metric: 'cpu_percent',
    t: points.map(([time]) => at(time)),
    values: points.map(([, v]) => v),
    from: FROM,
    to: TO,
    ...extra,
  };
}

const RISE: [string, number][] = [
  ['08:30', 20],
  ['12:00', 30],
  ['13:50', 85],
  ['14:05', 97],
  ['14:29', 95],
];

describe('describeChart', () => {
  it.each<[string, ChartInput, string]>([
    [
      'a rise over the limit: where it peaked, where it is now, since when it is above the limit',
      input(RISE, { limit: 80 }),
      'CPU on pi1 over the last 6 hours: rose from 20 % to 97 % at 14:05, latest 95 % at 14:29; limit 80 %, above it since 13:50.',
    ],
    [
      'the same in Madrid: times on its wall clock',
      input(RISE, { limit: 80, timeZone: 'Europe/Madrid' }),
      'CPU on pi1 over the last 6 hours: rose from 20 % to 97 % at 15:05, latest 95 % at 15:29; limit 80 %, above it since 14:50.',
    ],
    [
      'a rise after a dip says the lowest value; a peak at the end needs no "latest"',
      input([
        ['09:00', 50],
        ['10:00', 10],
        ['14:00', 97],
      ]),
      'CPU on pi1 over the last 6 hours: rose from 50 % to 97 % at 14:00, lowest 10 %.',
    ],
    [
      'a fall that left the limit behind',
      input(
        [
          ['08:30', 90],
          ['09:00', 92],
          ['10:00', 60],
          ['12:00', 12],
          ['14:00', 15],
        ],
        { limit: 80 },
      ),
      'CPU on pi1 over the last 6 hours: fell from 90 % to 12 % at 12:00, highest 92 %, latest 15 % at 14:00; limit 80 %, above it from 08:30 to 09:00.',
    ],
    [
      'steady: the spread, no trend',
      input([
        ['09:00', 12],
        ['10:00', 12.5],
        ['11:00', 11.5],
        ['12:00', 12],
      ]),
      'CPU on pi1 over the last 6 hours: steady around 12 % (11.5 % to 12.5 %).',
    ],
    [
      'one value between gaps',
      input(
        [
          ['09:00', null],
          ['10:00', 42],
          ['11:00', null],
        ],
        { limit: 80 },
      ),
      'CPU on pi1 over the last 6 hours: one value, 42 % at 10:00; limit 80 %, not exceeded.',
    ],
    ['no points', input([]), 'CPU on pi1 over the last 6 hours: no data.'],
    [
      'only nulls, with a limit',
      input(
        [
          ['09:00', null],
          ['10:00', null],
        ],
        { limit: 80 },
      ),
      'CPU on pi1 over the last 6 hours: no data, limit 80 %.',
    ],
    [
      'above the limit twice: how often, and the last time',
      input(
        [
          ['09:00', 90],
          ['10:00', 50],
          ['11:00', 91],
          ['11:10', 93],
          ['12:00', 50],
        ],
        { limit: 80 },
      ),
      'CPU on pi1 over the last 6 hours: fell from 90 % to 50 % at 10:00, highest 93 %, latest 50 % at 12:00; limit 80 %, above it 2 times, the last from 11:00 to 11:10.',
    ],
    [
      'bytes per second of an interface, scaled as report posts scale them',
      input(
        [
          ['10:00', 1024],
          ['14:00', 1.5 * 1024 * 1024],
        ],
        { metric: 'net_rx_bytes_per_second@eth0' },
      ),
      'Network In (eth0) on pi1 over the last 6 hours: rose from 1 KB/s to 1.5 MB/s at 14:00.',
    ],
    [
      'huge values print with an exponent',
      input(
        [
          ['10:00', 1e300],
          ['14:00', 1.5e307],
        ],
        { metric: 'my_counter' },
      ),
      'my_counter on pi1 over the last 6 hours: rose from 1.0e+300 to 1.5e+307 at 14:00.',
    ],
  ])('%s', (_, chart, expected) => {
    expect(describeChart(chart)).toBe(expected);
  });

  it('names the day of a time that is not on the day the window ends, and the window in days', () => {
    const to = at('14:30');
    const from = to - 7 * 24 * HOUR;
    const text = describeChart({
      host: 'pi1',
      metric: 'memory_percent',
      t: [from, Date.parse('2026-11-28T14:05:00Z'), to],
      values: [40, 88, 41],
      from,
      to,
    });
    expect(text).toBe(
      'Memory on pi1 over the last 7 days: rose from 40 % to 88 % at Nov 28 14:05, latest 41 % at 14:30.',
    );
  });

  it('leaves out points outside the window', () => {
    const text = describeChart(input([['07:00', 99], ...RISE]));
    expect(text).toContain('rose from 20 %');
    expect(text).not.toContain('99');
  });
});
