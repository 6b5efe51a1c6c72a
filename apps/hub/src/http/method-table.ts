import { Hono } from 'hono';
import type { HubEnv, HubHandler } from './hub-env.ts';

/** A route as Hono lists it in `app.routes`. */
export interface MountedRoute {
  method: string;
  path: string;
}

/**
 * The answer to a request no route took, from the routes mounted: a 405 with `Allow` (the path's methods) when the
 * path is served with other methods, a 404 otherwise, each with `{ error, field }` (`method` or `path`). It takes
 * `app.notFound()`'s place, so that a route that matches costs one handler at dispatch, not a compose of two.
 *
 * @example
 * app.notFound(methodTable(app.routes));
 */
export function methodTable(routes: readonly MountedRoute[]): HubHandler {
  const methods = new Map<string, Set<string>>();
  for (const { method, path } of routes) {
    // A path served for every method never reaches the table.
    if (method === 'ALL') continue;
    const known = methods.get(path) ?? new Set<string>();
    known.add(method);
    methods.set(path, known);
  }
  // Matched by a router of its own, so a path means here exactly what it means to the hub's (parameters, strictness).
  const table = new Hono<HubEnv>();
  for (const [path, allowed] of methods) {
    const allow = [...allowed].sort().join(', ');
    table.all(path, (c) =>
      c.json({ error: `method ${c.req.method} not allowed on ${c.req.path}`, field: 'method' }, 405, { Allow: allow }),
    );
  }
  table.notFound((c) => c.json({ error: `no such endpoint: ${c.req.method} ${c.req.path}`, field: 'path' }, 404));
  return (c) => table.fetch(c.req.raw, c.env);
}
