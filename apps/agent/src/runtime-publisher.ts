import { publisherSettings, resolveAccessToken } from '@janitor/config';
import { createPublisher, type Publisher } from '@janitor/publisher';
import { CliError, EXIT, type Runtime } from './runtime.ts';

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
