import type { HostAlertView } from '@janitor/alerting';
import { sameKeys, sharedKeys } from '@janitor/history';
import {
  type CounterChild,
  createCounter,
  createHistogram,
  type GaugeFamily,
  LATENCY_BUCKETS_SECONDS,
  type MetricFamily,
  processFamilies,
} from '@janitor/prometheus';
import type { History, Silence } from '@janitor/store';
import type { AlertPlan } from '@janitor/thresholds';
import {
  alertFamily,
  compareNames,
  type HostLines,
  hostFamiliesOf,
  hostLines,
  isSortedByName,
  postFailureReason,
} from './metric-families.ts';

/** What {@link createHubMetrics} reads at each scrape. */
export interface HubMetricsDeps {
  /** The latest values, the silences and the outbox (@janitor/store's Store fits). */
  store: {
    readonly history: Pick<History, 'latest' | 'latestAll'>;
    readonly silences: { active(nowMs: number): Silence[] };
    readonly outbox: { counts(): { pending: number; dead: number; oldestPendingMs: number | null } };
  };
  /** The alert engine: its plan (mutes) and each host's states and last report (createAlertEngine fits). */
  alerts: { readonly plan: Pick<AlertPlan, 'host'>; hosts(): HostAlertView[] };
  /** @default Date.now */
  now?: () => number;
  /** The route whose requests `janitor_ingest_duration_seconds` times. @default { method: 'POST', path: '/sysinfo' } */
  ingestRoute?: { method: string; path: string };
  /** Whether the process families (CPU, memory, start time) are included. @default true */
  processMetrics?: boolean;
}

/** Counts the requests of one route: keep it with the route's handler, so that counting allocates nothing. */
export interface RouteMeter {
  /** One request answered with `status` after `seconds` (`method` is read for requests no route took). */
  done(method: string, status: number, seconds: number): void;
}

/** One report's values, as the ingest route keeps them as history (historyOfReport's entry fits). */
export interface ReportValues {
  hostname: string;
  /** When the values were measured, epoch ms. */
  atMs: number;
  samples: readonly { readonly key: string; readonly value: number }[];
}

/**
 * A host's latest values as kept between scrapes: its keys, their values in place, and its sample lines (made at the
 * first scrape that shows them, and kept while the keys stay the same).
 */
interface KeptValues {
  atMs: number;
  keys: readonly string[];
  /** A plain array (of doubles): a `Float64Array` costs two objects and a buffer outside the heap for each host. */
  values: number[];
  lines?: HostLines;
}

/** Past this many hosts unknown to a scrape, their latest values are read in one query, not one each. */
const MANY_MISSING = 32;

/** The hub's instruments and its `/metrics` families. */
export interface HubMetrics {
  /** A report was taken: its values are the host's latest (unless it is older than those). */
  report(entry: ReportValues): void;
  /** The meter of the route `method path` (as mounted: `/api/v1/hosts/:hostname`); `path` undefined: no route took it. */
  route(method: string, path: string | undefined): RouteMeter;
  /** The outbox worker's `onPosted`: one entry posted (or logged by a dry run). */
  posted(entry: unknown, result: { dryRun: boolean }): void;
  /** The outbox worker's `onFailed`: one attempt failed, to be retried or dead. */
  failed(entry: unknown, error: unknown, fate: 'retry' | 'dead'): void;
  /**
   * Every family now: the hosts' latest values and last report times, the alerts' states, the outbox, the posts, the
   * requests, the ingest latency, the process. `hosts`: only these hosts' families (a token limited to them).
   */
  families(options?: { hosts?: readonly string[] | undefined }): MetricFamily[];
}

/** The methods a request no route took is counted under; any other is `OTHER` (the label stays bounded). */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

