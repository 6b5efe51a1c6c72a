import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  type AlertEngine,
  type CheckEngine,
  createAlertEngine,
  createCheckEngine,
  createForeignAlertEngine,
  type ForeignAlertEngine,
} from '@janitor/alerting';
import { type AppLogger, type LoadedConfig, resolveAccessToken } from '@janitor/config';
import type { OutboxWorker } from '@janitor/publisher';
import {
  type Component,
  intervalComponent,
  type RunningComponents,
  settlesWithin,
  startComponents,
} from '@janitor/runtime';
import {
  createAccessPolicy,
  createChartMedia,
  createHostForgetter,
  createHubMetrics,
  createMentionListener,
  createSessions,
  createStoreWatch,
  neverThrowing,
} from '@janitor/runtime/hub';
import { createPosting } from '@janitor/runtime/posting';
import { createReadModel } from '@janitor/runtime/read';
import { DEFAULT_NOTIFICATION_RETENTION_MS, maintainHistory, openStore, type Store } from '@janitor/store';
import { createHub, type PublisherState } from './create-hub.ts';
import type { HubApp, HubContext } from './http/hub-env.ts';

export interface HubServiceOptions {
  config: LoadedConfig;
  logger: AppLogger;
  /** Log posts instead of making them (the `--dry-run` flag or `app.run_control.dry_run`). */
  dryRun: boolean;
  remoteAddress: (c: HubContext) => string | undefined;
  env?: Record<string, string | undefined>;
  /** @default `<state_dir>/janitor.db` */
  storePath?: string;
  /** The clock of the alert lifecycle (reports, silences, silent hosts). @default Date.now */
  now?: () => number;
  /**
   * How often silent hosts and job check-ins are checked (and last reports written); 0 for never (tests call
   * `alerts.tick()` and `checks.tick()`).
   * @default 30000
   */
  checkIntervalMs?: number;
  /**
   * How often the hub looks whether its database file was deleted or replaced under it (besides every health probe);
   * 0 for never. @default 10000
   */
  storeCheckIntervalMs?: number;
}

/** The hub with everything behind it: the store, the publisher and the outbox worker, the timers. */
export interface HubService {
  app: HubApp;
  store: Store;
  /** The alert lifecycle: `tick()` is what the silent-host timer runs. */
  alerts: AlertEngine;
  /** Job check-ins: `tick()` runs with the silent-host check, finding the late and the too long. */
  checks: CheckEngine;
  /** Other monitors' alerts (`/webhooks/*`), through the same alert log, threads and outbox. */
  foreign: ForeignAlertEngine;
  worker: OutboxWorker;
  /** Whether posts are only logged: asked for (`--dry-run`, `app.run_control.dry_run`), or no Mastodon credentials. */
  dryRun: boolean;
  publisherState: PublisherState;
  /** Why the hub takes nothing now: its database file was deleted or replaced under it (`undefined` while fine). */
  storeProblem(): string | undefined;
  /**
   * What runs until the hub stops, in start order: the outbox worker, the silent-host check, the check-in deadlines,
   * the log's retention.
   */
  components: readonly Component[];
  /**
   * Starts the components in order; one that fails stops those before it and throws a ComponentStartError naming it
   * (main.ts exits with that one line, before anything is accepted).
   */
  start(): Promise<void>;
  /**
   * Stops the components in reverse order, letting the post in flight finish for up to `graceMs` (a post still
   * unconfirmed then stays in the outbox and goes out at the next start, under the same idempotency key), then closes
   * the store.
   */
  close(options?: {
    /** @default 2000 */
    graceMs?: number;
  }): Promise<void>;
}

/** How often the history's tiers and retention are brought up to date (each time in short transactions). */
const HISTORY_UPKEEP_INTERVAL_MS = 60_000;

/** How often the notification log drops what is older than its retention. */
const RETENTION_INTERVAL_MS = 6 * 3600_000;

/**
 * Wires the hub: opens the store (`<state_dir>/janitor.db`), builds the publisher and its outbox worker through
 * createPosting, the alert engine and the HTTP app, and lists the components that {@link HubService.start} starts.
 * Without Mastodon credentials the hub runs dry, as every command does: it says so once, logs the posts it would make
 * and keeps none of them; `/health` says `publisher: 'dry-run'` with `dryRunBecause: 'no-credentials'`.
 */
