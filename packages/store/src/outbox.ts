import { randomUUID } from 'node:crypto';
import { isPostAbout, type PostAbout } from '@janitor/protocol';
import type { StoreContext } from './database.ts';
import type { NotificationInput, Notifications } from './notifications.ts';
import { StoreError } from './store-error.ts';

/** `pending`: waiting to be posted (now or after its backoff). `dead`: failed for good, kept until revived by hand. */
export type OutboxState = 'pending' | 'dead';

/** One post waiting in the outbox. */
export interface OutboxEntry {
  /** Increases with every enqueue and is never reused: id order is posting order. */
  id: number;
  createdAtMs: number;
  /** What to post: JSON chosen by the caller (a rendered status draft, a message...), read back as a copy. */
  payload: unknown;
  /** Keeps order within a group (e.g. the hostname): see {@link Outbox.next}. `null`: no ordering constraint. */
  groupKey: string | null;
  /** A random UUID given at enqueue, sent as `Idempotency-Key`; replaced by `retry({ rotateKey })`, `revive`, `replace`. */
  idempotencyKey: string;
  /** Failed attempts recorded by `retry` and `kill`. */
  attempts: number;
  /** Not to be tried before this time (epoch ms). */
  notBeforeMs: number;
  lastError: string | null;
  state: OutboxState;
  /**
   * What the post is about, when the caller said (absent otherwise). A merged entry keeps the one of the entry it
   * was (the oldest); the notification log gets a row for each entry merged into it.
   */
  about?: PostAbout;
}

/** A post to add to the outbox. */
export interface EnqueueInput {
  payload: unknown;
  /** @default null */
  groupKey?: string | null;
  /** @default now */
  notBeforeMs?: number;
  /**
   * What the post is about: logged with its status id once the server confirmed it (see {@link Outbox.complete}).
   * @default null (logged as `{ kind: 'report' }`)
   */
  about?: PostAbout | null;
}

/** What the server confirmed of a post: its statuses (several for a thread, first part first). */
export interface ConfirmedPost {
  statuses: readonly { id: string; url: string | null }[];
  /** When it was confirmed (epoch ms). @default now() */
  postedAtMs?: number;
}

/** A failed attempt that may succeed later. */
export interface RetryInput {
  /** When to try again (epoch ms). */
  notBeforeMs: number;
  error: string;
  /**
   * Give the entry a new idempotency key, for a server that replays the cached answer of a key (Pleroma and Akkoma
   * answer a retried key after a 429 with the same 429). Only when the post is known not to have been made.
   * @default false
   */
  rotateKey?: boolean;
}

/** The post that replaces several pending ones. */
export interface ReplaceInput {
  payload: unknown;
  /** @default the groupKey of the oldest replaced entry */
  groupKey?: string | null;
  /** @default the notBeforeMs of the oldest replaced entry */
  notBeforeMs?: number;
}

/** Optional guard of {@link Outbox.update}. */
export interface UpdateOptions {
  /** Update only if the entry still has this idempotency key (it was not merged or revived meanwhile). */
  idempotencyKey?: string;
}

/** Which entries {@link Outbox.list} returns. */
export interface ListFilter {
  /** @default both states */
  state?: OutboxState;
  /** @default all */
  limit?: number;
}

/** The size of the outbox. */
export interface OutboxCounts {
  pending: number;
  dead: number;
  /** `createdAtMs` of the oldest pending entry (epoch ms), or null when nothing is pending. */
  oldestPendingMs: number | null;
}

