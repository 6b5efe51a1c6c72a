import type { Logger } from '@janitor/protocol';
import { Hono } from 'hono';
import type { HubApp, HubEnv } from '../http/hub-env.ts';
import type { RequestLine } from '../http/request-line.ts';

/** What /health reports about the publisher. */
export type PublisherState = 'ready' | 'dry-run' | 'token-refused';

/** The outbox as /health reads it: its depth. */
export interface HealthOutbox {
  counts(): { pending: number; dead: number; oldestPendingMs: number | null };
}

/** What {@link createHealthRoutes} needs. */
export interface HealthRoutesDeps {
  outbox: HealthOutbox;
  /** @default () => 'ready' */
  publisherState?: (() => PublisherState) | undefined;
  /** Why the hub runs dry when nobody asked it to: `no-credentials` (no Mastodon access token). */
  dryRunBecause?: 'no-credentials' | undefined;
  /** True when the store accepts writes. @default () => true */
  storeWritable?: (() => boolean) | undefined;
  /** Looks at the store's file (a `stat`): why it cannot be kept (deleted, replaced), or undefined. */
  checkStoreFile?: (() => string | undefined) | undefined;
  /** Told when the outbox cannot be read. */
  logger: Logger;
  logged: RequestLine['logged'];
}

/**
 * `GET /` (mounted at `/health`): 200 `{ status: 'ready', problems: [], store, publisher, outbox }` when the store
 * takes writes (and its file is still the one the hub has open) and the publisher's token is not refused (a dry run
 * is ready; `dryRunBecause: 'no-credentials'` says when it is one for want of credentials), 503 `{ status: 'not ready', problems: [...] }` otherwise. Open to
 * everyone, like any health check; it tells nothing about what was posted.
 */
export function createHealthRoutes(deps: HealthRoutesDeps): HubApp {
  const {
    outbox,
    publisherState = () => 'ready',
    storeWritable = () => true,
    checkStoreFile = () => undefined,
    dryRunBecause,
    logger,
    logged,
  } = deps;
  function fileProblem(): string | undefined {
    try {
      return checkStoreFile();
    } catch (error) {
      logger.error('health: the database file cannot be looked at', {
        error: error instanceof Error ? error.message : String(error),
      });
      return undefined;
    }
  }

  function countsOrUndefined() {
    try {
      return outbox.counts();
    } catch (error) {
      logger.error('health: the outbox cannot be read', {
        error: error instanceof Error ? error.message : String(error),
      });
      return undefined;
    }
  }

  return new Hono<HubEnv>().get(
    '/',
    logged((c) => {
      // A store that fails outright is the answer, not a reason for the health check itself to fail.
      const lost = fileProblem();
      const counts = countsOrUndefined();
      const writable = lost === undefined && counts !== undefined && storeWritable();
      const publisher = publisherState();
      const problems = [
        ...(lost !== undefined ? [lost] : writable ? [] : ['the store is not writable']),
        ...(publisher === 'token-refused'
          ? ['the server refuses the Mastodon access token: posting is paused until it works again (janitor login)']
          : []),
      ];
      return c.json(
        {
          status: problems.length === 0 ? 'ready' : 'not ready',
          problems,
          store: { writable },
          publisher,
          ...(publisher === 'dry-run' && dryRunBecause !== undefined ? { dryRunBecause } : {}),
          outbox: counts
            ? { pending: counts.pending, dead: counts.dead, oldestPendingMs: counts.oldestPendingMs }
            : { pending: null, dead: null, oldestPendingMs: null },
        },
        problems.length === 0 ? 200 : 503,
      );
    }),
  );
}
