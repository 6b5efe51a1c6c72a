import { createInterface } from 'node:readline/promises';
import { CliError, EXIT } from './runtime.ts';

/**
 * Asks one question on the terminal and returns the trimmed answer. Works with piped input too
 * (`echo TOKEN | janitor login --token`); fails with a clear message when there is no input at all.
 */
export async function ask(question: string, what: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY === true });
  try {
    const lines = rl[Symbol.asyncIterator]();
    process.stderr.write(question);
    const next = await lines.next();
    const answer = next.done ? '' : String(next.value).trim();
    if (!answer) throw new CliError(`no ${what} given`, EXIT.usage);
    return answer;
  } finally {
    rl.close();
  }
}
