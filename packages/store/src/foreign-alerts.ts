import type { StoreContext } from './database.ts';

/** One alert of another monitor as the store keeps it: its source, its key there, and its state (the caller's JSON). */
export interface ForeignAlertRow<T = unknown> {
  /** Who sent it: `alertmanager`, `grafana`, `uptime-kuma`... */
  source: string;
  /** What names it at its source: an Alertmanager fingerprint, an Uptime Kuma monitor id. */
  key: string;
  state: T;
  /** When the state was last written (epoch ms, the store's clock). */
  updatedAtMs: number;
}

/**
 * The state of the alerts of other monitors that are still firing (@janitor/alerting's foreign alert engine writes
 * it): one row per alert, by source and key, as JSON the store does not look inside. A resolved alert has no row.
 */
export interface ForeignAlerts {
  /** The state of one alert (a parsed copy), or undefined when it has none (never seen, or resolved). */
  get<T = unknown>(source: string, key: string): T | undefined;
  /** Records (replaces) the state of one alert. Wrap it in `store.transaction` with the posts it goes with. */
  put(source: string, key: string, state: unknown): void;
  /** Forgets one alert. @returns whether it had a state. */
  delete(source: string, key: string): boolean;
  /** Every alert with a state, by source then key; only those of `source` when given. */
  list<T = unknown>(source?: string): ForeignAlertRow<T>[];
}

/** The foreign alert table of a store, over its connection. */
export function createForeignAlerts(context: StoreContext): ForeignAlerts {
  const { db, guard, now } = context;
  const selectOne = db.prepare('SELECT state FROM foreign_alert WHERE source = ? AND key = ?');
  const upsert = db.prepare(
    `INSERT INTO foreign_alert (source, key, state, updated_at_ms) VALUES (?, ?, ?, ?)
     ON CONFLICT (source, key) DO UPDATE SET state = excluded.state, updated_at_ms = excluded.updated_at_ms`,
  );
  const remove = db.prepare('DELETE FROM foreign_alert WHERE source = ? AND key = ?');
  const COLUMNS = 'source, key, state, updated_at_ms AS updatedAtMs';
  const selectAll = db.prepare(`SELECT ${COLUMNS} FROM foreign_alert ORDER BY source, key`);
  const selectSource = db.prepare(`SELECT ${COLUMNS} FROM foreign_alert WHERE source = ? ORDER BY key`);

  const checkName = (source: string, key: string) => {
    if (typeof source !== 'string' || source === '' || typeof key !== 'string' || key === '') {
      throw new TypeError('a foreign alert needs a source and a key');
    }
  };

  return {
    get: <T>(source: string, key: string) =>
      guard('foreignAlerts.get', () => {
        const row = selectOne.get(source, key) as { state: string } | undefined;
        return row === undefined ? undefined : (JSON.parse(row.state) as T);
      }),
    put: (source, key, state) => {
      checkName(source, key);
      const text = JSON.stringify(state);
      if (text === undefined) {
        throw new TypeError(`foreign alert state ${source}/${key} is not JSON-serialisable (got ${typeof state})`);
      }
      guard('foreignAlerts.put', () => {
        upsert.run(source, key, text, Math.trunc(now()));
      });
    },
    delete: (source, key) => guard('foreignAlerts.delete', () => Number(remove.run(source, key).changes) > 0),
    list: <T>(source?: string) =>
      guard('foreignAlerts.list', () => {
        const rows = (source === undefined ? selectAll.all() : selectSource.all(source)) as unknown as {
          source: string;
          key: string;
          state: string;
          updatedAtMs: number;
        }[];
        return rows.map((row) => ({ ...row, state: JSON.parse(row.state) as T }));
      }),
  };
}
