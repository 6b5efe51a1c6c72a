import { isMessageType, type MessageLogEntry, type MessageType } from '@janitor/protocol';
import type { StoreContext } from './database.ts';
import { decodeLogCursor, type LogPage, logTime, pageSize, statementCache, toPage } from './log-page.ts';

/** A message to record in the message log: what `/message` accepted and the outbox entry it was queued as. */
export interface MessageLogInput {
  /** When it was accepted (epoch ms). @default now() */
  atMs?: number;
  /** @default null */
  hostname?: string | null;
  /** Who sent it: `token:NAME`, or the client's address. */
  source: string;
  type: MessageType;
  /** @default null */
  summary?: string | null;
  text: string;
  /** The outbox entry it was queued as: its post's status URL is joined from there. */
  outboxId: number;
}

/** Which rows {@link MessageLog.list} returns, newest first. */
export interface MessageLogFilter {
  /** Only messages about this host. */
  host?: string;
  /** Only messages about these hosts (a token limited to some hosts); an empty list matches nothing. */
  hosts?: readonly string[];
  /** Only messages accepted at or after this time (epoch ms). */
  fromMs?: number;
  /** @default 50, at most 500 */
  limit?: number;
  /** The `next` of the previous page. */
  cursor?: string;
}

/**
 * The message log: every message `/message` accepted, with who sent it and the outbox entry it was queued as,
 * recorded in the transaction of that enqueue (so a message is in the log exactly when it is in the outbox). Whether
 * it was posted, and where, is read from the notification log.
 */
export interface MessageLog {
  /** Records one row (inside the caller's transaction, if one is open). @throws TypeError for an input it cannot hold */
  record(input: MessageLogInput): MessageLogEntry;
  /** Records several rows in one transaction (a savepoint inside the caller's), in order: all or none. */
  recordMany(inputs: readonly MessageLogInput[]): MessageLogEntry[];
  /**
   * One page of rows, newest first (by time, then by the order recorded), and the cursor of the next one.
   * @throws LogCursorError for a cursor this log did not hand out; TypeError for a limit outside 1..500
   */
  list(filter?: MessageLogFilter): LogPage<MessageLogEntry>;
  /** Deletes the rows older than `olderThanMs` (epoch ms). @returns how many */
  purge(olderThanMs: number): number;
}

/** A row as the list query reads it: the entry with `posted` as SQLite's 0 or 1. */
type Row = Omit<MessageLogEntry, 'posted'> & { posted: number };

const TAG = 'm';

const COLUMNS = `m.id, m.at_ms AS atMs, m.hostname, m.source, m.type, m.summary, m.text, m.outbox_id AS outboxId,
  (SELECT n.url FROM notification AS n WHERE n.outbox_id = m.outbox_id ORDER BY n.part, n.id LIMIT 1) AS statusUrl,
  EXISTS (SELECT 1 FROM notification AS n WHERE n.outbox_id = m.outbox_id) AS posted`;

/** The message log of a store, over its connection. */
export function createMessageLog(context: StoreContext): MessageLog {
  const { db, now, guard, transaction } = context;
  const insert = db.prepare(
    `INSERT INTO message_log (at_ms, hostname, source, type, summary, text, outbox_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const deleteOlder = db.prepare('DELETE FROM message_log WHERE at_ms < ?');
  const statement = statementCache((sql) => db.prepare(sql));

  const insertOne = (input: MessageLogInput): MessageLogEntry => {
    const row = checkInput(input, now);
    const { atMs, hostname, source, type, summary, text, outboxId } = row;
    const { lastInsertRowid } = insert.run(atMs, hostname, source, type, summary, text, outboxId);
    return { id: Number(lastInsertRowid), ...row, statusUrl: null, posted: false };
  };

  const list = (filter: MessageLogFilter): LogPage<MessageLogEntry> => {
    const size = pageSize(filter.limit);
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.host !== undefined) {
      where.push('m.hostname = ?');
      args.push(filter.host);
    }
    if (filter.hosts !== undefined) {
      where.push('m.hostname IN (SELECT value FROM json_each(?))');
      args.push(JSON.stringify(filter.hosts));
    }
    if (filter.fromMs !== undefined) {
      where.push('m.at_ms >= ?');
      args.push(logTime(filter.fromMs, 'fromMs'));
    }
    if (filter.cursor !== undefined) {
      const after = decodeLogCursor(TAG, filter.cursor);
      where.push('(m.at_ms, m.id) < (?, ?)');
      args.push(after.atMs, after.id);
    }
    const sql = `SELECT ${COLUMNS} FROM message_log AS m ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
      ORDER BY m.at_ms DESC, m.id DESC LIMIT ?`;
    const rows = statement(sql).all(...args, size + 1) as unknown as Row[];
    return toPage(TAG, rows, size, toEntry);
  };

  return {
    record: (input) => guard('messageLog.record', () => insertOne(input)),
    recordMany: (inputs) => guard('messageLog.recordMany', () => transaction(() => inputs.map(insertOne))),
    list: (filter = {}) => guard('messageLog.list', () => list(filter)),
    purge: (olderThanMs) => {
      const before = logTime(olderThanMs, 'olderThanMs');
      return guard('messageLog.purge', () => Number(deleteOlder.run(before).changes));
    },
  };
}

/** The input with its defaults, as it will be stored. @throws TypeError naming the first field that is wrong. */
function checkInput(input: MessageLogInput, now: () => number): Omit<Row, 'id' | 'statusUrl' | 'posted'> {
  const { source, type, text, outboxId } = input;
  const hostname = input.hostname ?? null;
  const summary = input.summary ?? null;
  if (hostname !== null && typeof hostname !== 'string') throw new TypeError('message log hostname must be a string');
  if (typeof source !== 'string' || source === '') throw new TypeError('a message log row needs a source');
  if (!isMessageType(type)) throw new TypeError(`message log type is not a message type: ${type}`);
  if (summary !== null && typeof summary !== 'string') throw new TypeError('message log summary must be a string');
  if (typeof text !== 'string') throw new TypeError('message log text must be a string');
  if (!Number.isSafeInteger(outboxId) || outboxId <= 0) {
    throw new TypeError(`message log outboxId must be a positive integer, got ${outboxId}`);
  }
  const atMs = logTime(input.atMs ?? now(), 'atMs');
  return { atMs, hostname, source, type, summary, text, outboxId };
}

function toEntry(row: Row): MessageLogEntry {
  return { ...row, posted: row.posted === 1 };
}
