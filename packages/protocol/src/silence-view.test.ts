import { describe, expect, it } from 'vitest';
import { parseSilenceView } from './silence-view.ts';

const VIEW = {
  id: 3,
  host: 'pi1',
  rule: '*',
  until: '2026-11-03T16:00:00.000Z',
  untilMs: Date.UTC(2026, 10, 3, 16),
  reason: 'maintenance',
  createdAtMs: Date.UTC(2026, 10, 3, 14),
};

describe('parseSilenceView', () => {
  it('takes a silence as the hub shows it, dropping fields it does not know', () => {
    expect(parseSilenceView({ ...VIEW, extra: true })).toEqual({ ok: true, value: VIEW });
  });

  it('reads a missing reason as null', () => {
    const { reason: _, ...withoutReason } = VIEW;
    expect(parseSilenceView(withoutReason)).toEqual({ ok: true, value: { ...VIEW, reason: null } });
  });

  it.each<[string, unknown, string]>([
    ['not an object', 'silence 3', 'silence'],
    ['nothing', undefined, 'silence'],
    ['an id that is not a positive integer', { ...VIEW, id: 0 }, 'silence.id'],
    ['an id that is text', { ...VIEW, id: '3' }, 'silence.id'],
    ['a host that is not text', { ...VIEW, host: null }, 'silence.host'],
    ['no rule', { ...VIEW, rule: undefined }, 'silence.rule'],
    ['an until that is not text', { ...VIEW, until: 5 }, 'silence.until'],
    ['an untilMs that is not a number', { ...VIEW, untilMs: '5' }, 'silence.untilMs'],
    ['a createdAtMs that is not finite', { ...VIEW, createdAtMs: Number.NaN }, 'silence.createdAtMs'],
    ['a reason that is not text', { ...VIEW, reason: 5 }, 'silence.reason'],
  ])('refuses %s, naming the field', (_meaning, value, field) => {
    expect(parseSilenceView(value)).toMatchObject({ ok: false, error: { status: 400, field } });
  });
});
