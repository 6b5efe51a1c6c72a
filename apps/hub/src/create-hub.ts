import { join } from 'node:path';
import type { ForeignAlertEngine } from '@janitor/alerting';
import type { LoadedConfig } from '@janitor/config';
import { type Logger, silentLogger } from '@janitor/protocol';
import { AGENT_FILE, type AgentDist, createAgentDist, installScript } from '@janitor/runtime';
import {
  createDashboardAuth,
  createSessions,
  type DashboardAuthOptions,
  type HubMetrics,
  neverThrowing,
  type Sessions,
  type StoreWatch,
} from '@janitor/runtime/hub';
import type { ReadModel } from '@janitor/runtime/read';
import type { HistoryAppend } from '@janitor/store';
import { Hono } from 'hono';
import { type AccessCheckOptions, createAccessCheck } from './http/access-check.ts';
import type { ReceiverDeps } from './http/alert-receiver.ts';
import type { HubApp, HubContext, HubEnv, HubHandler } from './http/hub-env.ts';
import { createMessageQueue } from './http/message-queue.ts';
import { methodTable } from './http/method-table.ts';
import { createRequestLine } from './http/request-line.ts';
import { createAgentRoutes } from './routes/agent.ts';
import { createAlertmanagerRoutes } from './routes/alertmanager.ts';
import { createApiRoutes } from './routes/api.ts';
import { type CheckListRoutesDeps, createCheckListRoutes } from './routes/checks.ts';
import { createDashboardRoutes } from './routes/dashboard.ts';
import { createGenericRoutes } from './routes/generic.ts';
import { createGrafanaRoutes } from './routes/grafana.ts';
import { createHealthRoutes, type HealthOutbox, type PublisherState } from './routes/health.ts';
import { createIngestRoutes, type IngestAlerts, type IngestRoutesDeps } from './routes/ingest.ts';
import { createLogRoutes, type LogsStore } from './routes/logs.ts';
import { createMessageRoutes, type MessageLogPort, type MessageOutbox } from './routes/message.ts';
import { createMetricsRoutes } from './routes/metrics.ts';
import { createPingRoutes, type PingRoutesDeps } from './routes/ping.ts';
import { createSilenceRoutes, type SilenceAlerts } from './routes/silences.ts';
import { createUptimeKumaRoutes } from './routes/uptime-kuma.ts';

export type { PublisherState } from './routes/health.ts';

/** The outbox as the hub uses it: durable enqueue and its depth (@janitor/store's outbox fits). */
export type HubOutbox = MessageOutbox & HealthOutbox;

