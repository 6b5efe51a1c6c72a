// janitor send and janitor exec: the alarm line of scripts, through the hub.
import { CHECK_SLUG_PATTERN, MESSAGE_TYPES, type MessageType } from '@janitor/protocol';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type HubFlags, out, rt, runtimeOptions, warn, withHubOptions } from './common.ts';

type ExecFlags = HubFlags & {
  onSuccess: 'info' | 'none';
  summary?: string;
  thread?: string;
  tailLines: number;
  hostname?: string;
  check?: string;
};

/** Adds `janitor send` and `janitor exec` to `program`. */
export function addMessageCommands(program: Command): void {
  withHubOptions(
    program
      .command('send')
      .description('post a message through the hub (MESSAGE "-" reads it from stdin)')
      .argument('<message>', 'the text of the message, or - to read it from stdin'),
  )
    .addOption(new Option('--type <type>', 'the message type (its icon)').choices(MESSAGE_TYPES).default('none'))
    .option('--summary <text>', 'a summary: the post’s content warning')
    .option('--thread <key>', 'a thread key: messages with the same key are posted as one thread')
    .action(
      async (
        text: string,
        o: HubFlags & { type: MessageType; summary?: string; thread?: string; hostname?: string },
        cmd,
      ) => (await rt()).sendCommand(runtimeOptions(cmd as Command), { ...o, text, out }),
    );

  withHubOptions(
    program
      .command('exec')
      .description('run a command and report its outcome through the hub: an error when it fails')
      .argument('<command...>', 'the command and its arguments, after --')
      .usage('[options] -- <command> [args...]'),
  )
    .addOption(
      new Option('--on-success <type>', 'also report a successful run, as this message type')
        .choices(['info', 'none'])
        .default('none'),
    )
    .option('--summary <text>', 'the summary of the report (default: "`cmd` failed (exit 3) after 1.2 s on host")')
    .option('--thread <key>', 'the thread key of its reports (default: the host and the command line)')
    .addOption(
      new Option(
        '--check <slug>',
        'ping this job check-in instead of sending a message: /ping/SLUG/start, then /ping/SLUG/<exit status> with the output’s last lines',
      )
        .argParser((v) => {
          if (!CHECK_SLUG_PATTERN.test(v))
            throw new InvalidArgumentError('expected a slug of 1-64 of a-z, 0-9, - and _');
          return v;
        })
        .conflicts(['summary', 'thread']),
    )
    .option(
      '--tail-lines <n>',
      'lines of output in the report',
      (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 1000) throw new Error('expected a number of lines, 0-1000');
        return n;
      },
      20,
    )
    .action(async (words: string[], o: ExecFlags, cmd: Command) => {
      if (o.check !== undefined && o.onSuccess !== 'none') {
        cmd.error('error: --on-success reports through a message; with --check, a success is a ping already', {
          exitCode: 2,
        });
      }
      process.exitCode = await (await rt()).execCommand(runtimeOptions(cmd), { ...o, words, warn });
    });
}
