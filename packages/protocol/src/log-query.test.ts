import { describe, expect, it } from 'vitest';
import { DEFAULT_LOG_LIMIT, MAX_LOG_LIMIT, parseAlertLogQuery, parseMessageLogQuery } from './log-query.ts';

/** 2026-12-02 00:00 UTC. */
const NOW = Date.UTC(2026, 11, 2);
const DAY = 86_400_000;

describe('parseAlertLogQuery', () => {
  it('reads every parameter', () => {
    expect(
      parseAlertLogQuery({ state: 'firing', host: 'pi1', from: '-7d', limit: '20', cursor: 'YToxOjI' }, NOW),
    ).toEqual({
      ok: true,
      value: { state: 'firing', host: 'pi1', fromMs: NOW - 7 * DAY, limit: 20, cursor: 'YToxOjI' },
    });
  });

  it('nothing given: every row, a page of the default size', () => {
    expect(parseAlertLogQuery({}, NOW)).toEqual({ ok: true, value: { limit: DEFAULT_LOG_LIMIT } });
    expect(parseAlertLogQuery({ state: ['resolved'], host: [] }, NOW)).toEqual({
      ok: true,
      value: { state: 'resolved', limit: DEFAULT_LOG_LIMIT },
    });
  });

  it.each<[string, Record<string, string | string[]>, string, RegExp]>([
    ['a state it does not know', { state: 'open' }, 'state', /state must be firing or resolved, got "open"/],
    ['an empty host', { host: ' ' }, 'host', /host must not be empty/],
    ['a host with control characters', { host: 'pi\n1' }, 'host', /control characters/],
    ['a host longer than a hostname', { host: 'h'.repeat(256) }, 'host', /at most 255/],
    ['a from that is no time', { from: 'yesterday' }, 'from', /from must be a time/],
    ['a limit of 0', { limit: '0' }, 'limit', /1 to 500/],
    ['a limit over the most', { limit: String(MAX_LOG_LIMIT + 1) }, 'limit', /1 to 500/],
    ['a limit that is not a number', { limit: '10abc' }, 'limit', /whole number/],
    ['a negative limit', { limit: '-5' }, 'limit', /whole number/],
    ['a cursor that cannot be one', { cursor: 'a b' }, 'cursor', /cursor must be the next of a previous page/],
    ['a cursor far too long', { cursor: 'a'.repeat(65) }, 'cursor', /cursor/],
    ['a parameter given twice', { state: ['firing', 'resolved'] }, 'state', /state must be given once/],
    ['a parameter it does not know', { stat: 'firing' }, 'stat', /unknown parameter "stat"; this endpoint takes state/],
  ])('refuses %s with a 400 naming it', (_meaning, params, field, message) => {
    const result = parseAlertLogQuery(params, NOW);
    expect(result).toMatchObject({ ok: false, error: { status: 400, field } });
    expect(result.ok ? '' : result.error.error).toMatch(message);
  });
});

describe('parseMessageLogQuery', () => {
  it('reads host, from, limit and cursor', () => {
    expect(parseMessageLogQuery({ host: 'web1', from: '2026-12-01', limit: '500' }, NOW)).toEqual({
      ok: true,
      value: { host: 'web1', fromMs: Date.UTC(2026, 11, 1), limit: 500 },
    });
  });

  it('has no state', () => {
    expect(parseMessageLogQuery({ state: 'firing' }, NOW)).toMatchObject({ ok: false, error: { field: 'state' } });
  });
});