/** What {@link createHub} needs: each route group takes its part. */
export interface HubDeps {
  /** `system_info.report_keys`: the metrics a v2 report lists. */
  config: Pick<LoadedConfig, 'data'>;
  outbox: HubOutbox;
  /** The alert log and the message log: `/message` records, `/api/v1/alerts` and `/messages` read (a Store fits). */
  logs: MessageLogPort & LogsStore;
  /** The alert lifecycle over the store: what a report posts, silences (createAlertEngine fits). */
  alerts: IngestAlerts & SilenceAlerts;
  /** The alerts of other monitors, `/webhooks/*` (createForeignAlertEngine over the same store fits). */
  foreign: Pick<ForeignAlertEngine, 'ingest'>;
  /**
   * Who may speak to the hub (createAccessPolicy). `tokenless`: no token is configured, and the agent and its install
   * script are then served only to the networks the hub takes anonymous requests from.
   */
  access: AccessCheckOptions['access'] & Pick<DashboardAuthOptions, 'findToken'> & { readonly tokenless?: boolean };
  /** The dashboard's login sessions (createSessions over the store's kv). @default in memory, ending with the process */
  sessions?: Sessions;
  /** The socket's peer address. main.ts reads it from the socket; tests pass their own. */
  remoteAddress: (c: HubContext) => string | undefined;
  /** How many silences may run at once. @default 1000 */
  maxSilences?: number;
  /** Called after something was queued (wakes the outbox worker). */
  onQueued?: () => void;
  /** @default 'ready' */
  publisherState?: () => PublisherState;
  /** Why the hub runs dry when nobody asked it to (`/health` says it). */
  dryRunBecause?: 'no-credentials';
  /** True when the store accepts writes. @default () => true */
  storeWritable?: () => boolean;
  /**
   * Resolves once what the store committed survives a power cut (`store.synced`, for a store whose durability is
   * `background`): every request but a GET waits for it before it is answered, and the alert engine before an ingest
   * resolves. @default resolved at once
   */
  synced?: () => Promise<void>;
  /**
   * Whether the store's file is still the one the hub writes to (createStoreWatch): `/health` looks at it, and the
   * routes that write answer 503 once it is gone.
   */
  storeWatch?: StoreWatch;
  logger?: Logger;
  /** Where each report is kept as history (`store.history`); absent when `history.enabled` is false. */
  history?: IngestRoutesDeps['history'];
  /** The clock of received reports. @default Date.now */
  now?: () => number;
  /** The read side (createReadModel): without it, `/api/v1/hosts*` is not served. */
  read?: ReadModel;
  /** Forgets a host everywhere (alerts, silence watch, history): `DELETE /api/v1/hosts/{hostname}`. */
  forgetHost?: (hostname: string) => Promise<boolean>;
  /** The agent bundle the hub hands out. @default the packed hub's dist/agent/, else one built into node_modules/.cache */
  agentDist?: AgentDist;
  /** Job check-ins (createCheckEngine): without them, `/ping/*` and `/api/v1/checks` are not served. */
  checks?: PingRoutesDeps['checks'] & CheckListRoutesDeps['checks'];
  /**
   * The hub's metrics (createHubMetrics): every request is counted by route and status, and `GET /metrics` serves
   * them. Without it, `/metrics` is not served and nothing is counted.
   */
  metrics?: HubMetrics;
}

/**
 * The hub as a Hono app: `POST /sysinfo` (the original's `{"sys_data": …}` and the v2 report, through the alert
 * lifecycle), `POST /message` (form or JSON, as the original's clients and curl send it), `GET /health`, and
 * silences (`POST /silences`, `GET /silences`, `DELETE /silences/:id`), other monitors' webhooks
 * (`POST /webhooks/alertmanager`, `/webhooks/grafana`, `/webhooks/uptime-kuma`, `/webhooks/generic`), job check-ins
 * (`/ping/{slug}` and `GET /api/v1/checks`), `GET /metrics` for Prometheus, and the agent it hands out
 * (`GET /install.sh`, `GET /agent/janitor-agent.mjs` and its `.sha256`). Everything accepted is in the durable
 * outbox before the sender gets its 200. Bad input gets a 4xx with `{ error, field }`; nothing is a 500.
 *
 * Each group of routes is a sub-app of its own (`routes/`), mounted here with no middleware: a request runs its one
 * handler, wrapped for the request line. Other methods on a served path get a 405 with `Allow`, other paths a 404.
 *
 * @example
 * const alerts = createAlertEngine({ config, store });
 * const foreign = createForeignAlertEngine({ store });
 * const app = createHub({ config, outbox: store.outbox, alerts, foreign, access, remoteAddress: () => '127.0.0.1' });
 * const res = await app.request('/message', { method: 'POST', body: new URLSearchParams({ hostname: 'h', message: 'hi' }) });
 */
