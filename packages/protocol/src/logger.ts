/** Structured fields attached to a log line. */
export type LogFields = Record<string, unknown>;

/**
 * The narrow logger every Janitor package accepts. Packages are silent by default ({@link silentLogger});
 * apps pass a real one (see `createLogger` in @janitor/config).
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /**
   * Whether events of `level` are written at all (the level is fixed for the life of the logger). Lets a caller skip
   * building the fields of a line that would be dropped, such as a line per request. Absent: assume they are.
   */
  enabled?(level: 'debug' | 'info' | 'warn' | 'error'): boolean;
}

/** A logger that drops everything: the default of every package. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  enabled: () => false,
};
