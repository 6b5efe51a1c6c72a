// janitor outbox: what waits to be posted, the dead letters, and a hand to retry or flush them. Works on the store in
// <state_dir>/janitor.db (the hub's and local mode's). Light at load: the store and the publisher are imported when
// a command runs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatCounts, formatDrain, listOutbox, type RuntimeOptions } from '@janitor/runtime';
import { Command } from 'commander';

/** What the outbox commands need from main.ts. */
export interface OutboxCommandDeps {
  /** The global options (--config) of the command that runs. */
  runtimeOptions: (cmd: Command) => RuntimeOptions;
  out: (line: string) => void;
  /** @default Date.now */
  now?: () => number;
}

/**
 * `janitor outbox list [--dead]`, `janitor outbox retry ID`, `janitor outbox flush`: the outbox in
 * `<state_dir>/janitor.db`.
 */
export function outboxCommand(deps: OutboxCommandDeps): Command {
  const { runtimeOptions, out, now = Date.now } = deps;

  /** Opens the runtime and the store; `create: false` answers undefined when there is no store yet. */
  async function open(cmd: Command, create: boolean) {
    const agent = await import('@janitor/runtime');
    const runtime = await agent.openRuntime(runtimeOptions(cmd));
    const path = join(agent.resolveStateDir(runtime.config), 'janitor.db');
    if (!create && !existsSync(path)) return { agent, runtime, path, store: undefined };
    const { openStore } = await import('@janitor/store');
    return { agent, runtime, path, store: openStore({ path }) };
  }

  const outbox = new Command('outbox').description(
    'the posts waiting to be made (janitor.db in app.state_dir): list them, retry one now, flush',
  );

  outbox
    .command('list')
    .description('list the queued posts and the dead letters (posts the server refused)')
    .option('--dead', 'only the dead letters')
    .action(async (o: { dead?: boolean }, cmd: Command) => {
      const { store, path, runtime } = await open(cmd, false);
      if (!store) {
        out(`the outbox is empty (no store at ${path})`);
        await runtime.logger.flush();
        return;
      }
      try {
        for (const line of listOutbox(store, { ...(o.dead ? { dead: true } : {}), nowMs: now() })) out(line);
      } finally {
        store.close();
      }
    });

  outbox
    .command('retry')
    .description(
      'make an entry due now: a dead letter goes back in the queue with a new idempotency key, a waiting one keeps its own',
    )
    .argument('<id>', 'the entry’s number, as `janitor outbox list` shows it')
    .action(async (raw: string, _o, cmd: Command) => {
      const id = Number(raw.replace(/^#/, ''));
      const { agent, store, path } = await open(cmd, false);
      if (!Number.isSafeInteger(id) || id <= 0) {
        store?.close();
        throw new agent.CliError(`expected an entry number such as 12, got ${JSON.stringify(raw)}`, agent.EXIT.usage);
      }
      if (!store) throw new agent.CliError(`no entry #${id}: there is no store at ${path}`, agent.EXIT.failure);
      try {
        const was = store.outbox.retryNow(id);
        if (was === undefined) throw new agent.CliError(`no entry #${id} in the outbox`, agent.EXIT.failure);
        out(
          was === 'dead'
            ? `#${id} is queued again: the hub posts it at once (or run 'janitor outbox flush')`
            : `#${id} is due now: the hub posts it with its next attempt (or run 'janitor outbox flush')`,
        );
      } finally {
        store.close();
      }
    });

  outbox
    .command('flush')
    .description('post what is due now, once, with the configured account (as the hub would), then exit')
    .action(async (_o, cmd: Command) => {
      const { agent, runtime, store } = await open(cmd, true);
      try {
        const { createPosting, publisherFor } = await import('@janitor/runtime/posting');
        // A flush is there to post: without credentials, exit 4 and where to put a token.
        agent.requirePosting(runtime);
        const publisher = publisherFor(runtime);
        if (publisher.dryRun) {
          // A dry-run worker logs a post and removes it: flushing so would throw the queue away.
          throw new agent.CliError(
            'outbox flush posts for real; it does not run in dry run (app.run_control.dry_run or --dry-run)',
            agent.EXIT.usage,
          );
        }
        const result = await createPosting(runtime, store!, { publisher }).worker.drain();
        out(formatDrain(result, now()));
        out(formatCounts(store!.outbox.counts(), now()));
        if (result.retried > 0) process.exitCode = agent.EXIT.failure;
      } finally {
        store?.close();
        await runtime.logger.flush();
      }
    });
  return outbox;
}
