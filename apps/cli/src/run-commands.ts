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
    .option('--dry-run', 'log the post that would be made instead of publishing')
    .action(async (_o, cmd: Command) => {
      const [{ openRuntime }, { runLocal }] = await Promise.all([rt(), import('@janitor/runtime/local')]);
      const runtime = await openRuntime(runtimeOptions(cmd));
      await runLocal(runtime, { out });
      await runtime.logger.flush();
    });

  run
    .command('remote')
    .description('collect this machine’s metrics and send them to the hub (spooled while the hub is unreachable)')
    .option('--dry-run', 'print the report that would be sent instead of sending it')
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
