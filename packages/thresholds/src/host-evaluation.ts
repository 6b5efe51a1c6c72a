import type { AlertNotification } from './alert-notification.ts';
import { type HostAlertPlan, isMuted } from './alert-plan.ts';
import { type AlertRule, alertKey, HOST_SILENT_KEY } from './alert-rule.ts';
import type { AlertState } from './alert-state.ts';
import { isIdle, step } from './lifecycle.ts';
import { diskValue, isDiskMetric } from './metrics.ts';
import type { ReportInput } from './report-input.ts';
import { EVERY_MOUNT } from './rule.ts';
import { hostReported, silenceNotification } from './silent-hosts.ts';

/** Options of {@link evaluateHost}. */
export interface EvaluateHostOptions {
  /** The host's plan: `createAlertPlan(...).host(hostname)`. */
  plan: HostAlertPlan;
  /** The host's states after its previous report, by alert key. @default {} */
  states?: Readonly<Record<string, AlertState>>;
  /** The report's time, in ms since the epoch. */
  now: number;
  /**
   * Silences: a time holds back every post about the host until then; a record, the posts about an alert key, a
   * metric, or `*` (the whole host).
   */
  silencedUntil?: number | Readonly<Record<string, number>>;
}

/** The host's next states (a key missing is ok with nothing told) and the posts that are due, in rule order. */
export interface HostEvaluation {
  states: Record<string, AlertState>;
  notifications: AlertNotification[];
}

/**
 * Runs the alert lifecycle ({@link step}) over one report of one host: every alert of the plan, each filesystem
 * for `*` rules. A metric or filesystem missing from the report changes nothing for its alert. A report also ends
 * the host's silence: a told "host silent" alarm gets its `resolved` post. States of filesystems not in this report
 * are kept; states of alerts the plan no longer has are dropped. Pure.
 *
 * Turn the notifications into posts with {@link formatNotifications} (it joins the firing ones of one report into
 * one post, as the original wrote it).
 *
 * @example
 * const { states, notifications } = evaluateHost(fromSample(sample), { plan: plan.host(sample.hostname), states: saved, now });
 * for (const post of formatNotifications(notifications, { input, rules: plan.host(sample.hostname).rules })) enqueue(post);
 */
export function evaluateHost(input: ReportInput, options: EvaluateHostOptions): HostEvaluation {
  const { plan, states = {}, now, silencedUntil } = options;
  const disks = input.disks ?? [];
  const next: Record<string, AlertState> = {};
  const notifications: AlertNotification[] = [];
  const visited = new Set<string>();

  const silenceOf = (key: string, metric: string): number | undefined => {
    if (silencedUntil === undefined || typeof silencedUntil === 'number') return silencedUntil;
    for (const name of [key, metric, '*']) if (Object.hasOwn(silencedUntil, name)) return silencedUntil[name];
    return undefined;
  };
  const previousOf = (key: string) => (Object.hasOwn(states, key) ? states[key] : undefined);

  const observe = (alert: AlertRule, key: string, mount: string | undefined, value: number | undefined) => {
    visited.add(key);
    const silence = silenceOf(key, alert.metric);
    const { next: state, notify } = step(previousOf(key), { value, at: now }, alert, {
      mode: plan.mode,
      muted: isMuted(plan, alert.metric),
      ...(silence === undefined ? {} : { silencedUntil: silence }),
    });
    if (!isIdle(state)) next[key] = state;
    if (notify === undefined) return;
    const notification: AlertNotification = { ...notify, hostname: plan.hostname, key, metric: alert.metric, at: now };
    if (mount !== undefined) notification.mount = mount;
    notifications.push(notification);
  };

  for (const alert of plan.alerts) {
    const { metric, mount } = alert;
    if (mount === undefined) {
      observe(alert, alert.key, undefined, metricValue(input, metric));
    } else if (isDiskMetric(metric)) {
      if (mount === EVERY_MOUNT) {
        for (const disk of disks) {
          if (alert.exceptMounts?.includes(disk.mount)) continue;
          observe(alert, alertKey(metric, disk.mount, alert.direction), disk.mount, diskValue(disk, metric));
        }
      } else {
        const disk = disks.find((d) => d.mount === mount);
        observe(alert, alert.key, mount, disk === undefined ? undefined : diskValue(disk, metric));
      }
    }
  }

  for (const [key, state] of Object.entries(states)) {
    if (visited.has(key)) continue;
    if (key === HOST_SILENT_KEY) {
      const silence = silenceOf(key, key);
      const { next: after, notify } = hostReported(state, now, {
        repeatMs: plan.silentRepeatMs,
        muted: isMuted(plan, HOST_SILENT_KEY),
        ...(silence === undefined ? {} : { silencedUntil: silence }),
      });
      if (!isIdle(after)) next[key] = after;
      if (notify !== undefined) notifications.push(silenceNotification(plan.hostname, notify, now, state.lastSeenAt));
    } else if (plan.alerts.some((alert) => ownsFilesystemKey(alert, key))) {
      next[key] = state;
    }
  }
  return { states: next, notifications };
}

/**
 * The alert of the plan that an alert state's key belongs to (`cpu_percent`, `disk_usage_percent@/data`, a filesystem
 * of a `*` alert), with the filesystem of a per-mount key; undefined for a key the plan does not have (`host_silent`,
 * an alert removed from the config). Pure.
 *
 * @example alertOfKey(plan.host('pi1'), 'disk_usage_percent@/data') // { alert: <the disk alert>, mount: '/data' }
 */
export function alertOfKey(plan: HostAlertPlan, key: string): { alert: AlertRule; mount?: string } | undefined {
  for (const alert of plan.alerts) {
    if (alert.key === key && alert.mount !== EVERY_MOUNT) {
      return alert.mount === undefined ? { alert } : { alert, mount: alert.mount };
    }
  }
  for (const alert of plan.alerts) {
    if (!ownsFilesystemKey(alert, key)) continue;
    const suffix = alert.direction === 'below' ? ':below'.length : 0;
    return { alert, mount: key.slice(alert.metric.length + 1, key.length - suffix) };
  }
  return undefined;
}

/** True when `key` is the key of one filesystem of a `*` alert (one that this report did not include). */
function ownsFilesystemKey(alert: AlertRule, key: string): boolean {
  if (alert.mount !== EVERY_MOUNT) return false;
  const prefix = `${alert.metric}@`;
  const suffix = alert.direction === 'below' ? ':below' : '';
  if (!key.startsWith(prefix) || !key.endsWith(suffix)) return false;
  const mount = key.slice(prefix.length, key.length - suffix.length);
  if (alert.direction === 'above' && mount.endsWith(':below')) return false;
  return mount !== '' && !alert.exceptMounts?.includes(mount);
}

/**
 * The first value of `metric` in the entries, then in the unlisted metrics. A search, not a map built per report: a
 * report has a few dozen metrics and a plan a few dozen rules.
 */
function metricValue(input: ReportInput, metric: string): number | undefined {
  for (const list of [input.entries, input.unlisted]) {
    if (list === undefined) continue;
    for (let i = 0; i < list.length; i++) {
      const entry = list[i]!;
      if (entry[0] === metric) return entry[1];
    }
  }
  return undefined;
}
