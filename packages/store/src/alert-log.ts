import {
  ALERT_LOG_ENDINGS,
  ALERT_LOG_OPEN,
  ALERT_LOG_TRANSITIONS,
  type AlertLogEntry,
  type AlertLogTransition,
  isMessageType,
  type MessageType,
} from '@janitor/protocol';
import type { StoreContext } from './database.ts';
import { decodeLogCursor, type LogPage, logTime, pageSize, statementCache, toPage } from './log-page.ts';

/** A transition to record in the alert log. Times are epoch milliseconds. */
export interface AlertLogInput {
  atMs: number;
  hostname: string;
  /** The alert's key (`cpu_percent`, `disk_usage_percent@/data`, `host_silent`). */
  key: string;
  /** Its name as posts show it (`CPU %`). */
  label: string;
  transition: AlertLogTransition;
  /** @default null */
  level?: MessageType | null;
  /** @default null */
  value?: number | null;
  /** @default null */
  limit?: number | null;
  /** @default null */
  incidentStartMs?: number | null;
  /** When the incident ended (`resolved`, `host_back`); its duration is `endMs - incidentStartMs`. @default null */
  endMs?: number | null;
  /** The incident's worst value (`resolved`, `host_back`). @default null */
  peak?: number | null;
  /** The outbox entry of the post that tells it, when one was queued: its status URL is joined from there. @default null */
  outboxId?: number | null;
  /** `acknowledged`: who did (`user@domain`). @default null */
  by?: string | null;
}

/** Which rows {@link AlertLog.list} returns, newest first. */
export interface AlertLogFilter {
  /**
   * `firing`: the latest row of each alert whose incident is still open (`ALERT_LOG_OPEN`); `resolved`: the rows that
   * ended an incident (`resolved`, `host_back`), one per incident. @default every row
   */
  state?: 'firing' | 'resolved';
  /** Only this host's rows. */
  host?: string;
  /** Only these hosts' rows (a token limited to some hosts); an empty list matches nothing. */
  hosts?: readonly string[];
  /** Only rows at or after this time (epoch ms). */
  fromMs?: number;
  /** @default 50, at most 500 */
  limit?: number;
  /** The `next` of the previous page. */
  cursor?: string;
}

/**
 * The alert log: every transition of every alert of every host (pending, firing, escalated, repeated, resolved,
 * held back by a silence, host silent and back), with its level, value, limit and incident; a row that ends an
 * incident also has its end, duration and peak. The alert engine records in the transaction that writes the alert's
 * state and queues its post, so the log and the state never disagree. The status URL of a row whose post was made is
 * read from the notification log, by outbox entry.
 */
export interface AlertLog {
  /** Records one row (inside the caller's transaction, if one is open). @throws TypeError for an input it cannot hold */
  record(input: AlertLogInput): AlertLogEntry;
  /** Records several rows in one transaction (a savepoint inside the caller's), in order: all or none. */
  recordMany(inputs: readonly AlertLogInput[]): AlertLogEntry[];
  /**
   * One page of rows, newest first (by time, then by the order recorded), and the cursor of the next one.
   * @throws LogCursorError for a cursor this log did not hand out; TypeError for a limit outside 1..500
   */
  list(filter?: AlertLogFilter): LogPage<AlertLogEntry>;
  /** Deletes the rows older than `olderThanMs` (epoch ms). @returns how many */
  purge(olderThanMs: number): number;
}

/** A row as the list query reads it: the entry but for its duration, which is computed. */
type Row = Omit<AlertLogEntry, 'durationMs'>;

const TAG = 'a';
const quoted = (list: readonly string[]) => list.map((t) => `'${t}'`).join(', ');

// The first status of the post (a thread's part 0), by the outbox entry it was posted from (notification_by_outbox).
const COLUMNS = `a.id, a.at_ms AS atMs, a.hostname, a.key, a.label, a.transition, a.level, a.value,
  a.limit_value AS "limit", a.incident_start_ms AS incidentStartMs, a.end_ms AS endMs, a.peak, a.actor AS by,
  CASE WHEN a.outbox_id IS NULL THEN NULL ELSE (SELECT n.url FROM notification AS n
    WHERE n.outbox_id = a.outbox_id ORDER BY n.part, n.id LIMIT 1) END AS statusUrl`;

