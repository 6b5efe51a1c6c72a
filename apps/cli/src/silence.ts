// janitor silence: hold a host's posts back for a while, through the hub's /silences endpoint.
import { parseHubUrl } from '@janitor/runtime';
import { Command } from 'commander';
import { type HubFlags, out, rt, runtimeOptions } from './common.ts';

/** `janitor silence HOST [RULE] --for 2h [--reason TEXT]`, `janitor silence list`, `janitor silence remove ID`. */
export function silenceCommand(): Command {
  const withHub = (cmd: Command) =>
    cmd
      .option('--hub <url>', 'the hub’s address (default: app.service.remote_url)', parseHubUrl)
      .option('--token <token>', 'the hub’s bearer token (default: $JANITOR_HUB_TOKEN, app.service.remote_token)');
  // --hub and --token may come before or after `list`/`remove`.
  const flags = (cmd: Command) => ({ ...cmd.optsWithGlobals<HubFlags>(), out });

  const silence = withHub(
    new Command('silence')
      .description('hold back the posts about a host (or one of its rules) for a while; its alerts are still evaluated')
      .argument('[host]', 'the host, or "*" for every host')
      .argument('[rule]', 'a metric (cpu_percent), an alert key (disk_usage_percent@/data) or host_silent; default all')
      .option('--for <duration>', 'how long: 2h, 30m, 1h30m, or seconds')
      .option('--reason <text>', 'why, for whoever lists the silences'),
  ).action(async (host: string | undefined, rule: string | undefined, o: { for?: string; reason?: string }, cmd) =>
    (await rt()).silenceStart(runtimeOptions(cmd), { ...o, host, rule }, flags(cmd)),
  );

  withHub(silence.command('list').description('list the silences running now')).action(async (_o, cmd: Command) =>
    (await rt()).silenceList(runtimeOptions(cmd), flags(cmd)),
  );

  withHub(
    silence
      .command('remove')
      .description('end a silence now (what still fires is posted at the host’s next report)')
      .argument('<id>', 'the silence’s number, as `janitor silence list` shows it'),
  ).action(async (raw: string, _o, cmd: Command) => (await rt()).silenceRemove(runtimeOptions(cmd), raw, flags(cmd)));
  return silence;
}

/** `janitor hosts forget HOST`: a decommissioned host, forgotten by the hub. */
export function hostsCommand(): Command {
  const hosts = new Command('hosts').description('the hub’s hosts');
  hosts
    .command('forget')
    .description('forget a decommissioned host: its alerts, its silence watch and its history (admin scope)')
    .argument('<host>', 'the hostname')
    .option('--hub <url>', 'the hub’s address (default: app.service.remote_url)', parseHubUrl)
    .option('--token <token>', 'the hub’s bearer token (default: $JANITOR_HUB_TOKEN, app.service.remote_token)')
    .action(async (host: string, _o, cmd: Command) =>
      (await rt()).hostsForget(runtimeOptions(cmd), host, { ...cmd.optsWithGlobals<HubFlags>(), out }),
    );
  return hosts;
}
