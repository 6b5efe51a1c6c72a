const RETRYABLE_CODES = new Set(['EAGAIN', 'EBUSY', 'EINTR', 'EMFILE', 'ENFILE', 'ETIMEDOUT']);

/** A metric source (a file under /proc or /sys, a filesystem, systeminformation) could not be read. */
export class MetricsReadError extends Error {
  override name = 'MetricsReadError';
  /** The file, mount point or call that failed, e.g. `/proc/meminfo`. */
  readonly source: string;
  /** True when the same read may succeed later (too many open files, a timeout); false for a missing file. */
  readonly retryable: boolean;

  constructor(source: string, options?: { cause?: unknown; retryable?: boolean; detail?: string }) {
    const code = (options?.cause as NodeJS.ErrnoException | undefined)?.code;
    const detail = options?.detail ?? code ?? (options?.cause instanceof Error ? options.cause.message : undefined);
    super(`metrics read failed: ${source}${detail ? `: ${detail}` : ''}`, { cause: options?.cause });
    this.source = source;
    this.retryable = options?.retryable ?? (code !== undefined && RETRYABLE_CODES.has(code));
  }
}

/** A metric source was read but its content is not what the kernel documents (truncated, foreign format). */
export class MetricsParseError extends Error {
  override name = 'MetricsParseError';
  /** The file whose content was rejected, e.g. `/proc/stat`. */
  readonly source: string;
  /** Parsing the same content again cannot help. */
  readonly retryable = false;

  constructor(source: string, problem: string, options?: { cause?: unknown }) {
    super(`metrics parse failed: ${source}: ${problem}`, options);
    this.source = source;
  }
}