/** The durable queue of posts: written before the sender is acknowledged, emptied only on the server's confirmation. */
export interface Outbox {
  /**
   * Adds a post. Committed when it returns; safe to acknowledge the sender once {@link Outbox.synced} resolved (at once
   * unless the store's durability is `background`).
   */
  enqueue(input: EnqueueInput): OutboxEntry;
  /** Resolves once everything committed so far survives a power cut (the store's `synced`). */
  synced(): Promise<void>;
  /** Adds several posts in ONE transaction (group commit for bursts), in the order given. */
  enqueueMany(inputs: readonly EnqueueInput[]): OutboxEntry[];
  /** The entry with this id, whatever its state. */
  get(id: number): OutboxEntry | undefined;
  /**
   * The oldest pending entry that is due at `nowMs`, in id order. An entry is not returned while an OLDER pending
   * entry of the same groupKey waits (per-host order is kept, even across a backoff); entries of other groups, and
   * entries without a group, may overtake it. Dead entries block nothing.
   * @param nowMs @default now()
   */
  next(nowMs?: number): OutboxEntry | undefined;
  /**
   * When {@link next} will next return something (epoch ms; in the past when something is due now), or null when
   * nothing is pending: what a worker sleeps until.
   */
  nextDueAtMs(): number | null;
  /**
   * Confirmed by the server: deletes the entry. With `idempotencyKey`, deletes it only if it still has that key, so a
   * worker cannot delete an entry that {@link replace} rewrote while its post was in flight. With `posted`, first
   * records its statuses in the notification log (`store.notifications`), in the same transaction: one row per
   * status and per entry the post stands for (itself, or every entry merged into it), about what each was enqueued
   * about (`{ kind: 'report' }` when it was not said). Nothing is recorded when nothing is deleted.
   * @returns whether an entry was deleted.
   */
  complete(id: number, idempotencyKey?: string, posted?: ConfirmedPost): boolean;
  /** Failed retryably: attempts + 1, notBeforeMs, lastError. @returns false when no such pending entry. */
  retry(id: number, input: RetryInput): boolean;
  /** Failed for good (a 4xx other than 429): kept as a dead letter. attempts + 1. @returns false when not pending. */
  kill(id: number, error: string): boolean;
  /**
   * Dead letter back to pending, due now, attempts reset to 0, with a new idempotency key (a server that cached the
   * failure of the old key would replay it). Keeps its id, so it goes before later entries of its group.
   * @returns false when no such dead entry.
   */
  revive(id: number): boolean;
  /**
   * Makes an entry due now, whatever its state (`janitor outbox retry`): a dead letter is revived (see
   * {@link revive}); a pending entry only has its wait cut short, keeping its key (its post may have been made) and
   * its attempts.
   * @returns the state the entry was in, or undefined when there is no such entry.
   */
  retryNow(id: number): OutboxState | undefined;
  /** Entries in id order. */
  list(filter?: ListFilter): OutboxEntry[];
  counts(): OutboxCounts;
  /**
   * Replaces several pending entries by one (merging a storm of alerts for one host), in one transaction. The merged
   * entry IS the oldest replaced entry with a new payload: it keeps that entry's id (so its place in the posting
   * order: the host's news is not pushed behind traffic that arrived later), createdAtMs, attempts, notBeforeMs (the
   * backoff the worker chose still holds) and lastError, and gets a new idempotency key (the text changed). The
   * other entries are deleted, and what each was about is kept with the merged entry, for the notification log. Merge
   * a group's pending entries from its oldest (typically all of them), or later entries of the group would be posted
   * after content that was queued after them.
   * @throws StoreError when `ids` is empty or one of them is not a pending entry (nothing is changed).
   */
  replace(ids: readonly number[], input: ReplaceInput): OutboxEntry;
  /**
   * Rewrites the payload of a pending entry in place, keeping everything else (id, key, attempts, due time): the
   * worker records its progress there (the parts of a thread already posted). With `idempotencyKey`, only if the
   * entry still has that key.
   * @returns false when no such pending entry (or the key changed): nothing was written.
   */
  update(id: number, payload: unknown, options?: UpdateOptions): boolean;
}

interface Row {
  id: number;
  createdAtMs: number;
  payload: string;
  groupKey: string | null;
  idempotencyKey: string;
  attempts: number;
  notBeforeMs: number;
  lastError: string | null;
  state: OutboxState;
  about: string | null;
}

