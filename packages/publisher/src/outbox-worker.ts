import type { Logger } from '@janitor/protocol';
import { silentLogger } from '@janitor/protocol';
import { AuthError } from './auth-error.ts';
import type { MediaUpload } from './media-upload.ts';
import { isOutboxPayload, mergePayloads, type OutboxPayload, payloadDraft } from './outbox-payload.ts';
import { type BudgetState, createPostBudget, POST_BUDGETS, type PostBudget, type PostWindow } from './post-budget.ts';
import { leadingMentions } from './post-route.ts';
import { PublishError } from './publish-error.ts';
import { type PostedStatus, type Publisher, type PublishResult, partKey } from './publisher.ts';
import type { StatusDraft } from './status-draft.ts';

/** One entry as the worker reads it from the outbox. */
export interface OutboxPortEntry {
  id: number;
  payload: unknown;
  groupKey?: string | null;
  idempotencyKey: string;
  attempts: number;
  /** What the post is about, when the outbox keeps it (@janitor/store's does): how its thread is found. */
  about?: unknown;
}

/** What the server confirmed of an entry's post, handed to {@link OutboxPort.complete}. */
export interface ConfirmedStatuses {
  /** Every status the entry became, in order (several for a thread): what the notification log records. */
  statuses: readonly PostedStatus[];
  /** When the last of them was confirmed (epoch ms, the worker's clock). */
  postedAtMs: number;
}

/** The part of a durable outbox the worker needs (@janitor/store's outbox fits it). */
export interface OutboxPort {
  next(nowMs?: number): OutboxPortEntry | undefined;
  nextDueAtMs(): number | null;
  /**
   * The entry was posted: delete it (only while it has `idempotencyKey`). `posted` is what the server confirmed (absent
   * in a dry run): an outbox with a notification log records it, with what the entry was about, before the entry is
   * deleted and in the same transaction (@janitor/store does). An outbox without a log may ignore it.
   */
  complete(id: number, idempotencyKey?: string, posted?: ConfirmedStatuses): boolean;
  /**
   * Resolves once what was committed survives a power cut (@janitor/store's outbox has it): the worker awaits it after
   * each post, so that a power cut cannot make it post again what it saw as done. @default resolved at once
   */
  synced?(): Promise<void>;
  retry(id: number, input: { notBeforeMs: number; error: string; rotateKey?: boolean }): boolean;
  kill(id: number, error: string): boolean;
  /** Rewrites a pending entry's payload (the worker's progress), only while it has `idempotencyKey` when given. */
  update(id: number, payload: unknown, options?: { idempotencyKey?: string }): boolean;
  counts(): { pending: number };
  list(filter: { state: 'pending' }): OutboxPortEntry[];
  /** Merges pending entries into the oldest of them, with a new payload and key. */
  replace(ids: readonly number[], input: { payload: unknown }): unknown;
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
  /**
   * The longest wait a server's `X-RateLimit-Reset` or `Retry-After` may impose: a later one is cut to this (and
   * logged), so that one absurd answer cannot stop posting for days. @default MAX_SERVER_WAIT_MS (3 h)
   */
  maxServerWaitMs?: number;
  /** Longest idle wait before looking at the outbox again. @default 30000 */
  idlePollMs?: number;
  /** Random source for the jitter, in [0, 1). @default Math.random */
  random?: () => number;
  /**
   * The server replays a cached error for an idempotency key (Pleroma, Akkoma): after an error response, retry with a
   * new key. Mastodon keeps keys of successful posts only, so there the key is kept, which also protects against a
   * 5xx answered after the post was made. @default true for pleroma and akkoma (the publisher's instanceType)
   */
  errorResponsesCached?: boolean;
  /**
   * The server ignores `Idempotency-Key` (GoToSocial): before sending again a post whose answer never came, read the
   * account's latest statuses and take an identical one as the post. @default true for gotosocial
   */
  checkBeforeResend?: boolean;
  /**
   * The posting limits to stay under, or false for none. @default POST_BUDGETS[publisher.instanceType]
   */
  budget?: readonly PostWindow[] | false;
  /** Keeps the times of the posts made, so that a restart remembers the budget spent (@janitor/store's kv). */
  state?: BudgetState;
  /**
   * When the pending posts cannot all go out within this time under the budget, the posts of one host are merged
   * into one status (the biggest groups first, until they can). @default 900000 (15 min)
   */
  mergeHorizonMs?: number;
  /** Part of each window's limit that merging keeps free for the posts still to come. @default 0.1 */
  reserveRatio?: number;
  /**
   * How long {@link OutboxWorker.stop} lets the post in flight run before aborting it. An aborted post stays in the
   * outbox as it was (same key, no attempt counted) for the next start. @default 5000
   */
  stopGraceMs?: number;
  /**
   * The status an entry's post replies to, from what it is about (an incident's latest status, a message thread's
   * first): its thread. Asked once, when the entry's parts are made; a target the server no longer has (404, 422)
   * is dropped and the post goes out on its own. @default none: every post starts its own thread
   */
  replyTarget?: (about: unknown) => string | undefined;
  /**
   * The images a post carries (a chart of the metric), made at its first attempt and uploaded before it; their ids
   * are kept with the entry. When making or uploading them fails (the server's media limit), the post goes out
   * without them. Not called in a dry run. @default none
   */
  mediaFor?: (payload: OutboxPayload, about: unknown) => Promise<readonly MediaUpload[]>;
  /** Called after an entry was posted (every part of it), with what the publisher answered. */
  onPosted?: (entry: OutboxPortEntry, result: PublishResult) => void;
  /** Called after an attempt failed: the entry waits for a retry (`'retry'`) or became a dead letter (`'dead'`). */
  onFailed?: (entry: OutboxPortEntry, error: unknown, fate: 'retry' | 'dead') => void;
}

