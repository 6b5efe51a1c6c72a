import { describe, expect, it } from 'vitest';
import { parseHostnameParam, parseLimitParam, parseSeriesParams, parseTimeParam } from './read-params.ts';

const NOW = Date.parse('2026-12-02T12:00:00Z');
const HOUR = 3_600_000;

describe('parseTimeParam', () => {
  it.each([
    ['now', NOW],
    ['-30m', NOW - HOUR / 2],
    ['-24h', NOW - 24 * HOUR],
    ['-7d', NOW - 7 * 24 * HOUR],
    ['-2w', NOW - 14 * 24 * HOUR],
    ['-1y', NOW - 365 * 24 * HOUR],
    ['-90s', NOW - 90_000],
    ['1764662400000', 1764662400000],
    ['2026-12-01', Date.parse('2026-12-01T00:00:00Z')],
    ['2026-12-01T08:00:00Z', Date.parse('2026-12-01T08:00:00Z')],
    ['2026-12-01T08:00', Date.parse('2026-12-01T08:00:00Z')],
    ['2026-12-01T08:00:00+02:00', Date.parse('2026-12-01T06:00:00Z')],
  ])('reads %s', (text, expected) => {
    expect(parseTimeParam(text, NOW)).toBe(expected);
  });

  it.each(['yesterday', '24h', '-24', '2026-13-45', '', '-1x', '12'])('reads nothing in %j', (text) => {
    expect(parseTimeParam(text, NOW)).toBeUndefined();
  });
});

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

describe('parseLimitParam', () => {
  it('reads a limit within bounds, else names limit', () => {
    expect(parseLimitParam(undefined, { fallback: 50, max: 500 })).toEqual({ ok: true, value: 50 });
    expect(parseLimitParam('20', { fallback: 50, max: 500 })).toEqual({ ok: true, value: 20 });
    expect(parseLimitParam('501', { fallback: 50, max: 500 })).toMatchObject({ ok: false, field: 'limit' });
    expect(parseLimitParam('-1', { fallback: 50, max: 500 })).toMatchObject({ ok: false, field: 'limit' });
  });
});
