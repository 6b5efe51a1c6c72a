// The alert log's rows derived from the lifecycle: observations run through @janitor/thresholds' step, each change
// given to alertLogRows as the engine gives it (a post's outbox id is the minute it was made).
import type { AlertLogInput } from '@janitor/store';
import {
  type AlertRule,
  type AlertState,
  compileAlertRules,
  HOST_SILENT_KEY,
  isIdle,
  parseThresholds,
  type StepContext,
  step,
} from '@janitor/thresholds';
import { describe, expect, it } from 'vitest';
import { type AlertDescription, alertLogRows } from './alert-log-rows.ts';

const T0 = Date.UTC(2026, 10, 3, 12, 0);
const MIN = 60_000;
const at = (minute: number) => T0 + minute * MIN;

function ruleOf(thresholds: unknown): AlertRule {
  const { rules, problems } = parseThresholds(thresholds);
  expect(problems).toEqual([]);
  return compileAlertRules(rules)[0]!;
}

const cpu = (spec: Record<string, unknown> = {}) =>
  ruleOf({ cpu_percent: { levels: { warning: 80, alarm: 95 }, ...spec } });

const describeCpu: AlertDescription = {
  label: 'CPU %',
  limitOf: (level) => ({ warning: 80, alarm: 95 })[level as 'warning'] ?? null,
};

/** A value at a minute, and whether a silence holds posts back then. */
type Obs = [minute: number, value: number, silenced?: boolean];

/** The rows of each observation, as `transition level value limit start..end peak #post`. */
function rowsOf(rule: AlertRule, observations: readonly Obs[], ctx: StepContext = {}): string[] {
  let state: AlertState | undefined;
  const lines: string[] = [];
  for (const [minute, value, silenced = false] of observations) {
    const { next, notify } = step(state, { value, at: at(minute) }, rule, {
      ...ctx,
      ...(silenced ? { silencedUntil: at(minute + 1) } : {}),
    });
    const kept = isIdle(next) ? undefined : next;
    const notification =
      notify === undefined
        ? undefined
        : { ...notify, hostname: 'pi1', key: rule.key, metric: rule.metric, at: at(minute) };
    const rows = alertLogRows(
      {
        hostname: 'pi1',
        key: rule.key,
        previous: state,
        next: kept,
        notification,
        ...(notify === undefined ? {} : { outboxId: minute }),
        heldBack: silenced || ctx.muted === true,
        at: at(minute),
      },
      describeCpu,
    );
    lines.push(...rows.map((row) => `@${minute} ${line(row)}`));
    state = kept === undefined ? undefined : (JSON.parse(JSON.stringify(kept)) as AlertState);
  }
  return lines;
}

function line(row: AlertLogInput): string {
  const minute = (ms: number | null | undefined) => (ms === null || ms === undefined ? '-' : `${(ms - T0) / MIN}`);
  const parts = [row.transition, row.level ?? '-', row.value ?? '-', row.limit ?? '-'];
  parts.push(`${minute(row.incidentStartMs)}..${minute(row.endMs)}`);
  if (row.peak !== undefined && row.peak !== null) parts.push(`peak ${row.peak}`);
  if (row.outboxId !== undefined && row.outboxId !== null) parts.push(`#${row.outboxId}`);
  return parts.join(' ');
}

