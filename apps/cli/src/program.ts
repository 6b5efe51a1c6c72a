// janitor: the command line. Thin: each command reads the config and calls the packages.
//
// Each command loads what it needs when it runs (the publisher, the store, the hub's helpers): cron starts
// `janitor scheduler` every minute, and a run with nothing due must not pay for modules it never uses.
import { runProgram } from '@janitor/runtime';
import { Command } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { addAgentCommands } from './agent-commands.ts';
import { addHubCommands } from './hub-commands.ts';
import { addMessageCommands } from './message-commands.ts';
import { outboxCommand } from './outbox.ts';
import { addReadCommands } from './read-commands.ts';
import { addRunCommands } from './run-commands.ts';
import { addScheduleCommands } from './schedule-commands.ts';
import { addSetupCommands } from './setup-commands.ts';
import { hostsCommand, silenceCommand } from './silence.ts';

const program = new Command('janitor')
  .description('Janitor watches machines and speaks through the Fediverse.')
  .version(pkg.version)
  .option('-c, --config <path>', 'the config file (default: $JANITOR_CONFIG, or config.yaml found upward)')
  .showHelpAfterError('(run with --help for usage)');

addSetupCommands(program);
addRunCommands(program);
addMessageCommands(program);
addHubCommands(program);
addAgentCommands(program);
addScheduleCommands(program);
program.addCommand(silenceCommand());
program.addCommand(hostsCommand());
addReadCommands(program);
program.addCommand(outboxCommand());

process.exitCode = await runProgram(program);
