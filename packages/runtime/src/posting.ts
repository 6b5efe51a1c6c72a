// Posting, wired once: the publisher and its outbox worker as the config describes them. The hub, local mode, the
// scheduler's `publish_queue` and `janitor outbox flush` all build them here, so `pacing`, the post budget, dry run
// and the server's quirks mean the same everywhere.
import { publisherSettings } from '@janitor/config';
import { isPostAbout, parseDuration } from '@janitor/protocol';
import {
  type BudgetState,
  createOutboxWorker,
  createPublisher,
  type OutboxPort,
  type OutboxWorker,
  type OutboxWorkerOptions,
  type Publisher,
} from '@janitor/publisher';
import type { Notifications } from '@janitor/store';
import { postingMode } from './posting-mode.ts';
import type { Runtime } from './runtime.ts';

/**
 * The publisher the config describes, in the mode {@link postingMode} settles: a dry run without credentials (or when
 * the command line or the config asks for one). Posting for real needs a server (a ConfigError naming
 * `mastodon.api_base_url` while it is the placeholder); `--no-dry-run` without an access token is a CliError (exit 4)
 * saying where to put one.
 */
export function publisherFor(runtime: Runtime, env: Record<string, string | undefined> = process.env): Publisher {
  const { config, logger } = runtime;
  const { dryRun, token } = postingMode(runtime, env);
  return createPublisher({
    ...publisherSettings(config),
    dryRun,
    logger,
    ...(token ? { accessToken: token.token } : {}),
  });
}

/** The parts of @janitor/store's `Store` that posting uses. */
export interface PostingStore {
  outbox: OutboxPort;
  /** The notification log: where a post finds the thread it continues (an incident's, a message thread's). */
  notifications?: Pick<Notifications, 'replyTarget'>;
  /** Where the post budget is kept, so that posts made count against the server's limits across runs. */
  kv: BudgetState;
}

/** Options of {@link createPosting}: what differs between callers (hooks, a clock), never the config's meaning. */
export type PostingOptions = Pick<OutboxWorkerOptions, 'logger' | 'now' | 'onPosted' | 'onFailed' | 'mediaFor'> & {
  /** @default process.env */
  env?: Record<string, string | undefined>;
  /** A publisher already built (tests, a caller that checked the token first). @default {@link publisherFor} */
  publisher?: Publisher;
};

/** The publisher and the worker that posts the store's outbox with it. */
export interface Posting {
  publisher: Publisher;
  worker: OutboxWorker;
}

/**
 * The publisher and the outbox worker over `store`, as the config says: `mastodon.status_post.pacing: false` turns
 * the post budget off; the budget's state lives in the store (`kv`), across restarts and cron runs; Pleroma and
 * Akkoma replay cached errors for an idempotency key, which the worker takes into account. The worker is not
 * started: a service calls `worker.start()`, a one-shot run `worker.drain()`.
 *
 * @example
 * const { worker } = createPosting(runtime, store);
 * const { posted } = await worker.drain();
 */
export function createPosting(runtime: Runtime, store: PostingStore, options: PostingOptions = {}): Posting {
  const { env = process.env, publisher = publisherFor(runtime, env), ...hooks } = options;
  const { config, logger } = runtime;
  const { notifications } = store;
  const instanceType = config.data.mastodon.instance_type;
  const worker = createOutboxWorker({
    logger,
    ...hooks,
    outbox: store.outbox,
    publisher,
    state: store.kv,
    errorResponsesCached: instanceType === 'pleroma' || instanceType === 'akkoma',
    ...(notifications
      ? { replyTarget: threadsOf(notifications, parseDuration(config.data.threads.window) ?? DAY_MS, hooks.now) }
      : {}),
    ...(config.data.mastodon.status_post.pacing ? {} : { budget: false }),
  });
  return { publisher, worker };
}

const DAY_MS = 86_400_000;

/** The worker's `replyTarget`: an incident's latest status, a message thread's first within the window. */
function threadsOf(
  notifications: Pick<Notifications, 'replyTarget'>,
  threadWindowMs: number,
  now: () => number = Date.now,
): (about: unknown) => string | undefined {
  return (about) =>
    isPostAbout(about) ? notifications.replyTarget(about, { nowMs: now(), threadWindowMs }) : undefined;
}
