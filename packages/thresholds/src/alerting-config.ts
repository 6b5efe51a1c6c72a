import { describeValue as describe } from '@janitor/protocol';
import { DEFAULT_REPEAT_MS, HOST_SILENT_KEY } from './alert-rule.ts';
import { ALERT_MODES, type AlertMode } from './alert-state.ts';
import { readDuration } from './duration.ts';
import { KNOWN_METRICS } from './metrics.ts';
import type { Rule } from './rule.ts';
import { parseThresholds, type ThresholdProblem } from './rule-parser.ts';

/** One host's settings under `alerting.hosts.<hostname>`. */
export interface HostAlerting {
  /**
   * Rules that replace the global ones for this host: every metric named here (even with an empty list, which
   * leaves the metric without rules) loses its global rules.
   */
  thresholds?: { metrics: readonly string[]; rules: readonly Rule[] };
  /** `true` holds back every post about this host; a list, the posts about those metrics (or `host_silent`). */
  mute: boolean | readonly string[];
}

/** The `alerting` section, validated, with its defaults. Durations in milliseconds. */
export interface AlertingSettings {
  /** @default 'lifecycle' */
  mode: AlertMode;
  /** How long a limit must stay crossed before an alert fires, for rules that set no `for`. @default 0 */
  defaultForMs: number;
  /** Time between reminders while firing, for rules that set no `repeat`; 0 for none. @default 3_600_000 */
  defaultRepeatMs: number;
  /**
   * How long a host may stay silent before a "host silent" alarm; `auto` is three of its usual report intervals,
   * at least 3 minutes; `never` turns the check off. @default 'auto'
   */
  silentAfterMs: number | 'auto' | 'never';
  /**
   * A host not seen for this long is no longer watched for silence (one post says so; its next report brings it
   * back); `never` keeps watching. Expected hosts are never dropped. @default 30 days
   */
  forgetAfterMs: number | 'never';
  /** Hosts watched for silence even before their first report. @default [] */
  expectedHosts: readonly string[];
  /** Per-host overrides and mutes, by hostname. @default {} */
  hosts: Readonly<Record<string, HostAlerting>>;
}

/** What {@link parseAlerting} returns: the settings (defaults where a key is absent or wrong) and every problem. */
export interface ParsedAlerting {
  settings: AlertingSettings;
  problems: ThresholdProblem[];
}

/** How long a host may be away before it is no longer watched (`alerting.forget_after`): 30 days. */
export const DEFAULT_FORGET_AFTER_MS = 30 * 24 * 3_600_000;

/** The settings of a config without an `alerting` section. */
export const DEFAULT_ALERTING: Readonly<AlertingSettings> = Object.freeze({
  mode: 'lifecycle',
  defaultForMs: 0,
  defaultRepeatMs: DEFAULT_REPEAT_MS,
  silentAfterMs: 'auto',
  forgetAfterMs: DEFAULT_FORGET_AFTER_MS,
  expectedHosts: Object.freeze([]),
  hosts: Object.freeze({}),
});

const ALERTING_KEYS = [
  'mode',
  'default_for',
  'default_repeat',
  'silent_after',
  'forget_after',
  'expected_hosts',
  'hosts',
] as const;
const HOST_KEYS = ['thresholds', 'mute'] as const;
const MUTABLE = new Set([...KNOWN_METRICS, HOST_SILENT_KEY]);

/**
 * Reads the `alerting` section of `config.yaml`:
 *
 * ```yaml
 * alerting:
 *   mode: lifecycle # or every_report: the original's post for every report that crosses a limit
 *   default_for: 0 # how long a limit must stay crossed before the alert fires
 *   default_repeat: 1h # reminders while firing; 0 or never for none
 *   silent_after: auto # 3 usual report intervals, at least 3 min; a duration; or never
 *   expected_hosts: [pi1, vps]
 *   hosts:
 *     pi1:
 *       thresholds: { cpu_percent: { value: 95 } } # replaces the global cpu_percent rules on pi1
 *       mute: [disk_usage_percent, host_silent] # or true: every post about pi1
 * ```
 *
 * Never throws: every problem names its key path (`alerting.hosts.pi1.thresholds.cpu_percent.clear: ...`), and a
 * wrong key keeps its default. `undefined` and `null` give {@link DEFAULT_ALERTING}.
 *
 * @param path the key path of `raw`, prefixed to every problem's path
 * @default path 'alerting'
 */
