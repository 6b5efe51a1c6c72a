import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '@janitor/protocol';

/** How long a client may take, and how many connections may be open: what keeps slow or idle clients from starving
 * the others. */
export interface ConnectionLimits {
  /** Time a client has to send its request's headers, from the connection (or the end of the previous request). */
  headersTimeoutMs: number;
  /** Time a client has to send its whole request, headers and body. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open after an answer. */
  keepAliveTimeoutMs: number;
  /** How often the two request timeouts are checked: a slow client is cut at most this much after its time. */
  checkIntervalMs: number;
  /** Open connections in all; one more is closed at once. */
  maxConnections: number;
  /** Open connections from one address (trusted proxies excepted); one more is closed at once. */
  maxConnectionsPerAddress: number;
}

/**
 * The hub's limits. An agent or a script sends a request of a few hundred bytes and reads an answer of fewer: 10 s
 * for the headers and 30 s for a whole request (bodies are at most 1 MiB) are plenty on a slow link, and cut the
 * connections of a client that never finishes in seconds instead of Node's 60 s and 300 s. 4,096 connections in all
 * and 256 per address stay far below the file descriptors of a process while thousands of agents report once a minute.
 */
export const CONNECTION_LIMITS: Readonly<ConnectionLimits> = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 1_000,
  maxConnections: 4096,
  maxConnectionsPerAddress: 256,
};

/** The options of `http.createServer` (`serverOptions` of @hono/node-server's `serve`) that apply `limits`. */
export function serverOptions(limits: ConnectionLimits = CONNECTION_LIMITS): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: limits.checkIntervalMs,
  };
}

/** Options of {@link limitConnections}. */
export interface LimitConnectionsOptions {
  /** @default CONNECTION_LIMITS */
  limits?: ConnectionLimits;
  /** Addresses not counted per address (the trusted proxies: every client of theirs comes from them). */
  exempt?: (address: string) => boolean;
  /** Told about refused connections, at most once per `reportEveryMs` and kind of limit. */
  logger: Logger;
  /** @default 10000 */
  reportEveryMs?: number;
  /** @default performance.now */
  now?: () => number;
}

/**
 * Bounds the connections of `server`: at most `maxConnections` open (Node closes one more at once), and at most
 * `maxConnectionsPerAddress` from one address (closed at once too), so that one client holding many connections
 * open does not take every one. Refusals are logged as one warning per limit and interval, with how many.
 *
 * @example
 * const server = serve({ fetch: app.fetch, port, serverOptions: serverOptions() });
 * limitConnections(server, { logger });
 */
export function limitConnections(server: Server, options: LimitConnectionsOptions): void {
  const { limits = CONNECTION_LIMITS, exempt = () => false, logger, reportEveryMs = 10_000 } = options;
  const now = options.now ?? (() => performance.now());
  server.maxConnections = limits.maxConnections;
  const open = new Map<string, number>();

  const refused = { total: 0, address: 0 };
  const lastReport = { total: -Infinity, address: -Infinity };
  function report(kind: 'total' | 'address', from: string | undefined): void {
    refused[kind] += 1;
    const at = now();
    if (at - lastReport[kind] < reportEveryMs) return;
    lastReport[kind] = at;
    const limit = kind === 'total' ? limits.maxConnections : limits.maxConnectionsPerAddress;
    logger.warn(
      kind === 'total'
        ? 'connections refused: the hub holds as many as it may'
        : 'connections refused: one address holds as many as it may',
      { limit, refused: refused[kind], ...(from === undefined ? {} : { from }) },
    );
    refused[kind] = 0;
  }

  server.on('drop', (data?: { remoteAddress?: string }) => report('total', data?.remoteAddress));
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined || exempt(address)) return;
    const count = (open.get(address) ?? 0) + 1;
    if (count > limits.maxConnectionsPerAddress) {
      socket.destroy();
      report('address', address);
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
