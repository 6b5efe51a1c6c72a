import type { HostAlertView } from '@janitor/alerting';
import {
  type EncodedLabels,
  encodeLabels,
  type GaugeFamily,
  type Labels,
  MAX_VALUE_BYTES,
  type RenderedLabels,
  renderLabels,
  type Sample,
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

/** The host families in the order they are written: the last report's, {@link HOST_METRICS}' own, the others'. */
const HOST_FAMILIES: readonly { name: string; help: string; unit?: string }[] = [
  { name: LAST_REPORT_FAMILY, help: 'When the host last reported, seconds since the epoch.', unit: 'seconds' },
  ...[...HOST_METRICS.values()].map(({ name, help, unit }) => ({ name, help, ...(unit ? { unit } : {}) })),
  { name: OTHER_VALUE_FAMILY, help: 'Any other numeric value a host reports, by its report key (metric).' },
];
/** Each host family's place in {@link HOST_FAMILIES}. */
const FAMILY_INDEX: ReadonlyMap<string, number> = new Map(HOST_FAMILIES.map((f, i) => [f.name, i]));
const LAST_REPORT_INDEX = 0;
const OTHER_INDEX = HOST_FAMILIES.length - 1;

/**
 * One host's samples as a scrape writes them, worked out once for its name and keys (see {@link hostLines}) and kept
 * while it reports the same keys: a scrape writes each sample as its family's name, one of the host's label sets
 * (encoded) and its value, with no lookup, string or object per sample.
 */
export interface HostLines {
  readonly hostname: string;
  /** The keys it was made for. */
  readonly keys: readonly string[];
  /**
   * Its label sets, each once: set 0 is `{host="…"}` (the last report's, and every flat value's), then one per mount,
   * interface, or other value's key.
   */
  readonly labels: readonly EncodedLabels[];
  /**
   * Its samples, packed (one array, read in order): `plan[f]` to `plan[f + 1]` are the samples of the host family `f`
   * (its place in the order written, 0 the last report's), each family's in the order of the keys; sample `i` is
   * labelled with set `plan[SAMPLES + 2i]` and has the value of key `plan[SAMPLES + 2i + 1]` (-1: the last report's).
   */
  readonly plan: Int32Array;
}

/** Where {@link HostLines.plan}'s samples start. */
const SAMPLES = HOST_FAMILIES.length + 1;

/**
 * How `hostname`'s values of `keys` are written (see {@link hostFamilies} for what each key is exposed as). Pure.
 *
 * @example hostLines('pi', ['cpu_percent', 'disk_usage_percent@/data']).labels // {host="pi"}, {host="pi",mount="/data"}
 */
export function hostLines(hostname: string, keys: readonly string[]): HostLines {
  const sets: RenderedLabels[] = [renderLabels({ host: hostname })];
  const setIndex = new Map<string, number>();
  const setOf = (labels: Labels): number => {
    const rendered = renderLabels(labels);
    let index = setIndex.get(rendered);
    if (index === undefined) {
      index = sets.length;
      sets.push(rendered);
      setIndex.set(rendered, index);
    }
    return index;
  };
  // Each family's samples, in the order of the keys: [label set, key] pairs.
  const byFamily: number[][] = HOST_FAMILIES.map(() => []);
  byFamily[LAST_REPORT_INDEX]!.push(0, -1);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const plan = planOf(key);
    const family = plan.family === undefined ? OTHER_INDEX : FAMILY_INDEX.get(plan.family)!;
    let set = -1;
    switch (plan.kind) {
      case 'flat':
        set = 0;
        break;
      case 'mount':
        set = setOf({ host: hostname, mount: plan.scope! });
        break;
      case 'interface':
        set = setOf({ host: hostname, interface: plan.scope! });
        break;
      case 'root-filesystem':
        // The root filesystem's value under its own key is said already.
        if (!keys.includes(plan.scopedTwin!)) set = setOf({ host: hostname, mount: '/' });
        break;
      case 'all-interfaces':
        if (!hasKeyStartingWith(keys, plan.scopedTwin!)) set = 0;
        break;
      default:
        set = setOf(otherLabels(hostname, plan.metric, plan.scope));
    }
    if (set !== -1) byFamily[family]!.push(set, i);
  }
  const samples = byFamily.reduce((n, pairs) => n + pairs.length / 2, 0);
  const plan = new Int32Array(SAMPLES + 2 * samples);
  let at = SAMPLES;
  for (let f = 0; f < HOST_FAMILIES.length; f++) {
    plan[f] = (at - SAMPLES) / 2;
    for (const n of byFamily[f]!) plan[at++] = n;
  }
  plan[HOST_FAMILIES.length] = samples;
  const labels = encodeLabels(sets);
  return { hostname, keys, labels, plan };
}

/** The hosts of one scrape, in name order, as columns: each one's lines, values and last report. */
export interface ScrapedHosts {
  readonly length: number;
  readonly lines: readonly HostLines[];
  /** Each host's values, in the order of its keys; undefined: none known (its last report time only). */
  readonly values: readonly (ArrayLike<number> | undefined)[];
  /** Each host's last report, seconds since the epoch; NaN: none known. */
  readonly lastReportSeconds: Float64Array;
}

/**
 * The host families of {@link hostFamilies} from hosts whose lines are made already (kept between scrapes). The hosts
 * are read once, one after the other, into columns in the order written (each sample's label set and value); the
 * families then write them from there. Written family by family straight from the hosts' own lines, a scrape would
 * visit each host once per family, and those thousands of small objects strewn over the heap cost more in cache
 * misses than the writing itself (twice the time in a hub of 1 000 hosts). `hosts` must be in name order.
 */
