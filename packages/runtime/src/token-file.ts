import { readFileSync } from 'node:fs';
import { CliError, EXIT } from './runtime.ts';

/**
 * The hub token kept in a file (`janitor-agent --token-file`, what the hub's install script writes with mode 0600):
 * its first non-blank line, trimmed. A token in a file stays out of the command line that `ps` shows to every user.
 * @throws CliError (exit 4) when the file cannot be read or holds no token
 */
export function readTokenFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new CliError(`cannot read the token file ${path}: ${reason}`, EXIT.credentials, { cause: error });
  }
  const token = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line.length > 0);
  if (token === undefined) throw new CliError(`the token file ${path} is empty`, EXIT.credentials);
  return token;
}
