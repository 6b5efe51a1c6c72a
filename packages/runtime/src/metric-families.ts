import type { HostAlertView } from '@janitor/alerting';
import {
  createSampleColumns,
  type GaugeFamily,
  type Labels,
  type RenderedLabels,
  renderLabels,
  type Sample,
  type SampleColumns,
} from '@janitor/prometheus';
import { PublishError } from '@janitor/publisher';
import {
  type AlertPlan,
  type AlertState,
  HOST_SILENT_KEY,
  hostSilentUntil,
  isMuted,
  matchSilences,
  type SilenceSpan,
} from '@janitor/thresholds';

/** How one report key is exposed: its family, and which label its scope (after `@`) takes. */
export interface HostMetric {
  /** The family's name: snake_case, the unit last. */
  name: string;
  help: string;
  unit?: string;
  /** `mount`: a value per filesystem (its flat key is the root's); `interface`: per interface (its flat key the sum). */
  scope?: 'mount' | 'interface';
}

/**
 * The report keys (`system_info` of the original, the agent's v2 sample) and the families they are exposed in, with
 * Prometheus' naming: base units (bytes, seconds, celsius), percents as reported (0-100) and named so.
 */
export const HOST_METRICS: ReadonlyMap<string, HostMetric> = new Map<string, HostMetric>([
  ['cpu_percent', { name: 'janitor_host_cpu_percent', help: 'CPU busy over the last interval, percent (0-100).' }],
  ['cpu_count', { name: 'janitor_host_cpus', help: 'Number of logical CPUs.' }],
  ['load_1', { name: 'janitor_host_load1', help: '1-minute load average.' }],
  ['load_5', { name: 'janitor_host_load5', help: '5-minute load average.' }],
  ['load_15', { name: 'janitor_host_load15', help: '15-minute load average.' }],
  ['memory_total', { name: 'janitor_host_memory_total_bytes', help: 'Physical memory, bytes.', unit: 'bytes' }],
  [
    'memory_avail',
    { name: 'janitor_host_memory_available_bytes', help: 'Memory available to programs, bytes.', unit: 'bytes' },
  ],
  ['memory_used', { name: 'janitor_host_memory_used_bytes', help: 'Memory in use, bytes.', unit: 'bytes' }],
  ['memory_free', { name: 'janitor_host_memory_free_bytes', help: 'Memory unused, bytes.', unit: 'bytes' }],
  ['memory_percent', { name: 'janitor_host_memory_used_percent', help: 'Memory in use, percent (0-100).' }],
  ['swap_total', { name: 'janitor_host_swap_total_bytes', help: 'Swap space, bytes.', unit: 'bytes' }],
  ['swap_used', { name: 'janitor_host_swap_used_bytes', help: 'Swap in use, bytes.', unit: 'bytes' }],
  ['swap_free', { name: 'janitor_host_swap_free_bytes', help: 'Swap unused, bytes.', unit: 'bytes' }],
  ['swap_percent', { name: 'janitor_host_swap_used_percent', help: 'Swap in use, percent (0-100).' }],
  [
    'disk_usage_total',
    { name: 'janitor_host_filesystem_size_bytes', help: 'Filesystem size, bytes.', unit: 'bytes', scope: 'mount' },
  ],
  [
    'disk_usage_used',
    {
      name: 'janitor_host_filesystem_used_bytes',
      help: 'Filesystem space used, bytes.',
      unit: 'bytes',
      scope: 'mount',
    },
  ],
  [
    'disk_usage_free',
    {
      name: 'janitor_host_filesystem_available_bytes',
      help: 'Filesystem space available to unprivileged users, bytes.',
      unit: 'bytes',
      scope: 'mount',
    },
  ],
  [
    'disk_usage_percent',
    { name: 'janitor_host_filesystem_used_percent', help: 'Filesystem space used, percent (0-100).', scope: 'mount' },
  ],
  [
    'net_rx_bytes_per_second',
    {
      name: 'janitor_host_network_receive_bytes_per_second',
      help: 'Bytes received per second over the last interval.',
      scope: 'interface',
    },
  ],
  [
    'net_tx_bytes_per_second',
    {
      name: 'janitor_host_network_transmit_bytes_per_second',
      help: 'Bytes sent per second over the last interval.',
      scope: 'interface',
    },
  ],
  ['uptime_seconds', { name: 'janitor_host_uptime_seconds', help: 'Time since boot, seconds.', unit: 'seconds' }],
  [
    'cpu_temperature',
    { name: 'janitor_host_cpu_temperature_celsius', help: 'CPU temperature, degrees Celsius.', unit: 'celsius' },
  ],
]);

