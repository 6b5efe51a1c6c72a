import { describe, expect, it } from 'vitest';
import { formatSilence } from './silence-commands.ts';

/** 2026-11-03 14:00 UTC. */
const T0 = Date.UTC(2026, 10, 3, 14, 0);

describe('formatSilence', () => {
  it('formats a silence in one line', () => {
    const silence = {
      id: 3,
      host: 'pi1',
      rule: '*',
      until: '2026-11-03T16:00:00.000Z',
      untilMs: T0 + 2 * 3_600_000,
      reason: 'maintenance',
      createdAtMs: T0,
    };
    expect(formatSilence(silence, T0 + 60_000)).toBe(
      '#3 pi1, every alert, until 2026-11-03 16:00 UTC (1h 59m left): maintenance',
    );
    expect(formatSilence({ ...silence, host: '*', rule: 'host_silent', reason: null }, T0 + 2 * 3_600_000)).toBe(
      '#3 every host, host_silent, until 2026-11-03 16:00 UTC (less than a minute left)',
    );
  });
});
