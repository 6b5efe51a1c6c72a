import { describe, expect, it } from 'vitest';
import { createAlertPlan } from './alert-plan.ts';
import { evaluateHost } from './host-evaluation.ts';
import { fromLegacy } from './report-input.ts';
import { hostSilentUntil, matchSilences, type SilenceSpan } from './silence-match.ts';

const T = Date.UTC(2026, 10, 3, 14, 0);
const H = 3_600_000;
const span = (hostname: string, key: string, hours: number): SilenceSpan => ({ hostname, key, untilMs: T + hours * H });

describe('matchSilences', () => {
  it.each<[string, SilenceSpan[], string, Record<string, number> | undefined]>([
    ['no silence: nothing covers the host', [], 'pi1', undefined],
    ['a silence of another host does not cover it', [span('vps', '*', 1)], 'pi1', undefined],
    ['a silence that ended (at now) no longer covers it', [span('pi1', '*', 0)], 'pi1', undefined],
    ['a silence of one metric covers that metric', [span('pi1', 'cpu_percent', 1)], 'pi1', { cpu_percent: T + H }],
    ['a silence of every host (*) covers this one', [span('*', 'cpu_percent', 2)], 'pi1', { cpu_percent: T + 2 * H }],
    [
      'of two silences of one key, the later end wins',
      [span('pi1', 'cpu_percent', 1), span('*', 'cpu_percent', 3)],
      'pi1',
      { cpu_percent: T + 3 * H },
    ],
    [
      "an alert key is held at least as long as its metric's silence",
      [span('pi1', 'disk_usage_percent@/data', 1), span('pi1', 'disk_usage_percent', 2)],
      'pi1',
      { 'disk_usage_percent@/data': T + 2 * H, disk_usage_percent: T + 2 * H },
    ],
    [
      "a below-key is held as long as its metric's silence",
      [span('pi1', 'disk_usage_free:below', 1), span('pi1', 'disk_usage_free', 4)],
      'pi1',
      { 'disk_usage_free:below': T + 4 * H, disk_usage_free: T + 4 * H },
    ],
    [
      "every key is held at least as long as the host's *",
      [span('pi1', 'cpu_percent', 1), span('*', '*', 5)],
      'pi1',
      { cpu_percent: T + 5 * H, '*': T + 5 * H },
    ],
    [
      'a longer key silence outlasts a shorter * of the host',
      [span('pi1', 'cpu_percent', 6), span('pi1', '*', 1)],
      'pi1',
      { cpu_percent: T + 6 * H, '*': T + H },
    ],
  ])('%s', (_meaning, silences, host, expected) => {
    expect(matchSilences(silences, host, T)).toEqual(expected);
  });

  it('is what evaluateHost takes: a metric silence holds back the post of that metric only', () => {
    const plan = createAlertPlan({
      rules: [
        { metric: 'cpu_percent', value: 80, operator: '>', type: 'warning' },
        { metric: 'memory_percent', value: 80, operator: '>', type: 'warning' },
      ],
    });
    const input = fromLegacy({ hostname: 'pi1', cpu_percent: 95, memory_percent: 95 });
    const silencedUntil = matchSilences([span('pi1', 'cpu_percent', 1)], 'pi1', T);
    const result = evaluateHost(input, { plan: plan.host('pi1'), now: T, ...(silencedUntil ? { silencedUntil } : {}) });
    expect(result.notifications.map((n) => n.key)).toEqual(['memory_percent']);
  });
});

describe('hostSilentUntil', () => {
  it.each<[string, SilenceSpan[], number | undefined]>([
    ['no silence: not held back', [], undefined],
    ['a silence of a metric does not hold the host silent alarm back', [span('pi1', 'cpu_percent', 1)], undefined],
    ['a silence of host_silent holds it back', [span('pi1', 'host_silent', 2)], T + 2 * H],
    ['a silence of the whole host holds it back', [span('pi1', '*', 3)], T + 3 * H],
    ['a silence of every host holds it back', [span('*', '*', 1)], T + H],
    ['the later of host_silent and * wins', [span('pi1', 'host_silent', 1), span('*', '*', 4)], T + 4 * H],
    ['an ended silence holds nothing back', [span('pi1', 'host_silent', -1)], undefined],
  ])('%s', (_meaning, silences, expected) => {
    expect(hostSilentUntil(silences, 'pi1', T)).toBe(expected);
  });
});
