import type { HostAlertView } from '@janitor/alerting';
import {
  MAX_SERIES_RANGE_MS,
  type ParamProblem,
  parseHostnameParam,
  parseSeriesKey,
  parseSeriesParams,
} from '@janitor/history';
import type { FiringAlertView, FleetView, HostDetailView, HostView, MessageType } from '@janitor/protocol';
import type { History, LatestValues, Silence } from '@janitor/store';
import { type AlertPlan, type AlertState, HOST_SILENT_KEY, type ReportFormat, SILENCE_ALL } from '@janitor/thresholds';

/** The limits of one series by level (`{ warning: 80, alarm: 95 }`). */
export type SeriesLimits = Partial<Record<MessageType, number>>;

/** `GET /api/v1/hosts/{hostname}/series`: columnar points. */
export interface SeriesBody {
  hostname: string;
  tier: string;
  stepMs: number;
  fromMs: number;
  toMs: number;
  t: number[];
  [metric: string]: unknown;
}

/** A read that could not be answered: 400 (a parameter, named) or 404 (no such host). */
export interface ReadRefusal {
  ok: false;
  status: 400 | 404;
  field: string;
  error: string;
}

/** A read's answer, or why not. */
export type ReadResult<T> = { ok: true; body: T } | ReadRefusal;

/** What {@link createReadModel} reads. */
export interface ReadModelDeps {
  /** The history and the silences (@janitor/store's Store fits). */
  store: {
    readonly history: Pick<History, 'hosts' | 'keys' | 'latest' | 'latestAll' | 'series' | 'retention'>;
    readonly silences: { active(nowMs: number): Silence[] };
  };
  /** The alert engine: its rules and what it knows of each host (createAlertEngine fits). */
  alerts: { readonly plan: AlertPlan; hosts(): HostAlertView[] };
  /** The metrics' titles (`config.reportFormat`). */
  reportFormat: Pick<ReportFormat, 'namesMap'>;
  /** @default Date.now */
  now?: () => number;
}

/** The read side of a hub or a local store: what the API, the dashboard and `janitor status|history` show. */
export interface ReadModel {
  /** Every host, problems first (silent, firing, silenced), then by name; `problems` keeps only those. */
  fleet(options?: { problems?: boolean }): FleetView;
  /** One host with its series and limits; 404 for a host nobody knows, 400 for a hostname that cannot be one. */
  host(hostname: string): ReadResult<HostDetailView>;
  /** A host's series over a range (see parseSeriesParams); 400 naming the parameter, 404 for an unknown host. */
  series(
    hostname: string,
    params: {
      metrics?: string | undefined;
      from?: string | undefined;
      to?: string | undefined;
      points?: string | undefined;
    },
  ): ReadResult<SeriesBody>;
}

/**
 * The read model over a store and an alert engine: the hosts with their state, last values and firing alerts, and
 * their history. The hub's `/api/v1/hosts*` routes answer with it, and `janitor status|history` print it from a
 * local store (over an engine created on that store).
 *
 * @example
 * const read = createReadModel({ store, alerts: engine, reportFormat: config.reportFormat });
 * read.fleet().hosts.map((h) => `${h.hostname} ${h.state}`);
 */