describe('alertLogRows', () => {
  it.each<[string, AlertRule, Obs[], StepContext, string[]]>([
    [
      'a crossing that waits for `for`, fires, is reminded and resolves: each once, the end with its incident',
      cpu({ for: '5m', repeat: '1h' }),
      [
        [0, 85],
        [1, 86],
        [5, 90],
        [6, 99],
        [30, 91],
        [65, 92],
        [70, 20],
        [71, 21],
      ],
      {},
      [
        '@0 pending warning 85 80 -..-',
        '@5 firing warning 90 80 5..- #5',
        '@65 repeated warning 92 80 5..- #65',
        '@70 resolved warning 20 80 5..70 peak 99 #70',
      ],
    ],
    [
      'a spike shorter than `for` is pending, then nothing',
      cpu({ for: '5m' }),
      [
        [0, 85],
        [1, 20],
        [2, 20],
      ],
      {},
      ['@0 pending warning 85 80 -..-'],
    ],
    [
      'escalated and deescalated, with the limit of the level',
      cpu({ repeat: 'never' }),
      [
        [0, 85],
        [1, 97],
        [2, 85],
        [3, 10],
      ],
      {},
      [
        '@0 firing warning 85 80 0..- #0',
        '@1 escalated alarm 97 95 0..- #1',
        '@2 deescalated warning 85 80 0..- #2',
        '@3 resolved warning 10 80 0..3 peak 97 #3',
      ],
    ],
    [
      'fired during a silence: silenced once, then firing when the silence ends',
      cpu({ repeat: 'never' }),
      [
        [0, 85, true],
        [1, 86, true],
        [2, 87, true],
        [3, 88],
      ],
      {},
      ['@0 silenced warning 85 80 0..-', '@3 firing warning 88 80 0..- #3'],
    ],
    [
      'a resolution held back: silenced, then resolved when told, ending when it stopped',
      cpu({ repeat: 'never' }),
      [
        [0, 85],
        [1, 91],
        [2, 10, true],
        [3, 11, true],
        [9, 12],
      ],
      {},
      [
        '@0 firing warning 85 80 0..- #0',
        '@2 silenced warning 10 80 0..-',
        '@9 resolved warning 12 80 0..2 peak 91 #9',
      ],
    ],
    [
      // Its state is gone with the end, and the value with it: an end nobody is told has no value.
      'an incident wholly inside a silence ends all the same, with nothing to link to',
      cpu({ repeat: 'never' }),
      [
        [0, 85, true],
        [1, 90, true],
        [2, 10, true],
      ],
      {},
      ['@0 silenced warning 85 80 0..-', '@2 resolved warning - 80 0..2 peak 90'],
    ],
    [
      'an escalation held back by a mute is silenced, not reposted at each report',
      cpu({ repeat: 'never' }),
      [
        [0, 85],
        [1, 97],
        [2, 98],
        [3, 10],
      ],
      { muted: true },
      ['@0 silenced warning 85 80 0..-', '@1 silenced alarm 97 95 0..-', '@3 resolved alarm - 95 0..3 peak 98'],
    ],
    [
      'every_report: the first report starts the incident, the next ones repeat it; the end is logged unposted',
      cpu(),
      [
        [0, 85],
        [1, 86],
        [2, 10],
      ],
      { mode: 'every_report' },
      ['@0 firing warning 85 80 0..- #0', '@1 repeated warning 86 80 0..- #1', '@2 resolved warning - 80 0..2 peak 86'],
    ],
  ])('%s', (_meaning, rule, observations, ctx, expected) => {
    expect(rowsOf(rule, observations, ctx)).toEqual(expected);
  });

  it('the silence alarm: host_silent, repeated, host_back with how long it lasted', () => {
    const rule: AlertRule = {
      key: HOST_SILENT_KEY,
      metric: HOST_SILENT_KEY,
      direction: 'above',
      levels: [{ type: 'alarm', value: 3 * MIN, operator: '>', clear: 3 * MIN }],
      forMs: 0,
      repeatMs: 60 * MIN,
    };
    const silentRows = rowsOf(rule, [
      [4, 4 * MIN],
      [30, 30 * MIN],
      [64, 64 * MIN],
      [70, 0],
    ]);
    expect(silentRows).toEqual([
      `@4 host_silent alarm ${4 * MIN} ${3 * MIN} 4..- #4`,
      `@64 repeated alarm ${64 * MIN} ${3 * MIN} 4..- #64`,
      `@70 host_back alarm 0 - 4..70 peak ${64 * MIN} #70`,
    ]);
  });

  it('an alert whose state is dropped (its rule left the config) ends its incident', () => {
    const fired = step(undefined, { value: 90, at: at(0) }, cpu()).next;
    const rows = alertLogRows(
      { hostname: 'pi1', key: 'cpu_percent', previous: fired, next: undefined, heldBack: false, at: at(5) },
      describeCpu,
    );
    expect(rows.map(line)).toEqual(['resolved warning - 80 0..5 peak 90']);
  });
});
