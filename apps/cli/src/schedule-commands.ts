// janitor scheduler [--daemon] and janitor schedule list: the tasks of app.schedules. Their modules load when a
// command runs (cron starts `janitor scheduler` every minute).
import type { Command } from 'commander';
import { out, rt, runtimeOptions } from './common.ts';

/** Adds `janitor scheduler` and `janitor schedule list` to `program`. */
export function addScheduleCommands(program: Command): void {
  program
    .command('scheduler')
    .description(
      'run the tasks of app.schedules due this minute (crontab: * * * * * janitor scheduler); exit 1 if one failed',
    )
    .option('--daemon', 'keep running and run each task on its minutes, without cron (stops on SIGTERM)')
    .action(async (o: { daemon?: boolean }, cmd: Command) => {
      const [{ schedulerCommand }, { hubEntryPoint }] = await Promise.all([import('@janitor/runtime/tasks'), rt()]);
      const { exitCode, forceExit } = await schedulerCommand({
        ...runtimeOptions(cmd),
        daemon: o.daemon === true,
        out,
        hubMain: hubEntryPoint(import.meta.url),
      });
      // A task abandoned at its timeout (or a daemon's leftovers) must not keep the process alive.
      if (forceExit) process.exit(exitCode);
      process.exitCode = exitCode;
    });

  const schedule = program.command('schedule').description('inspect the schedule (app.schedules)');
  schedule
    .command('list')
    .description('each task, its expression in words, and its next three runs in its time zone')
    .action(async (_o, cmd: Command) => {
      const [{ openRuntime }, { formatScheduleTable, listSchedule }] = await Promise.all([
        rt(),
        import('@janitor/scheduler'),
      ]);
      const runtime = await openRuntime(runtimeOptions(cmd));
      out(formatScheduleTable(listSchedule(runtime.config.tasks, { from: new Date(), count: 3 })));
      await runtime.logger.flush();
    });
}
