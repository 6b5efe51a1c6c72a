import type { HistoryRetention } from '@janitor/history';
import type { StoreContext } from './database.ts';
import {
  addToBucket,
  type BlockShape,
  type Buckets,
  DamagedBlockError,
  decodeBuckets,
  emptyBuckets,
  encodeBuckets,
  HOUR_BLOCKS,
  TEN_MINUTE_BLOCKS,
} from './history-block.ts';
import type { HistoryIds } from './history-ids.ts';
import { valuesView } from './history-raw.ts';
import { StoreError } from './store-error.ts';

/** How much one call of {@link HistoryMaintenance} may do. */
export interface MaintainOptions {
  /** The time the tiers and the retention are brought up to. @default the store's clock */
  nowMs?: number;
  /**
   * Stop once about this many rows were read, written or deleted (the host at hand finishes its current step).
   * @default 1000
   */
  maxRows?: number;
  /** Stop once this much time went by (measured with `performance.now()`), whatever `maxRows` allows. */
  budgetMs?: number;
}

/** What one call of {@link HistoryMaintenance} did. */
export interface MaintainResult {
  /** Whether work may remain: call again (soon) until it is false, then wait for the next period. */
  more: boolean;
  /** Rows read, written and deleted. */
  rows: number;
  /** 10-minute blocks written (6 hours of one series each). */
  tenMinuteBlocks: number;
  /** Hour blocks written (a day of one series each). */
  hourBlocks: number;
  /** Reports that came after their time had been tiered, added to the tiers. */
  lateReports: number;
  /** Raw rows and blocks deleted because they were older than their tier's retention. */
  expired: number;
  /** Free pages given back to the file system (`PRAGMA incremental_vacuum`). */
  freedPages: number;
}

/** A host as a call reads it: its id and tiering cursors (`ten_until_ms`, `hour_until_ms`). */
interface HostCursors {
  id: number;
  ten: number;
  hour: number;
}

/** One bounded step of tiering and retention, in one transaction. */
export type HistoryMaintenance = (options?: MaintainOptions) => MaintainResult;

/** Late reports merged per step. */
const LATE_BATCH = 256;
/** Host ids read per statement as a call goes through the hosts. */
const HOST_BATCH = 128;
/** Give free pages back once they are more than this share of the file, down to {@link KEEP_FREE_SHARE}. */
const VACUUM_FREE_SHARE = 0.2;
/** The free pages kept for reuse (the next days' points fill them without growing the file). */
const KEEP_FREE_SHARE = 0.1;
/** The most pages one call gives back: each moves a page from the end of the file, and they are written at commit. */
const VACUUM_PAGES_PER_CALL = 256;
const DAY_MS = HOUR_BLOCKS.spanMs;

/**
 * The tiering and retention of the history tables. Each call visits the hosts in id order from where the previous
 * call stopped; for each host it adds late reports to the tiers, tiers its complete 6-hour blocks of raw points into
 * 10-minute buckets, folds its complete days of 10-minute buckets into hour buckets, and deletes what is older than
 * each tier's retention (never what is not tiered yet). A pass over every host ends with an incremental vacuum when
 * free pages pile up.
 *
 * A pass also notes when any host it visited can next have work: its next 10-minute block settled, or a retention
 * cut-off moving (both every 6 hours at most). Until then a call visits only the hosts created since (ids only grow),
 * and none when there are none, unless late reports wait: a hub calling every minute reads its 100,000 hosts four
 * times a day, not every minute.
 */
