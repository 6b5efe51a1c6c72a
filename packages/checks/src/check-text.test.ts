import { describe, expect, it } from 'vitest';
import type { CheckDefinition } from './check-definition.ts';
import { applyPing, type CheckState, checkTime } from './check-state.ts';
import { checkPost, describeTiming, formatCheckSpan, formatCheckTime } from './check-text.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const backup: CheckDefinition = {
  slug: 'backup',
  timing: { kind: 'cron', schedule: '0 2 * * *', timezone: 'UTC' },
  graceMs: 5 * MINUTE,
  repeatMs: 6 * HOUR,
};

/** The check's state after its last success at `lastMs`. */
const succeeded = (lastMs: number): CheckState => applyPing(undefined, { kind: 'success' }, lastMs).state;

describe('checkPost', () => {
  it('says a late job with its deadline and its last ping', () => {
    // Last success yesterday 02:03; the deadline 02:05 today; found at 02:05:30.
    const last = Date.UTC(2026, 10, 2, 2, 3);
    const now = Date.UTC(2026, 10, 3, 2, 5, 30);
    const step = checkTime(backup, succeeded(last), now);
    expect(checkPost(backup, step.change!, step.state)).toEqual({
      spoiler: '⚠️ backup',
      text: 'backup is late: expected by 02:05 UTC, last ping 24h ago\n0 2 * * * (UTC), grace 5m',
      type: 'warning',
    });
    const reminder = checkTime(backup, step.state, now + 6 * HOUR);
    expect(checkPost(backup, reminder.change!, reminder.state).text).toMatch(
      /^backup is still late: expected by 02:05 UTC, last ping 30h ago\n/,
    );
  });

  it('says a check that never pinged, in its own zone, with the date when it is another day', () => {
    const definition: CheckDefinition = {
      ...backup,
      host: 'nas',
      timing: { kind: 'cron', schedule: '30 23 * * *', timezone: 'Europe/Madrid' },
    };
    const created: CheckState = { createdMs: Date.UTC(2026, 10, 2, 12), pings: 0 };
    const now = Date.UTC(2026, 10, 2, 23, 0);
    const step = checkTime(definition, created, now);
    // 23:35 in Madrid on the 2nd is 22:35 UTC; said on the 3rd, Madrid time.
    expect(checkPost(definition, step.change!, step.state)).toMatchObject({
      spoiler: '⚠️ nas: backup',
      text: 'backup is late: expected by 2026-11-02 23:35 Europe/Madrid, never pinged\n30 23 * * * (Europe/Madrid), grace 5m',
    });
  });

  it('says a failure with its exit status and the last lines of its output', () => {
    const now = Date.UTC(2026, 10, 3, 2, 3);
    const body = ['starting', ...Array.from({ length: 20 }, (_, i) => `file ${i}`), 'rsync: disk full', ''].join('\n');
    const step = applyPing(succeeded(now - DAY), { kind: { exit: 3 }, body }, now);
    const post = checkPost(backup, step.change!, step.state);
    expect(post.type).toBe('error');
    expect(post.spoiler).toBe('🔥 backup');
    const lines = post.text.split('\n');
    expect(lines.slice(0, 3)).toEqual(['backup failed (exit 3)', '', 'last 15 lines of output:']);
    expect(lines.at(-1)).toBe('rsync: disk full');
    expect(lines).toHaveLength(18);
    // Without a body, and with /fail (no exit status): the first line alone.
    const bare = applyPing(succeeded(now - DAY), { kind: 'fail' }, now);
    expect(checkPost(backup, bare.change!, bare.state).text).toBe('backup failed');
  });

  it('cuts one endless line of output to the post’s bound', () => {
    const step = applyPing(succeeded(0), { kind: 'fail', body: 'x'.repeat(10_000) }, DAY);
    const text = checkPost(backup, step.change!, step.state).text;
    expect(text.length).toBeLessThan(1600);
    expect(text).toMatch(/last line of output:\n…x+$/);
  });

  it('says a run that took too long, and its reminder', () => {
    const start = Date.UTC(2026, 10, 3, 14, 2);
    const definition = { ...backup, graceMs: 30 * MINUTE };
    const started = applyPing(succeeded(start - DAY), { kind: 'start' }, start).state;
    const step = checkTime(definition, started, start + 31 * MINUTE);
    expect(checkPost(definition, step.change!, step.state)).toMatchObject({
      text: 'backup ran too long: started 14:02 UTC, no success within 30m',
      type: 'warning',
    });
    const reminder = checkTime(definition, step.state, start + 31 * MINUTE + 6 * HOUR);
    expect(checkPost(definition, reminder.change!, reminder.state).text).toBe(
      'backup is still running: started 14:02 UTC, no success for 6h 31m',
    );
  });

  it.each<[string, (t: number) => CheckState, string]>([
    [
      'after being late',
      (t) => checkTime(backup, succeeded(t - DAY), Date.UTC(2026, 10, 3, 2, 6)).state,
      'backup is back: success at 03:12 UTC, after being late for 1h 7m',
    ],
    [
      'after failing',
      (t) => applyPing(succeeded(t - DAY), { kind: 'fail' }, t - 35 * MINUTE).state,
      'backup is back: success at 03:12 UTC, after failing for 35m',
    ],
    [
      'after running too long',
      (t) => checkTime(backup, applyPing(succeeded(t - DAY), { kind: 'start' }, t - HOUR).state, t - 50 * MINUTE).state,
      'backup is back: success at 03:12 UTC, 1h after its run started',
    ],
  ])('says a check that is back %s, as info', (_what, before, text) => {
    const now = Date.UTC(2026, 10, 3, 3, 12);
    const step = applyPing(before(now), { kind: 'success' }, now);
    expect(checkPost(backup, step.change!, step.state)).toEqual({ spoiler: 'ℹ️ backup', text, type: 'info' });
  });
});

describe('wording', () => {
  it.each([
    [45_000, '45s'],
    [30 * MINUTE, '30m'],
    [90 * MINUTE, '1h 30m'],
    [26 * HOUR + 5 * MINUTE, '26h'],
    [3 * DAY, '3d'],
    [2 * DAY + 5 * HOUR, '2d 5h'],
  ])('%i ms reads %s', (ms, text) => {
    expect(formatCheckSpan(ms)).toBe(text);
  });

  it('says a time in a zone, with the date only when it is not the reference’s day there', () => {
    const t = Date.UTC(2026, 6, 1, 22, 30);
    expect(formatCheckTime(t, 'UTC', t)).toBe('22:30 UTC');
    // 00:30 on the 2nd in Madrid (summer time), while the reference is still the 1st there.
    expect(formatCheckTime(t, 'Europe/Madrid', t - 2 * HOUR)).toBe('2026-07-02 00:30 Europe/Madrid');
  });

  it('describes a period and a schedule', () => {
    expect(describeTiming({ timing: { kind: 'period', periodMs: DAY }, graceMs: HOUR })).toBe('every 1d, grace 1h');
    expect(describeTiming(backup)).toBe('0 2 * * * (UTC), grace 5m');
  });
});