/** The alert log of a store, over its connection. */
export function createAlertLog(context: StoreContext): AlertLog {
  const { db, guard, transaction } = context;
  const insert = db.prepare(
    `INSERT INTO alert_log (at_ms, hostname, key, label, transition, level, value, limit_value, incident_start_ms,
       end_ms, peak, outbox_id, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const deleteOlder = db.prepare('DELETE FROM alert_log WHERE at_ms < ?');
  const statement = statementCache((sql) => db.prepare(sql));

  const insertOne = (input: AlertLogInput): AlertLogEntry => {
    const row = checkInput(input);
    const { lastInsertRowid } = insert.run(
      row.atMs,
      row.hostname,
      row.key,
      row.label,
      row.transition,
      row.level,
      row.value,
      row.limit,
      row.incidentStartMs,
      row.endMs,
      row.peak,
      row.outboxId,
      row.by,
    );
    const { outboxId: _, ...entry } = row;
    return toEntry({ ...entry, id: Number(lastInsertRowid), statusUrl: null });
  };

  const list = (filter: AlertLogFilter): LogPage<AlertLogEntry> => {
    const size = pageSize(filter.limit);
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.state === 'resolved') where.push(`a.transition IN (${quoted(ALERT_LOG_ENDINGS)})`);
    if (filter.state === 'firing') {
      // The latest row of each alert, kept when it leaves the incident open.
      const hostOnly = filter.host === undefined ? '' : 'WHERE hostname = ?';
      where.push(`a.id IN (SELECT max(id) FROM alert_log ${hostOnly} GROUP BY hostname, key)`);
      if (filter.host !== undefined) args.push(filter.host);
      where.push(`a.transition IN (${quoted(ALERT_LOG_OPEN)})`);
    }
    if (filter.host !== undefined) {
      where.push('a.hostname = ?');
      args.push(filter.host);
    }
    if (filter.hosts !== undefined) {
      where.push('a.hostname IN (SELECT value FROM json_each(?))');
      args.push(JSON.stringify(filter.hosts));
    }
    if (filter.fromMs !== undefined) {
      where.push('a.at_ms >= ?');
      args.push(logTime(filter.fromMs, 'fromMs'));
    }
    if (filter.cursor !== undefined) {
      const after = decodeLogCursor(TAG, filter.cursor);
      where.push('(a.at_ms, a.id) < (?, ?)');
      args.push(after.atMs, after.id);
    }
    const sql = `SELECT ${COLUMNS} FROM alert_log AS a ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
      ORDER BY a.at_ms DESC, a.id DESC LIMIT ?`;
    const rows = statement(sql).all(...args, size + 1) as unknown as Row[];
    return toPage(TAG, rows, size, toEntry);
  };

  return {
    record: (input) => guard('alertLog.record', () => insertOne(input)),
    recordMany: (inputs) => guard('alertLog.recordMany', () => transaction(() => inputs.map(insertOne))),
    list: (filter = {}) => guard('alertLog.list', () => list(filter)),
    purge: (olderThanMs) => {
      const before = logTime(olderThanMs, 'olderThanMs');
      return guard('alertLog.purge', () => Number(deleteOlder.run(before).changes));
    },
  };
}

/** The input with its defaults, as it will be stored. @throws TypeError naming the first field that is wrong. */
function checkInput(input: AlertLogInput): Omit<Row, 'id' | 'statusUrl'> & { outboxId: number | null } {
  const { hostname, key, label, transition } = input;
  if (typeof hostname !== 'string' || typeof key !== 'string' || key === '') {
    throw new TypeError('an alert log row needs a hostname and an alert key');
  }
  if (typeof label !== 'string') throw new TypeError('alert log label must be a string');
  if (!ALERT_LOG_TRANSITIONS.includes(transition)) {
    throw new TypeError(`alert log transition must be one of ${ALERT_LOG_TRANSITIONS.join(', ')}, got ${transition}`);
  }
  const level = input.level ?? null;
  if (level !== null && !isMessageType(level)) throw new TypeError(`alert log level is not a message type: ${level}`);
  const outboxId = input.outboxId ?? null;
  if (outboxId !== null && !Number.isSafeInteger(outboxId)) {
    throw new TypeError(`alert log outboxId must be an integer or null, got ${outboxId}`);
  }
  const time = (value: number | null | undefined, what: string) =>
    value === undefined || value === null ? null : logTime(value, what);
  const number = (value: number | null | undefined, what: string) => {
    if (value === undefined || value === null) return null;
    if (!Number.isFinite(value)) throw new TypeError(`alert log ${what} must be a finite number or null, got ${value}`);
    return value;
  };
  return {
    atMs: logTime(input.atMs, 'atMs'),
    hostname,
    key,
    label,
    transition,
    level,
    value: number(input.value, 'value'),
    limit: number(input.limit, 'limit'),
    incidentStartMs: time(input.incidentStartMs, 'incidentStartMs'),
    endMs: time(input.endMs, 'endMs'),
    peak: number(input.peak, 'peak'),
    outboxId,
    by: typeof input.by === 'string' ? input.by : null,
  };
}

function toEntry(row: Row): AlertLogEntry {
  const ended = row.endMs !== null && row.incidentStartMs !== null;
  return { ...row, durationMs: ended ? row.endMs! - row.incidentStartMs! : null };
}
