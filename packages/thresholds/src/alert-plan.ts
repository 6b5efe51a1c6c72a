import { type AlertRule, compileAlertRules } from './alert-rule.ts';
import type { AlertMode } from './alert-state.ts';
import { type AlertingSettings, DEFAULT_ALERTING } from './alerting-config.ts';
import type { Rule } from './rule.ts';

/** Everything the lifecycle needs about one host, settled once: its rules (with overrides), alerts and mutes. */
export interface HostAlertPlan {
  hostname: string;
  mode: AlertMode;
  /** The global rules, with the metrics this host overrides replaced by its own: the report's marks. */
  rules: readonly Rule[];
  /** {@link rules} joined into alerts. */
  alerts: readonly AlertRule[];
  /** `true`: every post about the host is held back; a list: the posts about these metrics (or `host_silent`). */
  mute: boolean | readonly string[];
  /** Time between "still silent" reminders; 0 for none. */
  silentRepeatMs: number;
}

/** The rules and `alerting` settings, and each host's plan, computed once per host and kept. */
export interface AlertPlan {
  settings: AlertingSettings;
  rules: readonly Rule[];
  /** The plan of one host (the same object on every call for a hostname). */
  host(hostname: string): HostAlertPlan;
}

/** Options of {@link createAlertPlan}. */
export interface AlertPlanOptions {
  /** The global rules (`system_info.thresholds`). */
  rules: readonly Rule[];
  /** @default DEFAULT_ALERTING */
  settings?: AlertingSettings;
}

/**
 * Settles rules and `alerting` settings into per-host plans for {@link evaluateHost} and {@link checkSilentHosts}.
 * Pure: a plan depends only on its options; it is computed at the first call for a host and kept (reload the
 * config, make a new plan).
 *
 * @example
 * const plan = createAlertPlan({ rules: config.rules, settings: parseAlerting(raw.alerting).settings });
 * const result = evaluateHost(input, { plan: plan.host('pi1'), states, now });
 */
export function createAlertPlan(options: AlertPlanOptions): AlertPlan {
  const { rules, settings = DEFAULT_ALERTING } = options;
  const plans = new Map<string, HostAlertPlan>();
  const defaults = { forMs: settings.defaultForMs, repeatMs: settings.defaultRepeatMs };
  const globalAlerts = compileAlertRules(rules, defaults);
  return {
    settings,
    rules,
    host(hostname) {
      let plan = plans.get(hostname);
      if (plan !== undefined) return plan;
      const own = Object.hasOwn(settings.hosts, hostname) ? settings.hosts[hostname] : undefined;
      const overrides = own?.thresholds;
      const hostRules =
        overrides === undefined
          ? rules
          : [...rules.filter((rule) => !overrides.metrics.includes(rule.metric)), ...overrides.rules];
      plan = {
        hostname,
        mode: settings.mode,
        rules: hostRules,
        alerts: overrides === undefined ? globalAlerts : compileAlertRules(hostRules, defaults),
        mute: own?.mute ?? false,
        silentRepeatMs: settings.defaultRepeatMs,
      };
      plans.set(hostname, plan);
      return plan;
    },
  };
}

/** True when the plan's mutes hold back posts about `metric` (`host_silent` for the silence alarm). */
export function isMuted(plan: Pick<HostAlertPlan, 'mute'>, metric: string): boolean {
  return typeof plan.mute === 'boolean' ? plan.mute : plan.mute.includes(metric);
}
