import type { AlertState } from './alert-state.ts';
import type { AlertingSettings } from './alerting-config.ts';
import { type HostSighting, silentAfterMs, usualIntervalMs } from './silent-hosts.ts';

/** A host that reported, as the watcher keeps it (@janitor/store's `HostRecord` fits). */
export interface ReportingHost {
  hostname: string;
  /** Its last report (epoch ms). */
  lastSeenMs: number;
  /** Its recent report times: what its usual interval is computed from. */
  reportTimesMs: readonly number[];
}

/** Options of {@link isJudgedYet}. */
export interface JudgedYetOptions {
  /** `alerting.silent_after`. */
  setting: AlertingSettings['silentAfterMs'];
  /** The host's usual report interval, for `auto`; undefined while it is not known. */
  usualIntervalMs?: number;
  /** When the watcher started (the hub's start). */
  startedAt: number;
  now: number;
  /** Whether the host's silence was already told (it has a `host_silent` state). */
  told: boolean;
}

/**
 * Whether a host is judged for silence yet. After a start, every host gets one silent time ({@link silentAfterMs})
 * to report before it is judged, since the watcher itself was away and the host's last report says nothing about
 * the time since; a host whose silence was already told is followed as before. `never` judges no host. Pure.
 *
 * @example isJudgedYet({ setting: 'auto', usualIntervalMs: 60_000, startedAt: T, now: T + 60_000, told: false }) // false
 */
export function isJudgedYet(options: JudgedYetOptions): boolean {
  const { setting, usualIntervalMs: interval, startedAt, now, told } = options;
  if (told) return true;
  const afterMs = silentAfterMs(setting, interval);
  return afterMs !== undefined && now - startedAt >= afterMs;
}

/**
 * When each expected host was first expected: the times `saved` holds, and `now` for an expected host it does not
 * (it was added to `alerting.expected_hosts` since, or this is the first start). Hosts no longer expected are
 * dropped. `added` lists the hosts timed from `now`: when it is not empty, the caller saves `since`. Pure.
 *
 * @example expectedHostsSince({ pi1: T0 }, ['pi1', 'vps'], T1) // { since: { pi1: T0, vps: T1 }, added: ['vps'] }
 */
export function expectedHostsSince(
  saved: Readonly<Record<string, number>>,
  expectedHosts: readonly string[],
  now: number,
): { since: Record<string, number>; added: string[] } {
  const since: Record<string, number> = {};
  const added: string[] = [];
  for (const host of expectedHosts) {
    const at = Object.hasOwn(saved, host) ? saved[host] : undefined;
    if (at === undefined) added.push(host);
    since[host] = at ?? now;
  }
  return { since, added };
}

/** Options of {@link silentHostsDue}. */
export interface SilentHostsDueOptions {
  /** `silent_after` and `expected_hosts` of `alerting`. */
  settings: Pick<AlertingSettings, 'silentAfterMs' | 'expectedHosts'>;
  /** The `host_silent` state of each host whose silence was told, by hostname. @default {} */
  states?: Readonly<Record<string, AlertState>>;
  /** When each expected host was first expected ({@link expectedHostsSince}). @default {} */
  expectedSince?: Readonly<Record<string, number>>;
  /** When the watcher started. */
  startedAt: number;
  now: number;
}

/** The hosts a silent-host check looks at now. */
export interface SilentHostsDue {
  /** The hosts that reported and are judged yet, with their usual interval: for `checkSilentHosts`. */
  sightings: HostSighting[];
  /** The expected hosts that never reported and are judged yet, each timed from when it was first expected. */
  expected: { hostname: string; since: number }[];
}

/**
 * Which hosts a silent-host check judges at `now` ({@link isJudgedYet}): each host that reported, with its usual
 * interval ({@link usualIntervalMs}) and its last report, and each expected host that never reported, with when it
 * was first expected (`startedAt` when that is not known). Pure.
 *
 * @example
 * const due = silentHostsDue(store.alerts.hosts(), { settings, states, expectedSince, startedAt, now });
 * checkSilentHosts(due.sightings, { plan, states, now, startedAt });
 */
export function silentHostsDue(hosts: Iterable<ReportingHost>, options: SilentHostsDueOptions): SilentHostsDue {
  const { settings, states = {}, expectedSince = {}, startedAt, now } = options;
  const told = (host: string) => Object.hasOwn(states, host) && states[host] !== undefined;
  const sightings: HostSighting[] = [];
  const reported = new Set<string>();
  for (const host of hosts) {
    reported.add(host.hostname);
    const interval = usualIntervalMs(host.reportTimesMs);
    const judged = isJudgedYet({
      setting: settings.silentAfterMs,
      ...(interval === undefined ? {} : { usualIntervalMs: interval }),
      startedAt,
      now,
      told: told(host.hostname),
    });
    if (!judged) continue;
    sightings.push({
      hostname: host.hostname,
      lastSeenAt: host.lastSeenMs,
      ...(interval === undefined ? {} : { usualIntervalMs: interval }),
    });
  }
  const expected: SilentHostsDue['expected'] = [];
  for (const hostname of settings.expectedHosts) {
    if (reported.has(hostname)) continue;
    if (!isJudgedYet({ setting: settings.silentAfterMs, startedAt, now, told: told(hostname) })) continue;
    expected.push({ hostname, since: Object.hasOwn(expectedSince, hostname) ? expectedSince[hostname]! : startedAt });
  }
  return { sightings, expected };
}
