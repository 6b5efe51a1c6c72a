import { isPostAbout, type PostAbout } from '@janitor/protocol';
import type { StoreContext } from './database.ts';

/**
 * How long a hub keeps the notification log by default: 400 days, at least as long as the alert history it explains
 * (a reply to a post of last year's incident still finds what it was about). The caller decides and calls
 * {@link Notifications.purge}; the store never drops rows by itself.
 */
export const DEFAULT_NOTIFICATION_RETENTION_MS = 400 * 24 * 60 * 60 * 1000;

/** A status the server confirmed, to record with what it was about. */
export interface NotificationInput {
  /** The status id the server gave. */
  statusId: string;
  /** Its public address; null when the server gave none. */
  url: string | null;
  /** When the server confirmed it (epoch ms). */
  postedAtMs: number;
  /** The outbox entry it was posted from. @default null */
  outboxId?: number | null;
  /** That entry's group (typically the host). @default null */
  groupKey?: string | null;
  about: PostAbout;
  /** Its place in a thread, from 0 (a post too long for one status is posted as replies). @default 0 */
  part?: number;
}

/** A row of the notification log: one status and one thing it was about. */
export interface NotificationEntry {
  /** Increases with every row recorded: in a tie of `postedAtMs`, the later row has the higher id. */
  id: number;
  statusId: string;
  url: string | null;
  postedAtMs: number;
  /** Its place in a thread, from 0. */
  part: number;
  outboxId: number | null;
  groupKey: string | null;
  about: PostAbout;
}

/** One incident of one alert: what {@link Notifications.firstOfIncident} and `lastOfIncident` look for. */
export interface IncidentRef {
  host: string;
  /** The alert's key (`cpu_percent`, `disk_usage_percent@/data`, `host_silent`). */
  key: string;
  /** When the incident began (epoch ms), as recorded in the posts' `about`. */
  incidentStartMs: number;
}

/**
 * The notification log: every status the server confirmed and what it was about, written by the outbox (see
 * `Outbox.complete`) before the entry is deleted. Threads reply to the last status of an incident, and a reply is
 * recognised by the status it answers. A post about several things (entries merged into one status) has a row per
 * thing, all with the same status id; a thread has a row per status, `part` 0 first.
 */
export interface Notifications {
  /** Records one status. Durable when it returns. @throws TypeError for an input the log cannot hold. */
  record(entry: NotificationInput): NotificationEntry;
  /** Records several statuses in one transaction, in the order given: all of them or none. */
  recordMany(entries: readonly NotificationInput[]): NotificationEntry[];
  /** The first status posted about this incident (its announcement), or undefined. */
  firstOfIncident(incident: IncidentRef): NotificationEntry | undefined;
  /** The latest status posted about this incident (what a new post of the incident replies to), or undefined. */
  lastOfIncident(incident: IncidentRef): NotificationEntry | undefined;
  /**
   * The first status of message thread `thread` posted at or after `sinceMs` (epoch ms): what a new message of the
   * thread replies to. Undefined when none (the new message starts the thread).
   */
  firstOfThread(thread: string, sinceMs: number): NotificationEntry | undefined;
  /**
   * The status a new post about `about` replies to: an alert's incident continues after its latest status, a message
   * with a thread key after the thread's first status within `threadWindowMs` before `nowMs`. Undefined: a new thread.
   */
  replyTarget(about: PostAbout, options: { nowMs: number; threadWindowMs: number }): string | undefined;
  /** What status `statusId` is about: its first row (a merged post's oldest entry), or undefined when not ours. */
  about(statusId: string): NotificationEntry | undefined;
  /** Every row of status `statusId` (one per thing a merged post was about), in the order recorded. */
  allAbout(statusId: string): NotificationEntry[];
  /**
   * Deletes the rows of statuses posted before `olderThanMs` (epoch ms). Keep them at least as long as the alert
   * history ({@link DEFAULT_NOTIFICATION_RETENTION_MS}): an incident older than the log has no first status any more.
   * @returns how many rows were deleted.
   */
  purge(olderThanMs: number): number;
}

interface Row {
  id: number;
  statusId: string;
  url: string | null;
  postedAtMs: number;
  part: number;
  outboxId: number | null;
  groupKey: string | null;
  about: string;
}

const COLUMNS = `id, status_id AS statusId, url, posted_at_ms AS postedAtMs, part, outbox_id AS outboxId,
  group_key AS groupKey, about`;

// The predicate notification_by_incident is declared with (kind = 'alert'): kept in the query so the index is used.
// The parameters are cast to their columns' types: SQLite (3.54) otherwise makes the plan of these ORDER BY ... LIMIT
// queries depend on the values bound, and prepares the statement again at every call (12 µs a lookup instead of 7,
// ~90 µs in a busy hub: one per post, for its thread). The columns are STRICT TEXT and INTEGER: the casts change no
// result.
const OF_INCIDENT = `kind = 'alert' AND host = CAST(? AS TEXT) AND alert_key = CAST(? AS TEXT)
  AND incident_start_ms = CAST(? AS INTEGER)`;