/**
 * The hub's metrics: counters that the request wrapper and the outbox worker feed (a few additions per request, no
 * allocation once a route has answered each status once), and the families of `/metrics`, read from the store and
 * the alert engine at each scrape.
 *
 * @example
 * const metrics = createHubMetrics({ store, alerts });
 * const { worker } = createPosting(runtime, store, { onPosted: metrics.posted, onFailed: metrics.failed });
 * writeExposition(metrics.families(), 'text');
 */
export function createHubMetrics(deps: HubMetricsDeps): HubMetrics {
  const { store, alerts, now = Date.now, processMetrics = true } = deps;
  const ingestRoute = deps.ingestRoute ?? { method: 'POST', path: '/sysinfo' };
  const requests = createCounter({
    name: 'janitor_http_requests',
    help: 'HTTP requests answered, by method, route (as mounted; unmatched: no route took it) and status.',
    labelNames: ['method', 'route', 'status'],
  });
  const ingest = createHistogram({
    name: 'janitor_ingest_duration_seconds',
    help: `Time to answer a report (${ingestRoute.method} ${ingestRoute.path}), from the handler's start to its answer.`,
    buckets: LATENCY_BUCKETS_SECONDS,
    unit: 'seconds',
  });
  const posts = createCounter({
    name: 'janitor_posts',
    help: 'Outbox entries posted (every part confirmed by the server).',
  });
  const dryRunPosts = createCounter({
    name: 'janitor_posts_dry_run',
    help: 'Outbox entries a dry run logged instead of posting.',
  });
  const failures = createCounter({
    name: 'janitor_post_failures',
    help: 'Failed post attempts, by reason and fate (retry: kept for a later attempt; dead: kept as a dead letter).',
    labelNames: ['reason', 'fate'],
  });
  // Made now, so that the families hold a 0 from the start (a rate() over them starts at once).
  posts.inc(0);
  dryRunPosts.inc(0);

  const meters = new Map<string, RouteMeter>();
  function statusMeter(method: string, route: string, timed: boolean): RouteMeter {
    const byStatus = new Map<number, CounterChild>();
    return {
      done(_method, status, seconds) {
        let child = byStatus.get(status);
        if (child === undefined) {
          child = requests.child(method, route, String(status));
          byStatus.set(status, child);
        }
        child.inc();
        if (timed) ingest.observe(seconds);
      },
    };
  }
  const unmatchedByMethod = new Map<string, RouteMeter>();
  const unmatched: RouteMeter = {
    done(method, status, seconds) {
      const name = METHODS.has(method) ? method : 'OTHER';
      let meter = unmatchedByMethod.get(name);
      if (meter === undefined) {
        meter = statusMeter(name, 'unmatched', false);
        unmatchedByMethod.set(name, meter);
      }
      meter.done(method, status, seconds);
    },
  };

  function outboxFamilies(): GaugeFamily[] {
    const counts = store.outbox.counts();
    return [
      {
        type: 'gauge',
        name: 'janitor_outbox_pending',
        help: 'Posts waiting in the outbox.',
        samples: [{ value: counts.pending }],
      },
      {
        type: 'gauge',
        name: 'janitor_outbox_dead',
        help: 'Dead letters: posts the server refused, kept in the outbox until retried or dropped.',
        samples: [{ value: counts.dead }],
      },
      {
        type: 'gauge',
        name: 'janitor_outbox_oldest_pending_timestamp_seconds',
        help: 'When the oldest post waiting in the outbox was queued, seconds since the epoch (absent when none waits).',
        unit: 'seconds',
        samples: counts.oldestPendingMs === null ? [] : [{ value: counts.oldestPendingMs / 1000 }],
      },
    ];
  }

  /**
   * Each host's latest values, kept as reports come (`report`), so that a scrape reads no table: a host not seen
   * since the start is read from the store once (all of them in one query when many are missing, as after a
   * restart); a host with no history is remembered as such. A host the engine no longer knows (forgotten) is dropped.
   * A report with the keys of the one before (nearly all) is copied into its values: nothing of the request is kept,
   * which would be promoted out of the young generation at every collection while reports pour in.
   */
  const latest = new Map<string, KeptValues>();
  function loadLatest(views: readonly HostAlertView[]): void {
    let missing = 0;
    for (let i = 0; i < views.length; i++) if (!latest.has(views[i]!.hostname)) missing++;
    // More kept than the engine lists, less those missing: some host was forgotten.
    if (latest.size > views.length - missing) {
      const known = new Set(views.map((v) => v.hostname));
      for (const hostname of latest.keys()) if (!known.has(hostname)) latest.delete(hostname);
    }
    if (missing === 0) return;
    const all = missing > MANY_MISSING ? store.history.latestAll() : undefined;
    for (const view of views) {
      if (latest.has(view.hostname)) continue;
      const values = all ? all.get(view.hostname) : store.history.latest(view.hostname);
      latest.set(
        view.hostname,
        values === undefined
          ? { atMs: -Infinity, keys: [], values: [] }
          : {
              atMs: values.atMs,
              keys: Object.keys(values.values),
              values: Object.values(values.values),
            },
      );
    }
  }

  return {
    route(method, path) {
      if (path === undefined) return unmatched;
      const key = `${method} ${path}`;
      let meter = meters.get(key);
      if (meter === undefined) {
        meter = statusMeter(method, path, method === ingestRoute.method && path === ingestRoute.path);
        meters.set(key, meter);
      }
      return meter;
    },
    posted(_entry, result) {
      (result.dryRun ? dryRunPosts : posts).inc();
    },
    failed(_entry, error, fate) {
      failures.child(postFailureReason(error), fate).inc();
    },
    report(entry) {
      const known = latest.get(entry.hostname);
      // A report sent again late (an agent's spool) is not the latest.
      if (known !== undefined && entry.atMs < known.atMs) return;
      const { samples } = entry;
      if (known !== undefined && sameKeys(known.keys, samples)) {
        known.atMs = entry.atMs;
        for (let i = 0; i < samples.length; i++) known.values[i] = samples[i]!.value;
        return;
      }
      const keys = sharedKeys(samples);
      const values = samples.map((s) => s.value);
      latest.set(entry.hostname, { atMs: entry.atMs, keys, values });
    },
    families(options = {}) {
      const nowMs = now();
      const all = alerts.hosts();
      const allowed = options.hosts === undefined ? undefined : new Set(options.hosts);
      const views = allowed === undefined ? all : all.filter((v) => allowed.has(v.hostname));
      loadLatest(all);
      // The hosts as columns (no object per host): their lines, kept between scrapes, and their latest values.
      const sorted = isSortedByName(views) ? views : [...views].sort((a, b) => compareNames(a.hostname, b.hostname));
      const n = sorted.length;
      const lines = new Array<HostLines>(n);
      const values = new Array<number[] | undefined>(n);
      const lastReportSeconds = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const view = sorted[i]!;
        const kept = latest.get(view.hostname)!;
        kept.lines ??= hostLines(view.hostname, kept.keys);
        lines[i] = kept.lines;
        values[i] = kept.values;
        const atMs = kept.atMs;
        const seenMs = view.lastSeenMs;
        // The later of the engine's last report (when it came) and the history's (when it was measured).
        const lastReportMs = seenMs === undefined ? (atMs > -Infinity ? atMs : Number.NaN) : Math.max(atMs, seenMs);
        lastReportSeconds[i] = lastReportMs / 1000;
      }
      return [
        ...hostFamiliesOf({ length: n, lines, values, lastReportSeconds }),
        alertFamily(views, { plan: alerts.plan, silences: store.silences.active(nowMs), nowMs }),
        ...outboxFamilies(),
        posts.collect(),
        dryRunPosts.collect(),
        failures.collect(),
        requests.collect(),
        ingest.collect(),
        ...(processMetrics ? processFamilies() : []),
      ];
    },
  };
}
