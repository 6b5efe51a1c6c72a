// janitor start, janitor listen [--detach], listen status, listen stop: the hub as a process.
import { parseDurationSeconds, parsePort } from '@janitor/runtime';
import type { Command } from 'commander';
import { type Common, out, rt, runtimeOptions } from './common.ts';

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
      const { hubEntryPoint, listenCommand } = await rt();
      const configPath = cmd.optsWithGlobals<Common>().config;
      const code = await listenCommand(runtimeOptions(cmd), {
        ...o,
        ...(configPath ? { configPath } : {}),
        hubMain: hubEntryPoint(import.meta.url),
        out,
      });
      if (code !== undefined) process.exitCode = code;
    });

  listen
    .command('status')
    .description('say whether the hub started with --detach is running (exit 0) or not (exit 3)')
    .action(async (_o, cmd: Command) => {
      const { hubEntryPoint, listenStatus } = await rt();
      const code = await listenStatus(runtimeOptions(cmd), { hubMain: hubEntryPoint(import.meta.url), out });
      if (code !== 0) process.exitCode = code;
    });

  listen
    .command('stop')
    .description('stop the hub started with --detach (SIGTERM; SIGKILL after 10 s)')
    .action(async (_o, cmd: Command) => {
      const { hubEntryPoint, listenStop } = await rt();
      await listenStop(runtimeOptions(cmd), { hubMain: hubEntryPoint(import.meta.url), out });
    });
}
