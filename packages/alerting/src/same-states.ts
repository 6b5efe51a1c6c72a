import type { AlertState } from '@janitor/thresholds';

type States = Record<string, AlertState>;

/**
 * Which fields of a state matter for the store: a change in any `'durable'` one is written before the report is
 * answered; `'value'` ones (the last observation) may wait for the next flush. A Record over every key of
 * AlertState, so that a field added to it must be classified here.
 */
const STATE_FIELDS: Readonly<Record<keyof AlertState, 'durable' | 'value'>> = {
  phase: 'durable',
  level: 'durable',
  since: 'durable',
  pendingSince: 'durable',
  firingSince: 'durable',
  resolvedAt: 'durable',
  notifiedLevel: 'durable',
  lastNotifiedAt: 'durable',
  lastSeenAt: 'durable',
  acknowledged: 'durable',
  lastValue: 'value',
  // Follows the last value: a new worst value may wait for the flush like the value itself.
  peak: 'value',
  lastValueAt: 'value',
};
const DURABLE_FIELDS = (Object.keys(STATE_FIELDS) as (keyof AlertState)[]).filter((k) => STATE_FIELDS[k] === 'durable');
const ALL_FIELDS = Object.keys(STATE_FIELDS) as (keyof AlertState)[];

/**
 * Whether two hosts' states (by alert key) are the same, in their durable fields only or in every field: what
 * decides whether a report's new states must be written before it is answered, or may wait for the next flush.
 *
 * @param durableOnly compare only the fields a restart must not lose (not the last value and its time)
 * @example sameStates(before, after, true) // false: a phase, level or what followers were told changed
 */
export function sameStates(a: Readonly<States>, b: Readonly<States>, durableOnly: boolean): boolean {
  // Called twice on every report a hub takes: the keys are walked, not listed.
  let count = 0;
  for (const key in b) if (Object.hasOwn(b, key)) count++;
  const fields = durableOnly ? DURABLE_FIELDS : ALL_FIELDS;
  for (const key in a) {
    if (!Object.hasOwn(a, key)) continue;
    if (--count < 0) return false;
    const x = a[key];
    const y = Object.hasOwn(b, key) ? b[key] : undefined;
    if (x === undefined || y === undefined) return false;
    for (const field of fields) {
      const u = x[field];
      const v = y[field];
      if (u === v) continue;
      if (field === 'acknowledged') {
        if (JSON.stringify(u) === JSON.stringify(v)) continue;
        return false;
      }
      if (field !== 'pendingSince' || !samePending(u as AlertState['pendingSince'], v as AlertState['pendingSince'])) {
        return false;
      }
    }
  }
  return count === 0;
}

function samePending(a: AlertState['pendingSince'], b: AlertState['pendingSince']): boolean {
  if (a === undefined || b === undefined) return a === b;
  const keys = Object.keys(a) as (keyof typeof a)[];
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
