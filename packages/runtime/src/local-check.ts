import { join } from 'node:path';
import type { LoadedConfig } from '@janitor/config';
import { collect as collectMetrics } from '@janitor/metrics';
import type { Logger, Sample } from '@janitor/protocol';
import {
  type BudgetState,
  createOutboxWorker,
  type DrainResult,
  type OutboxPort,
  PublishError,
  type Publisher,
  type PublishResult,
} from '@janitor/publisher';
import { type Evaluation, evaluate, formatReport, fromSample } from '@janitor/thresholds';

/** What one local check found and did. */
export interface LocalCheckOutcome {
  sample: Sample;
  evaluation: Evaluation;
  /** The post made (or, in dry run, the one that would have been made); undefined when no limit was crossed. */
  published?: PublishResult;
  /** What the pass over the outbox did (posts left by earlier runs included); undefined in a dry run. */
  drained?: DrainResult;
}

/** The store local mode keeps its outbox in (@janitor/store's `Store` fits). */
export interface LocalStore {
  outbox: OutboxPort & {
    enqueue(input: { payload: unknown; groupKey?: string | null }): { id: number };
    get(id: number): { state: 'pending' | 'dead'; lastError: string | null } | undefined;
  };
  kv: BudgetState;
  close(): void;
}

export interface LocalCheckDeps {
  config: LoadedConfig;
  publisher: Publisher;
  logger: Logger;
  /** Takes the sample. @default a one-shot collection keeping its counters in `<state_dir>/metrics-state.json` */
  collect?: () => Promise<Sample>;
  /**
   * Opens the outbox. @default the store at `<state_dir>/janitor.db` (the hub's file when both run on one machine).
   * It is closed when the check ends. A dry run never opens it.
   */
  openStore?: () => LocalStore | Promise<LocalStore>;
  /** @default Date.now */
  now?: () => number;
}

/**
 * Local mode, once: collect this machine's metrics, compare them with the thresholds, and when a limit is crossed
 * queue the report in the durable outbox (the original's `run_local`), then post what the outbox holds, oldest
 * first: a report an earlier run could not post goes out before this one. Logs "No issues found" otherwise.
 *
 * When the report cannot be posted, it is not lost: the PublishError that stopped it is thrown (for the exit code of
 * a cron run), its message saying that the report stays queued for the next run, or is kept as a dead letter when
 * the server refused it (`janitor outbox retry ID`). A dry run posts nothing and touches no outbox: it logs the post
 * that would be made.
 */
export async function runLocalCheck(deps: LocalCheckDeps): Promise<LocalCheckOutcome> {
  const { config, publisher, logger } = deps;
  const collect =
    deps.collect ?? (() => collectMetrics({ stateFile: join(config.data.app.state_dir, 'metrics-state.json') }));
  const sample = await collect();
  const reportKeys = config.data.system_info.report_keys;
  const input = fromSample(sample, reportKeys ? { keys: reportKeys } : {});
  const evaluation = evaluate(input, config.rules);
  const report = evaluation.breaches.length === 0 ? undefined : formatReport(input, evaluation, config.reportFormat);
  if (report) {
    logger.info('Limits crossed, publishing the report', {
      hostname: sample.hostname,
      crossed: evaluation.breaches.map((b) => b.label).join(', '),
      type: report.type,
    });
  } else {
    const m = sample.metrics;
    logger.info('No issues found', {
      hostname: sample.hostname,
      cpu_percent: m.cpu_percent,
      memory_percent: m.memory_percent,
      disk_usage_percent: m.disk_usage_percent,
      load_1: m.load_1,
    });
  }
  if (publisher.dryRun) {
    // Fast and side-effect free: no store, no queue, only the post that would be made.
    return report ? { sample, evaluation, published: await publisher.publishReport(report) } : { sample, evaluation };
  }

  const store = await (deps.openStore ?? (() => openDefaultStore(config)))();
  try {
    const entry = report
      ? store.outbox.enqueue({
          payload: {
            kind: 'report',
            report: { spoiler: report.spoiler, text: report.text, hostname: sample.hostname },
          },
          groupKey: sample.hostname,
        })
      : undefined;
    // Nothing of ours and nothing left over: a quiet run stays quiet (no connection to the server).
    if (!entry && store.outbox.counts().pending === 0) return { sample, evaluation };

    let published: PublishResult | undefined;
    let failure: { error: unknown; fate: 'retry' | 'dead' } | undefined;
    const worker = createOutboxWorker({
      outbox: store.outbox,
      publisher,
      // The failure of this run's report is thrown to the caller, who reports it once: the worker only warns.
      logger: { ...logger, error: logger.warn },
      state: store.kv,
      ...(deps.now ? { now: deps.now } : {}),
      onPosted: (posted, result) => {
        if (posted.id === entry?.id) published = result;
      },
      onFailed: (failed, error, fate) => {
        // This run's report, or an earlier one that stopped the pass before this one could go.
        if (failed.id === entry?.id || fate === 'retry') failure = { error, fate };
      },
    });
    const drained = await worker.drain();
    if (published || !entry) {
      return { sample, evaluation, drained, ...(published ? { published } : {}) };
    }
    const left = store.outbox.get(entry.id);
    const state = left?.state ?? 'pending';
    const where =
      state === 'dead'
        ? `the report is kept as a dead letter: janitor outbox retry ${entry.id}`
        : 'the report stays queued: the next run posts it first';
    logger.info(state === 'dead' ? 'the server refused the report' : 'the report could not be posted now', {
      entry: entry.id,
      error: left?.lastError ?? '',
      pending: store.outbox.counts().pending,
    });
    throw withNote(failure?.error, where);
  } finally {
    store.close();
  }
}

/**
 * The failure that kept the report from going out, its message extended with what became of the report. A
 * PublishError keeps its name and fields (the CLI maps a 401 to "run janitor login").
 */
function withNote(error: unknown, note: string): Error {
  if (error instanceof PublishError) {
    return new PublishError(`${error.message} (${note})`, {
      cause: error,
      retryable: error.retryable,
      kind: error.kind,
      ...(error.statusCode === undefined ? {} : { statusCode: error.statusCode }),
      ...(error.rateLimitResetAt ? { rateLimitResetAt: error.rateLimitResetAt } : {}),
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    });
  }
  const why = error instanceof Error ? error.message : 'the report was not posted';
  return new Error(`${why} (${note})`, { cause: error });
}
/** The store at `<state_dir>/janitor.db`, loaded only when local mode posts for real (a dry run stays fast). */
async function openDefaultStore(config: LoadedConfig): Promise<LocalStore> {
  const { openStore } = await import('@janitor/store');
  return openStore({ path: join(config.data.app.state_dir, 'janitor.db') });
}
