import { type AppLogger, ConfigError, createLogger, type LoadedConfig, loadConfig } from '@janitor/config';
import { JanitorClientError } from '@janitor/protocol';

/** Exit codes shared by janitor and janitor-agent (documented in the README). */
export const EXIT = {
  ok: 0,
  /** The job ran and failed: the server refused, the network is down. */
  failure: 1,
  /** The command line is wrong. */
  usage: 2,
  /** config.yaml is missing, unreadable or invalid. */
  config: 3,
  /** No usable Mastodon credentials. */
  credentials: 4,
} as const;

/** A user-facing failure: one line on stderr, no stack trace, and the given exit code. */
export class CliError extends Error {
  override name = 'CliError';
  readonly exitCode: number;
  constructor(message: string, exitCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

export interface RuntimeOptions {
  configPath?: string;
  /**
   * The command line's `--dry-run` (true) or `--no-dry-run` (false), which win over `app.run_control.dry_run`;
   * undefined: the config says, and posting without credentials is a dry run (see `postingMode`).
   */
  dryRun?: boolean;
  env?: Record<string, string | undefined>;
}

/** The validated config and the app logger: what every command starts from. */
export interface Runtime {
  config: LoadedConfig;
  logger: AppLogger;
  /** The command line's choice, else `app.run_control.dry_run`. Posting settles it with `postingMode`. */
  dryRun: boolean;
  /** What the command line said (`--dry-run`: true, `--no-dry-run`: false), when it said anything. */
  dryRunFlag?: boolean | undefined;
}

/** Loads the config and builds the logger; warnings about unknown keys are logged once. */
export async function openRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const env = options.env ?? process.env;
  const config = await loadConfig({ ...(options.configPath ? { configPath: options.configPath } : {}), env });
  const logger = createLogger(config.data.logger);
  for (const warning of config.warnings) logger.warn(warning, { file: config.filepath });
  // An explicit flag wins over the config (--dry-run, or --no-dry-run where a command offers it).
  const dryRun = options.dryRun ?? config.data.app.run_control.dry_run;
  return { config, logger, dryRun, ...(options.dryRun === undefined ? {} : { dryRunFlag: options.dryRun }) };
}

/** Maps any error to the one line and exit code a user sees. */
export function describeFailure(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof ConfigError) return { message: error.message, exitCode: EXIT.config };
  // @janitor/publisher's errors are matched by name, not instanceof: importing it (and masto) here would slow down
  // every command that never publishes, such as a cron run of remote mode.
  if (isNamed<{ reason?: string; retryable?: boolean }>(error, 'AuthError')) {
    // A login step that never got the server's answer (network down, a 5xx) is a failed job, not bad credentials.
    const unanswered = error.reason === 'request-failed' && error.retryable === true;
    return { message: error.message, exitCode: unanswered ? EXIT.failure : EXIT.credentials };
  }
  if (isNamed<{ statusCode?: number }>(error, 'PublishError')) {
    const auth = error.statusCode === 401 || error.statusCode === 403;
    const hint = auth ? " (the access token was refused: run 'janitor login')" : '';
    return { message: `${error.message}${hint}`, exitCode: auth ? EXIT.credentials : EXIT.failure };
  }
  // The hub refused or could not be reached (janitor send/exec): its own words, which name the field.
  if (error instanceof JanitorClientError) return { message: error.message, exitCode: EXIT.failure };
  const message = error instanceof Error ? error.message : String(error);
  return { message: `unexpected error: ${message}`, exitCode: EXIT.failure };
}

function isNamed<T>(error: unknown, name: string): error is Error & T {
  return error instanceof Error && error.name === name;
}

/** A dry-run post as a person reads it: the content warning, then the text, between rules. */
export function formatDryRunPost(draft: {
  status: string;
  spoilerText?: string | undefined;
  visibility: string;
}): string {
  const lines = ['--- dry run: this post was not made ---', `visibility: ${draft.visibility}`];
  if (draft.spoilerText) lines.push(`content warning: ${draft.spoilerText}`);
  lines.push('', draft.status, '---');
  return lines.join('\n');
}
