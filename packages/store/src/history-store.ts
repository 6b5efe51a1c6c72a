import { type HistoryRetention, type HistorySample, resolveRetention } from '@janitor/history';
import type { StoreContext } from './database.ts';
import { createGroupCommit } from './group-commit.ts';
import { createHistoryIds } from './history-ids.ts';
import { createHistoryMaintenance, type MaintainOptions, type MaintainResult } from './history-maintain.ts';
import { encodeValues, valuesView } from './history-raw.ts';
import { createSeriesReader, type HistorySeries, type SeriesQuery } from './history-series.ts';

/** How a store keeps the metric history (`openStore({ history })`). */
export interface HistoryOptions {
  /** How long each tier is kept. @default DEFAULT_HISTORY_RETENTION: raw 48 h, 10-minute 35 days, hour 400 days */
  retention?: Partial<HistoryRetention>;
  /**
   * How long after a 6-hour block ends its raw points are tiered: reports collected in its last minutes may still be
   * on their way. A report later than that is added to the tiers as a late one. @default 60_000
   */
  settleMs?: number;
  /**
   * How hard {@link History.keep}'s commits push to the disk. `NORMAL`: a kept report survives a crash or SIGKILL of
   * the process; a power cut may lose the points of the last moments (the WAL is fsynced at the next `FULL` commit of
   * the store or at a checkpoint). One fsync per batch (3 ms on a shared VM's disk) would cap a hub at a few hundred
   * batches a second, for points that are a sample among thousands. `FULL`: the store's own setting applies.
   * @default 'NORMAL'
   */
  keepSynchronous?: 'NORMAL' | 'FULL';
  /**
   * The least time between two of {@link History.keep}'s commits, in ms (createGroupCommit's `spacingMs`): the
   * reports that come meanwhile share the next commit. A transaction has a fixed cost (BEGIN, COMMIT, the WAL's
   * locks), so at 1,667 reports a second this is about 200 commits a second instead of 850, each report answered at
   * most this much later (BENCHMARKS.md, "Spaced history commits"). 0 commits every turn of the event loop.
   * @default 5
   */
  keepSpacingMs?: number;
}

/** {@link HistoryOptions.keepSpacingMs}'s default. */
const DEFAULT_KEEP_SPACING_MS = 5;

/** One report's values, for {@link History.appendMany}. */
export interface HistoryAppend {
  hostname: string;
  /** When the values were measured, epoch ms (kept to the millisecond). */
  atMs: number;
  samples: readonly HistorySample[];
}

/** The last report of a host as kept: its time and every value by series key. */
export interface LatestValues {
  atMs: number;
  values: Record<string, number>;
}

/** What the history tables hold (counting scans them: for tests, benchmarks and diagnostics, not a hot path). */
export interface HistoryStats {
  hosts: number;
  series: number;
  rawRows: number;
  lateRows: number;
  tenMinuteBlocks: number;
  hourBlocks: number;
  /** The file's pages, their size, and how many are free (reused before the file grows). */
  pageCount: number;
  pageSize: number;
  freePages: number;
  /** `incremental` when freed pages can be given back to the file system, `none` for a file from before it. */
  autoVacuum: 'none' | 'full' | 'incremental';
}

/**
 * The metric history: a raw point per report, 10-minute and hour buckets (average, minimum, maximum) computed in the
 * background by {@link History.maintain}, each tier kept for its retention.
 */
export interface History {
  /**
   * Keeps one report's values: one row, whatever the number of values, in one transaction (a savepoint inside
   * `store.transaction`, so the hub's group commit can hold many). Durable when the transaction around it commits.
   * @returns true when written; false for an empty list, or when the host already has a report at that millisecond
   * (a report sent again: the first one stays)
   * @throws TypeError for an empty hostname, a time or value that is not finite, a key that is not a series key or a
   * key given twice; StoreError when the write or its commit fails (nothing is kept then)
   * @example store.history.append('pi', Date.now(), [{ key: 'cpu_percent', value: 12.5 }])
   */
  append(hostname: string, atMs: number, samples: readonly HistorySample[]): boolean;
  /** Keeps several reports in one transaction (a group commit): one result per report, as {@link History.append}. */
  appendMany(entries: readonly HistoryAppend[]): boolean[];
  /**
   * Keeps one report with the others kept in the same turn of the event loop, in ONE transaction
   * ({@link History.appendMany} through createGroupCommit): what a server's ingest route awaits before it answers.
   * Resolves once the report is durable (true, or false for a report already kept at that millisecond); rejects
   * with what the write threw (a full disk: nothing of the batch is kept, say so to the sender).
   * @example await store.history.keep({ hostname: 'pi', atMs: Date.now(), samples: [{ key: 'cpu_percent', value: 3 }] });
   */
  keep(entry: HistoryAppend): Promise<boolean>;
  /**
   * Points of some series of a host over a range, the tier and step chosen so that at most `maxPoints` come back
   * (see `planSeries` in @janitor/history). An unknown host or series has no points.
   * @throws TypeError for a range that is not increasing, no metric, or a metric that is not a series key
   * @example store.history.series({ hostname: 'pi', metrics: ['cpu_percent'], fromMs: now - 86_400_000, toMs: now })
   */
  series(query: SeriesQuery): HistorySeries;
  /**
   * Tiers and applies retention, a bounded amount at a time, in one transaction; never needed on the ingest path.
   * {@link maintainHistory} loops it for a timer.
   * Call it from a timer: again at once while `more` is true, then after a minute or so.
   * @example for (let r = store.history.maintain({ budgetMs: 10 }); r.more; r = store.history.maintain({ budgetMs: 10 })) await setImmediate();
   */
  maintain(options?: MaintainOptions): MaintainResult;
  /** Every host with history, sorted. */
  hosts(): string[];
  /** The series keys a host has had, sorted; empty for an unknown host. */
  keys(hostname: string): string[];
  /** The host's newest report still in the raw tier, or undefined. */
  latest(hostname: string): LatestValues | undefined;
  /** Every host's newest report still in the raw tier, by hostname (one query: what a fleet view reads). */
  latestAll(): Map<string, LatestValues>;
  /** Deletes everything kept of a host. @returns whether it had history. */
  forgetHost(hostname: string): boolean;
  /** Counts of rows and pages. Scans the tables. */
  stats(): HistoryStats;
  /** The retention applied. */
  readonly retention: Readonly<HistoryRetention>;
}

