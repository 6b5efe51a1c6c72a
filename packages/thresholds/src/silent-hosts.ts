import type { MessageType } from '@janitor/protocol';
import type { AlertNotification } from './alert-notification.ts';
import { type AlertPlan, isMuted } from './alert-plan.ts';
import { type AlertRule, HOST_SILENT_KEY } from './alert-rule.ts';
import type { AlertState, AlertTransition, StepResult } from './alert-state.ts';
import type { AlertingSettings } from './alerting-config.ts';
import { isIdle, step } from './lifecycle.ts';

/** The shortest `auto` silence before a "host silent" alarm: 3 minutes. */
export const MIN_SILENT_AFTER_MS = 180_000;

/** The report interval assumed for a host whose usual interval is not known yet (fewer than two reports): 5 min. */
export const FALLBACK_INTERVAL_MS = 300_000;

/** The level of the "host silent" alarm. */
export const HOST_SILENT_LEVEL: MessageType = 'alarm';

/**
 * How long a host may stay silent before it is announced: `silent_after` as set, or for `auto` three of its
 * usual report intervals (five minutes while that is unknown), at least {@link MIN_SILENT_AFTER_MS}.
 * `undefined` for `never`.
 *
 * @example silentAfterMs('auto', 60_000) // 180000: three 1-minute intervals
 * @example silentAfterMs('auto', 300_000) // 900000
 */
export function silentAfterMs(
  setting: AlertingSettings['silentAfterMs'],
  usualIntervalMs?: number,
): number | undefined {
  if (setting === 'never') return undefined;
  if (setting !== 'auto') return setting;
  const interval = usualIntervalMs !== undefined && usualIntervalMs > 0 ? usualIntervalMs : FALLBACK_INTERVAL_MS;
  return Math.max(3 * interval, MIN_SILENT_AFTER_MS);
}

/**
 * A host's usual report interval: the median gap between the report times given (any order; repeated times are
 * ignored). `undefined` with fewer than two distinct times. The caller keeps the recent times it saw.
 *
 * @example usualIntervalMs([0, 60_000, 120_000, 600_000]) // 60000
 */
export function usualIntervalMs(reportTimes: readonly number[]): number | undefined {
  // Called on every report a hub takes: sorted in a scratch array, nothing allocated for the usual dozen times.
  const n = reportTimes.length;
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, 2 * scratch.length));
  const times = scratch.subarray(0, n);
  for (let i = 0; i < n; i++) times[i] = reportTimes[i]!;
  times.sort();
  // The gaps between distinct times, in place of the times themselves (times[i] is read before gap i - 1 is written).
  let gaps = 0;
  for (let i = 1; i < n; i++) {
    const gap = times[i]! - times[i - 1]!;
    if (gap > 0) times[gaps++] = gap;
  }
  if (gaps === 0) return undefined;
  const sorted = times.subarray(0, gaps).sort();
  const middle = Math.floor(gaps / 2);
  return gaps % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
let scratch = new Float64Array(16);

/** The "host silent" alert: the time since the last report, in ms, over `afterMs`; it clears with any report. */
export function silenceRule(afterMs: number, repeatMs: number): AlertRule {
  return {
    key: HOST_SILENT_KEY,
    metric: HOST_SILENT_KEY,
    direction: 'above',
    levels: [{ type: HOST_SILENT_LEVEL, value: afterMs, operator: '>', clear: afterMs }],
    forMs: 0,
    repeatMs,
  };
}

/** What {@link checkSilentHosts} knows of one host. */
export interface HostSighting {
  hostname: string;
  /** The host's last report; absent when it never reported. */
  lastSeenAt?: number;
  /** Its usual interval between reports ({@link usualIntervalMs}), for `silent_after: auto`. */
  usualIntervalMs?: number;
}

