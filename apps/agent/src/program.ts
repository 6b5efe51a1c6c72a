// janitor-agent: collects this machine's metrics. Local mode checks them and publishes here; remote mode sends them
// to a hub (spooling them on disk while the hub cannot be reached).

import {
  CliError,
  EXIT,
  openRuntime,
  parseDurationSeconds,
  parseHubUrl,
  readTokenFile,
  runProgram,
} from '@janitor/runtime';
import { runLoop } from '@janitor/scheduler';
import { Command, Option } from 'commander';
import pkg from '../package.json' with { type: 'json' };

interface AgentOptions {
  mode?: 'local' | 'remote';
  once?: boolean;
  interval: number;
  config?: string;
  dryRun?: boolean;
  hub?: string;
  token?: string;
  tokenFile?: string;
  legacy?: boolean;
}

const program = new Command('janitor-agent')
  .description(
    "Collects this machine's metrics: checks them against the limits in config.yaml and publishes (local mode), " +
      'or sends them to a janitor hub (remote mode).',
  )
  .version(pkg.version)
  .addOption(
    new Option(
      '--mode <mode>',
      'local: collect, check and publish on this machine; remote: send to the hub (default: remote with --hub, else local)',
    ).choices(['local', 'remote']),
  )
  .option('--once', 'run once and exit (what cron calls)')
  .option(
    '--interval <duration>',
    'long-running: run every <duration> (60, 30s, 5m) in a plain loop, instead of the schedule (the tasks of ' +
      'app.schedules when there are any, else this mode every minute, on the minute)',
    parseDurationSeconds,
    60,
  )
  .option('-c, --config <path>', 'the config file (default: $JANITOR_CONFIG, or config.yaml found upward)')
  .option('--dry-run', 'log the post (local) or the report (remote) instead of making or sending it')
  .option('--no-dry-run', 'make or send it even when app.run_control.dry_run is set')
  .option('--hub <url>', 'remote: the hub’s address (default: app.service.remote_url)', parseHubUrl)
  .option('--token <token>', 'remote: the hub’s bearer token (default: $JANITOR_HUB_TOKEN, app.service.remote_token)')
  .option(
    '--token-file <path>',
    'remote: read the token from this file (its first line), so that it is not on the command line `ps` shows',
  )
  .option('--legacy', 'remote: send the original’s {"sys_data": …} report, for hubs of Janitor 0.1')
  .action(async (options: AgentOptions, command: Command) => {
    const mode = options.mode ?? (options.hub ? 'remote' : 'local');
    if (mode === 'local' && (options.hub || options.token || options.legacy)) {
      throw new CliError('--hub, --token and --legacy apply to remote mode (--mode remote)', EXIT.usage);
    }
    if (mode === 'local' && options.tokenFile) {
      throw new CliError('--token-file applies to remote mode (--mode remote)', EXIT.usage);
    }
    if (options.token && options.tokenFile) throw new CliError('give --token or --token-file, not both', EXIT.usage);
    if (options.tokenFile) options.token = readTokenFile(options.tokenFile);
    const runtime = await openRuntime({
      ...(options.config ? { configPath: options.config } : {}),
      ...(options.dryRun === undefined ? {} : { dryRun: options.dryRun }),
    });
    if (!options.once && command.getOptionValueSource('interval') === 'default')
      await scheduled(runtime, mode, options);
    else if (mode === 'remote') await remote(runtime, options);
    else await local(runtime, options);
    await runtime.logger.flush();
  });

type Runtime = Awaited<ReturnType<typeof openRuntime>>;

/**
 * Long-running without `--interval`: the scheduler daemon, as `janitor scheduler --daemon` runs it. It runs the tasks
 * of `app.schedules` when the config has any enabled, else this agent's own check (`sysinfo_local` or
 * `sysinfo_remote`, with `--hub`/`--token`/`--legacy`) every minute, on the minute, from the minute it starts.
 */
