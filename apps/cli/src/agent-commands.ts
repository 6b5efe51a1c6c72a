// janitor agent-install-command: the line that installs janitor-agent on another machine from this hub.
import { parseHubUrl } from '@janitor/runtime';
import type { Command } from 'commander';
import { out, rt, runtimeOptions } from './common.ts';

/** Adds `janitor agent-install-command` to `program`. */
export function addAgentCommands(program: Command): void {
  program
    .command('agent-install-command')
    .description(
      'print the line that installs janitor-agent on a client from this hub (curl …/install.sh | sh -s -- --token T)',
    )
    .requiredOption('--token <token>', 'the token the client will present (one of app.service.tokens)')
    .option(
      '--hub <url>',
      'the hub’s address as clients reach it (default: app.service.public_url, app.service.remote_url, or the listen address)',
      parseHubUrl,
    )
    .action(async (o: { token: string; hub?: string }, cmd: Command) => {
      // Only the config: nothing is logged, so the line is all that is printed on stdout.
      const [{ loadConfig }, { agentInstallCommand }] = await Promise.all([import('@janitor/config'), rt()]);
      const { configPath } = runtimeOptions(cmd);
      const config = await loadConfig(configPath ? { configPath } : {});
      const { line, warnings } = agentInstallCommand({ config, token: o.token, ...(o.hub ? { hub: o.hub } : {}) });
      for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
      out(line);
    });
}
