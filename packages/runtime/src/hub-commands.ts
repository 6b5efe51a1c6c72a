// `janitor listen [--detach]`, `listen status`, `listen stop`: the hub as a process, as the commands run it and say it.
import { toTsLogLevel } from '@janitor/config';
import { localUrl, probeHealth, runHubForeground, startHubDetached, stopHub } from './hub-control.ts';
import { hubFiles, hubState } from './hub-process.ts';
import { announcePostingMode, postingMode } from './posting-mode.ts';
import { openRuntime, type RuntimeOptions } from './runtime.ts';
import { ensureStateDir, resolveStateDir, stateLine } from './state-dir.ts';

/** LSB: `status` of a service that is not running. */
export const EXIT_NOT_RUNNING = 3;

/** What the hub commands are given: the hub's entry point ({@link hubEntryPoint}) and where to print. */
export interface HubCommandOptions {
  hubMain: string;
  out: (line: string) => void;
}

/** The flags of `janitor listen`. */
export interface ListenOptions extends HubCommandOptions {
  /** `--config`, passed on to the hub. */
  configPath?: string;
  detach?: boolean;
  host?: string;
  port?: number;
}

/**
 * `janitor listen [--detach]`: the hub in the foreground (answers its exit code), or in the background with a pid
 * and log file in the state folder (answers undefined once it listens). Whether posts are made is settled here and
 * said once: the hub is told with --dry-run (without credentials too).
 */
export async function listenCommand(
  runtimeOptions: RuntimeOptions,
  options: ListenOptions,
): Promise<number | undefined> {
  const { configPath, detach, host, port: portFlag, hubMain, out } = options;
  const runtime = await openRuntime(runtimeOptions);
  const stateDir = ensureStateDir(runtime.config);
  const { dryRun } = postingMode(runtime);
  const say = () => {
    runtime.logger.info(stateLine(stateDir, detach ? ['janitor.db', 'hub.pid', 'hub.log'] : ['janitor.db']));
    announcePostingMode(runtime);
  };
  const args = {
    ...(configPath ? { config: configPath } : {}),
    ...(host ? { host } : {}),
    ...(portFlag === undefined ? {} : { port: portFlag }),
    ...(dryRun ? { dryRun: true } : {}),
  };
  if (!detach) {
    say();
    await runtime.logger.flush();
    return runHubForeground(args, hubMain);
  }
  const { listen: where } = runtime.config.data.app.service;
  const port = portFlag ?? where.port;
  const logger = runtime.config.data.logger;
  const files = hubFiles(stateDir);
  const started = await startHubDetached({
    args,
    files,
    hubMain,
    ...(port === 0 ? {} : { expectedUrl: localUrl(host ?? where.host, port) }),
    logsListening: logger.to_stdout && toTsLogLevel(logger.loglevel) <= 3,
  });
  out(`hub running with PID ${started.pid} on ${started.url} (log: ${files.logFile})`);
  say();
  if (started.health !== 'ready') out(`warning: the hub is ${started.health}: see GET ${started.url}/health`);
  return undefined;
}

/** `janitor listen status`: whether the hub started with --detach runs; answers 0, or 3 ({@link EXIT_NOT_RUNNING}). */
export async function listenStatus(runtimeOptions: RuntimeOptions, options: HubCommandOptions): Promise<number> {
  const { hubMain, out } = options;
  const runtime = await openRuntime(runtimeOptions);
  const files = hubFiles(resolveStateDir(runtime.config));
  const state = hubState(files, hubMain);
  if (state.state === 'running') {
    const health = state.url ? await probeHealth(state.url) : undefined;
    const where = state.url ? ` on ${state.url}` : '';
    out(`hub running with PID ${state.pid}${where}${health ? ` (${health})` : ''}`);
    return 0;
  }
  out(
    state.state === 'stopped'
      ? 'hub not running'
      : `hub not running (stale pid file ${files.pidFile}: PID ${state.pid} ${state.reason === 'gone' ? 'is gone' : `is ${state.reason}`})`,
  );
  return EXIT_NOT_RUNNING;
}

/** `janitor listen stop`: stops the hub started with --detach (SIGTERM; SIGKILL after 10 s) and says how. */
export async function listenStop(runtimeOptions: RuntimeOptions, options: HubCommandOptions): Promise<void> {
  const { hubMain, out } = options;
  const runtime = await openRuntime(runtimeOptions);
  const files = hubFiles(resolveStateDir(runtime.config));
  const { stopped, killed } = await stopHub(files, { hubMain });
  if (stopped.state !== 'running') {
    out(stopped.state === 'stale' ? 'hub not running (stale pid file removed)' : 'hub not running');
    return;
  }
  out(killed ? `hub (PID ${stopped.pid}) did not stop in time and was killed` : `hub stopped (PID ${stopped.pid})`);
}
