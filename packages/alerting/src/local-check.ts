import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedConfig } from '@janitor/config';
import { samplesOfSample } from '@janitor/history';
import type { Logger, Sample } from '@janitor/protocol';
import {
  type BudgetState,
  createOutboxWorker,
  type DrainResult,
  type OutboxPayload,
  type OutboxPort,
  type OutboxWorkerOptions,
  PublishError,
  type Publisher,
  type PublishResult,
} from '@janitor/publisher';
import { type History, maintainHistory } from '@janitor/store';
import { type AlertNotification, type Evaluation, evaluate, fromSample } from '@janitor/thresholds';
import { type AlertEngineStore, createAlertEngine } from './alert-engine.ts';
import { createDryRunStore } from './dry-run-store.ts';

/** What one local check found and did. */
export interface LocalCheckOutcome {
  sample: Sample;
  /** The sample against this host's rules: which limits it crosses now. */
  evaluation: Evaluation;
  /** The posts this run made due (the lifecycle's transitions: firing, repeat, escalated, resolved, or report). */
  notifications: AlertNotification[];
  /** This run's posts in order: made, or in a dry run those that would be made. Empty when none was due. */
  posts: PublishResult[];
  /** The first of {@link posts}; undefined when no post was due. */
  published?: PublishResult;
  /** What the pass over the outbox did (posts left by earlier runs included); undefined in a dry run. */
  drained?: DrainResult;
}

/** The store local mode keeps its alert states, silences and outbox in (@janitor/store's `Store` fits). */
export interface LocalStore extends AlertEngineStore {
  readonly outbox: AlertEngineStore['outbox'] &
    OutboxPort & {
      get(id: number): { state: 'pending' | 'dead'; lastError: string | null } | undefined;
    };
  readonly kv: AlertEngineStore['kv'] & BudgetState;
  /** Where each run's sample is kept when `history.enabled` (@janitor/store's history fits). */
  readonly history?: Pick<History, 'append' | 'maintain'>;
  close(): void;
}

/** What {@link runLocalCheck} needs. */
export interface LocalCheckDeps {
  config: LoadedConfig;
  publisher: Publisher;
  logger: Logger;
  /** Takes the sample. @default a one-shot collection keeping its counters in `<state_dir>/metrics-state.json` */
  collect?: () => Promise<Sample>;
  /**
   * Opens the store. @default the store at `<state_dir>/janitor.db` (the hub's file when both run on one machine),
   * on the clock `now`.
   * It is closed when the check ends. A dry run opens the default one only when its file exists, and writes nothing.
   */
  openStore?: () => LocalStore | Promise<LocalStore>;
  /** The clock of the alert lifecycle and of the outbox's backoff. @default Date.now */
  now?: () => number;
  /**
   * Builds the worker that posts the store's outbox with the hooks given (apps pass @janitor/runtime's
   * `createPosting`, so that pacing, the post budget and the server's quirks mean what they mean everywhere).
   * @default a worker with the post budget kept in the store, unpaced when `status_post.pacing` is false
   */
  createWorker?: (store: LocalStore, hooks: LocalWorkerHooks) => { drain(): Promise<DrainResult> };
}

/** What {@link LocalCheckDeps.createWorker} is given besides the store: the check's clock and its two hooks. */
export type LocalWorkerHooks = Required<Pick<OutboxWorkerOptions, 'logger' | 'now' | 'onPosted' | 'onFailed'>>;

/**
 * Local mode, once: collect this machine's metrics and run them through the alert lifecycle, with its states,
 * silences and outbox in the local store, the way the hub does for its agents; then post what the outbox holds,
 * oldest first (a post an earlier run could not make goes out before this run's).
 *
 * With `alerting.mode: lifecycle` (the default), a crossing that lasts across runs posts once when it fires (after
 * the rule's `for`, counted across runs), a reminder after each `repeat`, and one "recovered" post when it ends; a
 * running silence of the store holds posts back. With `every_report` every run that crosses a limit posts the
 * original's report (`run_local`). The silent-host check does not apply: a machine cannot report its own silence.
 *
 * The store is opened, the report ingested and committed, the last values written, and the store closed: each run
 * loads the states afresh, so cron runs of `janitor run local` share one lifecycle. A post that cannot be made is
 * not lost: the PublishError that stopped it is thrown (for the exit code of a cron run), its message saying that
 * the post stays queued for the next run, or is kept as a dead letter when the server refused it (`janitor outbox
 * retry ID`). A dry run evaluates against the stored states, when the store exists, but writes nothing: it returns
 * (and the publisher logs) the posts that would be made.
 *
 * @example
 * const outcome = await runLocalCheck({ config, publisher, logger });
 * for (const post of outcome.posts) if (post.dryRun) print(post.draft);
 */
