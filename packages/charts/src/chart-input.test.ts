import { describe, expect, it } from 'vitest';
import { ChartInputError } from './chart-error.ts';
import { type ChartInput, checkChartInput } from './chart-input.ts';
import { describeChart } from './describe-chart.ts';

const FROM = Date.parse('2026-12-01T08:30:00Z');
const TO = FROM + 6 * 3_600_000;
const good: ChartInput = {
  host: 'pi1',
  metric: 'cpu_percent',
  t: [FROM, FROM + 60_000, FROM + 120_000],
  values: [1, null, 3],
  from: FROM,
  to: TO,
};

function problemsOf(input: unknown): { path: string; message: string }[] {
  try {
    checkChartInput(input as ChartInput);
  } catch (error) {
    expect(error).toBeInstanceOf(ChartInputError);
    return [...(error as ChartInputError).problems];
  }
  throw new Error('accepted');
}

describe('checkChartInput', () => {
  it('applies the defaults: UTC, 800x400, no limit', () => {
    expect(checkChartInput(good)).toMatchObject({ timeZone: 'UTC', width: 800, height: 400, limit: undefined });
  });

  it('keeps only the points inside the window', () => {
    const valid = checkChartInput({ ...good, t: [FROM - 1, FROM, TO, TO + 1], values: [9, 1, 2, 9] });
    expect(valid.t).toEqual([FROM, TO]);
    expect(valid.values).toEqual([1, 2]);
  });

  it.each<[string, Partial<ChartInput> | Record<string, unknown>, string, RegExp]>([
    [
      't and values of different lengths',
      { values: [1, 2] },
      'values',
      /expected 3 entries \(one per time in t\), got 2/,
    ],
    ['from after to', { from: TO + 1 }, 'from', /expected a time before to/],
    ['from equal to to', { from: TO }, 'from', /expected a time before to/],
    ['a value that is not a number', { values: [1, Number.NaN, 3] }, 'values[1]', /finite number or null, got NaN/],
    ['a value that is a string', { values: [1, '2', 3] }, 'values[1]', /got "2"/],
    ['times out of order', { t: [FROM, FROM + 2, FROM + 1] }, 't[2]', /ascending order/],
    ['a time that is no time', { t: [FROM, Number.POSITIVE_INFINITY, FROM] }, 't[1]', /expected a time/],
    ['t not an array', { t: 'now' }, 't', /expected an array/],
    ['an empty host', { host: ' ' }, 'host', /expected a host name/],
    ['no metric', { metric: undefined }, 'metric', /report key/],
    ['a limit that is no number', { limit: Number.POSITIVE_INFINITY }, 'limit', /finite number/],
    ['an unknown time zone', { timeZone: 'Mars/Base' }, 'timeZone', /IANA time zone.*"Mars\/Base"/],
    ['a width too small', { width: 10 }, 'width', /from 240 to 4096, got 10/],
    ['a height that is not whole', { height: 300.5 }, 'height', /whole number/],
  ])('refuses %s, naming the field', (_, change, path, message) => {
    const problems = problemsOf({ ...good, ...change });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe(path);
    expect(problems[0]!.message).toMatch(message);
  });

  it('lists every problem in one error, each with its field', () => {
    const call = () => describeChart({ ...good, values: [1], from: TO, timeZone: 'Nowhere' });
    expect(call).toThrow(ChartInputError);
    expect(call).toThrow(
      `chart input: values: expected 3 entries (one per time in t), got 1; from: expected a time before to (${TO}), got ${TO}; timeZone: expected an IANA time zone such as UTC or Europe/Madrid, got "Nowhere"`,
    );
  });

  it('refuses something that is not an object', () => {
    expect(problemsOf(null)).toEqual([{ path: 'input', message: 'expected an object, got null' }]);
  });
});
