import type { Logger, Message } from '@janitor/protocol';
import { silentLogger } from '@janitor/protocol';
import { PublishError } from './publish-error.ts';
import type { Publisher, PublishResult, ReportPost } from './publisher.ts';

/** What the outbox holds for one post: a message (rendered when posted) or a ready report. */
export type OutboxPayload =
  | { kind: 'message'; message: Message }
  | { kind: 'report'; report: ReportPost & { hostname?: string } };

/** The part of a durable outbox the worker needs (@janitor/store's outbox fits it). */
export interface OutboxPort {
  next(nowMs?: number): { id: number; payload: unknown; idempotencyKey: string; attempts: number } | undefined;
  nextDueAtMs(): number | null;
  complete(id: number, idempotencyKey?: string): boolean;
  retry(id: number, input: { notBeforeMs: number; error: string; rotateKey?: boolean }): boolean;
  kill(id: number, error: string): boolean;
}

export interface OutboxWorkerOptions {
  outbox: OutboxPort;
  publisher: Publisher;
  logger?: Logger;
  /** @default Date.now */
  now?: () => number;
  /** First retry delay; doubles per attempt. @default 2000 */
  retryBaseMs?: number;
  /** Longest delay between two attempts. @default 900000 (15 min) */
  retryMaxMs?: number;
  /** Longest idle wait before looking at the outbox again. @default 30000 */
  idlePollMs?: number;
  /** Random source for the jitter, in [0, 1). @default Math.random */
  random?: () => number;
  /**
   * The server replays a cached error for an idempotency key (Pleroma, Akkoma): after an error response, retry with a
   * new key. Mastodon keeps keys of successful posts only, so there the key is kept, which also protects against a
   * 5xx answered after the post was made. @default false
   */
  errorResponsesCached?: boolean;
  /**
   * How long {@link OutboxWorker.stop} lets the post in flight run before aborting it. An aborted post stays in the
   * outbox as it was (same key, no attempt counted) for the next start. @default 5000
   */
  stopGraceMs?: number;
}

/** What one pass over the due entries did. */
export interface DrainResult {
  posted: number;
  retried: number;
  dead: number;
}

export interface OutboxWorker {
  /** Posts every entry due now, in order, then returns (cron-style runs, tests). */
  drain(): Promise<DrainResult>;
  /**
   * Runs until {@link stop}: posts due entries, then sleeps until the next is due or {@link notify} is called. A
   * failing store is logged and looked at again after `retryBaseMs`.
   */
  start(): void;
  /** A new entry was enqueued: wake up. */
  notify(): void;
  /**
   * Starts no other post, lets the one in flight finish (aborting it after `stopGraceMs`: it stays owed), and
   * resolves once the loop has ended.
   */
  stop(): Promise<void>;
}

/**
 * Posts what the outbox holds, oldest first, and removes an entry only after the server confirmed it. Retryable
 * failures (network, timeouts, 5xx, 429) wait with exponential backoff and jitter, or until the server's rate-limit
 * reset / Retry-After; other 4xx become dead letters. The idempotency key is kept across retries, so a server that
 * honours it can tell a retry of a post that did go through; where error responses are cached under the key
 * (`errorResponsesCached`), it is replaced after an error response.
 */