/** The family of every other numeric value a host reports (a script's own keys), by its key. */
export const OTHER_VALUE_FAMILY = 'janitor_host_reported_value';
/** The family of each host's last report time. */
export const LAST_REPORT_FAMILY = 'janitor_host_last_report_timestamp_seconds';

/** What is known of one host: its last report's time and values. */
export interface HostSnapshot {
  hostname: string;
  /** Its last report, epoch ms (the alert engine's, or the history's newest point, whichever is later). */
  lastReportMs?: number | undefined;
  /**
   * Its last report's series keys (`cpu_percent`, `disk_usage_percent@/data`, `net_rx_bytes_per_second@eth0`), and
   * {@link HostSnapshot.values} their values in the same order.
   */
  keys?: readonly string[] | undefined;
  values?: ArrayLike<number> | undefined;
}

/**
 * Every host's latest values as gauges, labelled `host` (and `mount` or `interface` where the key has a scope), and
 * its last report time, one family per metric in {@link HOST_METRICS}' order. A flat disk value (the original's
 * report, the root filesystem's) is `mount="/"` unless the host also reports `@/`; a flat network rate (the sum over
 * interfaces) is given without `interface` only when the host reports no interface of it, so that a `sum` adds each
 * byte once. Keys not in the table go to {@link OTHER_VALUE_FAMILY}, labelled `metric`. Pure.
 *
 * @example hostFamilies([{ hostname: 'pi', lastReportMs: 1_700_000_000_000, keys: ['disk_usage_percent@/data'], values: [41] }])
 * // janitor_host_last_report_timestamp_seconds{host="pi"} 1700000000, janitor_host_filesystem_used_percent{host="pi",mount="/data"} 41
 */
export function hostFamilies(hosts: readonly HostSnapshot[]): GaugeFamily[] {
  // Thousands of samples: in columns, labels rendered once per host and scope, no object per sample.
  // Room for a sample per host: most families have one (every iterator and every growth is garbage in a hub's small
  // young generation, so the loops below are indexed).
  const capacity = hosts.length;
  const columns = new Map<string, SampleColumns>();
  for (const metric of HOST_METRICS.values()) {
    columns.set(metric.name, createSampleColumns({ type: 'gauge', name: metric.name }, capacity));
  }
  const other = createSampleColumns({ type: 'gauge', name: OTHER_VALUE_FAMILY });
  const lastReport = createSampleColumns({ type: 'gauge', name: LAST_REPORT_FAMILY }, capacity);
  const sorted = isSortedByName(hosts) ? hosts : [...hosts].sort((a, b) => compareNames(a.hostname, b.hostname));
  for (let h = 0; h < sorted.length; h++) {
    const host = sorted[h]!;
    const { hostname, keys, values } = host;
    const rendered = renderedOf(hostname);
    const hostLabels = rendered.host;
    if (host.lastReportMs !== undefined) lastReport.add(hostLabels, host.lastReportMs / 1000);
    if (keys === undefined || values === undefined) continue;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const value = values[i]!;
      const plan = planOf(key);
      switch (plan.kind) {
        case 'flat':
          columns.get(plan.family!)!.add(hostLabels, value);
          break;
        case 'mount':
          columns.get(plan.family!)!.add(rendered.scoped('mount', plan.scope!), value);
          break;
        case 'interface':
          columns.get(plan.family!)!.add(rendered.scoped('interface', plan.scope!), value);
          break;
        case 'root-filesystem':
          // The root filesystem's value under its own key is said already.
          if (!keys.includes(plan.scopedTwin!)) {
            columns.get(plan.family!)!.add(rendered.scoped('mount', '/'), value);
          }
          break;
        case 'all-interfaces':
          if (!hasKeyStartingWith(keys, plan.scopedTwin!)) columns.get(plan.family!)!.add(hostLabels, value);
          break;
        default:
          other.add(renderLabels(otherLabels(hostname, plan.metric, plan.scope)), value);
      }
    }
  }
  return [
    {
      type: 'gauge',
      name: LAST_REPORT_FAMILY,
      help: 'When the host last reported, seconds since the epoch.',
      unit: 'seconds',
      samples: lastReport,
    },
    ...[...HOST_METRICS.values()].map(
      (m): GaugeFamily => ({
        type: 'gauge',
        name: m.name,
        help: m.help,
        ...(m.unit ? { unit: m.unit } : {}),
        samples: columns.get(m.name)!,
      }),
    ),
    {
      type: 'gauge',
      name: OTHER_VALUE_FAMILY,
      help: 'Any other numeric value a host reports, by its report key (metric).',
      samples: other,
    },
  ];
}

