import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolveAccessToken } from '@janitor/config';
import { hubArgv, localUrl, probeHealth } from './hub-control.ts';
import { HUB_NODE_FLAGS } from './node-flags.ts';
import { CliError, EXIT, type Runtime } from './runtime.ts';

/** Options of {@link runMainJob}. */
export interface MainJobOptions {
  runtime: Runtime;
  /** janitor-hub's and janitor-agent's entry points ({@link binEntryPoint}). */
  entryPoints: { hub: string; agent: string };
  configPath?: string;
  /** Seconds between two reports of this machine. @default 60 */
  intervalSeconds?: number;
  out: (line: string) => void;
  /** How long the hub may take to answer /health. @default 15000 */
  startTimeoutMs?: number;
}

/**
 * The main job (`janitor start`, what `./dev start` runs): the hub in the foreground and an agent of this machine
 * reporting to it every minute. Without Mastodon credentials the hub runs in dry run: the posts it would make are
 * printed. Ends when either process ends or on SIGINT/SIGTERM; resolves with the exit status.
 */
export async function runMainJob(options: MainJobOptions): Promise<number> {
  const { runtime, out, intervalSeconds = 60, startTimeoutMs = 15_000 } = options;
  const { config } = runtime;
  const { host, port } = config.data.app.service.listen;
  const url = localUrl(host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host, port);
  if ((await probeHealth(url)) !== undefined) {
    throw new CliError(`something already answers on ${url}: another hub? (set app.service.listen.port)`, EXIT.failure);
  }
  const token = resolveAccessToken(config);
  const dryRun = runtime.dryRun || !token;
  const hub = spawn(
    process.execPath,
    [
      ...HUB_NODE_FLAGS,
      options.entryPoints.hub,
      ...hubArgv({ ...(options.configPath ? { config: options.configPath } : {}), dryRun }),
    ],
    { stdio: 'inherit' },
  );
  const children: ChildProcess[] = [hub];
  const stop = () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    const deadline = Date.now() + startTimeoutMs;
    while ((await probeHealth(url)) === undefined) {
      if (hub.exitCode !== null || Date.now() > deadline) {
        stop();
        throw new CliError(`the hub did not start on ${url}`, EXIT.failure);
      }
      await sleep(100);
    }
    const agent = spawn(
      process.execPath,
      // The agent always sends: whether posts are made is the hub's dry run.
      [
        options.entryPoints.agent,
        '--mode',
        'remote',
        '--hub',
        url,
        '--interval',
        String(intervalSeconds),
        '--no-dry-run',
      ],
      { stdio: 'inherit' },
    );
    children.push(agent);
    out(`Janitor is running: hub on ${url}, this machine reports every ${intervalSeconds} s.`);
    if (dryRun) {
      out(
        token
          ? 'Dry run (app.run_control.dry_run): posts are printed, not made.'
          : "Dry run: no Mastodon credentials yet, so posts are printed, not made. Next: 'janitor init', set mastodon.api_base_url in config.yaml, then 'janitor login'.",
      );
    }
    out(`Scripts can report through it: curl -d "hostname=$(hostname)&message=hello" ${url}/message`);
    const exited = await Promise.race(
      children.map((child) => new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 0)))),
    );
    stop();
    await Promise.all(
      children.map((c) =>
        c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((r) => c.once('exit', r)),
      ),
    );
    return exited;
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
}
