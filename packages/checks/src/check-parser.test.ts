import { describe, expect, it } from 'vitest';
import { parseChecks } from './check-parser.ts';

describe('parseChecks', () => {
  it('reads periods, cron schedules with and without a zone, grace, repeat and host', () => {
    const { checks, problems } = parseChecks([
      { slug: 'backup', schedule: ' 0 2 * * * ', timezone: 'Europe/Madrid', grace: '30m' },
      { slug: 'certbot_renew', period: '12h', grace: 3600, repeat: '1d', host: ' vps ' },
      { slug: 'db-dump', schedule: '@daily' },
      { slug: 'x', period: '1m', repeat: 'never' },
    ]);
    expect(problems).toEqual([]);
    expect(checks).toEqual([
      {
        slug: 'backup',
        timing: { kind: 'cron', schedule: '0 2 * * *', timezone: 'Europe/Madrid' },
        graceMs: 1_800_000,
        repeatMs: 0,
      },
      {
        slug: 'certbot_renew',
        timing: { kind: 'period', periodMs: 43_200_000 },
        graceMs: 3_600_000,
        repeatMs: 86_400_000,
        host: 'vps',
      },
      // UTC and an hour's grace when the file says nothing.
      {
        slug: 'db-dump',
        timing: { kind: 'cron', schedule: '@daily', timezone: 'UTC' },
        graceMs: 3_600_000,
        repeatMs: 0,
      },
      { slug: 'x', timing: { kind: 'period', periodMs: 60_000 }, graceMs: 3_600_000, repeatMs: 0 },
    ]);
  });

  it('gives nothing for an absent or empty key', () => {
    expect(parseChecks(undefined)).toEqual({ checks: [], problems: [] });
    expect(parseChecks(null)).toEqual({ checks: [], problems: [] });
  });

  it.each<[string, unknown, string, RegExp]>([
    ['a mapping instead of a list', { slug: 'a' }, 'checks', /expected a list of checks/],
    ['a slug with capitals', [{ slug: 'Backup', period: '1d' }], 'checks[0].slug', /1-64 characters of a-z/],
    ['a slug too long', [{ slug: 'a'.repeat(65), period: '1d' }], 'checks[0].slug', /1-64 characters/],
    ['no period nor schedule', [{ slug: 'a' }], 'checks[0]', /expected a period .* or a cron schedule/],
    ['both', [{ slug: 'a', period: '1d', schedule: '@daily' }], 'checks[0].schedule', /not both/],
    ['a six-field cron', [{ slug: 'a', schedule: '0 0 2 * * *' }], 'checks[0].schedule', /expected 5 fields/],
    ['a bad minute', [{ slug: 'a', schedule: '61 2 * * *' }], 'checks[0].schedule', /minute "61"/],
    ['an unknown zone', [{ slug: 'a', schedule: '@daily', timezone: 'Mars/Base' }], 'checks[0].timezone', /IANA/],
    [
      'a zone on a period',
      [{ slug: 'a', period: '1d', timezone: 'UTC' }],
      'checks[0].timezone',
      /only a check with a schedule/,
    ],
    ['a period under a minute', [{ slug: 'a', period: '30s' }], 'checks[0].period', /from 1m to 366d/],
    ['a word for a grace', [{ slug: 'a', period: '1d', grace: 'soon' }], 'checks[0].grace', /got "soon"/],
    ['a bad repeat', [{ slug: 'a', period: '1d', repeat: -1 }], 'checks[0].repeat', /or "never"/],
    ['an empty host', [{ slug: 'a', period: '1d', host: ' ' }], 'checks[0].host', /hostname/],
    ['an unknown key', [{ slug: 'a', period: '1d', every: '1d' }], 'checks[0].every', /unknown key/],
    ['a list item that is not a mapping', ['backup'], 'checks[0]', /expected a check/],
  ])('refuses %s, naming its key path', (_what, raw, path, message) => {
    const { checks, problems } = parseChecks(raw);
    expect(checks).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe(path);
    expect(problems[0]!.message).toMatch(message);
  });

  it('names the index of a duplicate and keeps the valid checks around a wrong one', () => {
    const { checks, problems } = parseChecks([
      { slug: 'a', period: '1d' },
      { slug: 'b', schedule: 'every day' },
      { slug: 'a', period: '2d' },
      { slug: 'c', period: '1h' },
    ]);
    expect(checks.map((c) => c.slug)).toEqual(['a', 'c']);
    expect(problems.map((p) => p.path)).toEqual(['checks[1].schedule', 'checks[2].slug']);
    expect(problems[1]!.message).toBe('duplicate slug "a" (also checks[0])');
  });
});
