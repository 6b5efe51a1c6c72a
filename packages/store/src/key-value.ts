import type { StoreContext } from './database.ts';

/** Small JSON values kept across restarts (agent state, later locks), one row per key. */
export interface KeyValue {
  /** The value stored under `key` (a parsed copy), or undefined. The type is the caller's claim, not checked. */
  get<T = unknown>(key: string): T | undefined;
  /** Stores `value` (anything `JSON.stringify` accepts, `undefined` excepted) under `key`, replacing any old one. */
  set(key: string, value: unknown): void;
  /** @returns whether there was a value. */
  delete(key: string): boolean;
}

/** The key-value table of a store, over its connection. */
export function createKeyValue(context: StoreContext): KeyValue {
  const { db, guard } = context;
  const select = db.prepare('SELECT value FROM kv WHERE key = ?');
  const upsert = db.prepare(
    'INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const remove = db.prepare('DELETE FROM kv WHERE key = ?');
  return {
    get: <T>(key: string) =>
      guard('kv.get', () => {
        const row = select.get(key) as { value: string } | undefined;
        return row === undefined ? undefined : (JSON.parse(row.value) as T);
      }),
    set: (key, value) =>
      guard('kv.set', () => {
        const text = JSON.stringify(value);
        if (text === undefined)
          throw new TypeError(`kv value for '${key}' is not JSON-serialisable (got ${typeof value})`);
        upsert.run(key, text);
      }),
    delete: (key) => guard('kv.delete', () => remove.run(key).changes > 0),
  };
}
