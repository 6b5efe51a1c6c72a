import {
  type AppLogger,
  ConfigError,
  createLogger,
  type LoadedConfig,
  loadConfig,
  publisherSettings,
  resolveAccessToken,
} from '@janitor/config';
import { AuthError, createPublisher, PublishError, type Publisher } from '@janitor/publisher';

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
  /** Forces dry run on (the `--dry-run` flag); the config's `app.run_control.dry_run` otherwise. */
  dryRun?: boolean;
  env?: Record<string, string | undefined>;
}

/** The validated config and the app logger: what every command starts from. */
export interface Runtime {
  config: LoadedConfig;
  logger: AppLogger;
  dryRun: boolean;
}

/** Loads the config and builds the logger; warnings about unknown keys are logged once. */
export async function openRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const env = options.env ?? process.env;
  const config = await loadConfig({ ...(options.configPath ? { configPath: options.configPath } : {}), env });
  const logger = createLogger(config.data.logger);
  for (const warning of config.warnings) logger.warn(warning, { file: config.filepath });
  const dryRun = options.dryRun === true || config.data.app.run_control.dry_run;
  return { config, logger, dryRun };
}

/**
 * The publisher the config describes. Outside dry run it needs an access token and fails with a
 * {@link CliError} saying where to put one.
 */
export function publisherFor(runtime: Runtime, env: Record<string, string | undefined> = process.env): Publisher {
  const { config, logger, dryRun } = runtime;
  const token = resolveAccessToken(config, env);
  if (!dryRun && !token) {
    throw new CliError(
      `no Mastodon access token: run 'janitor login', set JANITOR_MASTODON_ACCESS_TOKEN, or put the token on the first line of ${config.data.mastodon.credentials.user_file}`,
      EXIT.credentials,
    );
  }
  return createPublisher({
    ...publisherSettings(config),
    dryRun,
    logger,
    ...(token ? { accessToken: token.token } : {}),
  });
}

/** Maps any error to the one line and exit code a user sees. */
export function describeFailure(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof ConfigError) return { message: error.message, exitCode: EXIT.config };
  if (error instanceof AuthError) return { message: error.message, exitCode: EXIT.credentials };
  if (error instanceof PublishError) {
    const auth = error.statusCode === 401 || error.statusCode === 403;
    const hint = auth ? " (the access token was refused: run 'janitor login')" : '';
    return { message: `${error.message}${hint}`, exitCode: auth ? EXIT.credentials : EXIT.failure };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message: `unexpected error: ${message}`, exitCode: EXIT.failure };
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
