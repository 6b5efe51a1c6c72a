import {
  applyPing,
  autoCheck,
  type CheckDefinition,
  type CheckSettings,
  type CheckState,
  type CheckStep,
  checkHost,
  checkKey,
  checkLabel,
  checkLevel,
  checkPost,
  checkTime,
  checkView,
  newCheckState,
} from '@janitor/checks';
import { type ChecksView, type Logger, type PingKind, type PostAbout, silentLogger } from '@janitor/protocol';
import type { OutboxPayload } from '@janitor/publisher';
import { type AlertLog, createGroupCommit, type KeyValue, type MessageLog } from '@janitor/store';

/**
 * What the check engine reads and writes of a store (@janitor/store's `Store` fits): each check's state in the
 * key-value table, its posts in the outbox, its changes in the alert log and its failures in the message log, every
 * write of a ping or a periodic check in one transaction.
 */
export interface CheckEngineStore {
  /** Runs `fn` in one write transaction (synchronous). */
  transaction<T>(fn: () => T): T;
  readonly kv: Pick<KeyValue, 'get' | 'set'>;
  /** Where every change is recorded (`firing`, `escalated`, `repeated`, `resolved`), with the post that told it. */
  readonly alertLog: Pick<AlertLog, 'recordMany'>;
  /** Where each failure ping is recorded with its body (source `ping:<slug>`); none: they are not. */
  readonly messageLog?: Pick<MessageLog, 'recordMany'>;
  readonly outbox: {
    /** Queues the posts in order; durable when the transaction around it commits. */
    enqueueMany(
      inputs: readonly { payload: OutboxPayload; groupKey: string; about: PostAbout }[],
    ): readonly { id: number }[];
  };
}

/** Options of {@link createCheckEngine}. */
export interface CheckEngineOptions {
  /** The checks of `config.yaml` and `checks_auto_create` (`config.checks`). */
  checks: CheckSettings;
  store: CheckEngineStore;
  /** The clock of pings and deadlines. @default Date.now */
  now?: () => number;
  /** Called after posts were queued (wakes the outbox worker). */
  onQueued?: () => void;
  /** One `check` line (info) per change told, one per check created by a ping. */
  logger?: Logger;
  /** Most checks the hub keeps: a ping past it creates none (a flood of made-up slugs). @default 1000 */
  maxChecks?: number;
}

/** What a ping did: taken (by a check, maybe created by it) with the posts it queued, or refused. */
export type PingOutcome =
  | { accepted: true; check: CheckDefinition; created: boolean; queued: number[] }
  | {
      accepted: false;
      /** `unknown`: no such check and no auto-creation; `full`: auto-creation reached {@link CheckEngineOptions.maxChecks}. */
      reason: 'unknown' | 'full';
    };

/**
 * Job check-ins over the store (the Healthchecks model): pings move each check's state (`applyPing`), the periodic
 * check finds the late and the too long (`checkTime`), and only a change is told: a problem starts a thread (its post
 * `about` the alert `check:<slug>` of the check's host, or of `checks`), a failure while late or too long continues it,
 * reminders (with `repeat`) and the success that ends it reply in it.
 */
export interface CheckEngine {
  /** Whether a ping to an unknown slug creates its check. */
  readonly autoCreate: boolean;
  /** The check of `slug` (declared, or created by an earlier ping), or undefined. */
  find(slug: string): CheckDefinition | undefined;
  /**
   * A ping: the check's new state, its post and log rows, written in one transaction (group-committed with the pings
   * and checks of the same moment); resolves once durable.
   * @param kind @default 'success'
   * @param body the run's output, already cut to its tail (see `pingBodyTail`)
   */
  ping(slug: string, kind?: PingKind, body?: string): Promise<PingOutcome>;
  /** The periodic check: the checks past their deadline or running too long, and the reminders due. */
  tick(): Promise<{ queued: number[] }>;
  /** Every check now, by slug, as `GET /api/v1/checks` answers. */
  view(): ChecksView;
}

/** The key of the list of checks with a state (`kv`). */
const INDEX_KEY = 'checks.index';
/** The key of a check's state (`kv`). */
const stateKey = (slug: string) => `checks.state.${slug}`;

type Job = { kind: 'ping'; slug: string; ping: PingKind; body?: string; now: number } | { kind: 'tick'; now: number };

/** One group commit: the states written so far and the checks created, taken into memory once committed. */
interface Batch {
  states: Map<string, CheckState>;
  created: Map<string, CheckDefinition>;
}

/**
 * Wires job check-ins to the store. Loads every check's state once, when it is created; from then on this engine is
 * the only writer of them (one hub per store). A declared check that has no state yet is given one now: it is timed
 * from this moment until its first ping (so a job that never runs at all is found late). Checks created by pings
 * are kept (and still taken after `checks_auto_create` is turned off); declaring one in `config.yaml` gives it that
 * period and grace.
 *
 * @example
 * const checks = createCheckEngine({ checks: config.checks, store, onQueued: () => worker.notify() });
 * await checks.ping('backup', { exit: 3 }, 'rsync: disk full');
 */