export function createHubService(options: HubServiceOptions): HubService {
  const {
    config,
    dryRun,
    env = process.env,
    now = Date.now,
    checkIntervalMs = 30_000,
    storeCheckIntervalMs = 10_000,
  } = options;
  // Every line is written after something was kept (a report's alert, a queued message): it must never throw.
  const logger = neverThrowing(options.logger);
  const storePath = options.storePath ?? join(config.data.app.state_dir, 'janitor.db');
  mkdirSync(dirname(storePath), { recursive: true, mode: 0o700 });
  // A server: commits never make the event loop wait for the disk; answers wait for store.synced() instead.
  const store = openStore({
    path: storePath,
    durability: 'background',
    history: { retention: config.history.retention },
  });
  try {
    return wire(store);
  } catch (error) {
    // Nothing started yet: the store is all there is to release (a damaged alert table, a config the publisher
    // refuses).
    store.close();
    throw error;
  }

  function wire(store: Store): HubService {
    // No credentials means a dry run, as everywhere: the posts are logged, and none is kept for later (a hub that
    // queued them would post a flood of old test messages once logged in).
    const noCredentials = !dryRun && resolveAccessToken(config, env) === undefined;
    const configured: PublisherState = dryRun || noCredentials ? 'dry-run' : 'ready';
    if (noCredentials) {
      logger.warn(
        'no Mastodon credentials: dry run, the posts are logged, not made and not kept; run janitor login, then restart',
        { file: config.data.mastodon.credentials.user_file },
      );
    }
    // Charts on alert posts and bot answers: drawn from the history when the post is first sent.
    const charts = config.data.mastodon.status_post.charts && config.history.enabled;
    const posting = createPosting({ config, logger, dryRun: configured === 'dry-run' }, store, {
      env,
      ...(charts ? { mediaFor: (payload, about) => chartMedia(payload, about) } : {}),
      onPosted: (entry, result) => metrics.posted(entry, result),
      onFailed: (entry, error, fate) => metrics.failed(entry, error, fate),
    });
    const { worker, publisher } = posting;
    const storeWatch = createStoreWatch({ store, logger });
    const alerts = createAlertEngine({ config, store, now, logger, onQueued: () => worker.notify() });
    const checks = createCheckEngine({ checks: config.checks, store, now, logger, onQueued: () => worker.notify() });
    const foreign = createForeignAlertEngine({ store, now, logger, onQueued: () => worker.notify() });
    const metrics = createHubMetrics({ store, alerts, now });
    const chartMedia = createChartMedia({ history: store.history, plan: alerts.plan, now });
    const read = createReadModel({ store, alerts, reportFormat: config.reportFormat, now });
    const publisherState = (): PublisherState => (worker.status().paused === 'auth' ? 'token-refused' : configured);
    const { tokens, allow_networks, trusted_proxies } = config.data.app.service;
    const app = createHub({
      config,
      outbox: store.outbox,
      logs: store,
      alerts,
      foreign,
      access: createAccessPolicy({ tokens, allowNetworks: allow_networks, trustedProxies: trusted_proxies }),
      remoteAddress: options.remoteAddress,
      sessions: createSessions({ kv: store.kv, now }),
      onQueued: () => worker.notify(),
      publisherState,
      ...(noCredentials ? { dryRunBecause: 'no-credentials' as const } : {}),
      storeWatch,
      ...(config.history.enabled ? { history: store.history, now } : { now }),
      read,
      checks,
      forgetHost: createHostForgetter({ alerts, history: store.history }),
      metrics,
      synced: store.synced,
      storeWritable: () => {
        // A real write, cheap enough for every health check (integrity_check would scan the whole file).
        try {
          store.kv.set('hub.health_probe', Date.now());
          return true;
        } catch {
          return false;
        }
      },
      logger,
    });

    // One upkeep at a time: a tick that finds the last one still running skips.
    let upkeeping: Promise<unknown> | undefined;
    const upkeep = () =>
      (upkeeping ??= maintainHistory(store.history, { nowMs: now(), maxSteps: 500 }).finally(() => {
        upkeeping = undefined;
      }));

    // The bot: mentions answered through the outbox. It reads the account's notifications, so it needs the token.
    let listener: Component | undefined;
    if (config.bot.enabled && configured === 'dry-run') {
      logger.warn('bot.enabled is set, but the hub runs dry: it reads no mentions until logged in');
    } else if (config.bot.enabled) {
      listener = createMentionListener({
        source: publisher,
        settings: config.bot,
        store,
        alerts,
        read,
        charts,
        maxChars: () => publisher.maxLength(),
        onQueued: () => worker.notify(),
        logger,
        now,
      });
    }

    let graceMs = 2000;
    const components: Component[] = [
      {
        name: 'outbox worker',
        start: () => worker.start(),
        async stop() {
          if (await settlesWithin(worker.stop(), graceMs)) return;
          logger.warn('a post was still in flight at shutdown: it stays queued and goes out at the next start', {
            graceMs,
          });
        },
      },
      ...(checkIntervalMs > 0
        ? [
            intervalComponent('silent-host check', checkIntervalMs, () => alerts.tick(), {
              logger,
              last: () => alerts.flush(),
            }),
            // A check that misses its window is posted within one interval of its deadline.
            intervalComponent('check-in deadlines', checkIntervalMs, () => checks.tick(), { logger }),
            ...(config.history.enabled
              ? [intervalComponent('history upkeep', HISTORY_UPKEEP_INTERVAL_MS, upkeep, { logger })]
              : []),
            intervalComponent(
              'notification log retention',
              RETENTION_INTERVAL_MS,
              async () => {
                // The logs go with the notification log they read their status URLs from.
                const before = now() - DEFAULT_NOTIFICATION_RETENTION_MS;
                for (const log of [store.notifications, store.alertLog, store.messageLog]) log.purge(before);
              },
              { logger },
            ),
          ]
        : []),
      ...(listener ? [listener] : []),
      ...(storeCheckIntervalMs > 0
        ? [intervalComponent('database file check', storeCheckIntervalMs, async () => storeWatch.check(), { logger })]
        : []),
    ];
    let running: RunningComponents | undefined;
    return {
      app,
      store,
      alerts,
      checks,
      foreign,
      worker,
      dryRun: configured === 'dry-run',
      get publisherState() {
        return publisherState();
      },
      storeProblem: storeWatch.problem,
      components,
      async start() {
        running = await startComponents(components, { logger });
      },
      async close(closeOptions = {}) {
        graceMs = closeOptions.graceMs ?? 2000;
        if (running) await running.stop({ deadlineMs: graceMs + 1000 });
        try {
          alerts.flush();
        } catch (error) {
          logger.warn('the last report times could not be written at shutdown', {
            error: error instanceof Error ? error.message : String(error),
          });
        }
        store.close();
      },
    };
  }
}