export function parseAlerting(raw: unknown, path = 'alerting'): ParsedAlerting {
  const problems: ThresholdProblem[] = [];
  const settings: AlertingSettings = { ...DEFAULT_ALERTING };
  if (raw === undefined || raw === null) return { settings: DEFAULT_ALERTING, problems };
  if (!isRecord(raw)) {
    problems.push({ path, message: `expected an object of alerting settings, got ${describe(raw)}` });
    return { settings: DEFAULT_ALERTING, problems };
  }
  const problem = (key: string, message: string) => problems.push({ path: `${path}.${key}`, message });
  for (const key of Object.keys(raw)) {
    if (!(ALERTING_KEYS as readonly string[]).includes(key)) {
      problem(key, `unknown key; expected ${ALERTING_KEYS.join(', ')}`);
    }
  }

  if (Object.hasOwn(raw, 'mode')) {
    const mode = typeof raw.mode === 'string' ? raw.mode.trim().toLowerCase() : raw.mode;
    if ((ALERT_MODES as readonly unknown[]).includes(mode)) settings.mode = mode as AlertMode;
    else problem('mode', `expected one of ${ALERT_MODES.join(', ')}, got ${describe(raw.mode)}`);
  }

  if (Object.hasOwn(raw, 'default_for')) {
    const read = readDuration(raw.default_for);
    if (read.problem !== undefined) problem('default_for', read.problem);
    else settings.defaultForMs = read.ms;
  }

  if (Object.hasOwn(raw, 'default_repeat')) {
    const value = raw.default_repeat;
    const read = isWord(value, 'never') ? { ms: 0 } : readDuration(value);
    if (read.problem !== undefined) problem('default_repeat', `${read.problem} (or "never")`);
    else settings.defaultRepeatMs = read.ms;
  }

  if (Object.hasOwn(raw, 'silent_after')) {
    const value = raw.silent_after;
    if (isWord(value, 'auto')) settings.silentAfterMs = 'auto';
    else if (isWord(value, 'never')) settings.silentAfterMs = 'never';
    else {
      const read = readDuration(value);
      if (read.problem !== undefined) problem('silent_after', `${read.problem} (or "auto", or "never")`);
      else if (read.ms === 0) problem('silent_after', 'must be more than 0 (or "auto", or "never")');
      else settings.silentAfterMs = read.ms;
    }
  }

  if (Object.hasOwn(raw, 'forget_after')) {
    const value = raw.forget_after;
    if (isWord(value, 'never')) settings.forgetAfterMs = 'never';
    else {
      const read = readDuration(value);
      if (read.problem !== undefined) problem('forget_after', `${read.problem} (or "never")`);
      else if (read.ms < 3_600_000) problem('forget_after', 'must be at least 1h (or "never")');
      else settings.forgetAfterMs = read.ms;
    }
  }

  if (Object.hasOwn(raw, 'expected_hosts')) {
    const hosts = raw.expected_hosts;
    if (!Array.isArray(hosts)) {
      problem('expected_hosts', `expected a list of hostnames, got ${describe(hosts)}`);
    } else {
      const names: string[] = [];
      hosts.forEach((host, index) => {
        if (typeof host !== 'string' || host.trim() === '') {
          problem(`expected_hosts[${index}]`, `expected a hostname, got ${describe(host)}`);
        } else if (!names.includes(host)) names.push(host);
      });
      settings.expectedHosts = names;
    }
  }

  if (Object.hasOwn(raw, 'hosts')) {
    const hosts = raw.hosts;
    if (hosts === null) {
      // An empty YAML key: no per-host settings.
    } else if (!isRecord(hosts)) {
      problem('hosts', `expected an object of hostnames to { thresholds?, mute? }, got ${describe(hosts)}`);
    } else {
      const parsed: Record<string, HostAlerting> = {};
      for (const [hostname, spec] of Object.entries(hosts)) {
        const host = parseHost(spec, `${path}.hosts.${hostname}`, problems);
        if (host !== undefined) parsed[hostname] = host;
      }
      settings.hosts = parsed;
    }
  }
  return { settings, problems };
}

function parseHost(raw: unknown, at: string, problems: ThresholdProblem[]): HostAlerting | undefined {
  if (raw === null) return undefined;
  if (!isRecord(raw)) {
    problems.push({ path: at, message: `expected { thresholds?, mute? }, got ${describe(raw)}` });
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (!(HOST_KEYS as readonly string[]).includes(key)) {
      problems.push({ path: `${at}.${key}`, message: `unknown key; expected ${HOST_KEYS.join(', ')}` });
    }
  }
  const host: HostAlerting = { mute: false };
  if (Object.hasOwn(raw, 'thresholds') && raw.thresholds !== null) {
    const { rules, problems: found } = parseThresholds(raw.thresholds, `${at}.thresholds`);
    problems.push(...found);
    if (isRecord(raw.thresholds)) host.thresholds = { metrics: Object.keys(raw.thresholds), rules };
  }
  if (Object.hasOwn(raw, 'mute')) {
    const mute = raw.mute;
    if (typeof mute === 'boolean') host.mute = mute;
    else if (!Array.isArray(mute)) {
      problems.push({
        path: `${at}.mute`,
        message: `expected true, false or a list of metrics (or ${HOST_SILENT_KEY}), got ${describe(mute)}`,
      });
    } else {
      const names: string[] = [];
      mute.forEach((name, index) => {
        if (typeof name === 'string' && MUTABLE.has(name)) names.push(name);
        else {
          problems.push({
            path: `${at}.mute[${index}]`,
            message: `expected a metric name or ${HOST_SILENT_KEY}, got ${describe(name)}`,
          });
        }
      });
      host.mute = names;
    }
  }
  return host;
}

function isWord(value: unknown, word: string): boolean {
  return typeof value === 'string' && value.trim().toLowerCase() === word;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
