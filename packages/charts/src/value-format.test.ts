import { describe, expect, it } from 'vitest';
import { formatValue, valueAxis } from './value-format.ts';

describe('formatValue', () => {
  it.each([
    [97, '%', '97 %'],
    [12.345, '%', '12.3 %'],
    [0.5, '', '0.5'],
    [2.456, '', '2.46'],
    [0.004, '', '0.004'],
    [54.27, '°C', '54.3 °C'],
    [1536, 'B/s', '1.5 KB/s'],
    [8589934592, 'B', '8 GB'],
    [512, 'B', '512 B'],
    [123_456, '', '123 k'],
    [-2_500_000, '', '-2.5 M'],
    [1e300, '%', '1.0e+300 %'],
  ])('%d %s is %s', (value, unit, text) => {
    expect(formatValue(value, unit)).toBe(text);
  });
});

describe('valueAxis', () => {
  it('a percentage: round ticks, the ends on ticks', () => {
    const axis = valueAxis(0, 97, '%');
    expect(axis).toMatchObject({ min: 0, max: 100 });
    expect(axis.ticks.map((t) => t.label)).toEqual(['0 %', '20 %', '40 %', '60 %', '80 %', '100 %']);
  });

  it('bytes: whole numbers of the scaled unit, one prefix for every label', () => {
    const axis = valueAxis(0, 3e9, 'B');
    expect(axis.ticks.map((t) => t.label)).toEqual(['0 GB', '1 GB', '2 GB', '3 GB']);
    expect(axis.ticks[1]!.value).toBe(1024 ** 3);
  });

  it('small steps get the decimals that tell the ticks apart', () => {
    expect(valueAxis(0, 0.25, '').ticks.map((t) => t.label)).toEqual(['0.00', '0.05', '0.10', '0.15', '0.20', '0.25']);
    expect(valueAxis(0, 11, '').ticks.map((t) => t.label)).toEqual(['0.0', '2.5', '5.0', '7.5', '10.0', '12.5']);
  });

  it('values near the largest double: finite ends, several finite ticks', () => {
    const axis = valueAxis(-1.7e308, 1.7e308, '');
    expect(Number.isFinite(axis.min) && Number.isFinite(axis.max)).toBe(true);
    expect(axis.min).toBeLessThanOrEqual(-1.7e308);
    expect(axis.max).toBeGreaterThanOrEqual(1.7e308);
    expect(axis.ticks.length).toBeGreaterThanOrEqual(3);
    expect(axis.ticks.every((t) => Number.isFinite(t.value))).toBe(true);
  });
});