export async function runLocalCheck(deps: LocalCheckDeps): Promise<LocalCheckOutcome> {
  const { config, publisher, logger, now = Date.now } = deps;
  const sample = await (deps.collect ?? (() => collectOnce(config)))();
  const reportKeys = config.data.system_info.report_keys;
  const input = fromSample(sample, reportKeys ? { keys: reportKeys } : {});
  const path = join(config.data.app.state_dir, 'janitor.db');
  const open = deps.openStore ?? (() => openDefaultStore(path, now, config));

  if (publisher.dryRun) {
    const real = deps.openStore || existsSync(path) ? await open() : undefined;
    try {
      const dry = createDryRunStore(real);
      const engine = createAlertEngine({ config, store: dry.store, now, silentHosts: false });
      const { notifications } = await engine.ingest(sample.hostname, input);
      const evaluation = evaluate(input, engine.plan.host(sample.hostname).rules);
      logOutcome(logger, sample, evaluation, notifications);
      const posts: PublishResult[] = [];
      for (const { payload } of dry.queued) posts.push(await publishDry(publisher, payload));
      return outcomeOf({ sample, evaluation, notifications, posts });
    } finally {
      real?.close();
    }
  }

  const store = await open();
  try {
    const engine = createAlertEngine({ config, store, now, silentHosts: false });
    const { queued, notifications } = await engine.ingest(sample.hostname, input);
    engine.flush();
    await keepHistory(store, sample, { config, logger, now });
    const evaluation = evaluate(input, engine.plan.host(sample.hostname).rules);
    logOutcome(logger, sample, evaluation, notifications);
    // Nothing of ours and nothing left over: a quiet run stays quiet (no connection to the server).
    if (queued.length === 0 && store.outbox.counts().pending === 0) {
      return outcomeOf({ sample, evaluation, notifications, posts: [] });
    }

    const ours = new Set(queued);
    const posted = new Map<number, PublishResult>();
    let failure: unknown;
    const createWorker =
      deps.createWorker ??
      ((local: LocalStore, hooks: LocalWorkerHooks) =>
        createOutboxWorker({
          outbox: local.outbox,
          publisher,
          state: local.kv,
          ...(config.data.mastodon.status_post.pacing ? {} : { budget: false }),
          ...hooks,
        }));
    const worker = createWorker(store, {
      // The failure of this run's posts is thrown to the caller, who reports it once: the worker only warns.
      logger: { ...logger, error: logger.warn },
      now,
      onPosted: (entry, result) => {
        if (ours.has(entry.id)) posted.set(entry.id, result);
      },
      onFailed: (entry, error, fate) => {
        // One of this run's posts, or an earlier one that stopped the pass before this run's could go.
        if (ours.has(entry.id) || fate === 'retry') failure = error;
      },
    });
    const drained = await worker.drain();
    const posts = queued.flatMap((id) => posted.get(id) ?? []);
    // A post of ours still in the outbox was not made (one merged into an earlier post went out with it).
    const leftId = queued.find((id) => store.outbox.get(id) !== undefined);
    if (leftId === undefined) return outcomeOf({ sample, evaluation, notifications, posts, drained });

    const left = store.outbox.get(leftId);
    const state = left?.state ?? 'pending';
    const where =
      state === 'dead'
        ? `the report is kept as a dead letter: janitor outbox retry ${leftId}`
        : 'the report stays queued: the next run posts it first';
    logger.info(state === 'dead' ? 'the server refused the report' : 'the report could not be posted now', {
      entry: leftId,
      error: left?.lastError ?? '',
      pending: store.outbox.counts().pending,
    });
    throw withNote(failure, where);
  } finally {
    store.close();
  }
}

function outcomeOf(parts: Omit<LocalCheckOutcome, 'published'>): LocalCheckOutcome {
  const [first] = parts.posts;
  return first === undefined ? parts : { ...parts, published: first };
}

/** One line about the run: what is due, a crossing already told (or waiting for `for`, or silenced), or all well. */
function logOutcome(
  logger: Logger,
  sample: Sample,
  evaluation: Evaluation,
  notifications: readonly AlertNotification[],
): void {
  const crossed = evaluation.breaches.map((b) => b.label).join(', ');
  if (notifications.length > 0) {
    logger.info(crossed === '' ? 'Publishing the recovery' : 'Limits crossed, publishing the report', {
      hostname: sample.hostname,
      ...(crossed === '' ? {} : { crossed }),
      alerts: notifications.map((n) => `${n.key} ${n.reason}`).join(', '),
    });
  } else if (crossed !== '') {
    logger.info('Limits crossed, nothing new to post', { hostname: sample.hostname, crossed });
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
}

/** The post a dry-run publisher logs for a payload the engine queued (always a report). */
function publishDry(publisher: Publisher, payload: OutboxPayload): Promise<PublishResult> {
  if (payload.kind !== 'report') throw new TypeError(`the alert engine queued a ${payload.kind} post`);
  const { spoiler, text } = payload.report;
  return publisher.publishReport({ spoiler, text });
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

/** One sample, its counters kept in `<state_dir>/metrics-state.json`; metrics are loaded only when collected here. */
async function collectOnce(config: LoadedConfig): Promise<Sample> {
  const { collect } = await import('@janitor/metrics');
  return collect({ stateFile: join(config.data.app.state_dir, 'metrics-state.json') });
}

/** The store at `path` on the check's clock, loaded only when a check runs (the hub imports this package too). */
async function openDefaultStore(path: string, now: () => number, config: LoadedConfig): Promise<LocalStore> {
  const { openStore } = await import('@janitor/store');
  return openStore({ path, now, history: { retention: config.history.retention } });
}

/**
 * Keeps the run's sample as history and brings the tiers and retention up to date (a few short steps: a run every
 * minute leaves little to do). The history is the dashboard's, not the alarm's: a failure to keep it (a full disk)
 * is a warning, and the run goes on to post what it must.
 */
async function keepHistory(
  store: LocalStore,
  sample: Sample,
  deps: { config: LoadedConfig; logger: Logger; now: () => number },
): Promise<void> {
  const { history } = store;
  if (!deps.config.history.enabled || history === undefined) return;
  try {
    history.append(sample.hostname, sample.collectedAtMs, samplesOfSample(sample));
    await maintainHistory(history, { nowMs: deps.now(), maxSteps: LOCAL_UPKEEP_STEPS });
  } catch (error) {
    deps.logger.warn('the history could not be kept this run; the check goes on', {
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/** At most this many upkeep steps of about 10 ms per local run. */
const LOCAL_UPKEEP_STEPS = 50;