/** What one pass over the due entries did. */
export interface DrainResult {
  posted: number;
  retried: number;
  dead: number;
  /** Entries folded into others to stay under the posting limits (3 merged into 1 count 2). */
  merged: number;
  /**
   * Set when the pass stopped early although entries are due: the server failed (the backoff), or the posting
   * budget is spent. Nothing goes out before this time (epoch ms).
   */
  resumeAtMs: number | null;
}

/**
 * Whether the worker posts. `paused: 'auth'`: the server refuses the access token (a 401; a 403 while
 * verify_credentials is refused too): nothing is posted and nothing is dropped until a later attempt is accepted.
 * A service reports it as not ready (the hub's `/health`).
 */
export type OutboxWorkerStatus =
  | { paused: null }
  | {
      paused: 'auth';
      /** When the first refusal came (epoch ms, the worker's clock). */
      sinceMs: number;
      /** The last refusal, as the publisher reported it. */
      error: string;
      /** When the token is tried again, with the next post (epoch ms); in the past while that attempt is due. */
      nextCheckAtMs: number;
    };

export interface OutboxWorker {
  /** Posts every entry due now, in order, then returns (cron-style runs, tests). */
  drain(): Promise<DrainResult>;
  /** Whether posting is paused, and why: see {@link OutboxWorkerStatus}. */
  status(): OutboxWorkerStatus;
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

/** How posting one entry ended. */
type Outcome =
  | { kind: 'posted'; result: PublishResult }
  | { kind: 'paced'; atMs: number }
  | { kind: 'failed'; error: unknown }
  | { kind: 'abandoned' };

/** How long a look at the backlog that could not bring it under the budget holds before the next one. */
const MERGE_RETRY_MS = 60_000;

/**
 * The longest wait a server may impose on the worker (`X-RateLimit-Reset`, `Retry-After`): 3 h, the longest window
 * in which any supported server counts posts (Mastodon: 300 statuses per account in 3 h; its API limit is 300 requests
 * in 5 min, Pleroma and Akkoma count 15 posts in 10 s, GoToSocial requests in 5 min). A reset later than that is no
 * real posting window: a wrong clock, or a broken or hostile proxy. Past it the worker simply asks again (and waits
 * again, at most as long, if the server still refuses).
 */
export const MAX_SERVER_WAIT_MS: number = Math.max(
  ...Object.values(POST_BUDGETS).flatMap((windows) => windows.map((w) => w.windowMs)),
);

/**
 * Posts what the outbox holds, oldest first, and removes an entry only after the server confirmed it (every part of
 * a thread). Retryable failures (network, timeouts, 5xx, 429) pause all posting with exponential backoff and jitter,
 * or until the server's rate-limit reset / Retry-After (never more than `maxServerWaitMs` away). A refused token (401,
 * or 403 with verify_credentials refused too) pauses posting, keeping every entry, until an attempt is accepted again
 * (see {@link OutboxWorker.status}); other 4xx become dead letters. The idempotency key is kept
 * across retries, so a server that honours it can tell a retry of a post that did go through; where error responses
 * are cached under the key (`errorResponsesCached`), it is replaced after an error response; where keys are ignored
 * (`checkBeforeResend`), the account's latest statuses are read before a post whose answer never came is sent again.
 * Posts are paced under the server's posting limits (`budget`); a backlog too big for them is merged per host.
 * The statuses of a post go to `outbox.complete` with its delete: @janitor/store's outbox records them in its
 * notification log, with what the entry (or each entry merged into it) was about, in the same transaction.
 */
export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const {
    outbox,
    publisher,
    logger = silentLogger,
    now = Date.now,
    retryBaseMs = 2000,
    retryMaxMs = 900_000,
    maxServerWaitMs = MAX_SERVER_WAIT_MS,
    idlePollMs = 30_000,
    random = Math.random,
    errorResponsesCached = publisher.instanceType === 'pleroma' || publisher.instanceType === 'akkoma',
    checkBeforeResend = publisher.instanceType === 'gotosocial',
    state,
    mergeHorizonMs = 900_000,
    reserveRatio = 0.1,
    stopGraceMs = 5000,
    onPosted,
    onFailed,
    replyTarget,
    mediaFor,
  } = options;
  // A dry run posts nothing: no server limit to keep under.
  const windows =
    options.budget === undefined ? (publisher.dryRun ? false : POST_BUDGETS[publisher.instanceType]) : options.budget;
  const budget: PostBudget | undefined = windows
    ? createPostBudget({ windows, ...(state ? { state } : {}) })
    : undefined;
  let running = false;
  let generations = 0;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  /** Aborts the post in flight; set while one is. */
  let inFlight: AbortController | undefined;
  /** stop() aborted the post in flight. */
  let abandoned = false;
  /** The last look at the backlog that left it over the budget's capacity (nothing, or not enough, to merge). */
  let lastFruitless: { pending: number; atMs: number } | undefined;
  /** After a retryable failure nothing is sent before this time: the server is down or limiting. */
  let pausedUntilMs = 0;
  /** Set while the server refuses the token: posting waits for an attempt that is accepted. */
  let authPause: { sinceMs: number; error: string; refusals: number; nextCheckAtMs: number } | undefined;

