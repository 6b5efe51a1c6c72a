// What the single-file agent has in place of the modules it leaves out (see build-bundle.ts): loading one of them
// fails with one line that says what to install instead. Nothing else imports this file.
import { CliError, EXIT } from '@janitor/runtime';

/**
 * Throws the error a user of the single-file agent meets when they ask for a part it does not hold.
 * @param what the part, as a user names it: "local mode (--mode local, sysinfo_local tasks)"
 */
export function leftOut(what: string): never {
  throw new CliError(
    `${what} is not in this single-file agent, which only reports to a hub (--hub URL); ` +
      'for it, install janitor-agent with npm (or from the tarballs of ./dev pack)',
    EXIT.usage,
  );
}
