import { parseSeriesKey, sameKeys, sharedKeys } from '@janitor/history';
import type { StoreContext } from './database.ts';
import { HOUR_BLOCKS, TEN_MINUTE_BLOCKS } from './history-block.ts';
import { decodeLayout, encodeLayout } from './history-raw.ts';

/** A host's row of `history_host`: its id and how far its points have been tiered. */
export interface HistoryHost {
  id: number;
  hostname: string;
  /** The raw points before this time are in the 10-minute tier (a multiple of 6 hours). */
  tenUntilMs: number;
  /** The 10-minute buckets before this time are in the hour tier (a multiple of a day). */
  hourUntilMs: number;
}

/**
 * The history's dictionary: the numbers of hosts, series and layouts. Host and layout ids are kept in memory once read
 * or written (every report needs them); series ids are looked up in the store, which only a host's new layout needs
 * (a map of them per host cost about 1 KB of heap a host). Every rollback of the store empties the memory (an id
 * handed out by a rolled-back insert may be handed out again).
 */
export interface HistoryIds {
  /** The id of `hostname`, its row created (cursors at the blocks of `atMs`) when it has none. */
  ensureHost(hostname: string, atMs: number): number;
  /** The host's row, or undefined. */
  findHost(hostname: string): HistoryHost | undefined;
  /** Moves a host's cursors. */
  setCursors(id: number, tenUntilMs: number, hourUntilMs: number): void;
  /**
   * A time that no host's 10-minute cursor is past: a report at or after it cannot be late, and needs no look at its
   * host's row. Read from the store at the first call and again after another connection committed (`PRAGMA
   * data_version`); call it at the start of the transaction that uses it (no other connection commits meanwhile).
   */
  lateBefore(): number;
  /** {@link HistoryIds.lateBefore} as last read, raised by the cursors this connection wrote since: no query. */
  readonly lateBound: number;
  /**
   * The layout of a report of `hostId` whose samples carry `keys` in this order, its series and the layout created
   * when new. The same keys as the host's previous report cost a comparison of strings.
   * @throws TypeError when a key is not a series key or comes twice
   */
  ensureLayout(hostId: number, samples: readonly { key: string }[]): number;
  /** The series ids of a layout. */
  layout(layoutId: number): Int32Array;
  /** The id of a host's series, or undefined. */
  findSeries(hostId: number, key: string): number | undefined;
  /** Every series of a host: id and key. */
  seriesOf(hostId: number): { id: number; key: string }[];
  /** The key of a series of `hostId` by its id (kept in memory once read), or undefined for none. */
  keyOf(hostId: number, seriesId: number): string | undefined;
  /** Forgets everything kept in memory. */
  clear(): void;
}