/** One thing a post stands for, kept in a merged entry's `merged` column (JSON). */
interface Subject {
  outboxId: number;
  groupKey: string | null;
  about: PostAbout | null;
}

const COLUMNS = `id, created_at_ms AS createdAtMs, payload, group_key AS groupKey, idempotency_key AS idempotencyKey,
  attempts, not_before_ms AS notBeforeMs, last_error AS lastError, state, about`;

const REPORT: PostAbout = { kind: 'report' };

// A pending entry that no older pending entry of its group waits before: the head of its group.
const IS_GROUP_HEAD = `(o.group_key IS NULL OR NOT EXISTS (
  SELECT 1 FROM outbox AS p WHERE p.group_key = o.group_key AND p.state = 'pending' AND p.id < o.id))`;

/** The outbox of a store, over its connection; `log` records what {@link Outbox.complete} is told was posted. */
export function createOutbox(context: StoreContext, log: Pick<Notifications, 'recordMany'>): Outbox {
  const { db, now, guard, transaction } = context;
  const insert = db.prepare(
    `INSERT INTO outbox (created_at_ms, payload, group_key, idempotency_key, not_before_ms, about)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const selectOne = db.prepare(`SELECT ${COLUMNS} FROM outbox WHERE id = ?`);
  const selectNext = db.prepare(
    `SELECT ${COLUMNS} FROM outbox AS o WHERE o.state = 'pending' AND o.not_before_ms <= ? AND ${IS_GROUP_HEAD}
     ORDER BY o.id LIMIT 1`,
  );
  const selectNextDue = db.prepare(
    `SELECT min(o.not_before_ms) AS dueAtMs FROM outbox AS o WHERE o.state = 'pending' AND ${IS_GROUP_HEAD}`,
  );
  // Anonymous parameters only: Node 22's node:sqlite binds numbered ones (?1, ?2) wrongly (column index out of range).
  const deleteOne = db.prepare('DELETE FROM outbox WHERE id = ? AND (? IS NULL OR idempotency_key = ?)');
  const selectSubjects = db.prepare(
    `SELECT id, group_key AS groupKey, about, merged FROM outbox WHERE id = ? AND (? IS NULL OR idempotency_key = ?)`,
  );
  const updateRetry = db.prepare(
    `UPDATE outbox SET attempts = attempts + 1, not_before_ms = ?, last_error = ?,
       idempotency_key = coalesce(?, idempotency_key) WHERE id = ? AND state = 'pending'`,
  );
  const updateKill = db.prepare(
    `UPDATE outbox SET state = 'dead', attempts = attempts + 1, last_error = ? WHERE id = ? AND state = 'pending'`,
  );
  const updateRevive = db.prepare(
    `UPDATE outbox SET state = 'pending', attempts = 0, not_before_ms = ?, idempotency_key = ?
     WHERE id = ? AND state = 'dead'`,
  );
  const updateDueNow = db.prepare(
    `UPDATE outbox SET not_before_ms = min(not_before_ms, ?) WHERE id = ? AND state = 'pending'`,
  );
  const selectList = db.prepare(`SELECT ${COLUMNS} FROM outbox WHERE (? IS NULL OR state = ?) ORDER BY id LIMIT ?`);
  const selectCounts = db.prepare(
    `SELECT count(*) FILTER (WHERE state = 'pending') AS pending, count(*) FILTER (WHERE state = 'dead') AS dead,
       min(created_at_ms) FILTER (WHERE state = 'pending') AS oldestPendingMs FROM outbox`,
  );
  const selectPendingIds = db.prepare(
    `SELECT id FROM outbox WHERE id IN (SELECT value FROM json_each(?)) AND state = 'pending' ORDER BY id`,
  );
  const updateReplace = db.prepare(
    `UPDATE outbox SET payload = ?, group_key = ?, idempotency_key = ?, not_before_ms = coalesce(?, not_before_ms),
       merged = ? WHERE id = ?`,
  );
  const deleteMany = db.prepare('DELETE FROM outbox WHERE id IN (SELECT value FROM json_each(?))');
  const updatePayload = db.prepare(
    `UPDATE outbox SET payload = ? WHERE id = ? AND state = 'pending' AND (? IS NULL OR idempotency_key = ?)`,
  );

  const insertOne = (input: EnqueueInput): OutboxEntry => {
    const createdAtMs = clockMs(now());
    const payload = toJson(input.payload, 'outbox payload');
    const groupKey = input.groupKey ?? null;
    const idempotencyKey = randomUUID();
    const notBeforeMs = input.notBeforeMs === undefined ? createdAtMs : timeMs(input.notBeforeMs, 'notBeforeMs');
    const about = input.about ?? null;
    if (about !== null && !isPostAbout(about)) {
      throw new TypeError(`outbox about is not a PostAbout: ${JSON.stringify(about)}`);
    }
    const aboutJson = about === null ? null : JSON.stringify(about);
    const { lastInsertRowid } = insert.run(createdAtMs, payload, groupKey, idempotencyKey, notBeforeMs, aboutJson);
    const entry: OutboxEntry = {
      id: Number(lastInsertRowid),
      createdAtMs,
      payload: JSON.parse(payload),
      groupKey,
      idempotencyKey,
      attempts: 0,
      notBeforeMs,
      lastError: null,
      state: 'pending',
    };
    if (aboutJson !== null) entry.about = JSON.parse(aboutJson);
    return entry;
  };
  const getOne = (id: number) => toEntry(selectOne.get(id) as Row | undefined);
  /** What the entry's post stands for: itself, or every entry merged into it. Undefined when it is gone. */
  const subjectsOf = (id: number, idempotencyKey: string | null): Subject[] | undefined => {
    const row = selectSubjects.get(id, idempotencyKey, idempotencyKey) as
      | { id: number; groupKey: string | null; about: string | null; merged: string | null }
      | undefined;
    if (row === undefined) return undefined;
    if (row.merged !== null) return JSON.parse(row.merged) as Subject[];
    return [{ outboxId: row.id, groupKey: row.groupKey, about: row.about === null ? null : JSON.parse(row.about) }];
  };
  const completeOne = (id: number, idempotencyKey: string | null, posted: ConfirmedPost): boolean =>
    transaction(() => {
      const subjects = subjectsOf(id, idempotencyKey);
      if (subjects === undefined) return false;
      const postedAtMs = posted.postedAtMs ?? now();
      const rows: NotificationInput[] = posted.statuses.flatMap((status, part) =>
        subjects.map((subject) => ({
          statusId: status.id,
          url: status.url,
          postedAtMs,
          part,
          outboxId: subject.outboxId,
          groupKey: subject.groupKey,
          about: subject.about ?? REPORT,
        })),
      );
      // Logged before the entry goes, in one commit: a post is never forgotten while its entry is deleted.
      log.recordMany(rows);
      return deleteOne.run(id, idempotencyKey, idempotencyKey).changes > 0;
    });

  return {
    // One statement in autocommit mode is its own transaction: committed (and, with synchronous FULL, fsynced) when
    // run() returns.
    synced: context.synced,
    enqueue: (input) => guard('outbox.enqueue', () => insertOne(input)),
    enqueueMany: (inputs) => guard('outbox.enqueueMany', () => transaction(() => inputs.map(insertOne))),
    get: (id) => guard('outbox.get', () => getOne(id)),
    next: (nowMs) =>
      guard('outbox.next', () => toEntry(selectNext.get(nowMs === undefined ? now() : nowMs) as Row | undefined)),
    nextDueAtMs: () => guard('outbox.nextDueAtMs', () => (selectNextDue.get() as { dueAtMs: number | null }).dueAtMs),
    complete: (id, idempotencyKey, posted) =>
      guard('outbox.complete', () =>
        posted === undefined
          ? deleteOne.run(id, idempotencyKey ?? null, idempotencyKey ?? null).changes > 0
          : completeOne(id, idempotencyKey ?? null, posted),
      ),
    retry: (id, input) =>
      guard(
        'outbox.retry',
        () =>
          updateRetry.run(
            timeMs(input.notBeforeMs, 'notBeforeMs'),
            String(input.error),
            input.rotateKey ? randomUUID() : null,
            id,
          ).changes > 0,
      ),
    kill: (id, error) => guard('outbox.kill', () => updateKill.run(String(error), id).changes > 0),
    revive: (id) => guard('outbox.revive', () => updateRevive.run(clockMs(now()), randomUUID(), id).changes > 0),
    retryNow: (id) =>
      guard('outbox.retryNow', () =>
        transaction(() => {
          if (updateRevive.run(clockMs(now()), randomUUID(), id).changes > 0) return 'dead';
          if (updateDueNow.run(clockMs(now()), id).changes > 0) return 'pending';
          return undefined;
        }),
      ),
    list: (filter = {}) =>
      guard('outbox.list', () =>
        (selectList.all(filter.state ?? null, filter.state ?? null, limitOf(filter.limit)) as unknown as Row[]).map(
          (row) => toEntry(row)!,
        ),
      ),
    counts: () => guard('outbox.counts', () => ({ ...(selectCounts.get() as unknown as OutboxCounts) })),
    replace: (ids, input) =>
      guard('outbox.replace', () => {
        const payload = toJson(input.payload, 'outbox payload');
        const notBeforeMs = input.notBeforeMs === undefined ? null : timeMs(input.notBeforeMs, 'notBeforeMs');
        const wanted = [...new Set(ids)];
        return transaction(() => {
          const found = (selectPendingIds.all(JSON.stringify(wanted)) as { id: number }[]).map((r) => r.id);
          if (wanted.length === 0 || found.length !== wanted.length) {
            const missing = wanted.filter((id) => !found.includes(id));
            throw new StoreError(
              wanted.length === 0
                ? `store outbox.replace failed at ${context.path}: no entries given`
                : `store outbox.replace failed at ${context.path}: not pending: ${missing.join(', ')}`,
              { path: context.path, retryable: false },
            );
          }
          const oldest = getOne(found[0]!)!;
          const groupKey = input.groupKey === undefined ? oldest.groupKey : input.groupKey;
          const merged = found.flatMap((id) => subjectsOf(id, null)!);
          updateReplace.run(payload, groupKey, randomUUID(), notBeforeMs, JSON.stringify(merged), oldest.id);
          deleteMany.run(JSON.stringify(found.slice(1)));
          return getOne(oldest.id)!;
        });
      }),
    update: (id, payload, options = {}) =>
      guard('outbox.update', () => {
        const key = options.idempotencyKey ?? null;
        return updatePayload.run(toJson(payload, 'outbox payload'), id, key, key).changes > 0;
      }),
  };
}

function toEntry(row: Row | undefined): OutboxEntry | undefined {
  if (row === undefined) return undefined;
  const { about, ...rest } = row;
  const entry: OutboxEntry = { ...rest, payload: JSON.parse(row.payload) };
  if (about !== null) entry.about = JSON.parse(about);
  return entry;
}

function toJson(value: unknown, what: string): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`${what} is not JSON-serialisable (got ${typeof value})`);
  return text;
}

/** A time given by the caller, as whole ms, rounded up: "not before 1.5" means not before 2. */
function timeMs(value: number, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`${what} must be a finite number`);
  return Math.ceil(value);
}

function clockMs(value: number): number {
  if (!Number.isFinite(value)) throw new TypeError(`the store's clock returned ${value}`);
  return Math.floor(value);
}

function limitOf(limit: number | undefined): number {
  if (limit === undefined) return -1;
  if (!Number.isInteger(limit) || limit < 0) throw new TypeError(`limit must be a non-negative integer, got ${limit}`);
  return limit;
}
