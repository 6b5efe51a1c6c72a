import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { hubArgv, localUrl, probeHealth } from './hub-control.ts';
import { HUB_NODE_FLAGS } from './node-flags.ts';
import { postingMode } from './posting-mode.ts';
import { CliError, EXIT, type Runtime } from './runtime.ts';
import { ensureStateDir, stateLine } from './state-dir.ts';

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

/** Signals `janitor start` passes on to the hub and the agent, each as itself: a Ctrl-C is logged as SIGINT. */
const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * The main job (`janitor start`, what `./dev start` runs): the hub in the foreground and an agent of this machine
 * reporting to it every minute. Whether posts are made is settled once ({@link postingMode}: without Mastodon
 * credentials the hub runs in dry run, and the posts it would make are printed) and said once, with where the state
 * lives (its folder created 0700). The hub and the agent run in process groups of their own, so that a signal reaches
 * them once, from here, as the signal it was: SIGINT (a Ctrl-C), SIGTERM and SIGHUP are passed on. Ends when either
 * process ends or on one of those signals; resolves with the exit status.
 */
export async function runMainJob(options: MainJobOptions): Promise<number> {
  const { runtime, out, intervalSeconds = 60, startTimeoutMs = 15_000 } = options;
  const { config } = runtime;
  const { host, port } = config.data.app.service.listen;
  const url = localUrl(host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host, port);
  if ((await probeHealth(url)) !== undefined) {
    throw new CliError(`something already answers on ${url}: another hub? (set app.service.listen.port)`, EXIT.failure);
  }
  const mode = postingMode(runtime);
  const stateDir = ensureStateDir(config);
  const spawnChild = (args: string[]) => spawn(process.execPath, args, { stdio: 'inherit', detached: true });
  const hub = spawnChild([
    ...HUB_NODE_FLAGS,
    options.entryPoints.hub,
    ...hubArgv({ ...(options.configPath ? { config: options.configPath } : {}), dryRun: mode.dryRun }),
  ]);
  const children: ChildProcess[] = [hub];
  // Each child is sent one signal at most: a second one would cut its clean stop short.
  const signalled = new Set<ChildProcess>();
  const stop = (signal: NodeJS.Signals = 'SIGTERM') => {
    for (const child of children) {
      if (signalled.has(child) || child.exitCode !== null || child.signalCode !== null) continue;
      signalled.add(child);
      child.kill(signal);
    }
  };
  for (const signal of FORWARDED) process.on(signal, stop);
  try {
    const deadline = Date.now() + startTimeoutMs;
    while ((await probeHealth(url)) === undefined) {
      if (hub.exitCode !== null || Date.now() > deadline) {
        stop();
        throw new CliError(`the hub did not start on ${url}`, EXIT.failure);
      }
      await sleep(100);
    }
    const agent = spawnChild(
      // The agent always sends: whether posts are made is the hub's dry run.
      [
        options.entryPoints.agent,
        // The same config, so that the agent's state is where the line above says.
        ...(options.configPath ? ['--config', options.configPath] : []),
        '--mode',
        'remote',
        '--hub',
        url,
        '--interval',
        String(intervalSeconds),
        '--no-dry-run',
      ],
    );
    children.push(agent);
    out(`Janitor is running: hub on ${url}, this machine reports every ${intervalSeconds} s.`);
    out(stateLine(stateDir, ['janitor.db', 'spool', 'metrics-state.json']));
    if (mode.notice) out(`${mode.notice[0]!.toUpperCase()}${mode.notice.slice(1)}.`);
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
    for (const signal of FORWARDED) process.removeListener(signal, stop);
  }
}