/** The notification log of a store, over its connection. */
export function createNotifications(context: StoreContext): Notifications {
  const { db, guard, transaction } = context;
  const insert = db.prepare(
    `INSERT INTO notification (status_id, url, posted_at_ms, part, outbox_id, group_key, kind, host, alert_key,
       incident_start_ms, about, thread_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const selectThread = db.prepare(
    `SELECT ${COLUMNS} FROM notification WHERE thread_key = ? AND posted_at_ms >= ? ORDER BY posted_at_ms, id LIMIT 1`,
  );
  const selectFirst = db.prepare(
    `SELECT ${COLUMNS} FROM notification WHERE ${OF_INCIDENT} ORDER BY posted_at_ms, id LIMIT 1`,
  );
  const selectLast = db.prepare(
    `SELECT ${COLUMNS} FROM notification WHERE ${OF_INCIDENT} ORDER BY posted_at_ms DESC, id DESC LIMIT 1`,
  );
  const selectStatus = db.prepare(`SELECT ${COLUMNS} FROM notification WHERE status_id = ? ORDER BY id`);
  const deleteOlder = db.prepare('DELETE FROM notification WHERE posted_at_ms < ?');

  const insertOne = (input: NotificationInput): NotificationEntry => {
    const entry = checkInput(input);
    const { about } = entry;
    const alert = about.kind === 'alert' ? about : undefined;
    const host = alert ? alert.host : about.kind === 'message' ? (about.host ?? null) : null;
    // run(), not get() on INSERT ... RETURNING: get() returns the row even when the implicit commit then fails.
    const { lastInsertRowid } = insert.run(
      entry.statusId,
      entry.url,
      entry.postedAtMs,
      entry.part,
      entry.outboxId,
      entry.groupKey,
      about.kind,
      host,
      alert?.key ?? null,
      alert ? Math.trunc(alert.incidentStartMs) : null,
      JSON.stringify(about),
      about.kind === 'message' && about.thread ? about.thread : null,
    );
    return { ...entry, id: Number(lastInsertRowid) };
  };
  const incidentRow = (statement: typeof selectFirst, incident: IncidentRef) =>
    toEntry(statement.get(incident.host, incident.key, Math.trunc(incident.incidentStartMs)) as Row | undefined);

  return {
    record: (input) => guard('notifications.record', () => insertOne(input)),
    recordMany: (inputs) => guard('notifications.recordMany', () => transaction(() => inputs.map(insertOne))),
    firstOfIncident: (incident) => guard('notifications.firstOfIncident', () => incidentRow(selectFirst, incident)),
    lastOfIncident: (incident) => guard('notifications.lastOfIncident', () => incidentRow(selectLast, incident)),
    firstOfThread: (thread, sinceMs) =>
      guard('notifications.firstOfThread', () =>
        toEntry(selectThread.get(thread, Math.trunc(sinceMs)) as Row | undefined),
      ),
    replyTarget: (about, { nowMs, threadWindowMs }) =>
      guard('notifications.replyTarget', () => {
        if (about.kind === 'alert') return incidentRow(selectLast, about)?.statusId;
        if (about.kind === 'message' && about.thread) {
          return toEntry(selectThread.get(about.thread, Math.trunc(nowMs - threadWindowMs)) as Row | undefined)
            ?.statusId;
        }
        return undefined;
      }),
    about: (statusId) => guard('notifications.about', () => toEntry(selectStatus.get(statusId) as Row | undefined)),
    allAbout: (statusId) =>
      guard('notifications.allAbout', () =>
        (selectStatus.all(statusId) as unknown as Row[]).map((row) => toEntry(row)!),
      ),
    purge: (olderThanMs) => {
      if (typeof olderThanMs !== 'number' || Number.isNaN(olderThanMs)) {
        throw new TypeError(`purge needs a time (epoch ms), got ${olderThanMs}`);
      }
      return guard('notifications.purge', () => Number(deleteOlder.run(olderThanMs).changes));
    },
  };
}

/** The input with its defaults, as it will be stored. @throws TypeError naming the first field that is wrong. */
function checkInput(input: NotificationInput): Omit<NotificationEntry, 'id'> {
  const { statusId, url, postedAtMs, outboxId = null, groupKey = null, about, part = 0 } = input;
  if (typeof statusId !== 'string' || statusId === '') throw new TypeError('a notification needs a status id');
  if (url !== null && typeof url !== 'string') throw new TypeError(`notification url must be a string or null`);
  if (typeof postedAtMs !== 'number' || !Number.isFinite(postedAtMs)) {
    throw new TypeError(`notification postedAtMs must be a finite time, got ${postedAtMs}`);
  }
  if (outboxId !== null && !Number.isSafeInteger(outboxId)) {
    throw new TypeError(`notification outboxId must be an integer or null, got ${outboxId}`);
  }
  if (groupKey !== null && typeof groupKey !== 'string') {
    throw new TypeError('notification groupKey must be a string or null');
  }
  if (!Number.isSafeInteger(part) || part < 0) throw new TypeError(`notification part must be >= 0, got ${part}`);
  if (!isPostAbout(about)) throw new TypeError(`notification about is not a PostAbout: ${JSON.stringify(about)}`);
  return { statusId, url, postedAtMs: Math.trunc(postedAtMs), part, outboxId, groupKey, about };
}

function toEntry(row: Row | undefined): NotificationEntry | undefined {
  if (row === undefined) return undefined;
  return {
    id: row.id,
    statusId: row.statusId,
    url: row.url,
    postedAtMs: row.postedAtMs,
    part: row.part,
    outboxId: row.outboxId,
    groupKey: row.groupKey,
    about: JSON.parse(row.about) as PostAbout,
  };
}
