// janitor outbox: what waits to be posted, the dead letters, and a hand to retry or flush them (janitor.db).
import { Command } from 'commander';
import { out, rt, runtimeOptions } from './common.ts';

/** `janitor outbox list [--dead]`, `janitor outbox retry ID`, `janitor outbox flush`. */
export function outboxCommand(): Command {
  const outbox = new Command('outbox').description(
    'the posts waiting to be made (janitor.db in app.state_dir): list them, retry one now, flush',
  );
  outbox
    .command('list')
    .description('list the queued posts and the dead letters (posts the server refused)')
    .option('--dead', 'only the dead letters')
    .action(async (o: { dead?: boolean }, cmd: Command) => (await rt()).outboxList(runtimeOptions(cmd), { ...o, out }));
  outbox
    .command('retry')
    .description(
      'make an entry due now: a dead letter goes back in the queue with a new idempotency key, a waiting one keeps its own',
    )
    .argument('<id>', 'the entry’s number, as `janitor outbox list` shows it')
    .action(async (raw: string, _o, cmd: Command) => (await rt()).outboxRetry(runtimeOptions(cmd), raw, { out }));
  outbox
    .command('flush')
    .description('post what is due now, once, with the configured account (as the hub would), then exit')
    .action(async (_o, cmd: Command) => {
      const code = await (await rt()).outboxFlush(runtimeOptions(cmd), { out });
      if (code !== undefined) process.exitCode = code;
    });
  return outbox;
}