/** A host's labels rendered once: `{host="…"}`, and with each mount or interface it reports. */
interface RenderedHost {
  host: RenderedLabels;
  scoped(label: 'mount' | 'interface', scope: string): RenderedLabels;
}

const renderedHosts = new Map<string, RenderedHost>();
/** Past this many hosts the rendered labels are forgotten and rendered again (forgotten hosts must not pile up). */
const MAX_RENDERED_HOSTS = 20_000;

/** The host's rendered labels, kept between scrapes: the same labels are rendered once, not at every scrape. */
function renderedOf(hostname: string): RenderedHost {
  let found = renderedHosts.get(hostname);
  if (found !== undefined) return found;
  const mounts = new Map<string, RenderedLabels>();
  const interfaces = new Map<string, RenderedLabels>();
  found = {
    host: renderLabels({ host: hostname }),
    scoped(label, scope) {
      const byScope = label === 'mount' ? mounts : interfaces;
      let labels = byScope.get(scope);
      if (labels === undefined) {
        labels = renderLabels(
          label === 'mount' ? { host: hostname, mount: scope } : { host: hostname, interface: scope },
        );
        byScope.set(scope, labels);
      }
      return labels;
    },
  };
  if (renderedHosts.size >= MAX_RENDERED_HOSTS) renderedHosts.clear();
  renderedHosts.set(hostname, found);
  return found;
}

/** What a series key is exposed as, worked out once per key (hosts share their keys). */
interface KeyPlan {
  /**
   * `flat`: a value of the host; `mount`, `interface`: of one filesystem or interface; `root-filesystem`: the flat
   * disk value (the root's), left out when the host reports `<metric>@/`; `all-interfaces`: the flat network rate
   * (the interfaces' sum), left out when the host reports an interface; `other`: not in {@link HOST_METRICS}, or
   * with a scope its family does not take.
   */
  kind: 'flat' | 'mount' | 'interface' | 'root-filesystem' | 'all-interfaces' | 'other';
  metric: string;
  scope: string | undefined;
  /** `root-filesystem`: the key that replaces it; `all-interfaces`: the prefix of the keys that do. */
  scopedTwin?: string;
  /** The name of its family in {@link HOST_METRICS}; undefined for `other`. */
  family?: string;
}

const keyPlans = new Map<string, KeyPlan>();
/** Distinct keys are few (a fleet's metrics, mounts and interfaces); a bound keeps a flood of odd keys harmless. */
const MAX_KEY_PLANS = 10_000;

function planOf(key: string): KeyPlan {
  let plan = keyPlans.get(key);
  if (plan !== undefined) return plan;
  const at = key.indexOf('@');
  const metric = at === -1 ? key : key.slice(0, at);
  const scope = at === -1 ? undefined : key.slice(at + 1);
  const known = HOST_METRICS.get(metric);
  const kind: KeyPlan['kind'] =
    known === undefined
      ? 'other'
      : known.scope === undefined
        ? scope === undefined
          ? 'flat'
          : 'other'
        : scope === undefined
          ? known.scope === 'mount'
            ? 'root-filesystem'
            : 'all-interfaces'
          : scope.startsWith('/') === (known.scope === 'mount')
            ? known.scope
            : 'other';
  plan = { kind, metric, scope };
  if (kind !== 'other') plan.family = known!.name;
  if (kind === 'root-filesystem') plan.scopedTwin = `${metric}@/`;
  if (kind === 'all-interfaces') plan.scopedTwin = `${metric}@`;
  if (keyPlans.size >= MAX_KEY_PLANS) keyPlans.clear();
  keyPlans.set(key, plan);
  return plan;
}

function hasKeyStartingWith(keys: readonly string[], prefix: string): boolean {
  for (let i = 0; i < keys.length; i++) if (keys[i]!.startsWith(prefix)) return true;
  return false;
}

const compareNames = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The alert engine lists hosts sorted already: no copy to sort then. */
function isSortedByName(hosts: readonly HostSnapshot[]): boolean {
  for (let i = 1; i < hosts.length; i++) if (compareNames(hosts[i - 1]!.hostname, hosts[i]!.hostname) > 0) return false;
  return true;
}

function otherLabels(host: string, metric: string, scope: string | undefined): Labels {
  if (scope === undefined) return { host, metric };
  return scope.startsWith('/') ? { host, metric, mount: scope } : { host, metric, interface: scope };
}

/** How an alert is exposed: as it is, or held back (a silence or a mute), or taken in hand (acknowledged). */
export type ExposedAlertState = 'firing' | 'pending' | 'silenced' | 'acknowledged';

