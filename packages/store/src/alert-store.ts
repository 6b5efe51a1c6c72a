import type { StoreContext } from './database.ts';

/** What the store knows of a host that reported: its last report and its recent report times. */
export interface HostRecord {
  hostname: string;
  /** The time of its last report (epoch ms). */
  lastSeenMs: number;
  /** Its most recent report times, oldest first (epoch ms): what its usual interval is computed from. */
  reportTimesMs: number[];
}

/**
 * The alert lifecycle's durable state: each host's alert states (plain JSON by alert key, as `@janitor/thresholds`
 * keeps them) and the hosts that reported. The store does not look inside a state: the type is the caller's claim.
 */
export interface AlertStore {
  /** The states of one host by alert key (parsed copies); `{}` when it has none. */
  getHost<T = unknown>(hostname: string): Record<string, T>;
  /**
   * Replaces every state of the host by `states` (a key missing is deleted: an idle alert keeps no row). Several
   * rows: wrap it in `store.transaction` with the posts it goes with.
   */
  putHost(hostname: string, states: Readonly<Record<string, unknown>>): void;
  /** The states of every host, by hostname then alert key (what a hub loads at start). */
  allStates<T = unknown>(): Record<string, Record<string, T>>;
  /** Every host that reported, by hostname. */
  hosts(): HostRecord[];
  /** One host's record, or undefined when it never reported. */
  getSeen(hostname: string): HostRecord | undefined;
  /** Records (replaces) a host's last report and recent report times. */
  putSeen(record: HostRecord): void;
  /** Forgets a host: its states and its record. @returns whether there was anything. */
  forgetHost(hostname: string): boolean;
}

/** The alert tables of a store, over its connection. */
export function createAlertStore(context: StoreContext): AlertStore {
  const { db, guard, transaction } = context;
  const selectHost = db.prepare('SELECT key, state FROM alert_state WHERE hostname = ?');
  const selectAll = db.prepare('SELECT hostname, key, state FROM alert_state ORDER BY hostname, key');
  const deleteHost = db.prepare('DELETE FROM alert_state WHERE hostname = ?');
  const insertState = db.prepare('INSERT INTO alert_state (hostname, key, state) VALUES (?, ?, ?)');
  const selectHosts = db.prepare(
    'SELECT hostname, last_seen_ms AS lastSeenMs, report_times AS reportTimes FROM host ORDER BY hostname',
  );
  const selectSeen = db.prepare(
    'SELECT hostname, last_seen_ms AS lastSeenMs, report_times AS reportTimes FROM host WHERE hostname = ?',
  );
  const upsertSeen = db.prepare(
    `INSERT INTO host (hostname, last_seen_ms, report_times) VALUES (?, ?, ?)
     ON CONFLICT (hostname) DO UPDATE SET last_seen_ms = excluded.last_seen_ms, report_times = excluded.report_times`,
  );
  const deleteSeen = db.prepare('DELETE FROM host WHERE hostname = ?');

  const toRecord = (row: { hostname: string; lastSeenMs: number; reportTimes: string }): HostRecord => ({
    hostname: row.hostname,
    lastSeenMs: row.lastSeenMs,
    reportTimesMs: JSON.parse(row.reportTimes) as number[],
  });

  return {
    getHost: <T>(hostname: string) =>
      guard('alerts.getHost', () => {
        const states: Record<string, T> = {};
        for (const row of selectHost.all(hostname) as { key: string; state: string }[]) {
          states[row.key] = JSON.parse(row.state) as T;
        }
        return states;
      }),
    putHost: (hostname, states) => {
      const rows = Object.entries(states).map(([key, state]) => {
        const text = JSON.stringify(state);
        if (text === undefined) {
          throw new TypeError(`alert state ${hostname}/${key} is not JSON-serialisable (got ${typeof state})`);
        }
        return [key, text] as const;
      });
      guard('alerts.putHost', () =>
        transaction(() => {
          deleteHost.run(hostname);
          for (const [key, text] of rows) insertState.run(hostname, key, text);
        }),
      );
    },
    allStates: <T>() =>
      guard('alerts.allStates', () => {
        const all: Record<string, Record<string, T>> = {};
        for (const row of selectAll.all() as { hostname: string; key: string; state: string }[]) {
          all[row.hostname] ??= {};
          all[row.hostname]![row.key] = JSON.parse(row.state) as T;
        }
        return all;
      }),
    hosts: () =>
      guard('alerts.hosts', () =>
        (selectHosts.all() as { hostname: string; lastSeenMs: number; reportTimes: string }[]).map(toRecord),
      ),
    getSeen: (hostname) =>
      guard('alerts.getSeen', () => {
        const row = selectSeen.get(hostname) as
          | { hostname: string; lastSeenMs: number; reportTimes: string }
          | undefined;
        return row === undefined ? undefined : toRecord(row);
      }),
    putSeen: (record) => {
      const times = record.reportTimesMs;
      if (!Number.isFinite(record.lastSeenMs) || !times.every(Number.isFinite)) {
        throw new TypeError(`report times of ${record.hostname} must be finite numbers`);
      }
      guard('alerts.putSeen', () => {
        upsertSeen.run(record.hostname, Math.trunc(record.lastSeenMs), JSON.stringify(times));
      });
    },
    forgetHost: (hostname) =>
      guard('alerts.forgetHost', () =>
        transaction(() => {
          const states = Number(deleteHost.run(hostname).changes);
          const seen = Number(deleteSeen.run(hostname).changes);
          return states + seen > 0;
        }),
      ),
  };
}
