import { describe, expect, it } from 'vitest';
import { parseSeriesView, type SeriesView, toSeriesBody } from './series-view.ts';

const FROM = 1_764_576_000_000;
const STEP = 600_000;

/** A series answer as the contract shows it: two series, a step with no report of memory. */
const BODY = {
  hostname: 'pi1',
  tier: 'ten_minutes',
  stepMs: STEP,
  fromMs: FROM,
  toMs: FROM + 3 * STEP,
  t: [FROM, FROM + STEP, FROM + 2 * STEP],
  cpu_percent: { avg: [10, 20, 30], min: [5, 15, 25], max: [15, 25, 35] },
  'disk_usage_percent@/data': { avg: [71, null, 72], min: [71, null, 72], max: [71, null, 72] },
};

const VIEW: SeriesView = {
  hostname: 'pi1',
  tier: 'ten_minutes',
  stepMs: STEP,
  fromMs: FROM,
  toMs: FROM + 3 * STEP,
  t: BODY.t,
  metrics: { cpu_percent: BODY.cpu_percent, 'disk_usage_percent@/data': BODY['disk_usage_percent@/data'] },
};

describe('parseSeriesView', () => {
  it('gathers the series under metrics, in the order answered, dropping fields that are no series', () => {
    const parsed = parseSeriesView({ ...BODY, note: 'x', keys: ['cpu_percent'], extra: { other: 1 } });
    expect(parsed).toEqual({ ok: true, value: VIEW });
    expect(parsed.ok && Object.keys(parsed.value.metrics)).toEqual(['cpu_percent', 'disk_usage_percent@/data']);
  });

  it('takes an answer with no points', () => {
    const empty = { ...BODY, t: [], cpu_percent: { avg: [], min: [], max: [] } };
    const { 'disk_usage_percent@/data': _, ...body } = empty;
    expect(parseSeriesView(body)).toEqual({
      ok: true,
      value: { ...VIEW, t: [], metrics: { cpu_percent: { avg: [], min: [], max: [] } } },
    });
  });

  it.each<[string, unknown, string | undefined]>([
    ['not an object', 'pi1', undefined],
    ['a tier it does not know', { ...BODY, tier: 'minute' }, 'tier'],
    ['a step of 0', { ...BODY, stepMs: 0 }, 'stepMs'],
    ['no times', { ...BODY, t: undefined }, 't'],
    ['a time that is text', { ...BODY, t: [FROM, 'later', FROM] }, 't[1]'],
    ['no hostname', { ...BODY, hostname: undefined }, 'hostname'],
    ['a series shorter than t', { ...BODY, cpu_percent: { ...BODY.cpu_percent, max: [1, 2] } }, 'cpu_percent.max'],
    ['a point that is text', { ...BODY, cpu_percent: { ...BODY.cpu_percent, min: [1, '2', 3] } }, 'cpu_percent.min[1]'],
    ['a series without its min', { ...BODY, cpu_percent: { avg: [1, 2, 3], max: [1, 2, 3] } }, 'cpu_percent.min'],
    ['a series under a name that is no key', { ...BODY, CPU: BODY.cpu_percent }, 'CPU'],
  ])('refuses %s, naming the field', (_meaning, body, field) => {
    const parsed = parseSeriesView(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect([parsed.error.status, parsed.error.field]).toEqual([400, field]);
  });
});

describe('toSeriesBody', () => {
  it('gives back the wire form: the header, then each series under its key', () => {
    expect(toSeriesBody(VIEW)).toStrictEqual(BODY);
    expect(Object.keys(toSeriesBody(VIEW))).toEqual(Object.keys(BODY));
  });

  it('reads back as the same view', () => {
    expect(parseSeriesView(JSON.parse(JSON.stringify(toSeriesBody(VIEW))))).toEqual({ ok: true, value: VIEW });
  });
});