/** The dictionary of the history tables, over a store's connection. */
export function createHistoryIds(context: StoreContext): HistoryIds {
  const { db } = context;
  const selectHost = db.prepare(
    'SELECT id, hostname, ten_until_ms AS tenUntilMs, hour_until_ms AS hourUntilMs FROM history_host WHERE hostname = ?',
  );
  const insertHost = db.prepare('INSERT INTO history_host (hostname, ten_until_ms, hour_until_ms) VALUES (?, ?, ?)');
  const updateCursors = db.prepare('UPDATE history_host SET ten_until_ms = ?, hour_until_ms = ? WHERE id = ?');
  const selectSeries = db.prepare('SELECT id FROM history_series WHERE host_id = ? AND key = ?');
  const insertSeries = db.prepare('INSERT INTO history_series (host_id, key) VALUES (?, ?)');
  const selectAllSeries = db.prepare('SELECT id, key FROM history_series WHERE host_id = ? ORDER BY id');
  const selectLayoutId = db.prepare('SELECT id FROM history_layout WHERE host_id = ? AND series = ?');
  const insertLayout = db.prepare('INSERT INTO history_layout (host_id, series) VALUES (?, ?)');
  const selectLayout = db.prepare('SELECT series FROM history_layout WHERE id = ?');
  const selectMaxTen = db.prepare('SELECT max(ten_until_ms) AS m FROM history_host');
  const selectDataVersion = db.prepare('PRAGMA data_version');

  const hosts = new Map<string, number>();
  // Each host's latest layouts, newest first: a host whose reports alternate between shapes (the original's report
  // and the agent's, or a disk mounted now and then) finds its layout without a query or an allocation.
  const lastLayouts = new Map<number, { keys: readonly string[]; id: number }[]>();
  const layouts = new Map<number, Int32Array>();
  const keyById = new Map<number, string>();
  // lateBefore(): the highest 10-minute cursor of any host, as of `boundVersion` (undefined: read it again). Every
  // cursor this connection writes raises it; a cursor only moves forward, so a bound too high is merely cautious.
  let tenBound: number | undefined;
  let boundVersion: number | undefined;
  const raiseBound = (tenUntilMs: number) => {
    if (tenBound !== undefined && tenUntilMs > tenBound) tenBound = tenUntilMs;
  };
  const clear = () => {
    tenBound = undefined;
    keyById.clear();
    hosts.clear();
    lastLayouts.clear();
    layouts.clear();
  };
  context.onRollback(clear);

  const toHost = (row: unknown): HistoryHost | undefined => {
    if (row === undefined) return undefined;
    const r = row as HistoryHost;
    return { id: r.id, hostname: r.hostname, tenUntilMs: r.tenUntilMs, hourUntilMs: r.hourUntilMs };
  };

  const ensureSeries = (hostId: number, key: string): number => {
    const row = selectSeries.get(hostId, key) as { id: number } | undefined;
    return row?.id ?? Number(insertSeries.run(hostId, key).lastInsertRowid);
  };

  return {
    ensureHost: (hostname, atMs) => {
      let id = hosts.get(hostname);
      if (id !== undefined) return id;
      const row = selectHost.get(hostname) as { id: number } | undefined;
      if (row !== undefined) id = row.id;
      else {
        // Tiering starts at the block of the first report; an older report that comes later is a late one.
        const tenUntilMs = Math.floor(atMs / TEN_MINUTE_BLOCKS.spanMs) * TEN_MINUTE_BLOCKS.spanMs;
        const hourUntilMs = Math.floor(atMs / HOUR_BLOCKS.spanMs) * HOUR_BLOCKS.spanMs;
        id = Number(insertHost.run(hostname, tenUntilMs, hourUntilMs).lastInsertRowid);
        raiseBound(tenUntilMs);
      }
      hosts.set(hostname, id);
      return id;
    },
    findHost: (hostname) => toHost(selectHost.get(hostname)),
    setCursors: (id, tenUntilMs, hourUntilMs) => {
      updateCursors.run(tenUntilMs, hourUntilMs, id);
      raiseBound(tenUntilMs);
    },
    lateBefore: () => {
      const version = Number((selectDataVersion.get() as { data_version: number }).data_version);
      if (tenBound === undefined || version !== boundVersion) {
        boundVersion = version;
        tenBound = (selectMaxTen.get() as { m: number | null }).m ?? Number.NEGATIVE_INFINITY;
      }
      return tenBound;
    },
    get lateBound() {
      return tenBound ?? Number.POSITIVE_INFINITY;
    },
    ensureLayout: (hostId, samples) => {
      const recent = lastLayouts.get(hostId);
      if (recent !== undefined) {
        for (const layout of recent) if (sameKeys(layout.keys, samples)) return layout.id;
      }
      const seen = new Set<string>();
      for (const { key } of samples) {
        if (typeof key !== 'string' || parseSeriesKey(key) === undefined) {
          throw new TypeError(
            `history sample key must be a series key such as cpu_percent, got ${JSON.stringify(key)}`,
          );
        }
        if (seen.has(key)) throw new TypeError(`history sample key ${key} comes twice in one report`);
        seen.add(key);
      }
      // Shared with the hosts of the same shape: kept per host as long as its reports keep it.
      const keys = sharedKeys(samples);
      const ids = keys.map((key) => ensureSeries(hostId, key));
      const blob = encodeLayout(ids);
      const row = selectLayoutId.get(hostId, blob) as { id: number } | undefined;
      const id = row?.id ?? Number(insertLayout.run(hostId, blob).lastInsertRowid);
      const kept = [{ keys, id }, ...(recent ?? [])];
      if (kept.length > RECENT_LAYOUTS) kept.length = RECENT_LAYOUTS;
      lastLayouts.set(hostId, kept);
      layouts.set(id, Int32Array.from(ids));
      return id;
    },
    layout: (layoutId) => {
      let ids = layouts.get(layoutId);
      if (ids === undefined) {
        const row = selectLayout.get(layoutId) as { series: Uint8Array } | undefined;
        ids = row === undefined ? new Int32Array(0) : decodeLayout(row.series);
        layouts.set(layoutId, ids);
      }
      return ids;
    },
    findSeries: (hostId, key) => {
      return (selectSeries.get(hostId, key) as { id: number } | undefined)?.id;
    },
    seriesOf: (hostId) =>
      (selectAllSeries.all(hostId) as { id: number; key: string }[]).map((r) => ({ id: r.id, key: r.key })),
    keyOf: (hostId, seriesId) => {
      const known = keyById.get(seriesId);
      if (known !== undefined) return known;
      for (const row of selectAllSeries.all(hostId) as { id: number; key: string }[]) keyById.set(row.id, row.key);
      return keyById.get(seriesId);
    },
    clear,
  };
}

/** How many layouts of each host are remembered. */
const RECENT_LAYOUTS = 4;
