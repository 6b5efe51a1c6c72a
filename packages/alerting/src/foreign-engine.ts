import { type ForeignAlert, type Logger, type PostAbout, silentLogger } from '@janitor/protocol';
import type { OutboxPayload } from '@janitor/publisher';
import {
  type AlertLog,
  type AlertLogInput,
  type ForeignAlerts,
  SILENCE_ALL,
  type Silence,
  type Silences,
} from '@janitor/store';
import { type ForeignAlertState, type ForeignReason, foreignPost, stepForeign } from './foreign-lifecycle.ts';

/**
 * What the foreign alert engine reads and writes of a store (@janitor/store's `Store` fits): the foreign alerts'
 * states, the running silences, the alert log and the outbox, every write of a delivery in one transaction.
 */
export interface ForeignAlertStore {
  /** Runs `fn` in one write transaction (synchronous). */
  transaction<T>(fn: () => T): T;
  readonly foreignAlerts: Pick<ForeignAlerts, 'get' | 'put' | 'delete' | 'list'>;
  readonly alertLog: Pick<AlertLog, 'recordMany'>;
  readonly silences: Pick<Silences, 'active'>;
  readonly outbox: {
    /** Queues the posts in order; durable when the transaction around it commits. */
    enqueueMany(
      inputs: readonly { payload: OutboxPayload; groupKey: string; about: PostAbout }[],
    ): readonly { id: number }[];
  };
}

/** Options of {@link createForeignAlertEngine}. */
export interface ForeignAlertEngineOptions {
  store: ForeignAlertStore;
  /** The clock of every delivery. @default Date.now */
  now?: () => number;
  /** Called after posts were queued (wakes the outbox worker). */
  onQueued?: () => void;
  /** One `foreign alert` line (info) per post queued or held back. */
  logger?: Logger;
}

/** What one alert of a delivery did. */
export interface ForeignChange {
  source: string;
  key: string;
  /** The post it queued, if any. */
  post?: ForeignReason;
  /** Its outbox entry. */
  outboxId?: number;
  /** Whether a silence held its post back. */
  heldBack: boolean;
}

/** What one delivery did: the posts it queued (outbox ids, in order) and what became of each alert. */
export interface ForeignOutcome {
  queued: number[];
  changes: ForeignChange[];
}

/** A foreign alert still firing, as {@link ForeignAlertEngine.firing} lists it. */
export interface ForeignFiring {
  source: string;
  key: string;
  state: ForeignAlertState;
}

/**
 * The alerts of other monitors (Alertmanager, Grafana, Uptime Kuma; job check-ins reuse it) through the same alert
 * log, threads, routing by severity and outbox as Janitor's own alerts. Each alert's state is kept in the store by
 * its source and key; its posts are report posts of its type (so `status_post.by_type` routes them) about
 * `{ kind: 'alert', host, key: '<source>:<key>', incidentStartMs, reason }` (so the outbox worker's `replyTarget`
 * threads an incident's posts through the notification log).
 */
export interface ForeignAlertEngine {
  /**
   * One delivery of a source (a webhook request): each alert stepped through its lifecycle (`stepForeign`), in
   * order, and its new state, its posts and its alert log rows written in ONE transaction; resolves once durable.
   * A silence of the alert's host (or every host) on every alert (`*`), its source, or `<source>:<key>` holds its
   * posts back.
   * @example await engine.ingest([{ source: 'alertmanager', key: fingerprint, status: 'firing', type: 'alarm', title: 'HighCPU', text: '', host: 'pi1' }])
   */
  ingest(alerts: readonly ForeignAlert[]): Promise<ForeignOutcome>;
  /** The foreign alerts still firing, by source then key (only those of `source` when given). */
  firing(source?: string): ForeignFiring[];
}

/**
 * Wires the foreign alert lifecycle to the store. It keeps nothing in memory: every delivery reads the states it
 * needs in its transaction, so several engines (or processes) over one store agree.
 *
 * @example
 * const foreign = createForeignAlertEngine({ store, onQueued: () => worker.notify() });
 * const { queued } = await foreign.ingest(alertmanagerAlerts(payload));
 */
export function createForeignAlertEngine(options: ForeignAlertEngineOptions): ForeignAlertEngine {
  const { store, now = Date.now, onQueued, logger = silentLogger } = options;

  function deliver(alerts: readonly ForeignAlert[], nowMs: number): ForeignOutcome {
    const silences = store.silences.active(nowMs);
    const queued: number[] = [];
    const changes: ForeignChange[] = [];
    const rows: AlertLogInput[] = [];
    for (const alert of alerts) {
      const { source, key } = alert;
      const previous = store.foreignAlerts.get<ForeignAlertState>(source, key);
      const host = previous?.host ?? alert.host;
      const heldBack = silenced(silences, source, key, host);
      const step = stepForeign(previous, alert, { nowMs, heldBack });
      if (step.next === undefined) {
        if (previous !== undefined) store.foreignAlerts.delete(source, key);
      } else store.foreignAlerts.put(source, key, step.next);

      const alertKey = `${source}:${key}`;
      let outboxId: number | undefined;
      if (step.post !== undefined && step.about !== undefined) {
        const about = step.about;
        const post = foreignPost(source, about, step.post, { nowMs, from: step.from });
        const [entry] = store.outbox.enqueueMany([
          {
            payload: {
              kind: 'report',
              report: { ...post, ...(about.host === undefined ? {} : { hostname: about.host }) },
            },
            groupKey: about.host ?? source,
            about: {
              kind: 'alert',
              host: about.host ?? '',
              key: alertKey,
              incidentStartMs: about.incidentStartMs,
              reason: step.post,
            },
          },
        ]);
        outboxId = entry!.id;
        queued.push(outboxId);
      }
      const label = step.about?.title ?? step.next?.title ?? previous?.title ?? alert.title;
      for (const row of step.log) {
        rows.push({
          atMs: nowMs,
          hostname: host ?? '',
          key: alertKey,
          label,
          transition: row.transition,
          level: row.level,
          incidentStartMs: row.incidentStartMs,
          ...(row.endMs === undefined ? {} : { endMs: row.endMs }),
          ...(row.posted && outboxId !== undefined ? { outboxId } : {}),
        });
      }
      const change: ForeignChange = { source, key, heldBack };
      if (step.post !== undefined) change.post = step.post;
      if (outboxId !== undefined) change.outboxId = outboxId;
      changes.push(change);
    }
    if (rows.length > 0) store.alertLog.recordMany(rows);
    return { queued, changes };
  }

  return {
    async ingest(alerts) {
      const nowMs = now();
      const outcome = store.transaction(() => deliver(alerts, nowMs));
      for (const change of outcome.changes) {
        if (change.post === undefined && !change.heldBack) continue;
        logger.info('foreign alert', {
          source: change.source,
          key: change.key,
          ...(change.post === undefined ? { heldBack: true } : { reason: change.post }),
        });
      }
      if (outcome.queued.length > 0) onQueued?.();
      return outcome;
    },

    firing(source) {
      return store.foreignAlerts.list<ForeignAlertState>(source).map(({ source: from, key, state }) => ({
        source: from,
        key,
        state,
      }));
    },
  };
}

/** Whether a running silence covers the alert: its host (or `*`), and every alert, its source, or its key. */
function silenced(silences: readonly Silence[], source: string, key: string, host: string | undefined): boolean {
  const keys = [SILENCE_ALL, source, `${source}:${key}`];
  return silences.some(
    (s) => (s.hostname === SILENCE_ALL || (host !== undefined && s.hostname === host)) && keys.includes(s.key),
  );
}
