import type { LogFields, Logger } from '@janitor/protocol';
import type { Sender } from '@janitor/runtime/hub';
import type { HubContext, HubHandler } from './hub-env.ts';

/** What {@link createRequestLine} needs. */
export interface RequestLineOptions {
  logger: Logger;
  /** Who sent a request: its client's address (or the socket's), and the proxy it came through. */
  sender: (c: HubContext) => Sender;
}

/**
 * One `request` line at level info per request, with the sender's address (`from`; `proxy` when a trusted proxy
 * named it) and the token's name.
 */
export interface RequestLine {
  /**
   * `handler`, writing the request line once it answered; `handler` itself when the logger drops info lines. A
   * handler that throws leaves its start time on the context for {@link RequestLine.failed}.
   */
  logged(handler: HubHandler): HubHandler;
  /** The line of a request whose handler threw and that `app.onError` answered with `status`. */
  failed(c: HubContext, status: number): void;
}

/**
 * The request line. Each handler is wrapped rather than the app given a middleware: a middleware puts every request
 * through Hono's async compose, which cost the hub a sixth of its throughput (BENCHMARKS.md). Nothing at all is
 * done per request when the logger drops info lines.
 *
 * @example
 * const line = createRequestLine({ logger, sender: access.sender });
 * app.get('/health', line.logged((c) => c.json({ status: 'ready' })));
 */
export function createRequestLine(options: RequestLineOptions): RequestLine {
  const { logger, sender } = options;
  const enabled = logger.enabled?.('info') ?? true;

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
      if (!enabled) return handler;
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
        write(c, response.status, started);
        return response;
      };
    },
    failed(c, status) {
      if (enabled) write(c, status, c.get('started') ?? performance.now());
    },
  };
}
