// The tasks of `app.schedules` run by @janitor/scheduler, each action wired to what the matching command does: once
// for the current minute (`janitor scheduler`, what cron calls), or as a daemon (`janitor scheduler --daemon`, and
// janitor-agent's long-running mode).
//
// Cron starts `janitor scheduler` every minute, so this module is kept light: it imports only the config and the
// scheduler, and each action loads what it needs (the collector, the publisher, the store) when it runs.
import { existsSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import type { LoadedConfig } from '@janitor/config';
import {
  COMMAND_KILL_GRACE_MS,
  commandStatus,
  createFileLock,
  formatDuration,
  REPORT_TIMEOUT_MS,
  type RunTask,
  runCommand,
  runScheduledMinute,
  runSchedulerDaemon,
  ScheduledCommandError,
  type Task,
} from '@janitor/scheduler';
import type { RemoteOptions } from './remote-mode.ts';
import { openRuntime, type Runtime, type RuntimeOptions } from './runtime.ts';

/**
 * Where the task locks live: `<state_dir>/locks`. `loadConfig` already puts the state of a run without a config file
 * in the per-user state folder, as janitor-agent's `resolveStateDir` does.
 */
export function lockDirOf(config: LoadedConfig): string {
  return join(config.data.app.state_dir, 'locks');
}

/** Options of {@link createTaskRunner}. */
export interface TaskRunnerOptions {
  runtime: Runtime;
  /** Where dry-run posts and reports are printed, as `janitor run local|remote` print them. @default stdout */
  out?: (text: string) => void;
  /** @default process.env */
  env?: Record<string, string | undefined>;
  /** The host exec reports speak for. @default os.hostname() */
  hostname?: string;
  /**
   * Pass SIGTERM and SIGHUP sent to this process on to running commands, as `janitor exec` does: what a run started
   * by cron wants. A daemon waits for its tasks instead. @default false
   */
  forwardSignals?: boolean;
  /**
   * Where `sysinfo_remote` reports and `exec` failures go (janitor-agent's `--hub`, `--token`, `--legacy`).
   * @default app.service.remote_url and its token
   */
  remote?: Omit<RemoteOptions, 'env'>;
  /**
   * The hub's entry point, to tell a running hub from another process in its pid file (`publish_queue`).
   * @default none: a hub started as `janitor-hub`, or from a clone's apps/hub, is recognised by its command line
   */
  hubMain?: string;
}

/**
 * The actions of `app.schedules`, each doing what its command does:
 *
 * - `sysinfo_local`: `janitor run local` (collect, check, publish when a limit is crossed);
 * - `sysinfo_remote`: `janitor run remote` (collect, send to the hub, spool while it is down);
 * - `exec`: runs `command` (a string through `/bin/sh -c`, a list without a shell) in the config's folder, with no
 *   stdin and in a process group of its own; stops it at the task's timeout, and reports a failure through the hub
 *   as `janitor exec` does, or logs it when the hub cannot be reached; the task then fails;
 * - `publish_queue`: posts what the hub's outbox (`<state_dir>/janitor.db`) still holds, once (without credentials
 *   the task fails and the queue is kept);
 * - `silent_hosts`: nothing yet (the hub checks silent hosts continuously).
 *
 * @example
 * const run = createTaskRunner({ runtime });
 * await runDue({ tasks: runtime.config.tasks, lock: createFileLock(lockDirOf(runtime.config)), run });
 */
export function createTaskRunner(options: TaskRunnerOptions): RunTask {
  const {
    runtime,
    out = (text) => process.stdout.write(`${text}\n`),
    env = process.env,
    hostname = osHostname(),
    forwardSignals = false,
    remote = {},
    hubMain,
  } = options;
  const { config, logger } = runtime;

  const actions: Record<Task['action'], (task: Task, signal: AbortSignal) => Promise<void>> = {
    async sysinfo_local() {
      const { runLocal } = await import('./local.ts');
      await runLocal(runtime, { out, env });
    },

    async sysinfo_remote() {
      const { remoteOnceCommand } = await import('./remote-mode.ts');
      await remoteOnceCommand(runtime, { ...remote, env }, out);
    },

    async exec(task, signal) {
      const shellLine = typeof task.command === 'string' ? task.command : undefined;
      const [command = '', ...args] = shellLine === undefined ? (task.command ?? []) : ['/bin/sh', '-c', shellLine];
      const result = await runCommand({
        command,
        args,
        // In the config's folder, as the original's `cd …; make scheduler` ran them, whoever starts janitor.
        cwd: config.baseDir,
        signal,
        killGraceMs: COMMAND_KILL_GRACE_MS,
        unattended: true,
        forward: forwardSignals ? ['SIGTERM', 'SIGHUP'] : [],
      });
      const timedOut = signal.aborted;
      if (!timedOut && result.end.kind === 'exited' && result.end.code === 0) {
        logger.debug('command succeeded', { task: task.name, durationMs: Math.round(result.durationMs) });
        return;
      }
      const { reportCommandResult } = await import('./command-report.ts');
      const report = await reportCommandResult(runtime, result, {
        command,
        args,
        hostname,
        label: `scheduled task ${JSON.stringify(task.name)}`,
        ...(shellLine === undefined ? {} : { commandLine: shellLine }),
        timedOut,
        remote: { ...remote, env },
        timeoutMs: REPORT_TIMEOUT_MS,
      });
      if (report.sent) logger.info('command failure reported to the hub', { task: task.name, hub: report.hub });
      else {
        // The report is lost for the hub, not for the person reading the logs (cron mails them).
        logger.error('command failure not reported: the hub cannot be reached', {
          task: task.name,
          hub: report.hub,
          error: report.error instanceof Error ? report.error.message : String(report.error),
          summary: report.message.summary,
          output: result.tail.slice(-5).join(' | '),
        });
      }
      const how = timedOut ? `timed out after ${formatDuration(result.durationMs)}` : commandStatus(result);
      throw new ScheduledCommandError(`command failed: ${how}`, result.exitCode);
    },

    async publish_queue(task) {
      const stateDir = config.data.app.state_dir;
      const path = join(stateDir, 'janitor.db');
      if (!existsSync(path)) {
        logger.info('nothing to flush: no hub store here', { task: task.name, store: path });
        return;
      }
      const { hubFiles, hubState } = await import('./hub-process.ts');
      const hub = hubState(hubFiles(stateDir), hubMain);
      if (hub.state === 'running') {
        // Two workers on one outbox could post an entry twice: the running hub posts its own.
        logger.info('nothing to flush: the hub is running and posts its outbox itself', {
          task: task.name,
          pid: hub.pid,
        });
        return;
      }
      const [{ createPosting }, { requirePosting }, { openStore }] = await Promise.all([
        import('./posting.ts'),
        import('./posting-mode.ts'),
        import('@janitor/store'),
      ]);
      // There to post the hub's queue: without credentials the task fails (exit 4's reason) and the queue is kept,
      // where a dry run would log each post and drop it.
      requirePosting(runtime, env);
      const store = openStore({ path });
      try {
        const { posted, retried, dead } = await createPosting(runtime, store, { env }).worker.drain();
        logger.info(`outbox flushed: ${posted} posted`, { task: task.name, posted, retried, dead });
      } finally {
        store.close();
      }
    },

    async silent_hosts(task) {
      logger.info('not needed: the hub checks silent hosts continuously', { task: task.name });
    },
  };

  return (task, signal) => actions[task.action](task, signal);
}

/** Options of {@link schedulerCommand}. */
export interface SchedulerCommandOptions extends RuntimeOptions {
  /** `--daemon`: keep running without cron until SIGTERM/SIGINT. */
  daemon?: boolean;
  /** @default stdout */
  out?: (text: string) => void;
  /** See {@link TaskRunnerOptions.hubMain}. */
  hubMain?: string;
}

/**
 * The `janitor scheduler [--daemon]` command: loads the config, runs the due tasks once (or the daemon), flushes the
 * log and returns the exit code. `forceExit`: something may still hold the process open (a task abandoned at its
 * timeout, a daemon's finished tasks' connections), so the caller should exit rather than wait.
 */
export async function schedulerCommand(
  options: SchedulerCommandOptions = {},
): Promise<{ exitCode: number; forceExit: boolean }> {
  const { daemon = false, out, hubMain, ...runtimeOptions } = options;
  const runtime = await openRuntime(runtimeOptions);
  const { config, logger } = runtime;
  const deps = {
    tasks: config.tasks,
    lock: createFileLock(lockDirOf(config)),
    run: createTaskRunner({
      runtime,
      ...(out ? { out } : {}),
      ...(options.env ? { env: options.env } : {}),
      ...(hubMain ? { hubMain } : {}),
      // Stopped by cron or by hand, a once-run stops its commands; a daemon waits for them (SIGTERM stops it cleanly).
      forwardSignals: !daemon,
    }),
    logger,
  };
  try {
    if (daemon) {
      await runSchedulerDaemon(deps);
      return { exitCode: 0, forceExit: true };
    }
    const { exitCode, abandoned } = await runScheduledMinute(deps);
    return { exitCode, forceExit: abandoned };
  } finally {
    await logger.flush();
  }
}
