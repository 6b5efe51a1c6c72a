import { type Command, InvalidArgumentError } from 'commander';
import { describeFailure, EXIT } from './runtime.ts';

/**
 * Runs a commander program the way every Janitor command behaves: `--help`/`--version` exit 0, a usage error exits
 * 2 with commander's one-line message (a missing subcommand: with the usage), any other failure prints one line
 * (`janitor: ...`) and its exit code. No stack traces for user errors.
 */
export async function runProgram(program: Command, argv: readonly string[] = process.argv): Promise<number> {
  program.exitOverride();
  for (const cmd of allCommands(program)) cmd.exitOverride();
  try {
    await program.parseAsync(argv as string[]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (isCommanderError(error)) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      // `janitor help` asked for help (0); `janitor run` without its subcommand printed it instead of running (1).
      if (error.code === 'commander.help') return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return EXIT.usage;
    }
    const { message, exitCode } = describeFailure(error);
    process.stderr.write(`${program.name()}: ${message}\n`);
    return exitCode;
  }
}

/**
 * A commander error, recognised by its code rather than by `instanceof`: installed from tarballs, each app may get its
 * own copy of commander, and the program's copy is not this package's.
 */
function isCommanderError(error: unknown): error is Error & { code: string; exitCode: number } {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('commander.');
}

function allCommands(cmd: Command): Command[] {
  return cmd.commands.flatMap((c) => [c, ...allCommands(c)]);
}

/** Parses a duration option: plain seconds (`60`) or with a unit (`30s`, `5m`, `1h`). */
export function parseDurationSeconds(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected seconds, or a number with s, m or h (e.g. 60, 30s, 5m)');
  const n = Number(match[1]) * ({ s: 1, m: 60, h: 3600 } as Record<string, number>)[match[2] ?? 's']!;
  if (n <= 0) throw new InvalidArgumentError('expected a duration above zero');
  return n;
}

/** Parses a `--hub` option: an absolute http(s) URL such as `http://hub.lan:5000`. */
export function parseHubUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected the hub’s address, e.g. http://hub.lan:5000');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`expected an http or https address, got ${url.protocol}`);
  }
  return value;
}

/** Parses a `--port` option: a TCP port, 0 (any free port) to 65535. */
export function parsePort(value: string): number {
  // Decimal digits only: `''`, `0x50` or `1e3` must not pass as 0, 80 or 1000.
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) throw new InvalidArgumentError('expected a port number 0-65535');
  return port;
}
