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
}

/** A logger that drops everything: the default of every package. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
