import { describe, expect, it } from 'vitest';
import { isRetryableStatus, parseResetAt, parseRetryAfter } from './http-failure.ts';

describe('isRetryableStatus', () => {
  it.each([
    [408, true],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [413, false],
    [422, false],
    [501, false],
  ])('%i -> %s', (status, expected) => {
    expect(isRetryableStatus(status)).toBe(expected);
  });
});

describe('parseResetAt', () => {
  it.each([
    ['an ISO 8601 date (Mastodon)', '2026-11-23T20:05:00.000Z', '2026-11-23T20:05:00.000Z'],
    ['Unix seconds (GoToSocial)', '1795464300', '2026-11-23T20:05:00.000Z'],
  ])('reads %s', (_what, header, iso) => {
    expect(parseResetAt(header)?.toISOString()).toBe(iso);
  });

  it.each([[null], [undefined], [''], ['soon']])('ignores %j', (header) => {
    expect(parseResetAt(header)).toBeUndefined();
  });
});

describe('parseRetryAfter', () => {
  const now = () => Date.parse('2026-11-23T20:00:00Z');

  it.each([
    ['seconds', '120', 120_000],
    ['an HTTP date', 'Mon, 23 Nov 2026 20:00:30 GMT', 30_000],
    ['a date in the past, as no wait', 'Mon, 23 Nov 2026 19:00:00 GMT', 0],
  ])('reads %s', (_what, header, ms) => {
    expect(parseRetryAfter(header, now)).toBe(ms);
  });

  it.each([[null], [''], ['later']])('ignores %j', (header) => {
    expect(parseRetryAfter(header, now)).toBeUndefined();
  });
});
