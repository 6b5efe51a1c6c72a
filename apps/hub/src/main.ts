#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=10
// janitor-hub: receives metrics (POST /sysinfo) and messages (POST /message), checks them and publishes.
// The only place that starts an HTTP server.
import type { IncomingMessage, Server } from 'node:http';
import { type AddressInfo, BlockList } from 'node:net';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { addCidr } from '@janitor/config';
import { CliError, EXIT, openRuntime, parsePort, resolveStateDir, runProgram } from '@janitor/runtime';
import {
  CONNECTION_LIMITS,
  cannotStart,
  checkLogFile,
  contains,
  exitOnUnexpectedError,
  limitConnections,
  neverThrowing,
  serverOptions,
  shutdown,
  trackConnections,
} from '@janitor/runtime/hub';
import { Command } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { createHubService, type HubService } from './service.ts';

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
  .option('--port <port>', 'port to listen on (default: app.service.listen.port)', parsePort)
  .option('--dry-run', 'log the posts instead of making them (also without Mastodon credentials)')
  .showHelpAfterError('Usage: janitor-hub [--config PATH] [--host HOST] [--port PORT] [--dry-run] (--help for more)')
  .action(async (options: HubOptions) => {
    const runtime = await openRuntime({
      ...(options.config ? { configPath: options.config } : {}),
      ...(options.dryRun ? { dryRun: true } : {}),
    });
    const { config } = runtime;
    // Lines are logged after something was kept: a logger that fails must never turn that into an error.
    const logger = neverThrowing(runtime.logger);
    // Listening for the stop signals from the start: one that comes while the hub starts stops it once it listens,
    // cleanly, instead of killing it half-started.
    const stopRequested = new Promise<void>((resolve) => {
      let stopping = false;
      // A second signal (a process group and its parent both sending one) must not cut the graceful stop short.
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) {
          logger.info('already stopping', { signal });
          return;
        }
        stopping = true;
        logger.info('stopping', { signal });
        resolve();
      };
      for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, stop);
    });
    checkLogFile(config.data.logger);
    let service: HubService;
    try {
      service = createHubService({
        config,
        logger,
        dryRun: runtime.dryRun,
        // The socket's address, as getConnInfo() of @hono/node-server reads it (without building its objects).
        remoteAddress: (c) => (c.env as { incoming: IncomingMessage }).incoming.socket.remoteAddress,
        storePath: join(resolveStateDir(config), 'janitor.db'),
      });
    } catch (error) {
      throw cannotStart(error);
    }
    try {
      // Everything that runs behind the routes starts before anything is accepted; a failure stops what started.
      await service.start();
    } catch (error) {
      await service.close();
      throw cannotStart(error);
    }
    // From here on something runs (the worker, the timers): an error nobody caught stops the hub, in one line.
    exitOnUnexpectedError(logger, config.data.logger.to_stdout);
    const host = options.host ?? config.data.app.service.listen.host;
    const port = options.port ?? config.data.app.service.listen.port;
    let server: ServerType;
    try {
      server = await new Promise((resolve, reject) => {
        const s = serve(
          { fetch: service.app.fetch, hostname: host, port, serverOptions: serverOptions(CONNECTION_LIMITS) },
          () => resolve(s),
        );
        s.once('error', reject);
      });
    } catch (error) {
      // Nothing must keep the process alive after it could not listen (the worker, the store).
      await service.close();
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'EADDRINUSE' ? 'the address is in use (another hub?)' : (error as Error).message;
      throw new CliError(`cannot listen on ${host}:${port}: ${reason}`, EXIT.failure, { cause: error });
    }
    // Slow, idle or piled-up connections are cut or refused, so that they never starve the others.
    const proxies = new BlockList();
    for (const cidr of config.data.app.service.trusted_proxies) addCidr(proxies, cidr);
    limitConnections(server as Server, {
      limits: CONNECTION_LIMITS,
      exempt: (address) => contains(proxies, address),
      logger,
    });
    const closeIdle = trackConnections(server as Server);
    const address = server.address() as AddressInfo;
    logger.info('hub listening', {
      url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
      dryRun: service.dryRun,
      store: service.store.path,
    });
    if (config.data.app.service.tokens.length === 0) {
      logger.warn(
        'NO TOKENS CONFIGURED: accepting reports and messages from loopback and private networks only, silences from this machine only; set app.service.tokens to accept others',
      );
    }
    await stopRequested;
    await shutdown(server as Server, closeIdle, SHUTDOWN_DEADLINE_MS);
    await service.close();
    logger.info('hub stopped');
    await logger.flush();
    // A post abandoned at the grace deadline may still hold a socket open: do not wait for its timeout.
    setTimeout(() => process.exit(), 100).unref();
  });

process.exitCode = await runProgram(program);