export function createHub(deps: HubDeps): HubApp {
  const { config, outbox, alerts, remoteAddress } = deps;
  // Lines are written after something was kept (a queued message's request line): a failing logger must not throw.
  const logger = neverThrowing(deps.logger ?? silentLogger);
  const sessions = deps.sessions ?? createSessions();
  const access = createAccessCheck({ access: deps.access, remoteAddress, sessions });
  const requestLine = createRequestLine({ logger, sender: access.sender, requests: deps.metrics });
  const { failed } = requestLine;
  // A request that may have written is answered once the write survives a power cut. Not ingest: its alert engine
  // waits after a write, and a report's history point need not survive one (History.keep).
  const logged = durably(requestLine.logged, deps.synced);
  const { publisherState, storeWritable, onQueued, storeWatch } = deps;
  const storeProblem = storeWatch?.problem;
  const checkStoreFile = storeWatch?.check;
  const tokenless = deps.access.tokenless === true;

  // Each report kept as history is also the host's latest values for /metrics (read from memory, not the table).
  const { history, metrics } = deps;
  const keptHistory =
    history && metrics
      ? {
          keep(entry: HistoryAppend) {
            metrics.report(entry);
            return history.keep(entry);
          },
        }
      : history;

  const app = new Hono<HubEnv>();
  app.route(
    '/health',
    createHealthRoutes({
      outbox,
      publisherState,
      storeWritable,
      checkStoreFile,
      dryRunBecause: deps.dryRunBecause,
      logger,
      logged,
    }),
  );
  app.route(
    '/sysinfo',
    createIngestRoutes({
      alerts,
      reportKeys: config.data.system_info.report_keys,
      access,
      logged: requestLine.logged,
      storeProblem,
      history: keptHistory,
      now: deps.now,
    }),
  );
  app.route(
    '/message',
    createMessageRoutes({ outbox, log: deps.logs, onQueued, access, logged, logger, storeProblem }),
  );
  const receivers: ReceiverDeps = {
    foreign: deps.foreign,
    messages: createMessageQueue(outbox, deps.logs),
    onQueued,
    access,
    logged,
    storeProblem,
  };
  app.route('/webhooks/alertmanager', createAlertmanagerRoutes(receivers));
  app.route('/webhooks/grafana', createGrafanaRoutes(receivers));
  app.route('/webhooks/uptime-kuma', createUptimeKumaRoutes(receivers));
  app.route('/webhooks/generic', createGenericRoutes(receivers));
  app.route('/api/v1', createLogRoutes({ logs: deps.logs, access, logged }));
  app.route(
    '/silences',
    createSilenceRoutes({
      alerts,
      access,
      logged,
      storeProblem,
      ...(deps.maxSilences ? { maxActive: deps.maxSilences } : {}),
    }),
  );
  if (deps.checks) {
    app.route('/ping', createPingRoutes({ checks: deps.checks, access, logged, storeProblem }));
    app.route('/api/v1', createCheckListRoutes({ checks: deps.checks, access, logged }));
  }
  if (deps.read) {
    app.route(
      '/api/v1',
      createApiRoutes({
        read: deps.read,
        historyEnabled: deps.history !== undefined,
        access,
        logged,
        ...(deps.forgetHost ? { forgetHost: deps.forgetHost } : {}),
      }),
    );
  }
  if (deps.metrics) app.route('/metrics', createMetricsRoutes({ metrics: deps.metrics, access, logged }));
  app.route(
    '/',
    createAgentRoutes({
      dist:
        deps.agentDist ??
        createAgentDist({
          packedFile: join(import.meta.dirname, 'agent', AGENT_FILE),
          cacheDir: join(import.meta.dirname, '..', 'node_modules', '.cache', 'janitor-agent'),
          logger,
        }),
      script: (hubUrl) => installScript(hubUrl, join(import.meta.dirname, '..', 'assets', 'install.sh')),
      configuredUrl: config.data.app.service.public_url,
      // Nothing secret: a hub with tokens hands them to anyone, as it answers /health; a hub without tokens only to
      // the networks it takes requests from (loopback, private networks, allow_networks).
      refuse: (c) => (tokenless ? access.authorize(c) : undefined),
      logged,
    }),
  );
  const auth = createDashboardAuth({ sessions, findToken: deps.access.findToken, tokenless });
  app.route('/', createDashboardRoutes({ auth, access, tokenless, logged }));

  app.notFound(logged(methodTable(app.routes)));
  app.onError((error, c) => {
    // Input problems never get here (they are 4xx above): this is the hub failing, e.g. the disk is full.
    logger.error('request failed', { path: c.req.path, error: error.message });
    const response = c.json({ error: 'the hub could not accept this request now; retry later' }, 503);
    failed(c, response.status);
    return response;
  });
  return app;
}

/** `logged` whose handlers, for any method but GET and HEAD, resolve only once `synced` resolved. */
function durably(
  logged: (handler: HubHandler) => HubHandler,
  synced: (() => Promise<void>) | undefined,
): (handler: HubHandler) => HubHandler {
  if (synced === undefined) return logged;
  return (handler) =>
    logged(async (c) => {
      const response = await handler(c);
      if (c.req.method !== 'GET' && c.req.method !== 'HEAD') await synced();
      return response;
    });
}
