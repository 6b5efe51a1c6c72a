import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HISTORY_RETENTION, resolveRetention, retentionOf } from './tiers.ts';

const DAY = 86_400_000;

describe('resolveRetention', () => {
  it('is raw 48 h, 10-minute buckets 35 days, hour buckets 400 days by default', () => {
    expect(resolveRetention()).toEqual({ rawMs: 2 * DAY, tenMinutesMs: 35 * DAY, hourMs: 400 * DAY });
    expect(DEFAULT_HISTORY_RETENTION).toEqual(resolveRetention({}));
  });

  it('takes what is set and keeps the defaults for the rest', () => {
    const retention = resolveRetention({ hourMs: 730 * DAY });
    expect(retention).toEqual({ rawMs: 2 * DAY, tenMinutesMs: 35 * DAY, hourMs: 730 * DAY });
    expect(retentionOf(retention, 'hour')).toBe(730 * DAY);
    expect(retentionOf(retention, 'ten_minutes')).toBe(35 * DAY);
    expect(retentionOf(retention, 'raw')).toBe(2 * DAY);
  });

  it.each([0, -1, Number.POSITIVE_INFINITY, Number.NaN])('refuses %s', (value) => {
    expect(() => resolveRetention({ rawMs: value })).toThrow(/history retention rawMs must be a positive number/);
  });
});

describe('@janitor/history is pure', () => {
  it('has no I/O, no timers and no clock', () => {
    const folder = import.meta.dirname;
    const sources = readdirSync(folder).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(sources.length).toBeGreaterThan(3);
    const impure = sources.flatMap((f) => {
      const text = readFileSync(join(folder, f), 'utf8');
      return [/from ['"]node:/, /Date\.now\(/, /new Date\(\)/, /setTimeout|setInterval/, /\bprocess\./]
        .filter((re) => re.test(text))
        .map((re) => `${f}: ${re.source}`);
    });
    expect(impure).toEqual([]);
  });
});
