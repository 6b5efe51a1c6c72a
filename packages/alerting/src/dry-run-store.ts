import type { OutboxPayload } from '@janitor/publisher';
import type { AlertEngineStore } from './alert-engine.ts';

/** A store port that writes nothing, made by {@link createDryRunStore}. */
export interface DryRunStore {
  /** What the engine reads and writes: reads from the real store (if any), writes kept in memory and dropped. */
  readonly store: AlertEngineStore;
  /** The posts the engine queued, in order; the engine was given their position plus one as outbox id. */
  readonly queued: readonly { payload: OutboxPayload; groupKey: string }[];
}

/**
 * A store port for a dry run: the engine reads the states, silences and values a real run would read from `store`
 * (nothing when it is absent: a first run), and nothing it writes reaches the store: states, hosts, values and the
 * alert log's rows are dropped, adding or removing a silence throws, and the posts it queues are collected in
 * {@link DryRunStore.queued} instead of the outbox.
 *
 * @example
 * const dry = createDryRunStore(existsSync(path) ? openStore({ path }) : undefined);
 * await createAlertEngine({ config, store: dry.store }).ingest(hostname, input);
 * for (const { payload } of dry.queued) log(payload);
 */
export function createDryRunStore(store?: AlertEngineStore): DryRunStore {
  const queued: { payload: OutboxPayload; groupKey: string }[] = [];
  return {
    queued,
    store: {
      transaction: (fn) => fn(),
      alerts: {
        allStates: <T>() => store?.alerts.allStates<T>() ?? {},
        hosts: () => store?.alerts.hosts() ?? [],
        putHost: () => {},
        putSeen: () => {},
        forgetHost: () => false,
      },
      silences: {
        active: (nowMs) => store?.silences.active(nowMs) ?? [],
        purge: () => 0,
        get: (id) => store?.silences.get(id),
        add: () => {
          throw new Error('a dry run adds no silence');
        },
        remove: () => {
          throw new Error('a dry run removes no silence');
        },
      },
      kv: {
        get: <T>(key: string) => store?.kv.get<T>(key),
        set: () => {},
      },
      alertLog: { recordMany: () => [] },
      outbox: {
        enqueueMany(inputs) {
          const first = queued.length + 1;
          queued.push(...inputs);
          return inputs.map((_, i) => ({ id: first + i }));
        },
      },
    },
  };
}