  /** Posts every part of an entry not yet posted, recording progress in the entry as it goes. */
  async function postEntry(entry: OutboxPortEntry): Promise<Outcome> {
    if (!isOutboxPayload(entry.payload)) {
      return {
        kind: 'failed',
        error: new PublishError(`outbox entry ${entry.id} has no known payload`, { retryable: false }),
      };
    }
    const payload: OutboxPayload = entry.payload;
    let parts: StatusDraft[];
    // The reply target found for this attempt (not one the payload carried): dropped if the server lost it.
    let threadTarget: string | undefined;
    try {
      parts = payload.thread?.parts ?? (await publisher.parts(payloadDraft(publisher, payload)));
      if (!payload.thread && !payload.replyDropped && !parts[0]!.inReplyToId && entry.about !== undefined) {
        const target = replyTarget?.(entry.about);
        if (target) {
          parts = [{ ...parts[0]!, inReplyToId: target }, ...parts.slice(1)];
          threadTarget = target;
        }
      }
    } catch (error) {
      return { kind: 'failed', error };
    }
    const postedIds = [...(payload.thread?.postedIds ?? [])];
    // The addresses of the parts posted by an earlier attempt were saved with their ids.
    const urls = new Map<string, string | null>(
      postedIds.map((id, i) => [id, payload.thread?.postedUrls?.[i] ?? null]),
    );
    let dryRun = false;
    const save = (extra: Partial<OutboxPayload>) => {
      const next = { ...payload, ...extra } as OutboxPayload;
      if (parts.length > 1) next.thread = { parts, postedIds, postedUrls: postedIds.map((id) => urls.get(id) ?? null) };
      else delete next.thread;
      if (!('unconfirmed' in extra)) delete next.unconfirmed;
      outbox.update(entry.id, next, { idempotencyKey: entry.idempotencyKey });
    };

    let mediaIds = payload.mediaIds;
    if (mediaIds === undefined && mediaFor && !publisher.dryRun && postedIds.length === 0) {
      mediaIds = [];
      const controller = new AbortController();
      inFlight = controller;
      try {
        for (const file of await mediaFor(payload, entry.about)) {
          mediaIds.push((await publisher.uploadMedia(file, { signal: controller.signal })).id);
        }
      } catch (error) {
        if (abandoned) return { kind: 'abandoned' };
        logger.warn('the post goes out without its image', {
          entry: entry.id,
          error: error instanceof Error ? error.message : String(error),
        });
        mediaIds = [];
      } finally {
        inFlight = undefined;
      }
      save({ mediaIds });
      payload.mediaIds = mediaIds;
    }
    if (mediaIds && mediaIds.length > 0 && postedIds.length === 0) parts[0] = { ...parts[0]!, mediaIds };

    for (let i = postedIds.length; i < parts.length; i++) {
      if (budget) {
        const freeAt = budget.nextFreeAtMs(now());
        if (freeAt > now()) return { kind: 'paced', atMs: freeAt };
      }
      const previous = postedIds[i - 1];
      const part: StatusDraft = i > 0 && previous ? { ...parts[i]!, inReplyToId: previous } : parts[i]!;
      const unconfirmed = payload.unconfirmed?.part === i ? payload.unconfirmed : undefined;
      const controller = new AbortController();
      inFlight = controller;
      const startedAtMs = now();
      let made: PostedStatus | undefined;
      try {
        if (unconfirmed && checkBeforeResend) {
          made = await publisher.findPosted(part, { sinceMs: unconfirmed.sinceMs, signal: controller.signal });
          if (made) logger.info('an unanswered post was made after all: not sending it again', { entry: entry.id });
        }
        if (!made) {
          const posted = await publisher.post(part, {
            idempotencyKey: partKey(entry.idempotencyKey, i),
            signal: controller.signal,
          });
          budget?.spend(now());
          if (posted.dryRun) dryRun = true;
          // A part is posted as one status, unless the server's limit shrank since the parts were made.
          else made = posted.statuses.at(-1);
        }
      } catch (error) {
        const targetGone =
          i === 0 &&
          threadTarget !== undefined &&
          error instanceof PublishError &&
          (error.statusCode === 404 || error.statusCode === 422);
        if (targetGone) {
          logger.warn('the status this post continues is gone: posting it on its own', {
            entry: entry.id,
            inReplyToId: threadTarget,
          });
          // Sent again on its own at the next attempt (under a new key where the server replays errors).
          save({ replyDropped: true });
          return {
            kind: 'failed',
            error: new PublishError(`${error.message} (the status it replied to is gone: posting it on its own)`, {
              retryable: true,
              kind: error.kind,
              ...(error.statusCode === undefined ? {} : { statusCode: error.statusCode }),
            }),
          };
        }
        if (error instanceof PublishError && error.mayHavePosted) {
          // The server may have made it: it counts against the limits, and the entry must not be merged or (where
          // keys are ignored) sent again without looking first.
          budget?.spend(now());
          save({ unconfirmed: { part: i, sinceMs: unconfirmed?.sinceMs ?? startedAtMs } });
        }
        return abandoned ? { kind: 'abandoned' } : { kind: 'failed', error };
      } finally {
        inFlight = undefined;
      }
      postedIds.push(made?.id ?? '');
      if (made) urls.set(made.id, made.url);
      if (i < parts.length - 1 && !dryRun) save({});
    }
    if (dryRun) return { kind: 'posted', result: { dryRun: true, draft: parts[0]!, parts } };
    const statuses = postedIds.map((id) => ({ id, url: urls.get(id) ?? null }));
    const first = statuses[0]!;
    return {
      kind: 'posted',
      result: { dryRun: false, draft: parts[0]!, id: first.id, url: first.url, parts, statuses },
    };
  }

