import { describe, expect, it } from 'vitest';
import { parseHostnameParam, parseSeriesParams } from './read-params.ts';

const NOW = Date.parse('2026-12-02T12:00:00Z');
const HOUR = 3_600_000;

describe('parseSeriesParams', () => {
  it('defaults to the last 24 hours at 1,500 points at most', () => {
    expect(parseSeriesParams({ metrics: 'cpu_percent, memory_percent,cpu_percent' }, { nowMs: NOW })).toEqual({
      ok: true,
      value: { metrics: ['cpu_percent', 'memory_percent'], fromMs: NOW - 24 * HOUR, toMs: NOW, maxPoints: 1500 },
    });
  });

  it('takes points and both ends', () => {
    const parsed = parseSeriesParams(
      { metrics: 'disk_usage_percent@/data', from: '-6h', to: '-1h', points: '300' },
      { nowMs: NOW, knownKeys: ['disk_usage_percent@/data'] },
    );
    expect(parsed).toEqual({
      ok: true,
      value: { metrics: ['disk_usage_percent@/data'], fromMs: NOW - 6 * HOUR, toMs: NOW - HOUR, maxPoints: 300 },
    });
  });

  it.each([
    [{}, 'metrics', /series keys/],
    [{ metrics: 'cpu_percent,swap' }, 'metrics', /unknown metric "swap"/],
    [{ metrics: 'a b' }, 'metrics', /not a series key/],
    [{ metrics: 'cpu_percent', from: 'then' }, 'from', /expected a time/],
    [{ metrics: 'cpu_percent', to: 'later' }, 'to', /expected a time/],
    [{ metrics: 'cpu_percent', from: '-1h', to: '-2h' }, 'from', /before to/],
    [{ metrics: 'cpu_percent', from: '-3650d' }, 'from', /at most 732 days/],
    [{ metrics: 'cpu_percent', points: '0' }, 'points', /1 to 1500/],
    [{ metrics: 'cpu_percent', points: '2.5' }, 'points', /1 to 1500/],
  ])('refuses %j naming %s', (params, field, error) => {
    const parsed = parseSeriesParams(params, { nowMs: NOW, knownKeys: ['cpu_percent'] });
    expect(parsed).toMatchObject({ ok: false, field });
    expect(parsed.ok ? '' : parsed.error).toMatch(error);
  });
});

describe('parseHostnameParam', () => {
  it('takes a hostname', () => {
    expect(parseHostnameParam(' pi1.lan ')).toEqual({ ok: true, value: 'pi1.lan' });
  });

  it.each(['', '../etc', 'a/b', 'a\nb', 'x'.repeat(256)])('refuses %j', (text) => {
    expect(parseHostnameParam(text)).toMatchObject({ ok: false, field: 'hostname' });
  });
});