/** A raw row as the latest-values queries read it. */
interface LatestRow {
  t: number;
  layout: number;
  vals: Uint8Array;
}

/** The history tables of a store, over its connection. */
export function createHistory(context: StoreContext, options: HistoryOptions = {}): History {
  const { db, guard, transaction } = context;
  const retention = Object.freeze(resolveRetention(options.retention));
  const { settleMs = 60_000, keepSpacingMs = DEFAULT_KEEP_SPACING_MS } = options;
  for (const [name, value] of [
    ['settleMs', settleMs],
    ['keepSpacingMs', keepSpacingMs],
  ] as const) {
    if (!Number.isFinite(value) || value < 0) {
      throw new TypeError(`history ${name} must be a duration of 0 or more, got ${value}`);
    }
  }
  const ids = createHistoryIds(context);
  const insertRaw = db.prepare(
    'INSERT INTO history_raw (host_id, t_ms, layout_id, vals) VALUES (?, ?, ?, ?) ON CONFLICT (host_id, t_ms) DO NOTHING',
  );
  // Late: the host's 10-minute cursor has passed this time already.
  const insertLate = db.prepare(
    'INSERT INTO history_late (host_id, t_ms) SELECT id, ? FROM history_host WHERE id = ? AND ten_until_ms > ?',
  );
  const selectHosts = db.prepare('SELECT hostname FROM history_host ORDER BY hostname');
  const selectAllLatest = db.prepare(
    `SELECT h.id AS host, h.hostname AS hostname, r.t_ms AS t, r.layout_id AS layout, r.vals AS vals
       FROM history_host h CROSS JOIN history_raw r
        WHERE r.host_id = h.id AND r.t_ms = (SELECT max(t_ms) FROM history_raw WHERE host_id = h.id)`,
  );
  const selectLatest = db.prepare(
    'SELECT t_ms AS t, layout_id AS layout, vals FROM history_raw WHERE host_id = ? ORDER BY t_ms DESC LIMIT 1',
  );
  const forgetStatements = [
    'DELETE FROM history_block WHERE series_id IN (SELECT id FROM history_series WHERE host_id = ?)',
    'DELETE FROM history_raw WHERE host_id = ?',
    'DELETE FROM history_late WHERE host_id = ?',
    'DELETE FROM history_layout WHERE host_id = ?',
    'DELETE FROM history_series WHERE host_id = ?',
    'DELETE FROM history_host WHERE id = ?',
  ].map((sql) => db.prepare(sql));
  const count = (sql: string) => Number(Object.values(db.prepare(sql).get() as object)[0]);

  const values: number[] = [];
  /** Keeps one report, in the caller's transaction, which called ids.lateBefore() first. */
  const appendOne = (hostname: string, atMs: number, samples: readonly HistorySample[]): boolean => {
    if (samples.length === 0) return false;
    const t = Math.round(atMs);
    const hostId = ids.ensureHost(hostname, t);
    const layoutId = ids.ensureLayout(hostId, samples);
    values.length = 0;
    for (const { value } of samples) values.push(value);
    if (Number(insertRaw.run(hostId, t, layoutId, encodeValues(values)).changes) === 0) return false;
    // A report of now is after every host's cursor: only an older one needs its host's row to tell whether it is late.
    // A host created by this batch has its cursor at or before the time of its first report, which raised the bound.
    if (t < ids.lateBound) insertLate.run(t, hostId, t);
    return true;
  };
  const check = (hostname: string, atMs: number, samples: readonly HistorySample[]) => {
    if (typeof hostname !== 'string' || hostname === '') throw new TypeError('history needs a hostname');
    if (!Number.isFinite(atMs)) throw new TypeError(`history atMs must be a finite time, got ${atMs}`);
    if (!Array.isArray(samples)) throw new TypeError('history samples must be an array');
    for (const sample of samples) {
      if (typeof sample?.value !== 'number' || !Number.isFinite(sample.value)) {
        throw new TypeError(`history sample ${sample?.key} must be a finite number, got ${sample?.value}`);
      }
    }
  };

  /** Keeps checked reports in one transaction, the bound on late reports read at its start. */
  const appendChecked = (entries: readonly HistoryAppend[]) =>
    transaction(() => {
      ids.lateBefore();
      return entries.map((e) => appendOne(e.hostname, e.atMs, e.samples));
    });
  const appendMany = (entries: readonly HistoryAppend[]) => {
    for (const e of entries) check(e.hostname, e.atMs, e.samples);
    return guard('history.appendMany', () => appendChecked(entries));
  };
  // The connection's setting, read once (2 = FULL): keep lowers it for its own commit only, outside any transaction.
  const storeSynchronous = Number(Object.values(db.prepare('PRAGMA synchronous').get() as object)[0]);
  const relax = (options.keepSynchronous ?? 'NORMAL') === 'NORMAL' && storeSynchronous > 1;
  const keep = createGroupCommit(
    (entries: readonly HistoryAppend[]) => {
      if (!relax || !db.isOpen || db.isTransaction) return appendMany(entries);
      db.exec('PRAGMA synchronous = NORMAL');
      try {
        return appendMany(entries);
      } finally {
        db.exec(`PRAGMA synchronous = ${storeSynchronous}`);
      }
    },
    { spacingMs: keepSpacingMs },
  );
  const decodeLatest = (hostId: number, row: LatestRow): LatestValues => {
    const order = ids.layout(row.layout);
    const view = valuesView(row.vals);
    const latest: LatestValues = { atMs: row.t, values: {} };
    const count = Math.min(order.length, Math.floor(row.vals.byteLength / 8));
    for (let i = 0; i < count; i++) {
      const key = ids.keyOf(hostId, order[i]!);
      if (key !== undefined) latest.values[key] = view.getFloat64(i * 8, true);
    }
    return latest;
  };
  const series = createSeriesReader(context, ids, retention);
  const maintain = createHistoryMaintenance(context, ids, { retention, settleMs });

  return {
    append: (hostname, atMs, samples) => {
      check(hostname, atMs, samples);
      return guard('history.append', () => appendChecked([{ hostname, atMs, samples }])[0]!);
    },
    appendMany,
    keep,
    series,
    maintain,
    hosts: () => guard('history.hosts', () => (selectHosts.all() as { hostname: string }[]).map((r) => r.hostname)),
    keys: (hostname) =>
      guard('history.keys', () => {
        const host = ids.findHost(hostname);
        return host === undefined
          ? []
          : ids
              .seriesOf(host.id)
              .map((s) => s.key)
              .sort();
      }),
    latest: (hostname) =>
      guard('history.latest', () => {
        const host = ids.findHost(hostname);
        if (host === undefined) return undefined;
        const row = selectLatest.get(host.id) as { t: number; layout: number; vals: Uint8Array } | undefined;
        if (row === undefined) return undefined;
        return decodeLatest(host.id, row);
      }),
    latestAll: () =>
      guard('history.latestAll', () => {
        const out = new Map<string, LatestValues>();
        for (const row of selectAllLatest.iterate() as Iterable<LatestRow & { host: number; hostname: string }>) {
          out.set(row.hostname, decodeLatest(row.host, row));
        }
        return out;
      }),
    forgetHost: (hostname) =>
      guard('history.forgetHost', () =>
        transaction(() => {
          const host = ids.findHost(hostname);
          if (host === undefined) return false;
          for (const statement of forgetStatements) statement.run(host.id);
          ids.clear();
          return true;
        }),
      ),
    stats: () =>
      guard('history.stats', () => ({
        hosts: count('SELECT count(*) FROM history_host'),
        series: count('SELECT count(*) FROM history_series'),
        rawRows: count('SELECT count(*) FROM history_raw'),
        lateRows: count('SELECT count(*) FROM history_late'),
        tenMinuteBlocks: count('SELECT count(*) FROM history_block WHERE tier = 1'),
        hourBlocks: count('SELECT count(*) FROM history_block WHERE tier = 2'),
        pageCount: count('PRAGMA page_count'),
        pageSize: count('PRAGMA page_size'),
        freePages: count('PRAGMA freelist_count'),
        autoVacuum: (['none', 'full', 'incremental'] as const)[count('PRAGMA auto_vacuum')] ?? 'none',
      })),
    retention,
  };
}
