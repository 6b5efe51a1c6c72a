// `janitor outbox list|retry|flush`: what waits to be posted, the dead letters, and a hand to retry or flush them, on
// the store in <state_dir>/janitor.db (the hub's and local mode's). Light at load: the store and the publisher are
// imported when a command runs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '@janitor/store';
import { formatCounts, formatDrain, listOutbox } from './outbox-view.ts';
import { requirePosting } from './posting-mode.ts';
import { CliError, EXIT, openRuntime, type Runtime, type RuntimeOptions } from './runtime.ts';
import { resolveStateDir } from './state-dir.ts';

/** Where the outbox commands print, and their clock. */
export interface OutboxCommandOptions {
  out: (line: string) => void;
  /** @default Date.now */
  now?: () => number;
}

/** `janitor outbox list [--dead]`: the queued posts and the dead letters, one a line. */
export async function outboxList(
  runtimeOptions: RuntimeOptions,
  options: OutboxCommandOptions & { dead?: boolean },
): Promise<void> {
  const { out, now = Date.now } = options;
  const { store, path, runtime } = await open(runtimeOptions, false);
  if (!store) {
    out(`the outbox is empty (no store at ${path})`);
    await runtime.logger.flush();
    return;
  }
  try {
    for (const line of listOutbox(store, { ...(options.dead ? { dead: true } : {}), nowMs: now() })) out(line);
  } finally {
    store.close();
  }
}

/**
 * `janitor outbox retry ID` (`12` or `#12`): makes an entry due now; a dead letter goes back in the queue.
 * @throws CliError (usage) for a bad number, (failure) for an entry or a store that is not there
 */
export async function outboxRetry(runtimeOptions: RuntimeOptions, raw: string, options: OutboxCommandOptions) {
  const id = Number(raw.replace(/^#/, ''));
  const { store, path } = await open(runtimeOptions, false);
  if (!Number.isSafeInteger(id) || id <= 0) {
    store?.close();
    throw new CliError(`expected an entry number such as 12, got ${JSON.stringify(raw)}`, EXIT.usage);
  }
  if (!store) throw new CliError(`no entry #${id}: there is no store at ${path}`, EXIT.failure);
  try {
    const was = store.outbox.retryNow(id);
    if (was === undefined) throw new CliError(`no entry #${id} in the outbox`, EXIT.failure);
    options.out(
      was === 'dead'
        ? `#${id} is queued again: the hub posts it at once (or run 'janitor outbox flush')`
        : `#${id} is due now: the hub posts it with its next attempt (or run 'janitor outbox flush')`,
    );
  } finally {
    store.close();
  }
}

/**
 * `janitor outbox flush`: posts what is due now, once, with the configured account. Answers the exit code: 1 when
 * some posts are to be retried.
 * @throws CliError without credentials (exit 4) or in dry run (usage): a dry-run flush would throw the queue away
 */
export async function outboxFlush(
  runtimeOptions: RuntimeOptions,
  options: OutboxCommandOptions,
): Promise<number | undefined> {
  const { out, now = Date.now } = options;
  const { runtime, store } = await open(runtimeOptions, true);
  try {
    const { createPosting, publisherFor } = await import('./posting.ts');
    // A flush is there to post: without credentials, exit 4 and where to put a token.
    requirePosting(runtime);
    const publisher = publisherFor(runtime);
    if (publisher.dryRun) {
      // A dry-run worker logs a post and removes it: flushing so would throw the queue away.
      throw new CliError(
        'outbox flush posts for real; it does not run in dry run (app.run_control.dry_run or --dry-run)',
        EXIT.usage,
      );
    }
    const result = await createPosting(runtime, store as Store, { publisher }).worker.drain();
    out(formatDrain(result, now()));
    out(formatCounts((store as Store).outbox.counts(), now()));
    return result.retried > 0 ? EXIT.failure : undefined;
  } finally {
    store?.close();
    await runtime.logger.flush();
  }
}

/** Opens the runtime and the store; `create: false` answers no store when there is none yet. */
async function open(
  runtimeOptions: RuntimeOptions,
  create: boolean,
): Promise<{ runtime: Runtime; path: string; store: Store | undefined }> {
  const runtime = await openRuntime(runtimeOptions);
  const path = join(resolveStateDir(runtime.config), 'janitor.db');
  if (!create && !existsSync(path)) return { runtime, path, store: undefined };
  const { openStore } = await import('@janitor/store');
  return { runtime, path, store: openStore({ path }) };
}
