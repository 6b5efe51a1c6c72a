/** How many rows a page of a log holds when the caller does not say. */
export const DEFAULT_LOG_PAGE_SIZE = 50;

/** The most rows one page of a log may hold. */
export const MAX_LOG_PAGE_SIZE = 500;

/** One page of a log, newest first. */
export interface LogPage<T> {
  entries: T[];
  /** The cursor of the next (older) page, or null when this page is the last. */
  next: string | null;
}

/**
 * A cursor that this log did not hand out: edited, cut, or from the other log. The hub answers it with a 400 naming
 * `field` (`cursor`); asking again without the cursor starts from the newest row.
 */
export class LogCursorError extends Error {
  override name = 'LogCursorError';
  /** The request parameter the cursor came in. */
  readonly field = 'cursor';
}

/** Where a page starts: below this time and id (rows are ordered by time, then id, both descending). */
export interface LogPosition {
  atMs: number;
  id: number;
}

const CURSOR_TEXT = /^[A-Za-z0-9_-]{1,64}$/;
const CURSOR_BODY = /^([a-z]):(\d{1,16}):([1-9]\d{0,15})$/;

/** The opaque cursor of the page after the row at `position`, in the log named by `tag` (one letter). */
export function encodeLogCursor(tag: string, position: LogPosition): string {
  return Buffer.from(`${tag}:${position.atMs}:${position.id}`, 'utf8').toString('base64url');
}

/**
 * The position a cursor of the log `tag` stands for.
 * @throws LogCursorError when it is not a cursor {@link encodeLogCursor} gave for this log
 */
export function decodeLogCursor(tag: string, cursor: string): LogPosition {
  const what = `cursor ${JSON.stringify(cursor.length > 70 ? `${cursor.slice(0, 64)}...` : cursor)}`;
  if (!CURSOR_TEXT.test(cursor)) throw new LogCursorError(`${what} is not a cursor this hub handed out`);
  // Node's decoder skips what it cannot read: only a cursor that encodes back to itself is one of ours.
  const body = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = CURSOR_BODY.exec(body);
  if (match === null || Buffer.from(body, 'utf8').toString('base64url') !== cursor) {
    throw new LogCursorError(`${what} is not a cursor this hub handed out`);
  }
  if (match[1] !== tag) throw new LogCursorError(`${what} belongs to another log`);
  const atMs = Number(match[2]);
  const id = Number(match[3]);
  if (!Number.isSafeInteger(atMs) || !Number.isSafeInteger(id)) {
    throw new LogCursorError(`${what} is not a cursor this hub handed out`);
  }
  return { atMs, id };
}

/** The page size asked for, checked. @throws TypeError outside 1..{@link MAX_LOG_PAGE_SIZE} */
export function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LOG_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LOG_PAGE_SIZE) {
    throw new TypeError(`a log page holds 1 to ${MAX_LOG_PAGE_SIZE} rows, got ${limit}`);
  }
  return limit;
}

/** A time given by the caller (epoch ms, whole), or a TypeError naming `what`. */
export function logTime(value: number, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`${what} must be a finite time (epoch ms), got ${value}`);
  }
  return Math.trunc(value);
}

/**
 * The page made of `rows` (read with one row more than `size`, newest first): its first `size` rows, and the cursor
 * after the last of them when there was one more.
 */
export function toPage<R extends LogPosition, T>(
  tag: string,
  rows: readonly R[],
  size: number,
  toEntry: (row: R) => T,
): LogPage<T> {
  const kept = rows.slice(0, size);
  const last = kept.at(-1);
  return {
    entries: kept.map(toEntry),
    next: rows.length > size && last !== undefined ? encodeLogCursor(tag, last) : null,
  };
}

/**
 * A statement per combination of filters, prepared the first time it is needed: a filter left out is left out of
 * the SQL (`? IS NULL OR ...` would keep SQLite from using the indexes).
 */
export function statementCache<S>(prepare: (sql: string) => S): (sql: string) => S {
  const cache = new Map<string, S>();
  return (sql) => {
    let statement = cache.get(sql);
    if (statement === undefined) {
      statement = prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
}
