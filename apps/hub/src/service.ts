import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type AlertEngine, createAlertEngine } from '@janitor/alerting';
import type { AppLogger, LoadedConfig } from '@janitor/config';
import { publisherSettings, resolveAccessToken } from '@janitor/config';
import { createOutboxWorker, createPublisher, type OutboxWorker } from '@janitor/publisher';
import { openStore, type Store } from '@janitor/store';
import { createAccessPolicy } from './access.ts';
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
   * How often silent hosts are checked (and last reports written); 0 for never (tests call `alerts.tick()`).
   * @default 30000
   */
  checkIntervalMs?: number;
}

/** The hub with everything behind it: the store, the publisher and the outbox worker. */
export interface HubService {
  app: HubApp;
  store: Store;
  /** The alert lifecycle: `tick()` is what the silent-host timer runs. */
  alerts: AlertEngine;
  worker: OutboxWorker | undefined;
  publisherState: PublisherState;
  /**
   * Stops the worker, letting the post in flight finish for up to `graceMs` (a post still unconfirmed then stays in
   * the outbox and goes out at the next start, under the same idempotency key), then closes the store.
   */
  close(options?: {
    /** @default 2000 */
    graceMs?: number;
  }): Promise<void>;
}

/**
 * Wires the hub: opens the store (`<state_dir>/janitor.db`), builds the publisher from the config and starts the
 * outbox worker. Without an access token outside dry run, requests are still accepted and queued; nothing is
 * posted until a token exists and the hub restarts (and /health says so).
 */
export function createHubService(options: HubServiceOptions): HubService {
  const { config, logger, dryRun, env = process.env, now = Date.now, checkIntervalMs = 30_000 } = options;
  const storePath = options.storePath ?? join(config.data.app.state_dir, 'janitor.db');
  mkdirSync(dirname(storePath), { recursive: true });
  const store = openStore({ path: storePath });
  const token = resolveAccessToken(config, env);
  const publisherState: PublisherState = dryRun ? 'dry-run' : token ? 'ready' : 'no-token';
  let worker: OutboxWorker | undefined;
  if (publisherState !== 'no-token') {
    const publisher = createPublisher({
      ...publisherSettings(config),
      dryRun,
      logger,
      ...(token ? { accessToken: token.token } : {}),
    });
    worker = createOutboxWorker({
      outbox: store.outbox,
      publisher,
      logger,
      // Posts already made count against the server's limits across restarts.
      state: store.kv,
      ...(config.data.mastodon.status_post.pacing ? {} : { budget: false }),
    });
    worker.start();
  } else {
    logger.error('no Mastodon access token: messages are queued but not posted; run janitor login, then restart', {
      file: config.data.mastodon.credentials.user_file,
    });
  }
  const alerts = createAlertEngine({ config, store, now, logger, onQueued: () => worker?.notify() });
  const checker =
    checkIntervalMs > 0
      ? setInterval(() => {
          alerts.tick().catch((error: unknown) => {
            logger.error('the silent-host check failed; it runs again at the next tick', {
              error: error instanceof Error ? error.message : String(error),
            });
          });
        }, checkIntervalMs)
      : undefined;
  checker?.unref();
  const { tokens, allow_networks } = config.data.app.service;
  const access = createAccessPolicy({ tokens, allowNetworks: allow_networks });
  const app = createHub({
    config,
    outbox: store.outbox,
    alerts,
    access,
    remoteAddress: options.remoteAddress,
    onQueued: () => worker?.notify(),
    publisherState: () => publisherState,
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
  return {
    app,
    store,
    alerts,
    worker,
    publisherState,
    async close({ graceMs = 2000 } = {}) {
      clearInterval(checker);
      try {
        alerts.flush();
      } catch (error) {
        logger.warn('the last report times could not be written at shutdown', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
      if (worker && !(await settlesWithin(worker.stop(), graceMs))) {
        logger.warn('a post was still in flight at shutdown: it stays queued and goes out at the next start', {
          graceMs,
        });
      }
      store.close();
    },
  };
}

/** True when `promise` settles within `ms` (a server that never answers must not hold up a shutdown). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}
