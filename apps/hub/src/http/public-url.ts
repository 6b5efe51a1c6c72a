import { PUBLIC_URL_CHARACTERS } from '@janitor/config';
import { header } from './header.ts';
import type { HubContext } from './hub-env.ts';

/** A Host header worth trusting into a script: a DNS name or an address, and a port. */
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The address clients reach the hub at: `app.service.public_url` when set, else the scheme and `Host` of the request
 * (`http://hub.lan:5000`). Forwarding headers (`X-Forwarded-Host`, `-Proto`, `Forwarded`) are not read: any client can
 * send them. Behind a reverse proxy, set `public_url`. Undefined when the Host header is missing or not a host.
 */
export function publicUrl(c: HubContext, configured: string | undefined): string | undefined {
  if (configured !== undefined) return configured;
  const incoming = c.env?.incoming;
  const host = header(c, 'host') ?? (incoming ? undefined : new URL(c.req.url).host);
  if (!host || !HOST.test(host)) return undefined;
  const scheme = incoming
    ? (incoming.socket as { encrypted?: boolean }).encrypted
      ? 'https'
      : 'http'
    : new URL(c.req.url).protocol.slice(0, -1);
  const url = `${scheme}://${host}`;
  return PUBLIC_URL_CHARACTERS.test(url) ? url : undefined;
}
