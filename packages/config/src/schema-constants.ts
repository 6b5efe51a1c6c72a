// Constants of the config's schema that light modules need without loading zod (the schema itself is loaded on demand).

/** The shortest hub token accepted (`app.service.tokens[].token`, `remote_token`, `JANITOR_HUB_TOKEN`). */
export const MIN_HUB_TOKEN_LENGTH = 16;

/** What a hub's public address may hold: what the install script puts between single quotes and on a crontab line. */
export const PUBLIC_URL_CHARACTERS = /^[A-Za-z0-9._~/:@+=,[\]-]+$/;
