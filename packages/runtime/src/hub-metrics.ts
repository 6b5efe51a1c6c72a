import type { HostAlertView } from '@janitor/alerting';
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
import { alertFamily, type HostSnapshot, hostFamilies, postFailureReason } from './metric-families.ts';

/** What {@link createHubMetrics} reads at each scrape. */
export interface HubMetricsDeps {
  /** The latest values, the silences and the outbox (@janitor/store's Store fits). */
  store: {
    readonly history: Pick<History, 'latestAll'>;
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

/** The hub's instruments and its `/metrics` families. */
export interface HubMetrics {
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
    families(options = {}) {
      const nowMs = now();
      const allowed = options.hosts === undefined ? undefined : new Set(options.hosts);
      const views = alerts.hosts().filter((v) => allowed === undefined || allowed.has(v.hostname));
      const latest = store.history.latestAll();
      const hosts = new Map<string, HostSnapshot>();
      for (const view of views) hosts.set(view.hostname, { hostname: view.hostname, lastReportMs: view.lastSeenMs });
      for (const [hostname, values] of latest) {
        if (allowed !== undefined && !allowed.has(hostname)) continue;
        const known = hosts.get(hostname);
        const lastReportMs = Math.max(known?.lastReportMs ?? values.atMs, values.atMs);
        hosts.set(hostname, { hostname, lastReportMs, values: values.values });
      }
      return [
        ...hostFamilies([...hosts.values()]),
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
