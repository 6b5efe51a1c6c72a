// Constants of the config's schema that light modules need without loading zod (the schema itself is loaded on demand).

/** The shortest hub token accepted (`app.service.tokens[].token`, `remote_token`, `JANITOR_HUB_TOKEN`). */
export const MIN_HUB_TOKEN_LENGTH = 16;

/** What a hub's public address may hold: what the install script puts between single quotes and on a crontab line. */
export const PUBLIC_URL_CHARACTERS = /^[A-Za-z0-9._~/:@+=,[\]-]+$/;

/**
 * What a hub token may do (`app.service.tokens[].scopes`): `read` the API (and later the dashboard), `write` reports
 * and messages, `admin` silences and everything else. A token listed without `scopes` (written before they existed)
 * may do everything.
 */
export const HUB_TOKEN_SCOPES = ['read', 'write', 'admin'] as const;

/** One of {@link HUB_TOKEN_SCOPES}. */
export type HubTokenScope = (typeof HUB_TOKEN_SCOPES)[number];
