// What every command file shares: the global options, the output, and the hub flags of send/exec/silence.
import type { RuntimeOptions } from '@janitor/runtime';
import { parseHubUrl } from '@janitor/runtime';
import type { Command } from 'commander';

/** The light part of the runtime, loaded when a command runs. */
export const rt = () => import('@janitor/runtime');
/** Remote mode (the hub's address and token), loaded when a command runs. */
export const remoteMode = () => import('@janitor/runtime/remote');

/** The global options. */
export interface Common {
  config?: string;
  dryRun?: boolean;
}

/** The global options reach subcommands through optsWithGlobals(). */
export function runtimeOptions(cmd: Command): RuntimeOptions {
  const o = cmd.optsWithGlobals<Common>();
  // --dry-run (true) and --no-dry-run (false), where a command has them: both win over the config.
  return { ...(o.config ? { configPath: o.config } : {}), ...(o.dryRun === undefined ? {} : { dryRun: o.dryRun }) };
}

/** One line on stdout. */
export const out = (line: string) => process.stdout.write(`${line}\n`);
/** One line on stderr. */
export const warn = (line: string) => process.stderr.write(`${line}\n`);

/** `--hub` and `--token`. */
export interface HubFlags {
  hub?: string;
  token?: string;
}

/** The hub flags given, for remoteTarget(). */
export function hubChoice(o: HubFlags): { hub?: string; token?: string } {
  return { ...(o.hub ? { hub: o.hub } : {}), ...(o.token ? { token: o.token } : {}) };
}

/** Adds `--hub`, `--token` and `--hostname` to a command that talks to the hub. */
export function withHubOptions(cmd: Command): Command {
  return cmd
    .option('--hub <url>', 'the hub’s address (default: app.service.remote_url)', parseHubUrl)
    .option('--token <token>', 'the hub’s bearer token (default: $JANITOR_HUB_TOKEN, app.service.remote_token)')
    .option('--hostname <name>', 'who the message is about (default: this machine’s hostname)');
}
