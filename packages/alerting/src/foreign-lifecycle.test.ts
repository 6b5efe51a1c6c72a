import type { ForeignAlert } from '@janitor/protocol';
import { describe, expect, it } from 'vitest';
import { type ForeignAlertState, foreignPost, stepForeign } from './foreign-lifecycle.ts';

const MINUTE = 60_000;
/** 2026-11-03 14:00 UTC. */
const T0 = Date.UTC(2026, 10, 3, 14, 0);

const alert = (patch: Partial<ForeignAlert> = {}): ForeignAlert => ({
  source: 'alertmanager',
  key: 'fp1',
  status: 'firing',
  type: 'warning',
  title: 'HighCPU',
  text: 'CPU at 91%',
  host: 'pi1',
  ...patch,
});

/** Firing since T0, followers told a warning at T0. */
const told = (patch: Partial<ForeignAlertState> = {}): ForeignAlertState => ({
  host: 'pi1',
  title: 'HighCPU',
  text: 'CPU at 91%',
  type: 'warning',
  incidentStartMs: T0,
  notifiedType: 'warning',
  lastNotifiedMs: T0,
  lastSeenMs: T0,
  ...patch,
});

const at = (minutes: number, heldBack = false) => ({ nowMs: T0 + minutes * MINUTE, heldBack });

describe('stepForeign', () => {
  it.each<[string, ForeignAlertState | undefined, ForeignAlert, ReturnType<typeof at>, string | undefined, string[]]>([
    [
      'a resolution of an alert never seen firing does nothing',
      undefined,
      alert({ status: 'resolved' }),
      at(1),
      undefined,
      [],
    ],
    ['a first firing delivery starts an incident and posts it', undefined, alert(), at(0), 'firing', ['firing']],
    ['a first firing delivery under a silence posts nothing', undefined, alert(), at(0, true), undefined, ['silenced']],
    ['an unchanged re-send posts nothing', told(), alert({ text: 'CPU at 93%' }), at(240), undefined, []],
    ['a higher severity escalates', told(), alert({ type: 'alarm' }), at(5), 'escalated', ['escalated']],
    [
      'a lower severity than told deescalates',
      told({ notifiedType: 'alarm', type: 'alarm' }),
      alert(),
      at(5),
      'deescalated',
      ['deescalated'],
    ],
    [
      'a severity change under a silence is logged, not posted',
      told(),
      alert({ type: 'alarm' }),
      at(5, true),
      undefined,
      ['silenced'],
    ],
    [
      'a firing alert nobody was told of is posted once a silence ends',
      told({ notifiedType: undefined }),
      alert(),
      at(30),
      'firing',
      ['firing'],
    ],
    [
      'a reminder is due repeatMs after the last post',
      told({ repeatMs: 60 * MINUTE }),
      alert({ repeatMs: 60 * MINUTE }),
      at(60),
      'repeat',
      ['repeated'],
    ],
    ['no reminder before repeatMs', told(), alert({ repeatMs: 60 * MINUTE }), at(59), undefined, []],
    [
      'a resolution ends the incident with a post',
      told(),
      alert({ status: 'resolved' }),
      at(35),
      'resolved',
      ['resolved'],
    ],
    [
      'a resolution under a silence ends it without a post',
      told(),
      alert({ status: 'resolved' }),
      at(35, true),
      undefined,
      ['resolved'],
    ],
    [
      'a resolution of an alert nobody was told of posts nothing',
      told({ notifiedType: undefined }),
      alert({ status: 'resolved' }),
      at(35),
      undefined,
      ['resolved'],
    ],
    [
      'a firing alert that began after the kept incident is a new one',
      told({ startsAtMs: T0 }),
      alert({ startsAtMs: T0 + 90 * MINUTE }),
      at(91),
      'firing',
      ['resolved', 'firing'],
    ],
    [
      'an earlier start (merged by the source) is the same incident',
      told({ startsAtMs: T0 }),
      alert({ startsAtMs: T0 - MINUTE }),
      at(2),
      undefined,
      [],
    ],
  ])('%s', (_, previous, delivered, context, post, transitions) => {
    const step = stepForeign(previous, delivered, context);
    expect(step.post).toBe(post);
    expect(step.log.map((row) => row.transition)).toEqual(transitions);
  });

  it('keeps the incident’s start and host across its deliveries, and the earliest start the source gave', () => {
    const first = stepForeign(undefined, alert({ startsAtMs: T0 - 5 * MINUTE }), at(0));
    expect(first.next).toMatchObject({ incidentStartMs: T0, host: 'pi1', startsAtMs: T0 - 5 * MINUTE });
    const again = stepForeign(first.next, alert({ host: 'other', startsAtMs: T0 - 6 * MINUTE, type: 'alarm' }), at(3));
    expect(again.next).toMatchObject({
      incidentStartMs: T0,
      host: 'pi1',
      startsAtMs: T0 - 6 * MINUTE,
      notifiedType: 'alarm',
    });
    expect(again.about?.incidentStartMs).toBe(T0);
    expect(again.from).toBe('warning');
  });

  it('forgets the state at the end, and the resolution carries its own words', () => {
    const end = stepForeign(told(), alert({ status: 'resolved', text: '200 - OK' }), at(35));
    expect(end.next).toBeUndefined();
    expect(end.about).toMatchObject({ text: '200 - OK', incidentStartMs: T0 });
    expect(end.log[0]).toMatchObject({
      transition: 'resolved',
      level: 'warning',
      endMs: T0 + 35 * MINUTE,
      posted: true,
    });
  });
});

describe('foreignPost', () => {
  it('says what fired, where, since when and who said so, with the source’s words and link', () => {
    const state = told({ startsAtMs: T0 - 12 * MINUTE, url: 'http://prom:9090/graph' });
    expect(foreignPost('alertmanager', state, 'firing', { nowMs: T0 })).toEqual({
      spoiler: '⚠️ pi1',
      text: 'HighCPU on pi1 is firing since 13:48 UTC (Alertmanager)\n\nCPU at 91%\nhttp://prom:9090/graph',
      type: 'warning',
    });
  });

  it('posts a resolution as info, with how long it lasted and no link', () => {
    const post = foreignPost('uptime-kuma', told({ url: 'https://x.org/', text: '200 - OK' }), 'resolved', {
      nowMs: T0 + 35 * MINUTE,
    });
    expect(post).toEqual({
      spoiler: 'ℹ️ pi1',
      text: 'HighCPU on pi1 resolved after 35m (Uptime Kuma)\n\n200 - OK',
      type: 'info',
    });
  });

  it.each([
    ['escalated', 'HighCPU on pi1 escalated from warning to alarm (Alertmanager)'],
    ['deescalated', 'HighCPU on pi1 down from warning to alarm (Alertmanager)'],
    ['repeat', 'HighCPU on pi1 still firing after 2h 5m (Alertmanager)'],
  ] as const)('words a %s post', (reason, head) => {
    const post = foreignPost('alertmanager', told({ type: 'alarm', text: '' }), reason, {
      nowMs: T0 + 125 * MINUTE,
      from: 'warning',
    });
    expect(post.text).toBe(head);
    expect(post.type).toBe('alarm');
  });

  it('names the source in the content warning when no host is known', () => {
    const { host: _, ...noHost } = told();
    expect(foreignPost('grafana', { ...noHost, type: 'alarm' }, 'firing', { nowMs: T0 }).spoiler).toBe('🚨 Grafana');
  });
});
