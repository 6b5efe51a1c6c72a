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
import { Command, Option } from 'commander';
import pkg from '../package.json' with { type: 'json' };

interface AgentOptions {
  mode?: 'local' | 'remote';
  once?: boolean;
  /** Seconds between two runs of the plain loop; without it (and without --once), the schedule. */
  interval?: number;
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
    'long-running: run every <duration> (60, 30s, 5m) in a plain loop; without it, the schedule runs: the tasks ' +
      'of app.schedules when there are any, else this mode every minute, on the minute',
    parseDurationSeconds,
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
  .action(async (options: AgentOptions) => {
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
    // --once wins over --interval; neither: the schedule.
    const interval = options.once ? undefined : options.interval;
    if (!options.once && interval === undefined) await scheduled(runtime, mode, options);
    else if (mode === 'remote') await remote(runtime, options, interval);
    else await local(runtime, interval);
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
  await runSchedulerDaemon({
    tasks,
    lock: createFileLock(lockDirOf(config)),
    run: createTaskRunner({ runtime, remote: remoteChoice(options) }),
    logger,
  });
  logger.info('agent stopped');
}

// Each mode loads its own modules: a cron run of remote mode never loads the publisher (masto), nor local mode the
// spool.
async function local(runtime: Runtime, intervalSeconds: number | undefined): Promise<void> {
  const { runLocal, runLocalLoop } = await import('@janitor/runtime/local');
  if (intervalSeconds === undefined) await runLocal(runtime);
  else await runLocalLoop(runtime, { intervalSeconds });
}

async function remote(runtime: Runtime, options: AgentOptions, intervalSeconds: number | undefined): Promise<void> {
  const { remoteOnceCommand, runRemoteLoop } = await import('@janitor/runtime/remote');
  if (intervalSeconds === undefined) await remoteOnceCommand(runtime, remoteChoice(options));
  else await runRemoteLoop(runtime, { ...remoteChoice(options), intervalSeconds });
}

/** `--hub`, `--token` and `--legacy`, as given. */
function remoteChoice(options: AgentOptions): { hub?: string; token?: string; legacy?: boolean } {
  return {
    ...(options.hub ? { hub: options.hub } : {}),
    ...(options.token ? { token: options.token } : {}),
    ...(options.legacy ? { legacy: true } : {}),
  };
}

process.exitCode = await runProgram(program);