  /** Who a payload's post reaches: its visibility and the accounts it starts by mentioning. */
  function audienceOf(payload: OutboxPayload): string {
    try {
      const draft = payloadDraft(publisher, payload);
      return `${draft.visibility} ${leadingMentions(draft.status).join(' ').toLowerCase()}`;
    } catch {
      return '';
    }
  }

  /**
   * When the pending posts cannot go out within `mergeHorizonMs` under the budget, merges the pending posts of a
   * host into one, biggest hosts first, until they can. Entries that may have been posted are left alone.
   */
  function mergeBacklog(): number {
    if (!budget) return 0;
    const target = Math.max(1, budget.capacity(now(), mergeHorizonMs, reserveRatio));
    let pending = outbox.counts().pending;
    if (pending <= target) return 0;
    // Reading the whole backlog is not repeated at every wake (each accepted message wakes the worker) when the last
    // look found nothing to merge: only once the backlog has grown by a tenth, or a minute later.
    const at = now();
    if (
      lastFruitless !== undefined &&
      pending < lastFruitless.pending * 1.1 &&
      at - lastFruitless.atMs < MERGE_RETRY_MS
    ) {
      return 0;
    }
    const groups = new Map<string, OutboxPortEntry[]>();
    for (const entry of outbox.list({ state: 'pending' })) {
      if (entry.groupKey === null || entry.groupKey === undefined) continue;
      const payload = entry.payload;
      if (!isOutboxPayload(payload) || payload.unconfirmed || (payload.thread?.postedIds.length ?? 0) > 0) continue;
      if (payload.kind === 'answer') continue;
      // Only posts that reach the same people are merged (status_post.by_type routes types apart).
      const key = `${entry.groupKey}\u0000${audienceOf(payload)}`;
      const group = groups.get(key);
      if (group) group.push(entry);
      else groups.set(key, [entry]);
    }
    const biggestFirst = [...groups.entries()]
      .filter(([, entries]) => entries.length > 1)
      .sort(([, a], [, b]) => b.length - a.length || a[0]!.id - b[0]!.id);
    let merged = 0;
    for (const [, entries] of biggestFirst) {
      if (pending <= target) break;
      const payload = mergePayloads(
        entries[0]!.groupKey!,
        entries.map((e) => e.payload as OutboxPayload),
      );
      outbox.replace(
        entries.map((e) => e.id),
        { payload },
      );
      merged += entries.length - 1;
      pending -= entries.length - 1;
    }
    lastFruitless = pending > target ? { pending, atMs: at } : undefined;
    if (merged > 0) {
      logger.warn('too many posts for the server’s limits: merged the posts of the busiest hosts', {
        merged,
        pending,
        target,
      });
    }
    return merged;
  }