async function scheduled(runtime: Runtime, mode: 'local' | 'remote', options: AgentOptions): Promise<void> {
  const [{ createFileLock, DEFAULT_TASK_TIMEOUT_MS, runSchedulerDaemon }, { createTaskRunner, lockDirOf }] =
    await Promise.all([import('@janitor/scheduler'), import('@janitor/runtime/tasks')]);
  const { config, logger } = runtime;
  const fromConfig = config.tasks.some((task) => task.enabled);
  const action = mode === 'remote' ? 'sysinfo_remote' : 'sysinfo_local';
  const tasks = fromConfig
    ? config.tasks
    : [{ name: action, when: '* * * * *', action, enabled: true, timeoutMs: DEFAULT_TASK_TIMEOUT_MS } as const];
  logger.info('agent started', {
    mode,
    schedule: fromConfig ? 'app.schedules' : 'every minute',
    tasks: tasks
      .filter((task) => task.enabled)
      .map((task) => task.name)
      .join(','),
  });
  const remoteOptions = {
    ...(options.hub ? { hub: options.hub } : {}),
    ...(options.token ? { token: options.token } : {}),
    ...(options.legacy ? { legacy: true } : {}),
  };
  await runSchedulerDaemon({
    tasks,
    lock: createFileLock(lockDirOf(config)),
    run: createTaskRunner({ runtime, remote: remoteOptions }),
    logger,
  });
  logger.info('agent stopped');
}

// Each mode loads its own modules: a cron run of remote mode never loads the publisher (masto), nor local mode the
// spool.
async function local(runtime: Runtime, options: AgentOptions): Promise<void> {
  const [{ createCollector }, { runLocal }] = await Promise.all([
    import('@janitor/metrics'),
    import('@janitor/runtime/local'),
  ]);
  const { logger } = runtime;
  if (options.once) {
    await runLocal(runtime);
    return;
  }
  // Long-running: one collector keeps its counters in memory; a failed check is logged and the loop goes on.
  const collector = createCollector();
  logger.info('agent started', { mode: 'local', intervalSeconds: options.interval });
  await runLoop({
    intervalMs: options.interval * 1000,
    tick: async () => {
      await runLocal(runtime, { collect: collector.collect });
    },
    onError: (error) => logger.error('check failed', { error: error instanceof Error ? error.message : String(error) }),
  });
  logger.info('agent stopped');
}

async function remote(runtime: Runtime, options: AgentOptions): Promise<void> {
  const { formatDryRunReport, openRemote, remoteFailure, remoteOnceCommand } = await import('@janitor/runtime/remote');
  const remoteOptions = {
    ...(options.hub ? { hub: options.hub } : {}),
    ...(options.token ? { token: options.token } : {}),
    ...(options.legacy ? { legacy: true } : {}),
  };
  const { logger } = runtime;
  if (options.once) {
    await remoteOnceCommand(runtime, remoteOptions);
    return;
  }
  const [{ createCollector }, { runRemoteReport }] = await Promise.all([
    import('@janitor/metrics'),
    import('@janitor/runtime/remote'),
  ]);
  const { target, send, spool } = openRemote(runtime, remoteOptions);
  const collector = createCollector({ logger });
  logger.info('agent started', {
    mode: 'remote',
    hub: target.url,
    intervalSeconds: options.interval,
    spooled: spool.pending().length,
  });
  await runLoop({
    intervalMs: options.interval * 1000,
    tick: async (signal) => {
      const outcome = await runRemoteReport({
        collect: collector.collect,
        send,
        spool,
        logger,
        format: target.format,
        dryRun: runtime.dryRun,
        signal,
      });
      if (outcome.status === 'dry-run') {
        process.stdout.write(`${formatDryRunReport(target.url, target.format, outcome.sample)}\n`);
      }
      // A refused report or token is logged and the loop goes on: the hub's owner may fix it without a restart here.
      const failure = remoteFailure(outcome);
      if (failure) logger.error(failure.message);
    },
    onError: (error) =>
      logger.error('report failed', { error: error instanceof Error ? error.message : String(error) }),
  });
  logger.info('agent stopped');
}

process.exitCode = await runProgram(program);