export function createHistoryMaintenance(
  context: StoreContext,
  ids: HistoryIds,
  options: { retention: HistoryRetention; settleMs: number },
): HistoryMaintenance {
  const { db, now, guard, transaction, path } = context;
  const { retention, settleMs } = options;
  const selectHostsFrom = db.prepare(
    'SELECT id, ten_until_ms AS ten, hour_until_ms AS hour FROM history_host WHERE id >= ? ORDER BY id LIMIT ?',
  );
  const selectAnyLate = db.prepare('SELECT EXISTS (SELECT 1 FROM history_late) AS any');
  const selectLate = db.prepare('SELECT t_ms AS t FROM history_late WHERE host_id = ? ORDER BY t_ms LIMIT ?');
  const deleteLate = db.prepare('DELETE FROM history_late WHERE host_id = ? AND t_ms = ?');
  const selectRawAt = db.prepare('SELECT layout_id AS layout, vals FROM history_raw WHERE host_id = ? AND t_ms = ?');
  const selectFirstRaw = db.prepare(
    'SELECT t_ms AS t FROM history_raw WHERE host_id = ? AND t_ms >= ? ORDER BY t_ms LIMIT 1',
  );
  const selectRawRange = db.prepare(
    'SELECT t_ms AS t, layout_id AS layout, vals FROM history_raw WHERE host_id = ? AND t_ms >= ? AND t_ms < ?',
  );
  const deleteRaw = db.prepare('DELETE FROM history_raw WHERE host_id = ? AND t_ms < ?');
  const selectBlock = db.prepare('SELECT data FROM history_block WHERE series_id = ? AND tier = ? AND start_ms = ?');
  const upsertBlock = db.prepare(
    `INSERT INTO history_block (series_id, tier, start_ms, data) VALUES (?, ?, ?, ?)
     ON CONFLICT (series_id, tier, start_ms) DO UPDATE SET data = excluded.data`,
  );
  const selectTenBlocksOfDay = db.prepare(
    `SELECT b.series_id AS series, b.start_ms AS start, b.data AS data
     FROM history_series s JOIN history_block b ON b.series_id = s.id AND b.tier = 1 AND b.start_ms >= ? AND b.start_ms < ?
     WHERE s.host_id = ?`,
  );
  // One seek per series: the first 10-minute block at or after a time, over the host's series.
  const selectFirstTenBlock = db.prepare(
    `SELECT min((SELECT b.start_ms FROM history_block b WHERE b.series_id = s.id AND b.tier = 1 AND b.start_ms >= ?
                 ORDER BY b.start_ms LIMIT 1)) AS start
     FROM history_series s WHERE s.host_id = ?`,
  );
  const deleteHostBlocks = db.prepare(
    'DELETE FROM history_block WHERE series_id IN (SELECT id FROM history_series WHERE host_id = ?) AND tier = ? AND start_ms <= ?',
  );
  const pragma = (name: string) => Number(Object.values(db.prepare(`PRAGMA ${name}`).get() as object)[0]);
  const incrementalVacuum = pragma('auto_vacuum') === 2;

  const selectMaxHostId = db.prepare('SELECT max(id) AS id FROM history_host');

  // The host the next call starts at; and per host the retention cut-offs already applied to its blocks.
  let cursor = 0;
  const expiredTo = new Map<number, { raw: number; ten: number; hour: number }>();
  // No host up to `visitedTo` has work before `idleUntil` (late reports aside); the pass under way (`pass`) gathers
  // the same for the hosts it visits, from every host (`all`) or from the first host created after `visitedTo`.
  let idleUntil = Number.NEGATIVE_INFINITY;
  let visitedTo = 0;
  let pass: { all: boolean; due: number; maxId: number } | undefined;
  // A rollback undoes cursors this process moved: what the pass under way noted of them no longer holds.
  context.onRollback(() => {
    expiredTo.clear();
    idleUntil = Number.NEGATIVE_INFINITY;
    if (pass !== undefined) pass.due = Number.NEGATIVE_INFINITY;
  });

  const decode = (data: Uint8Array, shape: BlockShape, seriesId: number, start: number): Buckets => {
    try {
      return decodeBuckets(data, shape.slots);
    } catch (error) {
      if (!(error instanceof DamagedBlockError)) throw error;
      throw new StoreError(
        `store history.maintain failed at ${path}: the block of series ${seriesId} at ${new Date(start).toISOString()} is damaged: ${error.message}`,
        { path, cause: error, retryable: false },
      );
    }
  };

  /** Writes a block, added to what the table holds for it already (a block is normally written once). */
  const putBlock = (seriesId: number, shape: BlockShape, start: number, buckets: Buckets) => {
    const existing = selectBlock.get(seriesId, shape.code, start) as { data: Uint8Array } | undefined;
    if (existing !== undefined) {
      const old = decode(existing.data, shape, seriesId, start);
      for (let i = 0; i < shape.slots; i++) {
        if (old.n[i]! > 0) addToBucket(buckets, i, old.n[i]!, old.avg[i]!, old.min[i]!, old.max[i]!);
      }
    }
    upsertBlock.run(seriesId, shape.code, start, encodeBuckets(buckets));
  };

  function mergeLate(
    hostId: number,
    times: number[],
    tenUntil: number,
    hourUntil: number,
    nowMs: number,
    r: MaintainResult,
  ) {
    const touched = new Map<string, { seriesId: number; shape: BlockShape; start: number; buckets: Buckets }>();
    const bucketsOf = (seriesId: number, shape: BlockShape, start: number) => {
      const key = `${seriesId}:${shape.code}:${start}`;
      let entry = touched.get(key);
      if (entry === undefined) {
        // putBlock adds what the table holds: start from an empty block.
        entry = { seriesId, shape, start, buckets: emptyBuckets(shape.slots) };
        touched.set(key, entry);
      }
      return entry.buckets;
    };
    const tenKeptFrom = nowMs - retention.tenMinutesMs;
    const hourKeptFrom = nowMs - retention.hourMs;
    for (const t of times) {
      deleteLate.run(hostId, t);
      r.rows++;
      const row = selectRawAt.get(hostId, t) as { layout: number; vals: Uint8Array } | undefined;
      if (row === undefined) continue;
      r.lateReports++;
      const layout = ids.layout(row.layout);
      const view = valuesView(row.vals);
      const tenStart = Math.floor(t / TEN_MINUTE_BLOCKS.spanMs) * TEN_MINUTE_BLOCKS.spanMs;
      const tenSlot = Math.floor((t - tenStart) / TEN_MINUTE_BLOCKS.widthMs);
      const day = Math.floor(t / DAY_MS) * DAY_MS;
      const hourSlot = Math.floor((t - day) / HOUR_BLOCKS.widthMs);
      // A tier whose cursor passed t has its bucket already: the point joins it (unless the bucket has expired).
      const toTen = t < tenUntil && tenStart + TEN_MINUTE_BLOCKS.spanMs > tenKeptFrom;
      const toHour = t < hourUntil && day + DAY_MS > hourKeptFrom;
      for (let i = 0; i < layout.length && (i + 1) * 8 <= row.vals.byteLength; i++) {
        const v = view.getFloat64(i * 8, true);
        if (toTen) addToBucket(bucketsOf(layout[i]!, TEN_MINUTE_BLOCKS, tenStart), tenSlot, 1, v, v, v);
        if (toHour) addToBucket(bucketsOf(layout[i]!, HOUR_BLOCKS, day), hourSlot, 1, v, v, v);
      }
    }
    for (const { seriesId, shape, start, buckets } of touched.values()) {
      putBlock(seriesId, shape, start, buckets);
      r.rows++;
    }
  }

  /** Tiers the raw points of one host in [start, start + 6 h) into 10-minute blocks, one per series. */
  function tierBlock(hostId: number, start: number, r: MaintainResult) {
    const bySeries = new Map<number, Buckets>();
    const { widthMs, slots } = TEN_MINUTE_BLOCKS;
    for (const row of selectRawRange.iterate(hostId, start, start + TEN_MINUTE_BLOCKS.spanMs)) {
      const { t, layout, vals } = row as { t: number; layout: number; vals: Uint8Array };
      r.rows++;
      const slot = Math.floor((t - start) / widthMs);
      const order = ids.layout(layout);
      const view = valuesView(vals);
      for (let i = 0; i < order.length && (i + 1) * 8 <= vals.byteLength; i++) {
        const seriesId = order[i]!;
        let b = bySeries.get(seriesId);
        if (b === undefined) {
          b = emptyBuckets(slots);
          bySeries.set(seriesId, b);
        }
        const v = view.getFloat64(i * 8, true);
        // avg holds the sum until the block is complete.
        if (b.n[slot] === 0) {
          b.n[slot] = 1;
          b.avg[slot] = v;
          b.min[slot] = v;
          b.max[slot] = v;
        } else {
          b.n[slot]!++;
          b.avg[slot]! += v;
          if (v < b.min[slot]!) b.min[slot] = v;
          if (v > b.max[slot]!) b.max[slot] = v;
        }
      }
    }
    for (const [seriesId, b] of bySeries) {
      for (let i = 0; i < slots; i++) {
        const n = b.n[i]!;
        if (n > 0) b.avg[i] = Math.min(b.max[i]!, Math.max(b.min[i]!, b.avg[i]! / n));
      }
      putBlock(seriesId, TEN_MINUTE_BLOCKS, start, b);
      r.rows++;
      r.tenMinuteBlocks++;
    }
  }

  /** Folds one host's 10-minute buckets of the day starting at `day` into hour blocks. @returns whether it had any. */
  function foldDay(hostId: number, day: number, r: MaintainResult): boolean {
    const bySeries = new Map<number, Buckets>();
    for (const row of selectTenBlocksOfDay.iterate(day, day + DAY_MS, hostId)) {
      const { series, start, data } = row as { series: number; start: number; data: Uint8Array };
      r.rows++;
      const ten = decode(data, TEN_MINUTE_BLOCKS, series, start);
      let b = bySeries.get(series);
      if (b === undefined) {
        b = emptyBuckets(HOUR_BLOCKS.slots);
        bySeries.set(series, b);
      }
      for (let i = 0; i < TEN_MINUTE_BLOCKS.slots; i++) {
        const n = ten.n[i]!;
        if (n === 0) continue;
        const hour = Math.floor((start + i * TEN_MINUTE_BLOCKS.widthMs - day) / HOUR_BLOCKS.widthMs);
        addToBucket(b, hour, n, ten.avg[i]!, ten.min[i]!, ten.max[i]!);
      }
    }
    for (const [seriesId, b] of bySeries) {
      putBlock(seriesId, HOUR_BLOCKS, day, b);
      r.rows++;
      r.hourBlocks++;
    }
    return bySeries.size > 0;
  }

  /**
   * Deletes what is past retention and tiered already, a 6-hour block (raw points, 10-minute buckets) or a day (hour
   * buckets) at a time: a tier is kept for its retention and at most one block more.
   */
  function expire(hostId: number, tenUntil: number, hourUntil: number, nowMs: number, r: MaintainResult) {
    const span = TEN_MINUTE_BLOCKS.spanMs;
    const rawCut = Math.min(tenUntil, Math.floor((nowMs - retention.rawMs) / span) * span);
    // A block goes once its end is past the cut-off (and, for 10-minute blocks, once its day is in the hour tier).
    const tenLast = Math.floor((Math.min(hourUntil, nowMs - retention.tenMinutesMs) - span) / span) * span;
    const hourLast = Math.floor((nowMs - retention.hourMs - DAY_MS) / DAY_MS) * DAY_MS;
    const done = expiredTo.get(hostId);
    if (done?.raw !== rawCut) {
      const deleted = Number(deleteRaw.run(hostId, rawCut).changes);
      r.rows += deleted + 1;
      r.expired += deleted;
    }
    // One statement a tier for all the host's series: the first pass after a start visits every host, and most have
    // nothing to expire (a statement a series cost 100,000 hosts two million statements).
    const expireTier = (tier: number, last: number) => {
      const deleted = Number(deleteHostBlocks.run(hostId, tier, last).changes);
      r.rows += deleted + 1;
      r.expired += deleted;
    };
    if (done?.ten !== tenLast) expireTier(TEN_MINUTE_BLOCKS.code, tenLast);
    if (done?.hour !== hourLast) expireTier(HOUR_BLOCKS.code, hourLast);
    if (done === undefined) expiredTo.set(hostId, { raw: rawCut, ten: tenLast, hour: hourLast });
    else {
      done.raw = rawCut;
      done.ten = tenLast;
      done.hour = hourLast;
    }
  }

  /**
   * Brings one host, whose cursors are `host`, up to date; `lateAny` tells whether any host has late reports (most
   * calls, none has: no lookup per host then). @returns false when the budget ran out first, else the time its next
   * 10-minute block is settled (when it has tiering to do again).
   */
  function maintainHost(
    host: HostCursors,
    nowMs: number,
    r: MaintainResult,
    spent: () => boolean,
    lateAny: boolean,
  ): number | false {
    const hostId = host.id;
    let { ten, hour } = host;
    while (lateAny) {
      const late = selectLate.all(hostId, LATE_BATCH) as { t: number }[];
      if (late.length === 0) break;
      mergeLate(
        hostId,
        late.map((row) => row.t),
        ten,
        hour,
        nowMs,
        r,
      );
      if (spent()) return false;
    }
    for (;;) {
      const end = ten + TEN_MINUTE_BLOCKS.spanMs;
      // Reports of the block's last minutes may still be on their way.
      if (end + settleMs > nowMs) break;
      const first = selectFirstRaw.get(hostId, ten) as { t: number } | undefined;
      r.rows++;
      if (first === undefined || first.t >= end) {
        // Nothing in this block (the host is or was silent): on to the block of its next report, or to the last
        // block that is over, so that its days are folded and expire. A report that comes later is a late one.
        const settled = Math.floor((nowMs - settleMs) / TEN_MINUTE_BLOCKS.spanMs) * TEN_MINUTE_BLOCKS.spanMs;
        ten = first === undefined ? settled : Math.floor(first.t / TEN_MINUTE_BLOCKS.spanMs) * TEN_MINUTE_BLOCKS.spanMs;
      } else {
        tierBlock(hostId, ten, r);
        ten = end;
      }
      ids.setCursors(hostId, ten, hour);
      if (spent()) return false;
    }
    while (hour + DAY_MS <= ten) {
      if (!foldDay(hostId, hour, r)) {
        // An empty day: on to the day of the next 10-minute block (never past the 10-minute cursor).
        const next = (selectFirstTenBlock.get(hour, hostId) as { start: number | null } | undefined)?.start ?? null;
        const lastComplete = Math.floor(ten / DAY_MS) * DAY_MS;
        const jump = next === null ? lastComplete : Math.min(Math.floor(next / DAY_MS) * DAY_MS, lastComplete);
        if (jump > hour) {
          hour = jump;
          ids.setCursors(hostId, ten, hour);
          continue;
        }
      }
      hour += DAY_MS;
      ids.setCursors(hostId, ten, hour);
      if (spent()) return false;
    }
    expire(hostId, ten, hour, nowMs, r);
    return ten + TEN_MINUTE_BLOCKS.spanMs + settleMs;
  }

  /** The first time after `nowMs` at which a retention cut-off of {@link expire} moves. */
  function nextCutOff(nowMs: number): number {
    const next = (sinceMs: number, stepMs: number) => (Math.floor((nowMs - sinceMs) / stepMs) + 1) * stepMs + sinceMs;
    const span = TEN_MINUTE_BLOCKS.spanMs;
    return Math.min(next(retention.rawMs, span), next(retention.tenMinutesMs, span), next(retention.hourMs, DAY_MS));
  }

  function vacuum(r: MaintainResult) {
    if (!incrementalVacuum) return;
    const pages = pragma('page_count');
    const free = pragma('freelist_count');
    if (free <= pages * VACUUM_FREE_SHARE) return;
    const give = Math.min(free - Math.floor(pages * KEEP_FREE_SHARE), VACUUM_PAGES_PER_CALL);
    db.exec(`PRAGMA incremental_vacuum(${give})`);
    const freed = free - pragma('freelist_count');
    r.freedPages += freed;
    r.rows += freed;
  }

  return (options = {}) => {
    const { nowMs = now(), maxRows = 1000, budgetMs } = options;
    if (!Number.isFinite(nowMs)) throw new TypeError(`maintain nowMs must be a finite time, got ${nowMs}`);
    if (!(maxRows >= 1)) throw new TypeError(`maintain maxRows must be 1 or more, got ${maxRows}`);
    const startedAt = performance.now();
    const r: MaintainResult = {
      more: false,
      rows: 0,
      tenMinuteBlocks: 0,
      hourBlocks: 0,
      lateReports: 0,
      expired: 0,
      freedPages: 0,
    };
    const spent = () => r.rows >= maxRows || (budgetMs !== undefined && performance.now() - startedAt >= budgetMs);
    let current: number | undefined;
    try {
      return guard('history.maintain', () =>
        transaction(() => {
          // Nothing adds late reports during the call (reports are kept in transactions of their own).
          const lateAny = (selectAnyLate.get() as { any: number }).any === 1;
          if (pass === undefined) {
            // Between passes: every host while one may have work, else only those created since the last pass.
            const all = lateAny || !(nowMs < idleUntil);
            if (!all) {
              const newest = (selectMaxHostId.get() as { id: number | null }).id ?? 0;
              if (newest <= visitedTo) {
                vacuum(r);
                return r;
              }
            }
            pass = { all, due: Number.POSITIVE_INFINITY, maxId: visitedTo };
            cursor = all ? 0 : visitedTo + 1;
          }
          for (;;) {
            const hosts = selectHostsFrom.all(cursor, HOST_BATCH) as unknown as HostCursors[];
            if (hosts.length === 0) break;
            for (const host of hosts) {
              const { id } = host;
              current = id;
              const due = maintainHost(host, nowMs, r, spent, lateAny);
              if (due === false) {
                cursor = id;
                r.more = true;
                return r;
              }
              if (due < pass.due) pass.due = due;
              if (id > pass.maxId) pass.maxId = id;
              cursor = id + 1;
              if (spent()) {
                r.more = true;
                return r;
              }
            }
          }
          // A pass is complete: no host it visited has work before its earliest due time or the next cut-off.
          idleUntil = pass.all ? Math.min(pass.due, nextCutOff(nowMs)) : Math.min(idleUntil, pass.due);
          visitedTo = pass.maxId;
          pass = undefined;
          cursor = 0;
          current = undefined;
          vacuum(r);
          return r;
        }),
      );
    } catch (error) {
      // A host whose step fails (a damaged block) must not stop the others: the next call starts after it.
      if (current !== undefined) cursor = current + 1;
      throw error;
    }
  };
}
