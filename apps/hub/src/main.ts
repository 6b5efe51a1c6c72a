#!/usr/bin/env node
// janitor-hub: receives metrics (POST /sysinfo) and messages (POST /message), checks them and publishes.
// The only place that starts an HTTP server.
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Command } from 'commander';
import { openRuntime } from 'janitor-agent';
import { runProgram } from 'janitor-agent/cli-support';
import pkg from '../package.json' with { type: 'json' };
import { createHubService } from './service.ts';

interface HubOptions {
  config?: string;
  host?: string;
  port?: number;
  dryRun?: boolean;
}

/** How long in-flight requests get to finish after SIGTERM before sockets are cut. */
const SHUTDOWN_DEADLINE_MS = 5000;

const program = new Command('janitor-hub')
  .description('Receives metrics from agents and messages from scripts, checks them, publishes to the Fediverse.')
  .version(pkg.version)
  .option('-c, --config <path>', 'the config file (default: $JANITOR_CONFIG, or config.yaml found upward)')
  .option('--host <host>', 'address to listen on (default: app.service.listen.host)')
  .option('--port <port>', 'port to listen on (default: app.service.listen.port)', (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error('expected a port number 0-65535');
    return n;
  })
  .option('--dry-run', 'log the posts instead of making them')
  .action(async (options: HubOptions) => {
    const runtime = await openRuntime({
      ...(options.config ? { configPath: options.config } : {}),
      ...(options.dryRun ? { dryRun: true } : {}),
    });
    const { config, logger } = runtime;
    const service = createHubService({
      config,
      logger,
      dryRun: runtime.dryRun,
      remoteAddress: (c) => getConnInfo(c).remote.address,
    });
    const host = options.host ?? config.data.app.service.listen.host;
    const port = options.port ?? config.data.app.service.listen.port;
    const server: ServerType = await new Promise((resolve, reject) => {
      const s = serve({ fetch: service.app.fetch, hostname: host, port }, () => resolve(s));
      s.once('error', reject);
    });
    const address = server.address() as AddressInfo;
    logger.info('hub listening', {
      url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
      dryRun: runtime.dryRun,
      store: service.store.path,
    });
    if (config.data.app.service.tokens.length === 0) {
      logger.warn(
        'NO TOKENS CONFIGURED: accepting requests from loopback and private networks only; set app.service.tokens to accept others',
      );
    }
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        logger.info('stopping', { signal });
        resolve();
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    await shutdown(server);
    await service.close();
    logger.info('hub stopped');
    await logger.flush();
  });

/** Stops accepting, lets in-flight requests finish, closes idle keep-alive sockets, cuts the rest at the deadline. */
async function shutdown(server: ServerType): Promise<void> {
  const http = server as import('node:http').Server;
  const closed = new Promise<void>((resolve) => http.close(() => resolve()));
  const idle = setInterval(() => http.closeIdleConnections?.(), 100);
  const deadline = setTimeout(() => http.closeAllConnections?.(), SHUTDOWN_DEADLINE_MS);
  http.closeIdleConnections?.();
  await closed;
  clearInterval(idle);
  clearTimeout(deadline);
}

process.exitCode = await runProgram(program);
