// janitor outbox: what waits to be posted, the dead letters, and a hand to retry or flush them. Works on the store in
// <state_dir>/janitor.db (the hub's and local mode's). Light at load: the store and the publisher are imported when
// a command runs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DrainResult } from '@janitor/publisher';
import type { RuntimeOptions } from '@janitor/runtime';
import type { Store } from '@janitor/store';
import { Command } from 'commander';

/** What the outbox commands need from main.ts. */
export interface OutboxCommandDeps {
  /** The global options (--config) of the command that runs. */
  runtimeOptions: (cmd: Command) => RuntimeOptions;
  out: (line: string) => void;
  /** @default Date.now */
  now?: () => number;
}

/** An outbox entry as the commands show it (@janitor/store's `OutboxEntry` fits). */
export interface ShownEntry {
  id: number;
  createdAtMs: number;
  payload: unknown;
  groupKey: string | null;
  attempts: number;
  notBeforeMs: number;
  lastError: string | null;
  state: 'pending' | 'dead';
}

/**
 * One line about an entry: `#12 pending pi-1, 3 attempts, next try in 4m: disk / at 91 % (last error: …)`. The text
 * is the post's first line (a message's summary or text, a report's content warning, a merge's header).
 */
export function formatEntry(entry: ShownEntry, nowMs: number): string {
  const host = entry.groupKey ?? 'no host';
  const attempts = entry.attempts === 1 ? '1 attempt' : `${entry.attempts} attempts`;
  const when =
    entry.state === 'dead'
      ? `janitor outbox retry ${entry.id}`
      : entry.notBeforeMs > nowMs
        ? `next try in ${duration(entry.notBeforeMs - nowMs)}`
        : 'due now';
  const error = entry.lastError ? ` (last error: ${oneLine(entry.lastError, 160)})` : '';
  return `#${entry.id} ${entry.state} ${host}, ${attempts}, queued ${duration(nowMs - entry.createdAtMs)} ago, ${when}: ${oneLine(summary(entry.payload), 60)}${error}`;
}

/** The closing line of `janitor outbox list`: `2 pending (oldest queued 5m ago), 1 dead`. */
export function formatCounts(counts: { pending: number; dead: number; oldestPendingMs: number | null }, nowMs: number) {
  const oldest =
    counts.oldestPendingMs === null ? '' : ` (oldest queued ${duration(nowMs - counts.oldestPendingMs)} ago)`;
  return `${counts.pending} pending${oldest}, ${counts.dead} dead`;
}

/** `janitor outbox list [--dead]`: one line per entry, then the counts. */
export function listOutbox(store: Pick<Store, 'outbox'>, options: { dead?: boolean; nowMs: number }): string[] {
  const entries = store.outbox.list(options.dead ? { state: 'dead' } : {});
  const lines = entries.map((entry) => formatEntry(entry, options.nowMs));
  if (entries.length === 0) lines.push(options.dead ? 'no dead letters' : 'the outbox is empty');
  lines.push(formatCounts(store.outbox.counts(), options.nowMs));
  return lines;
}

/** What a flush did, in one line. */
export function formatDrain(result: DrainResult, nowMs: number): string {
  const parts = [`${result.posted} posted`, `${result.retried} to retry`, `${result.dead} dead`];
  if (result.merged > 0) parts.push(`${result.merged} merged`);
  const stopped =
    result.resumeAtMs === null ? '' : `; stopped: nothing goes out for ${duration(result.resumeAtMs - nowMs)}`;
  return `${parts.join(', ')}${stopped}`;
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
    'the posts waiting to be made (janitor.db in app.state_dir): list them, retry a dead letter, flush',
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
    .description('put a dead letter back in the queue, due now, with a new idempotency key')
    .argument('<id>', 'the entry’s number, as `janitor outbox list --dead` shows it')
    .action(async (raw: string, _o, cmd: Command) => {
      const id = Number(raw.replace(/^#/, ''));
      const { agent, store, path } = await open(cmd, false);
      if (!Number.isSafeInteger(id) || id <= 0) {
        store?.close();
        throw new agent.CliError(`expected an entry number such as 12, got ${JSON.stringify(raw)}`, agent.EXIT.usage);
      }
      if (!store) throw new agent.CliError(`no dead letter #${id}: there is no store at ${path}`, agent.EXIT.failure);
      try {
        if (!store.outbox.revive(id)) {
          const entry = store.outbox.get(id);
          throw new agent.CliError(
            entry ? `#${id} is not a dead letter: it is pending already` : `no dead letter #${id}`,
            agent.EXIT.failure,
          );
        }
        out(`#${id} is queued again: the hub posts it at once (or run 'janitor outbox flush')`);
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

/** The first line of what an entry will post. */
function summary(payload: unknown): string {
  const p = payload as {
    kind?: string;
    message?: { summary?: string; text?: string };
    report?: { spoiler?: string; text?: string };
    items?: unknown[];
    hostname?: string;
  };
  if (p?.kind === 'message') return p.message?.summary || p.message?.text || '';
  if (p?.kind === 'report') return p.report?.spoiler || p.report?.text || '';
  if (p?.kind === 'merged') return `${p.items?.length ?? 0} posts merged for ${p.hostname ?? 'a host'}`;
  return JSON.stringify(payload) ?? '';
}

function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** `45s`, `4m`, `2h 5m`, `3d 4h`. */
function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}