export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const {
    outbox,
    publisher,
    logger = silentLogger,
    now = Date.now,
    retryBaseMs = 2000,
    retryMaxMs = 900_000,
    idlePollMs = 30_000,
    random = Math.random,
    errorResponsesCached = false,
    stopGraceMs = 5000,
  } = options;
  let running = false;
  let generations = 0;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  /** Aborts the post in flight; set while one is. */
  let inFlight: AbortController | undefined;
  /** stop() aborted the post in flight. */
  let abandoned = false;

  async function postOne(entry: { id: number; payload: unknown; idempotencyKey: string; attempts: number }) {
    const payload = entry.payload as OutboxPayload;
    const controller = new AbortController();
    const opts = { idempotencyKey: entry.idempotencyKey, signal: controller.signal };
    inFlight = controller;
    try {
      if (payload?.kind === 'message') return await publisher.publish(payload.message, opts);
      if (payload?.kind === 'report') return await publisher.publishReport(payload.report, opts);
      throw new PublishError(`outbox entry ${entry.id} has no known payload`, { retryable: false });
    } finally {
      inFlight = undefined;
    }
  }

  /** Posts due entries, oldest first, while `proceed()` holds (the loop of {@link OutboxWorker.start} stops early). */
  async function drainWhile(proceed: () => boolean): Promise<DrainResult> {
    const result: DrainResult = { posted: 0, retried: 0, dead: 0 };
    while (proceed()) {
      const entry = outbox.next(now());
      if (!entry) return result;
      let posted: PublishResult;
      try {
        posted = await postOne(entry);
      } catch (error) {
        const failure = error instanceof PublishError ? error : undefined;
        const message = error instanceof Error ? error.message : String(error);
        if (abandoned) {
          // stop() ran out of patience: not a failure of the post, which stays owed exactly as it was.
          logger.warn('post abandoned at stop, kept for the next start', { entry: entry.id });
          return result;
        }
        if (failure?.retryable) {
          const notBeforeMs = retryAt(failure, entry.attempts);
          const rotateKey = errorResponsesCached && failure.statusCode !== undefined;
          outbox.retry(entry.id, { notBeforeMs, error: message, rotateKey });
          result.retried++;
          logger.warn('post failed, will retry', {
            entry: entry.id,
            attempt: entry.attempts + 1,
            retryInMs: notBeforeMs - now(),
            error: message,
          });
          // Nothing else can go out before the server is back: stop this pass.
          return result;
        }
        outbox.kill(entry.id, message);
        result.dead++;
        logger.error('post refused, kept as a dead letter', { entry: entry.id, error: message });
        continue;
      }
      // Outside the try: if the store cannot delete a posted entry, that is the store failing (thrown to the
      // caller), not the post being refused. The entry stays pending and its next attempt reuses the key.
      outbox.complete(entry.id, entry.idempotencyKey);
      result.posted++;
      logger.info('posted', { entry: entry.id, ...(posted.dryRun ? { dryRun: true } : { url: posted.url }) });
      // A dry run (or a very fast server) answers without I/O: let the process serve its requests between posts.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return result;
  }

  function retryAt(error: PublishError, attempts: number): number {
    const t = now();
    const backoff = Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(attempts, 20));
    const jittered = backoff / 2 + random() * (backoff / 2);
    let at = t + jittered;
    if (error.rateLimitResetAt) at = Math.max(at, error.rateLimitResetAt.getTime());
    if (error.retryAfterMs !== undefined) at = Math.max(at, t + error.retryAfterMs);
    return Math.round(at);
  }

  /** The loop of {@link OutboxWorker.start}: runs while `proceed()` holds. */
  async function run(proceed: () => boolean) {
    while (proceed()) {
      let waitMs: number;
      try {
        await drainWhile(proceed);
        const due = outbox.nextDueAtMs();
        waitMs = Math.max(0, Math.min(idlePollMs, due === null ? idlePollMs : due - now()));
      } catch (error) {
        // The outbox itself failed (disk full, database locked): log and look again after a pause, rather than
        // spinning on an entry that was posted but could not be removed.
        logger.error('outbox worker failed', { error: error instanceof Error ? error.message : String(error) });
        waitMs = Math.min(idlePollMs, retryBaseMs);
      }
      if (!proceed()) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, waitMs);
        function done() {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      });
    }
  }

  return {
    drain: () => drainWhile(() => true),
    start() {
      if (running) return;
      running = true;
      // A loop still finishing after stop() must neither go on nor overlap the new one.
      const generation = ++generations;
      const previous = loop;
      loop = (async () => {
        await previous?.catch(() => undefined);
        await run(() => running && generations === generation);
      })();
    },
    notify() {
      wake?.();
    },
    async stop() {
      running = false;
      wake?.();
      const ended = loop ?? Promise.resolve();
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<'grace over'>((resolve) => {
        timer = setTimeout(() => resolve('grace over'), stopGraceMs);
      });
      try {
        if ((await Promise.race([ended, graceOver])) === 'grace over' && inFlight) {
          abandoned = true;
          inFlight.abort(new Error('the outbox worker is stopping'));
        }
        await ended;
      } finally {
        clearTimeout(timer);
        abandoned = false;
      }
    },
  };
}
