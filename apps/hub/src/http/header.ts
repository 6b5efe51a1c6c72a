import type { HubContext } from './hub-env.ts';

/** The request headers the hub reads. */
export type HubHeader =
  | 'authorization'
  | 'content-type'
  | 'content-length'
  | 'host'
  | 'forwarded'
  | 'x-forwarded-for'
  | 'x-real-ip'
  | 'x-forwarded-proto'
  | 'cookie'
  | 'x-csrf-token'
  | 'origin'
  | 'sec-fetch-site';

/**
 * A request header. Served by @hono/node-server, straight from Node's parsed headers: `c.req.header()` would build
 * a whole Fetch `Headers` object for every request, a good part of the hub's cost per report. Elsewhere (tests'
 * `app.request`, another runtime), from the Fetch request.
 */
export function header(c: HubContext, name: HubHeader): string | undefined {
  const headers = c.env?.incoming?.headers;
  // Node joins repeated lines of these headers with ", " (only Set-Cookie is an array).
  if (headers !== undefined) return headers[name] as string | undefined;
  return c.req.header(name);
}
