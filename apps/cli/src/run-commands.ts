// janitor run local|remote: one job, once.

import { parseHubUrl } from '@janitor/runtime';
import type { Command } from 'commander';
import { type HubFlags, hubChoice, out, remoteMode, rt, runtimeOptions } from './common.ts';

/** Adds `janitor run local|remote` to `program`. */
export function addRunCommands(program: Command): void {
  const run = program.command('run').description('run a job once');
  run
    .command('local')
    .description('collect this machine’s metrics, check the limits, publish a report if one is crossed')
    .option('--dry-run', 'print the post that would be made instead of publishing (also: without credentials)')
    .option('--no-dry-run', 'publish even when app.run_control.dry_run is set; without credentials, fail (exit 4)')
    .action(async (_o, cmd: Command) => {
      const [{ ensureStateDir, openRuntime, stateLine }, { runLocal }] = await Promise.all([
        rt(),
        import('@janitor/runtime/local'),
      ]);
      const runtime = await openRuntime(runtimeOptions(cmd));
      runtime.logger.info(stateLine(ensureStateDir(runtime.config), ['janitor.db', 'metrics-state.json']));
      await runLocal(runtime, { out });
      await runtime.logger.flush();
    });

  run
    .command('remote')
    .description('collect this machine’s metrics and send them to the hub (spooled while the hub is unreachable)')
    .option('--dry-run', 'print the report that would be sent instead of sending it')
    .option('--no-dry-run', 'send it even when app.run_control.dry_run is set')
    .option('--hub <url>', 'the hub’s address (default: app.service.remote_url)', parseHubUrl)
    .option('--token <token>', 'the hub’s bearer token (default: $JANITOR_HUB_TOKEN, app.service.remote_token)')
    .option('--legacy', 'send the original’s {"sys_data": …} report, for hubs of Janitor 0.1')
    .action(async (o: HubFlags & { legacy?: boolean }, cmd: Command) => {
      const [{ openRuntime }, { remoteOnceCommand }] = await Promise.all([rt(), remoteMode()]);
      const runtime = await openRuntime(runtimeOptions(cmd));
      await remoteOnceCommand(runtime, { ...hubChoice(o), ...(o.legacy ? { legacy: true } : {}) }, out);
      await runtime.logger.flush();
    });
}
