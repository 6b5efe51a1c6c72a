import { ConfigError } from './errors.ts';

/**
 * The default of `mastodon.api_base_url` (and what config.yaml.dist shows): no real server (`.example` is reserved),
 * so nothing is registered or posted on a stranger's server before the config names the bot's own.
 */
export const PLACEHOLDER_SERVER = 'https://mastodon.example';

/**
 * The server the bot's account is on, for a command that needs one (create-app, login, posting). Throws
 * {@link ConfigError} naming `mastodon.api_base_url` while it is still the placeholder.
 *
 * @example
 * const url = requireServer(config); // before registering the app
 */
export function requireServer(config: {
  readonly data: { readonly mastodon: { readonly api_base_url: string } };
  readonly filepath?: string | undefined;
}): string {
  const url = config.data.mastodon.api_base_url;
  if (url.replace(/\/+$/, '') !== PLACEHOLDER_SERVER) return url;
  throw new ConfigError(
    [
      {
        path: 'mastodon.api_base_url',
        message: `not set: ${PLACEHOLDER_SERVER} is a placeholder; set it to the address of the server your bot's account is on, e.g. https://mastodon.social`,
      },
    ],
    config.filepath,
  );
}
