// `@janitor/runtime/local`: local mode as every command runs it (`janitor run local`, `janitor-agent --mode local`,
// the scheduler's `sysinfo_local`): the alerting package's check, posting through createPosting, dry-run posts
// printed.
import { type LocalCheckOutcome, runLocalCheck } from '@janitor/alerting';
import type { Sample } from '@janitor/protocol';
import { createPosting, publisherFor } from './posting.ts';
import { announcePostingMode } from './posting-mode.ts';
import { formatDryRunPost, type Runtime } from './runtime.ts';
import { type StopSignalSource, stopOnSignals } from './stop-signals.ts';

/** Options of {@link runLocal}. */
export interface RunLocalOptions {
  /** Takes the sample (a long-running agent keeps one collector). @default a one-shot collection */
  collect?: () => Promise<Sample>;
  /** Where dry-run posts are printed. @default stdout */
  out?: (text: string) => void;
  /** @default process.env */
  env?: Record<string, string | undefined>;
}

/**
 * One local check: collect, run the alert lifecycle with its state in the local store, post what is due through the
 * outbox (paced, budgeted and retried as the config says, the same as the hub), and print the posts a dry run would
 * make. Without credentials it is a dry run, said once per runtime ({@link announcePostingMode}). Throws the
 * PublishError that kept a post from going out (it stays queued).
 */
export async function runLocal(runtime: Runtime, options: RunLocalOptions = {}): Promise<LocalCheckOutcome> {
  const { collect, out = (text) => process.stdout.write(`${text}\n`), env = process.env } = options;
  announcePostingMode(runtime, env);
  const publisher = publisherFor(runtime, env);
  const outcome = await runLocalCheck({
    config: runtime.config,
    publisher,
    logger: runtime.logger,
    ...(collect ? { collect } : {}),
    createWorker: (store, hooks) => createPosting(runtime, store, { publisher, ...hooks }).worker,
  });
  for (const post of outcome.posts) if (post.dryRun) out(formatDryRunPost(post.draft));
  return outcome;
}

/** Options of {@link runLocalLoop}. */
export interface LocalLoopOptions extends RunLocalOptions {
  /** Time from the start of one check to the start of the next. */
  intervalSeconds: number;
  /** Stops the loop from outside (tests, embedding). SIGTERM and SIGINT stop it too. */
  signal?: AbortSignal;
  /** Where SIGTERM and SIGINT come from. @default process */
  signals?: StopSignalSource;
}

/**
 * `janitor-agent --mode local --interval N`: {@link runLocal} every `intervalSeconds` with one collector, whose
 * counters stay in memory (@janitor/metrics' `createCollector`, unless `collect` is given), until SIGTERM or SIGINT
 * (logged with its name). A failed check is logged and the loop goes on.
 */
export async function runLocalLoop(runtime: Runtime, options: LocalLoopOptions): Promise<void> {
  const { intervalSeconds, signal, signals, ...check } = options;
  const { logger } = runtime;
  // Loaded here: a cron run of `janitor run local` needs neither the loop nor a collector that keeps counters.
  const [{ runLoop }, { createCollector }] = await Promise.all([
    import('@janitor/scheduler'),
    import('@janitor/metrics'),
  ]);
  const collect = check.collect ?? createCollector({ logger }).collect;
  const stop = stopOnSignals(logger, 'agent', { signal, ...(signals ? { signals } : {}) });
  logger.info('agent started', { mode: 'local', intervalSeconds });
  try {
    await runLoop({
      intervalMs: intervalSeconds * 1000,
      stopOn: [],
      signal: stop.signal,
      tick: async () => {
        await runLocal(runtime, { ...check, collect });
      },
      onError: (error) =>
        logger.error('check failed', { error: error instanceof Error ? error.message : String(error) }),
    });
  } finally {
    stop.dispose();
  }
  logger.info('agent stopped');
}
