// How the hub ends when something goes wrong: a failure before it listens as one line and an exit code; an error
// nobody caught while it runs as one line and exit 1, never a stack trace or a process left half alive.
import { type AppLogger, ConfigError } from '@janitor/config';
import { CliError, EXIT } from './runtime.ts';

/** A failure before the hub listens, as one line: the config's own errors as they are, anything else `cannot start`. */
export function cannotStart(error: unknown): Error {
  if (error instanceof CliError || error instanceof ConfigError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new CliError(`cannot start: ${reason}`, EXIT.failure, { cause: error });
}

/**
 * An error nobody caught while the hub runs (a bug, a library that threw from a timer) ends it at once with one line
 * and exit 1, rather than a stack trace, or a process left half alive. What was acknowledged is in the store already.
 */
export function exitOnUnexpectedError(logger: AppLogger, toStderr: boolean): void {
  const fatal = (error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    logger.error('unexpected error: the hub stops', { error: reason });
    if (!toStderr) process.stderr.write(`janitor-hub: unexpected error: ${reason}\n`);
    process.exit(EXIT.failure);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
}
