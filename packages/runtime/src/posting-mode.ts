// Whether posts are made or printed: one meaning for every command that posts (`janitor run local`, the agent's local
// mode, the scheduler's `sysinfo_local` and `publish_queue`, `janitor listen`, `janitor start`, janitor-hub).
import { PLACEHOLDER_SERVER, type ResolvedToken, requireServer, resolveAccessToken } from '@janitor/config';
import { CliError, EXIT, type Runtime } from './runtime.ts';

/**
 * Why posts are made or printed: `flag`, the command line said so (`--dry-run`, `--no-dry-run`); `config`,
 * `app.run_control.dry_run: true`; `no-credentials`, nothing says otherwise and there is no access token to post
 * with; `credentials`, nothing says otherwise and there is one.
 */
export type PostingReason = 'flag' | 'config' | 'no-credentials' | 'credentials';

/** How posts go out: made, or printed (dry run), and why. */
export interface PostingMode {
  dryRun: boolean;
  reason: PostingReason;
  /** The Mastodon access token, when one is set (a dry run may have one too). */
  token: ResolvedToken | undefined;
  /**
   * The one line to say at start when posts are printed rather than made (undefined when posting, and when the
   * command line itself asked for a dry run).
   */
  notice: string | undefined;
}

/** What {@link postingMode} reads of a runtime (a hub builds one without `openRuntime`). */
export type PostingRuntime = Pick<Runtime, 'config' | 'dryRun'> & Partial<Pick<Runtime, 'dryRunFlag'>>;

/**
 * Settles dry run for posting, the same way everywhere: the command line wins (`--dry-run`; `--no-dry-run` posts or
 * fails), then `app.run_control.dry_run: true`; otherwise posts are made when there is an access token, and printed
 * when there is none (a new user's first run, or a hub started before `janitor login`).
 *
 * @throws ConfigError naming `mastodon.api_base_url` when posts would be made while it is the placeholder
 * @throws CliError (exit 4, how to get a token) when `--no-dry-run` asked to post without an access token
 *
 * @example
 * const mode = postingMode(runtime);
 * if (mode.notice) runtime.logger.warn(mode.notice);
 * createHubService({ config, logger, dryRun: mode.dryRun });
 */
export function postingMode(
  runtime: PostingRuntime,
  env: Record<string, string | undefined> = process.env,
): PostingMode {
  const { config, dryRun, dryRunFlag } = runtime;
  const token = resolveAccessToken(config, env);
  const placeholder = config.data.mastodon.api_base_url.replace(/\/+$/, '') === PLACEHOLDER_SERVER;
  const missing = `no Mastodon credentials yet (${placeholder ? "set mastodon.api_base_url, then run 'janitor login'" : "run 'janitor login'"})`;
  if (dryRun) {
    if (dryRunFlag === true) return { dryRun: true, reason: 'flag', token, notice: undefined };
    // The config's dry run, and what posting will need once it is turned off.
    const why = token ? 'app.run_control.dry_run' : `app.run_control.dry_run, and ${missing}`;
    return { dryRun: true, reason: 'config', token, notice: `dry run (${why}): posts are printed, not made` };
  }
  if (!token && dryRunFlag !== false) {
    return {
      dryRun: true,
      reason: 'no-credentials',
      token,
      notice: `dry run: ${missing}; posts are printed, not made`,
    };
  }
  requireServer(config);
  if (!token) {
    throw new CliError(
      `no Mastodon access token: run 'janitor login', set JANITOR_MASTODON_ACCESS_TOKEN, or put the token on the first line of ${config.data.mastodon.credentials.user_file}`,
      EXIT.credentials,
    );
  }
  return { dryRun: false, reason: dryRunFlag === false ? 'flag' : 'credentials', token, notice: undefined };
}

/**
 * {@link postingMode} for a command whose point is to post (`janitor mastodon test`, `janitor outbox flush`): a
 * missing token is the CliError of `--no-dry-run` (exit 4, where a token goes) rather than a dry run. `--dry-run` and
 * the config's dry run still apply.
 */
export function requirePosting(
  runtime: PostingRuntime,
  env: Record<string, string | undefined> = process.env,
): PostingMode {
  const mode = postingMode(runtime, env);
  return mode.reason === 'no-credentials' ? postingMode({ ...runtime, dryRunFlag: false }, env) : mode;
}

/** The notice last said for each runtime: said once per process, and again only when it changes. */
const announced = new WeakMap<object, string | undefined>();

/**
 * {@link postingMode}, with its notice logged once per runtime (a long-running agent or scheduler checks every
 * minute; a login while it runs ends the dry run at the next check): a warning when credentials are missing, an info
 * line for the config's dry run.
 */
export function announcePostingMode(
  runtime: PostingRuntime & Pick<Runtime, 'logger'>,
  env: Record<string, string | undefined> = process.env,
): PostingMode {
  const mode = postingMode(runtime, env);
  if (announced.has(runtime) && announced.get(runtime) === mode.notice) return mode;
  announced.set(runtime, mode.notice);
  if (mode.notice) {
    if (mode.reason === 'no-credentials') runtime.logger.warn(mode.notice);
    else runtime.logger.info(mode.notice);
  }
  return mode;
}