  /** Posts due entries, oldest first, while `proceed()` holds (the loop of {@link OutboxWorker.start} stops early). */
  async function drainWhile(proceed: () => boolean): Promise<DrainResult> {
    const result: DrainResult = { posted: 0, retried: 0, dead: 0, merged: 0, resumeAtMs: null };
    if (now() < pausedUntilMs) {
      if (outbox.nextDueAtMs() !== null) result.resumeAtMs = pausedUntilMs;
      return result;
    }
    result.merged = mergeBacklog();
    while (proceed()) {
      const entry = outbox.next(now());
      if (!entry) return result;
      const outcome = await postEntry(entry);
      if (outcome.kind === 'abandoned') {
        // stop() ran out of patience: not a failure of the post, which stays owed.
        logger.warn('post abandoned at stop, kept for the next start', { entry: entry.id });
        return result;
      }
      if (outcome.kind === 'paced') {
        logger.info('posting limit reached: waiting', { entry: entry.id, untilMs: outcome.atMs });
        result.resumeAtMs = outcome.atMs;
        return result;
      }
      if (outcome.kind === 'failed') {
        const { error } = outcome;
        const failure = error instanceof PublishError ? error : undefined;
        const message = error instanceof Error ? error.message : String(error);
        const refusal = failure ? await refusalOf(failure) : 'post';
        if (refusal === 'token') {
          // Not the post's fault: every other post would be refused the same way. Keep them all and pause, trying the
          // token again with the next post after a backoff.
          const refusals = (authPause?.refusals ?? 0) + 1;
          const notBeforeMs = backoffAt(refusals - 1);
          const rotateKey = errorResponsesCached && failure?.statusCode !== undefined;
          outbox.retry(entry.id, { notBeforeMs, error: message, rotateKey });
          if (authPause) logger.debug('the access token is still refused', { entry: entry.id, error: message });
          else {
            logger.error('the server refuses the access token: posting paused, nothing is dropped (janitor login)', {
              entry: entry.id,
              error: message,
            });
          }
          authPause = { sinceMs: authPause?.sinceMs ?? now(), error: message, refusals, nextCheckAtMs: notBeforeMs };
          pausedUntilMs = notBeforeMs;
          result.retried++;
          result.resumeAtMs = notBeforeMs;
          onFailed?.(entry, error, 'retry');
          return result;
        }
        if (refusal === 'unknown' || failure?.retryable || (error as { retryable?: unknown })?.retryable === true) {
          const notBeforeMs = failure ? retryAt(failure, entry.attempts) : backoffAt(entry.attempts);
          const rotateKey = errorResponsesCached && failure?.statusCode !== undefined;
          outbox.retry(entry.id, { notBeforeMs, error: message, rotateKey });
          result.retried++;
          // Nothing else can go out before the server is back: pause everything, not only this entry.
          pausedUntilMs = notBeforeMs;
          result.resumeAtMs = notBeforeMs;
          logger.warn('post failed, will retry', {
            entry: entry.id,
            attempt: entry.attempts + 1,
            retryInMs: notBeforeMs - now(),
            error: message,
          });
          onFailed?.(entry, error, 'retry');
          return result;
        }
        outbox.kill(entry.id, message);
        result.dead++;
        logger.error('post refused, kept as a dead letter', { entry: entry.id, error: message });
        onFailed?.(entry, error, 'dead');
        continue;
      }
      // Outside postEntry's try: if the store cannot delete a posted entry, that is the store failing (thrown to the
      // caller), not the post being refused. The entry stays pending and its next attempt reuses the key. What the
      // server confirmed goes with the delete, so that the store logs the statuses first (a dry run made none).
      const posted = outcome.result;
      if (authPause) {
        logger.info('the server accepts the access token again: posting resumed', {
          pausedMs: now() - authPause.sinceMs,
        });
        authPause = undefined;
      }
      if (posted.dryRun) outbox.complete(entry.id, entry.idempotencyKey);
      else outbox.complete(entry.id, entry.idempotencyKey, { statuses: posted.statuses, postedAtMs: now() });
      result.posted++;
      logger.info('posted', {
        entry: entry.id,
        ...(posted.dryRun ? { dryRun: true } : { url: posted.url }),
        ...(posted.parts.length > 1 ? { parts: posted.parts.length } : {}),
      });
      onPosted?.(entry, posted);
      await outbox.synced?.();
      // A dry run (or a very fast server) answers without I/O: let the process serve its requests between posts.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return result;
  }

  function backoffAt(attempts: number): number {
    const backoff = Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(attempts, 20));
    return Math.round(now() + backoff / 2 + random() * (backoff / 2));
  }

