import type { HubContext } from './hub-env.ts';

/** The request headers the hub reads. */
export type HubHeader = 'authorization' | 'content-type' | 'content-length' | 'host';

/**
 * A request header. Served by @hono/node-server, straight from Node's parsed headers: `c.req.header()` would build
 * a whole Fetch `Headers` object for every request, a good part of the hub's cost per report. Elsewhere (tests'
 * `app.request`, another runtime), from the Fetch request.
 */
export function header(c: HubContext, name: HubHeader): string | undefined {
  const headers = c.env?.incoming?.headers;
  if (headers !== undefined) return headers[name];
  return c.req.header(name);
}
