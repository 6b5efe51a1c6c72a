import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ConfigData } from '@janitor/config';
import { CliError, EXIT } from './runtime.ts';

/**
 * Opens the log file once, as the logger will at its first line, so that a file the hub cannot open (a dangling
 * link, a folder gone read-only) stops it at start with one line and exit 3, before anything is accepted, instead of
 * failing on a line logged while a request is answered. The config's check (`checkWritablePaths`) looks at
 * permissions; only opening the file tells.
 * @throws CliError `cannot open the log file PATH (logger.filename): REASON`, exit 3
 */
export function checkLogFile(settings: Pick<ConfigData['logger'], 'to_file' | 'filename'>): void {
  if (!settings.to_file) return;
  try {
    mkdirSync(dirname(settings.filename), { recursive: true });
    closeSync(openSync(settings.filename, 'a', 0o640));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(`cannot open the log file ${settings.filename} (logger.filename): ${reason}`, EXIT.config, {
      cause: error,
    });
  }
}
