import type { LogFields, Logger } from '@janitor/protocol';

const SAFE = Symbol('janitor-hub.safe-logger');

/**
 * `logger` made unable to throw: a line that cannot be written (a log file that cannot be opened, a stream that
 * broke) is dropped, and the first such failure is said once through `report`. The hub logs after it has kept
 * something (the request line after a message is queued, an alert line after its commit): a logger that throws there
 * would turn a kept message into an error answer, and the client would send it, and the hub post it, twice.
 *
 * @param report @default one line on standard error
 * @example
 * const logger = neverThrowing(createLogger(config.data.logger));
 */
export function neverThrowing<L extends Logger>(
  logger: L,
  report: (error: unknown) => void = (error) => {
    process.stderr.write(`janitor-hub: a log line could not be written: ${messageOf(error)}\n`);
  },
): L {
  if ((logger as { [SAFE]?: true })[SAFE]) return logger;
  let reported = false;
  const guard =
    (write: (message: string, fields?: LogFields) => void) =>
    (message: string, fields?: LogFields): void => {
      try {
        write.call(logger, message, fields);
      } catch (error) {
        if (reported) return;
        reported = true;
        try {
          report(error);
        } catch {
          // Nowhere left to say it.
        }
      }
    };
  return Object.assign(Object.create(logger) as L, {
    [SAFE]: true,
    debug: guard(logger.debug),
    info: guard(logger.info),
    warn: guard(logger.warn),
    error: guard(logger.error),
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
