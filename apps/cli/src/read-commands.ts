// janitor status and janitor history: the fleet and a host's series, from a hub's read API or the local store.
import { parseHubUrl } from '@janitor/runtime';
import type { Command } from 'commander';
import { type HubFlags, out, rt, runtimeOptions } from './common.ts';

type ReadFlags = HubFlags & { json?: boolean };

/** The terminal's width, when the output is one. */
const terminal = () => (process.stdout.isTTY && process.stdout.columns > 0 ? { columns: process.stdout.columns } : {});

/** Adds `--hub`, `--token` and `--json` to a read command. */
function withReadOptions(cmd: Command): Command {
  return cmd
    .option(
      '--hub <url>',
      'read from this hub (default: the local store <state_dir>/janitor.db when there is one, else app.service.remote_url)',
      parseHubUrl,
    )
    .option(
      '--token <token>',
      'a hub token with the read scope (default: $JANITOR_HUB_TOKEN, app.service.remote_token)',
    )
    .option('--json', 'print the read API’s JSON');
}

/** Adds `janitor status`, `janitor history` and `janitor checks` to `program`. */
export function addReadCommands(program: Command): void {
  withReadOptions(
    program
      .command('status')
      .description('the fleet: each host’s state, last report, CPU, memory, fullest disk and firing alerts'),
  )
    .option('--problems', 'only the hosts that are silent, silenced or have firing alerts')
    .action(async (o: ReadFlags & { problems?: boolean }, cmd: Command) =>
      (await rt()).statusCommand(runtimeOptions(cmd), { ...o, out, ...terminal() }),
    );

  withReadOptions(
    program
      .command('history')
      .description('one series of a host over a range: min / avg / max / latest and a sparkline')
      .argument('<host>', 'the host, as `janitor status` lists it')
      .argument(
        '<metric>',
        'a series: cpu_percent, memory_percent, load_1, disk_usage_percent@/data, net_rx_bytes_per_second@eth0',
      ),
  )
    .option('--since <duration>', 'how far back: 90m, 24h, 7d', '24h')
    .action(async (host: string, metric: string, o: ReadFlags & { since: string }, cmd: Command) =>
      (await rt()).historyCommand(runtimeOptions(cmd), { host, metric }, { ...o, out, ...terminal() }),
    );

  program
    .command('checks')
    .description('the hub’s job check-ins: each one’s state, last ping, next deadline and schedule')
    .option('--hub <url>', 'the hub to read (default: app.service.remote_url)', parseHubUrl)
    .option(
      '--token <token>',
      'a hub token with the read scope (default: $JANITOR_HUB_TOKEN, app.service.remote_token)',
    )
    .option('--json', 'print the read API’s JSON')
    .action(async (o: ReadFlags, cmd: Command) =>
      (await rt()).checksCommand(runtimeOptions(cmd), { ...o, out, ...terminal() }),
    );
}