export function createReadModel(deps: ReadModelDeps): ReadModel {
  const { store, alerts, reportFormat, now = Date.now } = deps;
  const maxRangeMs = Math.max(MAX_SERIES_RANGE_MS, store.history.retention.hourMs);

  function labelOf(key: string): string {
    if (key === HOST_SILENT_KEY) return 'host silent';
    const parts = parseSeriesKey(key.replace(/:below$/, ''));
    const metric = parts?.metric ?? key;
    const title = reportFormat.namesMap[metric] ?? metric;
    const scope = parts?.mount ?? parts?.iface;
    return scope === undefined ? title : `${title} ${scope}`;
  }

  function firingOf(hostname: string, states: Readonly<Record<string, AlertState>>): FiringAlertView[] {
    const rules = alerts.plan.host(hostname).alerts;
    const out: FiringAlertView[] = [];
    for (const [key, state] of Object.entries(states)) {
      if (state.phase !== 'firing') continue;
      const rule =
        rules.find((r) => r.key === key) ?? rules.find((r) => r.mount === '*' && key.startsWith(`${r.metric}@`));
      const limit = rule?.levels.find((l) => l.type === state.level)?.value ?? null;
      out.push({
        key,
        label: labelOf(key),
        level: state.level ?? null,
        value: key === HOST_SILENT_KEY ? null : (state.lastValue ?? null),
        limit,
        sinceMs: state.firingSince ?? state.since,
      });
    }
    return out.sort((a, b) => a.sinceMs - b.sinceMs || a.key.localeCompare(b.key));
  }

  function hostBody(
    hostname: string,
    view: HostAlertView | undefined,
    latest: LatestValues | null,
    silences: Silence[],
    nowMs: number,
  ): HostView {
    const states = view?.states ?? {};
    const lastSeenMs = Math.max(view?.lastSeenMs ?? -1, latest?.atMs ?? -1);
    const whole = silences.filter(
      (s) => (s.hostname === hostname || s.hostname === SILENCE_ALL) && s.key === SILENCE_ALL && s.untilMs > nowMs,
    );
    const silencedUntilMs = whole.length === 0 ? null : Math.max(...whole.map((s) => s.untilMs));
    const silent = states[HOST_SILENT_KEY]?.phase === 'firing';
    return {
      hostname,
      state: silencedUntilMs !== null ? 'silenced' : silent ? 'silent' : 'up',
      lastSeenMs: lastSeenMs < 0 ? null : lastSeenMs,
      silencedUntilMs,
      latest,
      worstDisk: worstDiskOf(latest?.values),
      firing: firingOf(hostname, states),
    };
  }

  function findHost(hostname: string): ReadResult<HostAlertView | undefined> {
    const name = parseHostnameParam(hostname);
    if (!name.ok) return refusal(name);
    const view = alerts.hosts().find((h) => h.hostname === name.value);
    if (view === undefined && store.history.keys(name.value).length === 0) {
      return { ok: false, status: 404, field: 'hostname', error: `unknown host ${JSON.stringify(name.value)}` };
    }
    return { ok: true, body: view };
  }

  return {
    fleet(options = {}) {
      const nowMs = now();
      const silences = store.silences.active(nowMs);
      const latest = store.history.latestAll();
      const views = new Map<string, HostAlertView | undefined>(alerts.hosts().map((v) => [v.hostname, v]));
      for (const hostname of store.history.hosts()) if (!views.has(hostname)) views.set(hostname, undefined);
      const hosts = [...views].map(([hostname, view]) =>
        hostBody(hostname, view, latest.get(hostname) ?? null, silences, nowMs),
      );
      const rank = (h: HostView) =>
        h.state === 'silent' ? 0 : h.firing.length > 0 ? 1 : h.state === 'silenced' ? 2 : 3;
      hosts.sort((a, b) => rank(a) - rank(b) || a.hostname.localeCompare(b.hostname));
      return { nowMs, hosts: options.problems ? hosts.filter((h) => rank(h) < 3) : hosts };
    },

    host(hostname) {
      const found = findHost(hostname);
      if (!found.ok) return found;
      const nowMs = now();
      const name = hostname.trim();
      const body = hostBody(name, found.body, store.history.latest(name) ?? null, store.silences.active(nowMs), nowMs);
      const keys = store.history.keys(name);
      return { ok: true, body: { ...body, keys, limits: limitsOf(alerts.plan, name, keys) } };
    },

    series(hostname, params) {
      const found = findHost(hostname);
      if (!found.ok) return found;
      const name = hostname.trim();
      const parsed = parseSeriesParams(params, { nowMs: now(), knownKeys: store.history.keys(name), maxRangeMs });
      if (!parsed.ok) return refusal(parsed);
      const { metrics, fromMs, toMs, maxPoints } = parsed.value;
      // `to` is included: a range ending `now` holds the report made this millisecond.
      const series = store.history.series({ hostname: name, metrics, fromMs, toMs: toMs + 1, maxPoints, nowMs: now() });
      return {
        ok: true,
        body: {
          hostname: name,
          tier: series.tier,
          stepMs: series.stepMs,
          fromMs: series.fromMs,
          toMs,
          t: series.t,
          ...series.metrics,
        },
      };
    },
  };
}

function refusal(problem: ParamProblem): ReadRefusal {
  return { ok: false, status: 400, field: problem.field, error: problem.error };
}

/** The fullest filesystem of a report's values (`disk_usage_percent@/mount`), or the flat value as `/`. */
function worstDiskOf(values: Record<string, number> | undefined): HostView['worstDisk'] {
  if (values === undefined) return null;
  let worst: { mount: string; percent: number } | null = null;
  for (const key in values) {
    if (!key.startsWith(DISK_PREFIX)) continue;
    const value = values[key]!;
    if (worst === null || value > worst.percent) worst = { mount: key.slice(DISK_PREFIX.length), percent: value };
  }
  const flat = values.disk_usage_percent;
  if (worst === null && flat !== undefined) worst = { mount: '/', percent: flat };
  return worst;
}

const DISK_PREFIX = 'disk_usage_percent@';

/** The limit lines of each series a host has: its rules' levels, by the series key they watch. */
function limitsOf(plan: AlertPlan, hostname: string, keys: readonly string[]): Record<string, SeriesLimits> {
  const limits: Record<string, SeriesLimits> = {};
  for (const rule of plan.host(hostname).alerts) {
    const watched =
      rule.mount === '*'
        ? keys.filter(
            (k) => k.startsWith(`${rule.metric}@/`) && !rule.exceptMounts?.includes(k.slice(rule.metric.length + 1)),
          )
        : rule.mount !== undefined
          ? [`${rule.metric}@${rule.mount}`]
          : // A disk rule without a mount compares the flat value, the root filesystem's: drawn on both.
            [rule.metric, ...(keys.includes(`${rule.metric}@/`) ? [`${rule.metric}@/`] : [])];
    for (const key of watched) {
      const entry: SeriesLimits = limits[key] ?? {};
      for (const level of rule.levels) entry[level.type] = level.value;
      limits[key] = entry;
    }
  }
  return limits;
}
