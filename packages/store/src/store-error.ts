// SQLite primary result codes after which the same operation may succeed later: BUSY, LOCKED, NOMEM, IOERR, FULL,
// PROTOCOL (https://sqlite.org/rescode.html). Extended codes carry the primary one in their low byte.
const RETRYABLE_SQLITE_CODES = new Set([5, 6, 7, 10, 13, 15]);
const RETRYABLE_ERRNO_CODES = new Set(['EAGAIN', 'EBUSY', 'EINTR', 'EMFILE', 'ENFILE', 'ENOSPC', 'EIO']);

/** What a {@link StoreError} carries besides its message. */
export interface StoreErrorDetails {
  /** The database file (or `:memory:`). */
  path: string;
  cause?: unknown;
  /** Whether the same operation may succeed later; derived from `cause` when omitted. */
  retryable?: boolean;
}

/**
 * A store operation failed. The message says what and where: `cannot open store at /var/lib/janitor/janitor.db:
 * file is not a database`, `store outbox.enqueue failed at /var/lib/janitor/janitor.db: database or disk is full`.
 */
export class StoreError extends Error {
  override name = 'StoreError';
  /** The database file (or `:memory:`). */
  readonly path: string;
  /** Whether the same operation may succeed later (a locked database, a full disk), so the caller may back off. */
  readonly retryable: boolean;
  /** SQLite's primary result code when SQLite raised the cause (5 busy, 13 full, 26 not a database...). */
  readonly sqliteCode?: number;

  constructor(message: string, details: StoreErrorDetails) {
    super(message, { cause: details.cause });
    this.path = details.path;
    const sqliteCode = sqliteCodeOf(details.cause);
    if (sqliteCode !== undefined) this.sqliteCode = sqliteCode;
    this.retryable = details.retryable ?? isRetryable(details.cause);
  }
}

/** The primary SQLite result code of an error thrown by `node:sqlite`, if it is one. */
export function sqliteCodeOf(error: unknown): number | undefined {
  const errcode = (error as { errcode?: unknown } | null)?.errcode;
  return typeof errcode === 'number' ? errcode & 0xff : undefined;
}

function isRetryable(cause: unknown): boolean {
  const sqliteCode = sqliteCodeOf(cause);
  if (sqliteCode !== undefined) return RETRYABLE_SQLITE_CODES.has(sqliteCode);
  const code = (cause as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && RETRYABLE_ERRNO_CODES.has(code);
}

/** Whether an error comes from `node:sqlite` or the file system (to be wrapped) rather than from a caller's bug. */
export function isStorageFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return (
    code === 'ERR_SQLITE_ERROR' || code === 'ERR_INVALID_STATE' || (typeof code === 'string' && /^E[A-Z]+$/.test(code))
  );
}

/** The short reason of a failure, for a message: SQLite's text, or the errno text. */
export function describeCause(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
