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
  /** Runs until {@link stop}: posts due entries, then sleeps until the next is due or {@link notify} is called. */
  start(): void;
  /** A new entry was enqueued: wake up. */
  notify(): void;
  /** Finishes the post in flight and stops. */
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
  } = options;
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;

  async function postOne(entry: { id: number; payload: unknown; idempotencyKey: string; attempts: number }) {
    const payload = entry.payload as OutboxPayload;
    const opts = { idempotencyKey: entry.idempotencyKey };
    let result: PublishResult;
    if (payload?.kind === 'message') result = await publisher.publish(payload.message, opts);
    else if (payload?.kind === 'report') result = await publisher.publishReport(payload.report, opts);
    else throw new PublishError(`outbox entry ${entry.id} has no known payload`, { retryable: false });
    return result;
  }

  async function drain(): Promise<DrainResult> {
    const result: DrainResult = { posted: 0, retried: 0, dead: 0 };
    for (;;) {
      const entry = outbox.next(now());
      if (!entry) return result;
      try {
        const posted = await postOne(entry);
        outbox.complete(entry.id, entry.idempotencyKey);
        result.posted++;
        logger.info('posted', { entry: entry.id, ...(posted.dryRun ? { dryRun: true } : { url: posted.url }) });
      } catch (error) {
        const failure = error instanceof PublishError ? error : undefined;
        const message = error instanceof Error ? error.message : String(error);
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
      }
    }
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

  async function run() {
    while (running) {
      try {
        await drain();
      } catch (error) {
        // The outbox itself failed (disk full, database locked): log and try again later.
        logger.error('outbox worker failed', { error: error instanceof Error ? error.message : String(error) });
      }
      if (!running) break;
      const due = outbox.nextDueAtMs();
      const waitMs = Math.max(0, Math.min(idlePollMs, due === null ? idlePollMs : due - now()));
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
    drain,
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    notify() {
      wake?.();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
  };
}