/** Options of {@link checkSilentHosts}. */
export interface CheckSilentHostsOptions {
  plan: AlertPlan;
  /** The `host_silent` state of each host, by hostname. @default {} */
  states?: Readonly<Record<string, AlertState>>;
  now: number;
  /** When watching began (the hub's start): an expected host that never reported is timed from here. */
  startedAt: number;
  /** Silences by hostname: posts about a host are held back until then. */
  silencedUntil?: Readonly<Record<string, number>>;
}

/** The next `host_silent` states by hostname (a host missing is not silent) and the posts that are due. */
export interface SilentHostsCheck {
  states: Record<string, AlertState>;
  notifications: AlertNotification[];
}

/**
 * Looks for hosts that stopped reporting: a host whose last report is older than its silent time
 * ({@link silentAfterMs}) is announced once (`firing`, level alarm), reminded after `default_repeat`, and its
 * return is posted (`resolved`) by the next check after it reports again, or at once by {@link evaluateHost}.
 * `alerting.expected_hosts` are watched even before their first report, timed from `startedAt`; other hosts
 * without a report are left alone. Mutes (`host_silent`, or `true`) and silences hold the posts back as for other
 * alerts. Pure; states of hosts not checked are returned unchanged.
 *
 * @example
 * const { states, notifications } = checkSilentHosts(store.hosts(), { plan, states: store.silentStates(), now, startedAt });
 */
export function checkSilentHosts(hosts: readonly HostSighting[], options: CheckSilentHostsOptions): SilentHostsCheck {
  const { plan, states = {}, now, startedAt, silencedUntil = {} } = options;
  const next: Record<string, AlertState> = { ...states };
  const notifications: AlertNotification[] = [];
  const sightings = new Map<string, HostSighting>();
  for (const host of hosts) sightings.set(host.hostname, host);
  for (const hostname of plan.settings.expectedHosts) {
    if (!sightings.has(hostname)) sightings.set(hostname, { hostname });
  }

  for (const { hostname, lastSeenAt, usualIntervalMs } of sightings.values()) {
    const expected = plan.settings.expectedHosts.includes(hostname);
    if (lastSeenAt === undefined && !expected) continue;
    const afterMs = silentAfterMs(plan.settings.silentAfterMs, usualIntervalMs);
    if (afterMs === undefined) continue;
    const hostPlan = plan.host(hostname);
    const previous = Object.hasOwn(states, hostname) ? states[hostname] : undefined;
    const { next: state, notify } = step(
      previous,
      { value: now - (lastSeenAt ?? startedAt), at: now },
      silenceRule(afterMs, hostPlan.silentRepeatMs),
      {
        muted: isMuted(hostPlan, HOST_SILENT_KEY),
        ...(Object.hasOwn(silencedUntil, hostname) ? { silencedUntil: silencedUntil[hostname] } : {}),
      },
    );
    if (lastSeenAt !== undefined) state.lastSeenAt = lastSeenAt;
    else delete state.lastSeenAt;
    if (isIdle(state)) delete next[hostname];
    else next[hostname] = state;
    if (notify !== undefined) notifications.push(silenceNotification(hostname, notify, now, lastSeenAt));
  }
  return { states: next, notifications };
}

/** A report came in: the host's `host_silent` state after it, and the "back" post if its silence was told. */
export function hostReported(
  previous: AlertState,
  now: number,
  ctx: { muted?: boolean; silencedUntil?: number; repeatMs: number },
): StepResult {
  const { repeatMs, ...rest } = ctx;
  // Any threshold works: a report makes the time since the last one 0, past every clear.
  return step(previous, { value: 0, at: now }, silenceRule(0, repeatMs), rest);
}

/** The notification of a `host_silent` transition. */
export function silenceNotification(
  hostname: string,
  transition: AlertTransition,
  at: number,
  lastSeenAt: number | undefined,
): AlertNotification {
  const notification: AlertNotification = {
    ...transition,
    hostname,
    key: HOST_SILENT_KEY,
    metric: HOST_SILENT_KEY,
    at,
  };
  if (lastSeenAt !== undefined) notification.lastSeenAt = lastSeenAt;
  return notification;
}