/** The family of every alert's state. */
export const ALERT_STATE_FAMILY = 'janitor_alert_state';

/**
 * What an alert is, for {@link alertFamily}: `pending` while crossed and waiting for `for`; a firing alert is
 * `silenced` while its posts are held back (a silence or a mute), else `acknowledged` once someone took it in hand,
 * else `firing`. `undefined` for an alert that is ok. Pure.
 */
export function exposedAlertState(state: AlertState, heldBack: boolean): ExposedAlertState | undefined {
  if (state.phase === 'pending') return 'pending';
  if (state.phase !== 'firing') return undefined;
  if (heldBack) return 'silenced';
  return state.acknowledged ? 'acknowledged' : 'firing';
}

/** What {@link alertFamily} reads besides the engine's view. */
export interface AlertFamilyOptions {
  /** The hosts' rules and mutes. */
  plan: Pick<AlertPlan, 'host'>;
  /** The silences running (store.silences.active). */
  silences: readonly SilenceSpan[];
  nowMs: number;
}

/**
 * One gauge sample of value 1 per alert that is not ok, labelled `host`, `rule` (the alert's key: `cpu_percent`,
 * `disk_usage_percent@/data`, `host_silent`), `level` and `state` ({@link exposedAlertState}), as Prometheus' own
 * `ALERTS` series are: `count by (state) (janitor_alert_state)` counts them. Pure.
 */
export function alertFamily(
  views: readonly HostAlertView[],
  options: AlertFamilyOptions,
): GaugeFamily & { samples: Sample[] } {
  const { plan, silences, nowMs } = options;
  const samples: Sample[] = [];
  for (const view of views) {
    const hostPlan = plan.host(view.hostname);
    let until: Record<string, number> | null | undefined = null;
    for (const key in view.states) {
      const state = view.states[key]!;
      if (state.phase === 'ok') continue;
      until = until === null ? matchSilences(silences, view.hostname, nowMs) : until;
      const metric = key === HOST_SILENT_KEY ? key : key.replace(/[@:].*$/, '');
      const silencedUntil =
        key === HOST_SILENT_KEY ? hostSilentUntil(silences, view.hostname, nowMs) : firstOf(until, [key, metric, '*']);
      const held = isMuted(hostPlan, metric) || (silencedUntil !== undefined && silencedUntil > nowMs);
      const exposed = exposedAlertState(state, held);
      if (exposed === undefined) continue;
      samples.push({
        labels: { host: view.hostname, rule: key, level: state.level ?? 'unknown', state: exposed },
        value: 1,
      });
    }
  }
  return {
    type: 'gauge',
    name: ALERT_STATE_FAMILY,
    help: 'Each alert that is not ok (1): firing, pending (waiting for its for), silenced (posts held back by a silence or a mute) or acknowledged.',
    samples,
  };
}

/** The value of the first of `names` that `record` has (as evaluateHost looks a silence up: key, metric, `*`). */
function firstOf(record: Record<string, number> | undefined, names: readonly string[]): number | undefined {
  if (record === undefined) return undefined;
  for (const name of names) if (Object.hasOwn(record, name)) return record[name];
  return undefined;
}

/** Why a post failed, as a label: a small fixed set. */
export type PostFailureReason =
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'rejected'
  | 'client_error'
  | 'server_error'
  | 'timeout'
  | 'network'
  | 'invalid_response'
  | 'aborted'
  | 'other';

/**
 * The reason of a failed post from what the outbox worker was told: the server's status (401 `unauthorized`, 403
 * `forbidden`, 429 `rate_limited`, 422 `rejected`, another 4xx `client_error`, 5xx or an error page `server_error`),
 * else how the request failed (`timeout`, `network`, `invalid_response`, `aborted`), else `other`. Pure.
 */
export function postFailureReason(error: unknown): PostFailureReason {
  if (!(error instanceof PublishError)) return 'other';
  const status = error.statusCode;
  if (status !== undefined) {
    if (status === 401) return 'unauthorized';
    if (status === 403) return 'forbidden';
    if (status === 429) return 'rate_limited';
    if (status === 422) return 'rejected';
    if (status >= 500) return 'server_error';
    if (status >= 400) return 'client_error';
  }
  switch (error.kind) {
    case 'error-page':
      return 'server_error';
    case 'timeout':
      return 'timeout';
    case 'unreachable':
    case 'connection':
      return 'network';
    case 'invalid-response':
      return 'invalid_response';
    case 'aborted':
      return 'aborted';
    default:
      return 'other';
  }
}
