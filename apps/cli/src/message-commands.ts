// janitor send and janitor exec: the alarm line of scripts, through the hub.
import { hostname } from 'node:os';
import { MESSAGE_TYPES, type MessageType } from '@janitor/protocol';
import { type Command, Option } from 'commander';
import { type HubFlags, hubChoice, out, remoteMode, rt, runtimeOptions, withHubOptions } from './common.ts';

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
    .action(
      async (text: string, o: HubFlags & { type: MessageType; summary?: string; hostname?: string }, cmd: Command) => {
        const [{ openRuntime }, { remoteTarget }, { sendMessage }, { readMessageFrom }] = await Promise.all([
          rt(),
          remoteMode(),
          import('@janitor/scheduler'),
          import('./send.ts'),
        ]);
        const runtime = await openRuntime(runtimeOptions(cmd));
        const target = remoteTarget(runtime, hubChoice(o));
        const message = text === '-' ? await readMessageFrom(process.stdin) : text;
        const receipt = await sendMessage({
          url: target.url,
          ...(target.token ? { token: target.token } : {}),
          message: {
            text: message,
            type: o.type,
            hostname: o.hostname ?? hostname(),
            ...(o.summary ? { summary: o.summary } : {}),
          },
        });
        out(receipt.id === undefined ? 'sent' : `queued as #${receipt.id}`);
      },
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
    .action(
      async (
        words: string[],
        o: HubFlags & { onSuccess: 'info' | 'none'; summary?: string; tailLines: number; hostname?: string },
        cmd: Command,
      ) => {
        const [command = '', ...args] = words;
        const { execMessage, runCommand } = await import('@janitor/scheduler');
        const result = await runCommand({ command, args, tailLines: o.tailLines });
        if (result.end.kind === 'not-started') process.stderr.write(`janitor exec: ${command}: ${result.end.reason}\n`);
        const ok = result.end.kind === 'exited' && result.end.code === 0;
        // Exit with the command's own status whatever happens to the report: cron sees the job, not janitor.
        process.exitCode = result.exitCode;
        if (ok && o.onSuccess === 'none') return;
        try {
          // The config is read after the command: a broken config.yaml never stops the job itself.
          const [{ openRuntime }, { remoteTarget }, { sendMessage }] = await Promise.all([
            rt(),
            remoteMode(),
            import('@janitor/scheduler'),
          ]);
          const runtime = await openRuntime(runtimeOptions(cmd));
          const target = remoteTarget(runtime, hubChoice(o));
          const message = execMessage(result, {
            command,
            args,
            hostname: o.hostname ?? hostname(),
            ...(o.summary ? { summary: o.summary } : {}),
          });
          await sendMessage({ url: target.url, ...(target.token ? { token: target.token } : {}), message });
        } catch (error) {
          const { describeFailure } = await rt();
          process.stderr.write(
            `janitor exec: warning: the outcome was not reported: ${describeFailure(error).message}\n`,
          );
        }
        process.exitCode = result.exitCode;
      },
    );
}
