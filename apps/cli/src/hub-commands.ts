// janitor start, janitor listen [--detach], listen status, listen stop: the hub as a process.
import { parseDurationSeconds, parsePort } from '@janitor/runtime';
import type { Command } from 'commander';
import { type Common, out, rt, runtimeOptions } from './common.ts';

/** LSB: `status` of a service that is not running. */
const EXIT_NOT_RUNNING = 3;

interface ListenFlags {
  detach?: boolean;
  dryRun?: boolean;
  host?: string;
  port?: number;
}

/** Adds `janitor start` and `janitor listen` (with `status` and `stop`) to `program`. */
export function addHubCommands(program: Command): void {
  program
    .command('start')
    .description('the main job: the hub, and an agent of this machine reporting to it (dry run until logged in)')
    .option('--interval <duration>', 'time between two reports of this machine (60, 30s, 5m)', parseDurationSeconds, 60)
    .action(async (o: { interval: number }, cmd: Command) => {
      const configPath = cmd.optsWithGlobals<Common>().config;
      const { binEntryPoint, hubEntryPoint, openRuntime, runMainJob } = await rt();
      const runtime = await openRuntime(runtimeOptions(cmd));
      process.exitCode = await runMainJob({
        runtime,
        entryPoints: { hub: hubEntryPoint(import.meta.url), agent: binEntryPoint('janitor-agent', import.meta.url) },
        ...(configPath ? { configPath } : {}),
        intervalSeconds: o.interval,
        out,
      });
    });

  const listen = program
    .command('listen')
    .description('run the hub: in the foreground, or in the background with --detach (see also: status, stop)')
    .option('--detach', 'run in the background: log to <state_dir>/hub.log, PID in <state_dir>/hub.pid')
    .option('--dry-run', 'print the posts instead of making them (also: without credentials)')
    .option('--host <host>', 'address to listen on (default: app.service.listen.host)')
    .option('--port <port>', 'port to listen on (default: app.service.listen.port)', parsePort)
    .action(async (o: ListenFlags, cmd: Command) => {
      const configPath = cmd.optsWithGlobals<Common>().config;
      const [
        {
          announcePostingMode,
          ensureStateDir,
          hubEntryPoint,
          hubFiles,
          localUrl,
          openRuntime,
          postingMode,
          runHubForeground,
          startHubDetached,
          stateLine,
        },
        { toTsLogLevel },
      ] = await Promise.all([rt(), import('@janitor/config')]);
      const runtime = await openRuntime(runtimeOptions(cmd));
      const stateDir = ensureStateDir(runtime.config);
      // Settled here and said once, by this command: the hub is told with --dry-run (without credentials too).
      const { dryRun } = postingMode(runtime);
      const say = () => {
        runtime.logger.info(stateLine(stateDir, o.detach ? ['janitor.db', 'hub.pid', 'hub.log'] : ['janitor.db']));
        announcePostingMode(runtime);
      };
      const args = {
        ...(configPath ? { config: configPath } : {}),
        ...(o.host ? { host: o.host } : {}),
        ...(o.port === undefined ? {} : { port: o.port }),
        ...(dryRun ? { dryRun: true } : {}),
      };
      const hubMain = hubEntryPoint(import.meta.url);
      if (!o.detach) {
        say();
        await runtime.logger.flush();
        process.exitCode = await runHubForeground(args, hubMain);
        return;
      }
      const { listen: where } = runtime.config.data.app.service;
      const port = o.port ?? where.port;
      const logger = runtime.config.data.logger;
      const files = hubFiles(stateDir);
      const started = await startHubDetached({
        args,
        files,
        hubMain,
        ...(port === 0 ? {} : { expectedUrl: localUrl(o.host ?? where.host, port) }),
        logsListening: logger.to_stdout && toTsLogLevel(logger.loglevel) <= 3,
      });
      out(`hub running with PID ${started.pid} on ${started.url} (log: ${files.logFile})`);
      say();
      if (started.health !== 'ready') out(`warning: the hub is ${started.health}: see GET ${started.url}/health`);
    });

  listen
    .command('status')
    .description('say whether the hub started with --detach is running (exit 0) or not (exit 3)')
    .action(async (_o, cmd: Command) => {
      const { hubEntryPoint, hubFiles, hubState, openRuntime, probeHealth, resolveStateDir } = await rt();
      const runtime = await openRuntime(runtimeOptions(cmd));
      const files = hubFiles(resolveStateDir(runtime.config));
      const state = hubState(files, hubEntryPoint(import.meta.url));
      if (state.state === 'running') {
        const health = state.url ? await probeHealth(state.url) : undefined;
        const where = state.url ? ` on ${state.url}` : '';
        out(`hub running with PID ${state.pid}${where}${health ? ` (${health})` : ''}`);
        return;
      }
      out(
        state.state === 'stopped'
          ? 'hub not running'
          : `hub not running (stale pid file ${files.pidFile}: PID ${state.pid} ${state.reason === 'gone' ? 'is gone' : `is ${state.reason}`})`,
      );
      process.exitCode = EXIT_NOT_RUNNING;
    });

  listen
    .command('stop')
    .description('stop the hub started with --detach (SIGTERM; SIGKILL after 10 s)')
    .action(async (_o, cmd: Command) => {
      const { hubEntryPoint, hubFiles, openRuntime, resolveStateDir, stopHub } = await rt();
      const runtime = await openRuntime(runtimeOptions(cmd));
      const files = hubFiles(resolveStateDir(runtime.config));
      const { stopped, killed } = await stopHub(files, { hubMain: hubEntryPoint(import.meta.url) });
      if (stopped.state !== 'running') {
        out(stopped.state === 'stale' ? 'hub not running (stale pid file removed)' : 'hub not running');
        return;
      }
      out(killed ? `hub (PID ${stopped.pid}) did not stop in time and was killed` : `hub stopped (PID ${stopped.pid})`);
    });
}
