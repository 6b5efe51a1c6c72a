import type { StoreContext } from './database.ts';

/** Every host, or every alert of a host, in a {@link Silence}. */
export const SILENCE_ALL = '*';

/** Posts held back until a time: about one host (or every host) and one alert key or metric (or all of them). */
export interface Silence {
  /** Increases with every silence and is never reused. */
  id: number;
  /** The host, or `*` for every host. */
  hostname: string;
  /** An alert key (`disk_usage_percent@/data`), a metric (`cpu_percent`), `host_silent`, or `*` for every alert. */
  key: string;
  /** Posts are held back until this time (epoch ms). */
  untilMs: number;
  reason: string | null;
  createdAtMs: number;
}

/** A silence to add. */
export interface SilenceInput {
  /** The host, or `*` for every host. */
  hostname: string;
  /** @default '*' */
  key?: string;
  untilMs: number;
  /** @default null */
  reason?: string | null;
}

/** The silences kept in a store. Expired silences stay until {@link Silences.purge} removes them. */
export interface Silences {
  /** Adds a silence; durable when it returns. */
  add(input: SilenceInput): Silence;
  get(id: number): Silence | undefined;
  /** Every silence, ended ones too, in id order. */
  list(): Silence[];
  /** The silences still running at `nowMs` (`untilMs` after it), in id order. @param nowMs @default now() */
  active(nowMs?: number): Silence[];
  /** @returns whether there was such a silence. */
  remove(id: number): boolean;
  /** Deletes the silences that ended at or before `nowMs`. @returns how many. @param nowMs @default now() */
  purge(nowMs?: number): number;
}

const COLUMNS = 'id, hostname, key, until_ms AS untilMs, reason, created_at_ms AS createdAtMs';

/** The silence table of a store, over its connection. */
export function createSilences(context: StoreContext): Silences {
  const { db, now, guard } = context;
  // run() and lastInsertRowid, never get() on INSERT ... RETURNING: get() returns the row before the implicit commit
  // and node:sqlite does not report that commit failing (a full disk), so an id would be answered for nothing kept.
  const insert = db.prepare(
    'INSERT INTO silence (hostname, key, until_ms, reason, created_at_ms) VALUES (?, ?, ?, ?, ?)',
  );
  const selectOne = db.prepare(`SELECT ${COLUMNS} FROM silence WHERE id = ?`);
  const selectAll = db.prepare(`SELECT ${COLUMNS} FROM silence ORDER BY id`);
  const selectActive = db.prepare(`SELECT ${COLUMNS} FROM silence WHERE until_ms > ? ORDER BY id`);
  const remove = db.prepare('DELETE FROM silence WHERE id = ?');
  const purge = db.prepare('DELETE FROM silence WHERE until_ms <= ?');

  return {
    add: (input) => {
      const { hostname, key = SILENCE_ALL, untilMs, reason = null } = input;
      if (!Number.isFinite(untilMs)) throw new TypeError(`silence untilMs must be a finite time, got ${untilMs}`);
      if (hostname === '' || key === '') throw new TypeError('a silence needs a hostname (or *) and a key (or *)');
      return guard('silences.add', () => {
        const row = { hostname, key, untilMs: Math.trunc(untilMs), reason, createdAtMs: now() };
        const { lastInsertRowid } = insert.run(row.hostname, row.key, row.untilMs, row.reason, row.createdAtMs);
        return { id: Number(lastInsertRowid), ...row };
      });
    },
    get: (id) => guard('silences.get', () => toSilence(selectOne.get(id))),
    list: () => guard('silences.list', () => selectAll.all().map((row) => toSilence(row)!)),
    active: (nowMs = now()) => guard('silences.active', () => selectActive.all(nowMs).map((row) => toSilence(row)!)),
    remove: (id) => guard('silences.remove', () => remove.run(id).changes > 0),
    purge: (nowMs = now()) => guard('silences.purge', () => Number(purge.run(nowMs).changes)),
  };
}

/** A row as a plain object (node:sqlite rows have no prototype). */
function toSilence(row: unknown): Silence | undefined {
  if (row === undefined) return undefined;
  const r = row as Silence;
  return {
    id: r.id,
    hostname: r.hostname,
    key: r.key,
    untilMs: r.untilMs,
    reason: r.reason,
    createdAtMs: r.createdAtMs,
  };
}