export function createCheckEngine(options: CheckEngineOptions): CheckEngine {
  const { store, now: clock = Date.now, onQueued, logger = silentLogger, maxChecks = 1000 } = options;
  const { autoCreate } = options.checks;
  const startedAt = clock();

  const definitions = new Map<string, CheckDefinition>();
  for (const check of options.checks.list) definitions.set(check.slug, check);
  const index: string[] = [...new Set(store.kv.get<string[]>(INDEX_KEY) ?? [])];
  const states = new Map<string, CheckState>();
  for (const slug of index) {
    const state = store.kv.get<CheckState>(stateKey(slug));
    if (state === undefined) continue;
    states.set(slug, state);
    if (!definitions.has(slug) && state.auto) definitions.set(slug, autoCheck(slug));
  }
  // Declared checks seen for the first time: timed from now.
  const fresh = [...definitions.keys()].filter((slug) => !states.has(slug));
  if (fresh.length > 0) {
    store.transaction(() => {
      for (const slug of fresh) {
        const state = newCheckState(startedAt);
        store.kv.set(stateKey(slug), state);
        states.set(slug, state);
        index.push(slug);
      }
      store.kv.set(INDEX_KEY, index);
    });
  }

  const commit = createGroupCommit((jobs: readonly Job[]) => {
    const batch: Batch = { states: new Map(), created: new Map() };
    const results = store.transaction(() => {
      const out = jobs.map((job) => (job.kind === 'ping' ? runPing(job, batch) : runTick(job.now, batch)));
      if (batch.created.size > 0) store.kv.set(INDEX_KEY, [...index, ...batch.created.keys()]);
      return out;
    });
    // Committed: memory takes what was written.
    for (const [slug, state] of batch.states) states.set(slug, state);
    for (const [slug, check] of batch.created) {
      definitions.set(slug, check);
      index.push(slug);
    }
    return results;
  });

  function runPing(job: Extract<Job, { kind: 'ping' }>, batch: Batch): PingOutcome {
    const { slug, now } = job;
    let check = definitions.get(slug) ?? batch.created.get(slug);
    let created = false;
    if (check === undefined) {
      if (!autoCreate) return { accepted: false, reason: 'unknown' };
      if (definitions.size + batch.created.size >= maxChecks) return { accepted: false, reason: 'full' };
      check = autoCheck(slug);
      batch.created.set(slug, check);
      created = true;
      logger.info('check created by its first ping', { slug });
    }
    const previous = batch.states.get(slug) ?? states.get(slug) ?? newCheckState(now, created);
    const step = applyPing(
      previous,
      job.body === undefined ? { kind: job.ping } : { kind: job.ping, body: job.body },
      now,
    );
    const queued = tell(check, step);
    const incident = step.state.incident;
    // A failure is in the message log with its output, linked to its incident's first post (the thread it is part
    // of, told or not this time).
    if (step.state.lastPingKind === 'fail' && incident?.outboxId !== undefined && store.messageLog) {
      const exit = step.state.lastExitStatus;
      store.messageLog.recordMany([
        {
          atMs: now,
          hostname: check.host ?? null,
          source: `ping:${slug}`,
          type: 'error',
          summary: `${slug} failed${exit === undefined ? '' : ` (exit ${exit})`}`,
          text: step.state.lastBody ?? '',
          outboxId: incident.outboxId,
        },
      ]);
    }
    write(slug, step.state, batch);
    return { accepted: true, check, created, queued };
  }

  function runTick(now: number, batch: Batch): { queued: number[] } {
    const queued: number[] = [];
    for (const [slug, check] of [...definitions, ...batch.created]) {
      const state = batch.states.get(slug) ?? states.get(slug);
      if (state === undefined) continue;
      const step = checkTime(check, state, now);
      if (step.change === undefined) continue;
      queued.push(...tell(check, step));
      write(slug, step.state, batch);
    }
    return { queued };
  }

  function write(slug: string, state: CheckState, batch: Batch): void {
    store.kv.set(stateKey(slug), state);
    batch.states.set(slug, state);
  }

  /** Queues the post of a step's change with its alert log row; the outbox ids queued. */
  function tell(check: CheckDefinition, step: CheckStep): number[] {
    const { change } = step;
    if (change === undefined) return [];
    const { incident, reason, atMs } = change;
    const host = checkHost(check);
    const key = checkKey(check.slug);
    const post = checkPost(check, change, step.state);
    const [entry] = store.outbox.enqueueMany([
      {
        payload: {
          kind: 'report',
          report: {
            spoiler: post.spoiler,
            text: post.text,
            type: post.type,
            ...(check.host ? { hostname: check.host } : {}),
          },
        },
        groupKey: host,
        about: { kind: 'alert', host, key, incidentStartMs: incident.sinceMs, reason },
      },
    ]);
    const outboxId = entry!.id;
    // The thread's first post: what later rows of the incident link to.
    if (reason === 'firing' && step.state.incident) step.state.incident.outboxId = outboxId;
    store.alertLog.recordMany([
      {
        atMs,
        hostname: host,
        key,
        label: checkLabel(check.slug),
        transition: reason === 'repeat' ? 'repeated' : reason,
        level: checkLevel(incident.problem),
        value: incident.problem === 'failed' ? (incident.exitStatus ?? null) : null,
        incidentStartMs: incident.sinceMs,
        ...(reason === 'resolved' ? { endMs: atMs } : {}),
        outboxId,
      },
    ]);
    logger.info('check', { slug: check.slug, reason, problem: incident.problem, host });
    return [outboxId];
  }

  async function run<T extends { queued: number[] } | PingOutcome>(job: Job): Promise<T> {
    const outcome = (await commit(job)) as T;
    if ('queued' in outcome && outcome.queued.length > 0) onQueued?.();
    return outcome;
  }

  return {
    autoCreate,
    find: (slug) => definitions.get(slug),
    ping: (slug, kind = 'success', body) =>
      run<PingOutcome>({ kind: 'ping', slug, ping: kind, now: clock(), ...(body === undefined ? {} : { body }) }),
    tick: () => run<{ queued: number[] }>({ kind: 'tick', now: clock() }),
    view() {
      const nowMs = clock();
      const checks = [...definitions.values()]
        .sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0))
        .map((check) => checkView(check, states.get(check.slug) ?? newCheckState(startedAt), nowMs));
      return { nowMs, checks };
    },
  };
}