export function hostFamiliesOf(hosts: ScrapedHosts): GaugeFamily[] {
  const families = HOST_FAMILIES.length;
  // How many samples of each family, and label sets.
  const counts = new Int32Array(families);
  let setCount = 0;
  for (let h = 0; h < hosts.length; h++) {
    const { labels, plan } = hosts.lines[h]!;
    setCount += labels.length;
    if (!Number.isNaN(hosts.lastReportSeconds[h]!)) counts[LAST_REPORT_INDEX]!++;
    if (hosts.values[h] === undefined) continue;
    for (let f = LAST_REPORT_INDEX + 1; f < families; f++) counts[f] = counts[f]! + plan[f + 1]! - plan[f]!;
  }
  const start = new Int32Array(families + 1);
  for (let f = 0; f < families; f++) start[f + 1] = start[f]! + counts[f]!;
  const total = start[families]!;
  // Every host's label sets, one after the other, and each sample's set (its place there) and value in its family's
  // column. An array of each sample's set would be 18 000 entries for 1 000 hosts: a large object of the heap, mapped
  // and unmapped at every scrape, and counted in the old generation (which brought a full collection every few
  // scrapes); the sets are a few per host.
  const sets = new Array<EncodedLabels>(setCount);
  const sampleSet = new Int32Array(total);
  const sampleValue = new Float64Array(total);
  // The bytes of each family's labels, for the size of the exposition.
  const labelBytes = new Float64Array(families);
  const next = start.slice(0, families);
  let firstSet = 0;
  for (let h = 0; h < hosts.length; h++) {
    const { labels, plan } = hosts.lines[h]!;
    for (let i = 0; i < labels.length; i++) sets[firstSet + i] = labels[i]!;
    const seconds = hosts.lastReportSeconds[h]!;
    if (!Number.isNaN(seconds)) {
      const at = next[LAST_REPORT_INDEX]!++;
      sampleSet[at] = firstSet;
      sampleValue[at] = seconds;
      labelBytes[LAST_REPORT_INDEX] = labelBytes[LAST_REPORT_INDEX]! + labels[0]!.length;
    }
    const values = hosts.values[h];
    if (values !== undefined) {
      for (let f = LAST_REPORT_INDEX + 1; f < families; f++) {
        const to = SAMPLES + 2 * plan[f + 1]!;
        let bytes = 0;
        for (let i = SAMPLES + 2 * plan[f]!; i < to; i += 2) {
          const at = next[f]!++;
          sampleSet[at] = firstSet + plan[i]!;
          sampleValue[at] = values[plan[i + 1]!]!;
          bytes += labels[plan[i]!]!.length;
        }
        labelBytes[f] = labelBytes[f]! + bytes;
      }
    }
    firstSet += labels.length;
  }
  return HOST_FAMILIES.map((family, f): GaugeFamily => {
    const sampleName = family.name;
    const from = start[f]!;
    const to = start[f + 1]!;
    return {
      type: 'gauge',
      name: family.name,
      help: family.help,
      ...(family.unit ? { unit: family.unit } : {}),
      samples: {
        sampleName,
        sizeHint: () => labelBytes[f]! + (to - from) * (sampleName.length + MAX_VALUE_BYTES),
        write(out) {
          for (let i = from; i < to; i++) out.sample(sets[sampleSet[i]!]!, sampleValue, i);
        },
      },
    };
  });
}

/**
 * Every host's latest values as gauges, labelled `host` (and `mount` or `interface` where the key has a scope), and
 * its last report time, one family per metric in {@link HOST_METRICS}' order. A flat disk value (the original's
 * report, the root filesystem's) is `mount="/"` unless the host also reports `@/`; a flat network rate (the sum over
 * interfaces) is given without `interface` only when the host reports no interface of it, so that a `sum` adds each
 * byte once. Keys not in the table go to {@link OTHER_VALUE_FAMILY}, labelled `metric`. Every family is there, with
 * samples or without. Pure. (The hub keeps each host's {@link hostLines} between scrapes: {@link hostFamiliesOf}.)
 *
 * @example hostFamilies([{ hostname: 'pi', lastReportMs: 1_700_000_000_000, keys: ['disk_usage_percent@/data'], values: [41] }])
 * // janitor_host_last_report_timestamp_seconds{host="pi"} 1700000000, janitor_host_filesystem_used_percent{host="pi",mount="/data"} 41
 */
export function hostFamilies(hosts: readonly HostSnapshot[]): GaugeFamily[] {
  const sorted = isSortedByName(hosts) ? hosts : [...hosts].sort((a, b) => compareNames(a.hostname, b.hostname));
  return hostFamiliesOf({
    length: sorted.length,
    lines: sorted.map((host) => hostLines(host.hostname, host.values === undefined ? [] : (host.keys ?? []))),
    values: sorted.map((host) => (host.keys === undefined ? undefined : host.values)),
    lastReportSeconds: Float64Array.from(sorted, (host) => (host.lastReportMs ?? Number.NaN) / 1000),
  });
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

/** Host names in the order of their UTF-16 code units (`Array.prototype.sort`'s, the alert engine's). */
export const compareNames = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Whether `hosts` are in name order (the alert engine lists them so: no copy to sort then). */
export function isSortedByName(hosts: readonly { readonly hostname: string }[]): boolean {
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