  /** The backoff, or the time the server asked for when later, but never more than `maxServerWaitMs` away. */
  function retryAt(error: PublishError, attempts: number): number {
    const backoff = backoffAt(attempts);
    let asked = Number.NEGATIVE_INFINITY;
    if (error.rateLimitResetAt) asked = error.rateLimitResetAt.getTime();
    if (error.retryAfterMs !== undefined) asked = Math.max(asked, now() + error.retryAfterMs);
    // NaN (an unreadable date) compares false: the backoff.
    if (!(asked > backoff)) return backoff;
    const latest = now() + Math.max(maxServerWaitMs, 0);
    if (asked <= latest) return Math.round(asked);
    logger.warn('the server asked to wait longer than any posting window: waiting at most maxServerWaitMs', {
      askedMs: Number.isFinite(asked) ? Math.round(asked - now()) : String(asked),
      maxServerWaitMs,
    });
    return Math.max(backoff, Math.round(latest));
  }

  /**
   * Whom a failed post's refusal is about: `token` (401; or 403 while verify_credentials is refused too, as Pleroma
   * answers a bad token), `post` (anything else: a 403 for this post while the token is fine), or `unknown` (a 403 and
   * the token could not be checked: wait and try again).
   */
  async function refusalOf(failure: PublishError): Promise<'token' | 'post' | 'unknown'> {
    if (failure.statusCode === 401) return 'token';
    if (failure.statusCode !== 403) return 'post';
    try {
      await publisher.verifyCredentials();
      return 'post';
    } catch (error) {
      return error instanceof AuthError && error.reason === 'unauthorized' ? 'token' : 'unknown';
    }
  }

  /** The loop of {@link OutboxWorker.start}: runs while `proceed()` holds. */
  async function run(proceed: () => boolean) {
    while (proceed()) {
      let waitMs: number;
      try {
        const drained = await drainWhile(proceed);
        const due = drained.resumeAtMs ?? outbox.nextDueAtMs();
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
    status: () =>
      authPause
        ? { paused: 'auth', sinceMs: authPause.sinceMs, error: authPause.error, nextCheckAtMs: authPause.nextCheckAtMs }
        : { paused: null },
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
