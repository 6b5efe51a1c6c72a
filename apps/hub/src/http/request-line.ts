import type { LogFields, Logger } from '@janitor/protocol';
import type { HubMetrics, RouteMeter, Sender } from '@janitor/runtime/hub';
import { matchedRoutes } from 'hono/route';
import type { HubContext, HubHandler } from './hub-env.ts';

/** What {@link createRequestLine} needs. */
export interface RequestLineOptions {
  logger: Logger;
  /** Who sent a request: its client's address (or the socket's), and the proxy it came through. */
  sender: (c: HubContext) => Sender;
  /** Where each request is counted, by route and status, and the ingest route timed (`/metrics`). @default none */
  requests?: Pick<HubMetrics, 'route'> | undefined;
}

/**
 * One `request` line at level info per request, with the sender's address (`from`; `proxy` when a trusted proxy
 * named it) and the token's name; and each request counted for `/metrics`.
 */
export interface RequestLine {
  /**
   * `handler`, writing the request line and counting the request once it answered; `handler` itself when the logger
   * drops info lines and nothing counts. A handler that throws leaves its start time on the context for
   * {@link RequestLine.failed}.
   */
  logged(handler: HubHandler): HubHandler;
  /** The line of a request whose handler threw and that `app.onError` answered with `status`. */
  failed(c: HubContext, status: number): void;
}

/**
 * The request line. Each handler is wrapped rather than the app given a middleware: a middleware puts every request
 * through Hono's async compose, which cost the hub a sixth of its throughput (BENCHMARKS.md). Counting costs a map
 * lookup and two additions: each wrapper keeps the meter of its route, found at its first request (a handler is
 * mounted at one path). Nothing at all is done per request when the logger drops info lines and nothing counts.
 *
 * @example
 * const line = createRequestLine({ logger, sender: access.sender });
 * app.get('/health', line.logged((c) => c.json({ status: 'ready' })));
 */
export function createRequestLine(options: RequestLineOptions): RequestLine {
  const { logger, sender, requests } = options;
  const enabled = logger.enabled?.('info') ?? true;

  /** The meter of the route that took the request (its method and path as mounted), or of requests none took. */
  function meterOf(c: HubContext, meters: Pick<HubMetrics, 'route'>): RouteMeter {
    const route = matchedRoutes(c)[c.req.routeIndex];
    return meters.route(route?.method ?? c.req.method, route?.path);
  }

  function write(c: HubContext, status: number, started: number): void {
    const who = sender(c);
    const fields: LogFields = {
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      from: who.address ?? who.peer ?? 'unknown',
    };
    if (who.proxy !== undefined) fields.proxy = who.proxy;
    // Who spoke, by the token's name (never the token).
    const tokenName = c.get('tokenName');
    if (tokenName) fields.tokenName = tokenName;
    logger.info('request', fields);
  }

  return {
    logged(handler) {
      if (!enabled && requests === undefined) return handler;
      let meter: RouteMeter | undefined;
      return async (c) => {
        const started = performance.now();
        let response: Response;
        try {
          response = await handler(c);
        } catch (error) {
          // onError answers it, and logs the line after the failure's.
          c.set('started', started);
          throw error;
        }
        if (requests !== undefined) {
          meter ??= meterOf(c, requests);
          meter.done(c.req.method, response.status, (performance.now() - started) / 1000);
        }
        if (enabled) write(c, response.status, started);
        return response;
      };
    },
    failed(c, status) {
      const started = c.get('started') ?? performance.now();
      if (requests !== undefined) meterOf(c, requests).done(c.req.method, status, (performance.now() - started) / 1000);
      if (enabled) write(c, status, started);
    },
  };
}
