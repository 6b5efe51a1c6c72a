import {
  DEFAULT_MAX_POINTS,
  type HistoryRetention,
  type HistoryTier,
  parseSeriesKey,
  planSeries,
} from '@janitor/history';
import type { StoreContext } from './database.ts';
import {
  type BlockShape,
  type Buckets,
  DamagedBlockError,
  decodeBuckets,
  emptyBuckets,
  HOUR_BLOCKS,
  TEN_MINUTE_BLOCKS,
} from './history-block.ts';
import type { HistoryIds } from './history-ids.ts';
import { valuesView } from './history-raw.ts';
import { StoreError } from './store-error.ts';

/** What {@link HistorySeriesReader} is asked: some series of one host over a range. */
export interface SeriesQuery {
  hostname: string;
  /** Series keys: `cpu_percent`, `disk_usage_percent@/data`, `net_rx_bytes_per_second@eth0` (see `seriesKey`). */
  metrics: readonly string[];
  /** Start of the range, epoch ms. */
  fromMs: number;
  /** End of the range, epoch ms (exclusive), after `fromMs`. */
  toMs: number;
  /** The most points to answer with. @default DEFAULT_MAX_POINTS (1500) */
  maxPoints?: number;
  /** Now, for which tiers still hold the range. @default the store's clock */
  nowMs?: number;
}

/** The points of one series, one entry per time of {@link HistorySeries.t}: null where it had none. */
export interface SeriesPoints {
  avg: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
}

/**
 * Columnar points of some series of a host: `t[i]` is the start of a step of `stepMs`, and `metrics[key].avg[i]`,
 * `.min[i]`, `.max[i]` the average, minimum and maximum of the series' values in it. Only the steps in which at least
 * one of the series has a value are listed (a gap in `t` longer than `stepMs` is a time with no report).
 */
export interface HistorySeries {
  /** The tier read for most of the range (the newest part is read from finer tiers until it is tiered). */
  tier: HistoryTier;
  stepMs: number;
  /** The start of the first step: the query's `fromMs` rounded down to a multiple of `stepMs`. */
  fromMs: number;
  toMs: number;
  t: number[];
  /** Every series asked for, in the order asked, also when it has no point (all arrays empty, or null). */
  metrics: Record<string, SeriesPoints>;
}

/** Reads series. */
export type HistorySeriesReader = (query: SeriesQuery) => HistorySeries;

/** Per step of the answer and per series: count, sum, min, max. */
interface Accumulator {
  n: Float64Array;
  sum: Float64Array;
  min: Float64Array;
  max: Float64Array;
}

/** The series reader of the history tables. */
export function createSeriesReader(
  context: StoreContext,
  ids: HistoryIds,
  retention: HistoryRetention,
): HistorySeriesReader {
  const { db, now, guard, path } = context;
  const selectRaw = db.prepare(
    'SELECT t_ms AS t, layout_id AS layout, vals FROM history_raw WHERE host_id = ? AND t_ms >= ? AND t_ms < ?',
  );
  const selectBlocks = db.prepare(
    'SELECT start_ms AS start, data FROM history_block WHERE series_id = ? AND tier = ? AND start_ms > ? AND start_ms < ?',
  );

  return (query) => {
    const { hostname, metrics, fromMs, toMs, maxPoints = DEFAULT_MAX_POINTS, nowMs = now() } = query;
    if (!Array.isArray(metrics) || metrics.length === 0) {
      throw new TypeError('a series query needs at least one metric');
    }
    const keys = [...new Set(metrics)];
    for (const key of keys) {
      if (typeof key !== 'string' || parseSeriesKey(key) === undefined) {
        throw new TypeError(
          `a series query's metric must be a series key such as cpu_percent, got ${JSON.stringify(key)}`,
        );
      }
    }
    const plan = planSeries({ fromMs, toMs, nowMs, maxPoints, retention });
    const { stepMs } = plan;
    const start = plan.fromMs;
    const steps = plan.points;
    const accumulators: Accumulator[] = keys.map(() => ({
      n: new Float64Array(steps),
      sum: new Float64Array(steps),
      min: new Float64Array(steps).fill(Number.POSITIVE_INFINITY),
      max: new Float64Array(steps).fill(Number.NEGATIVE_INFINITY),
    }));
    const add = (a: Accumulator, tMs: number, n: number, avg: number, min: number, max: number) => {
      const i = Math.floor((tMs - start) / stepMs);
      a.n[i]! += n;
      a.sum[i]! += avg * n;
      if (min < a.min[i]!) a.min[i] = min;
      if (max > a.max[i]!) a.max[i] = max;
    };

    guard('history.series', () => {
      const host = ids.findHost(hostname);
      if (host === undefined) return;
      const seriesIds = keys.map((key) => ids.findSeries(host.id, key));

      // One block decoded at a time, into the same buckets.
      const scratch: Record<number, Buckets> = {};
      const readBlocks = (shape: BlockShape, fromMs: number, toMs: number) => {
        if (fromMs >= toMs) return;
        scratch[shape.code] ??= emptyBuckets(shape.slots);
        seriesIds.forEach((seriesId, k) => {
          if (seriesId === undefined) return;
          const a = accumulators[k]!;
          const rows = selectBlocks.all(seriesId, shape.code, fromMs - shape.spanMs, toMs) as {
            start: number;
            data: Uint8Array;
          }[];
          for (const { start: blockStart, data } of rows) {
            let buckets: Buckets;
            try {
              buckets = decodeBuckets(data, shape.slots, scratch[shape.code]);
            } catch (error) {
              if (!(error instanceof DamagedBlockError)) throw error;
              throw new StoreError(
                `store history.series failed at ${path}: the block of ${hostname} ${keys[k]} at ${new Date(blockStart).toISOString()} is damaged: ${error.message}`,
                { path, cause: error, retryable: false },
              );
            }
            for (let slot = 0; slot < shape.slots; slot++) {
              const n = buckets.n[slot]!;
              if (n === 0) continue;
              const tMs = blockStart + slot * shape.widthMs;
              if (tMs < fromMs || tMs >= toMs) continue;
              add(a, tMs, n, buckets.avg[slot]!, buckets.min[slot]!, buckets.max[slot]!);
            }
          }
        });
      };

      const readRaw = (fromMs: number, toMs: number) => {
        if (fromMs >= toMs) return;
        // Where each asked series sits in a layout (-1: not in it), worked out once per layout.
        const positions = new Map<number, Int32Array>();
        for (const row of selectRaw.iterate(host.id, fromMs, toMs)) {
          const { t, layout, vals } = row as { t: number; layout: number; vals: Uint8Array };
          let at = positions.get(layout);
          if (at === undefined) {
            const order = ids.layout(layout);
            at = Int32Array.from(seriesIds, (id) => (id === undefined ? -1 : order.indexOf(id)));
            positions.set(layout, at);
          }
          const view = valuesView(vals);
          for (let k = 0; k < at.length; k++) {
            const i = at[k]!;
            if (i < 0 || (i + 1) * 8 > vals.byteLength) continue;
            const v = view.getFloat64(i * 8, true);
            add(accumulators[k]!, t, 1, v, v, v);
          }
        }
      };

      // The tier asked for holds the range up to its cursor; what is newer comes from the finer tiers.
      const { tenUntilMs, hourUntilMs } = host;
      if (plan.tier === 'raw') readRaw(start, toMs);
      else if (plan.tier === 'ten_minutes') {
        readBlocks(TEN_MINUTE_BLOCKS, start, Math.min(toMs, tenUntilMs));
        readRaw(Math.max(start, tenUntilMs), toMs);
      } else {
        readBlocks(HOUR_BLOCKS, start, Math.min(toMs, hourUntilMs));
        readBlocks(TEN_MINUTE_BLOCKS, Math.max(start, hourUntilMs), Math.min(toMs, tenUntilMs));
        readRaw(Math.max(start, tenUntilMs), toMs);
      }
    });

    const result: HistorySeries = { tier: plan.tier, stepMs, fromMs: start, toMs, t: [], metrics: {} };
    const points = keys.map(() => ({ avg: [], min: [], max: [] }) as SeriesPoints);
    for (let i = 0; i < steps; i++) {
      if (!accumulators.some((a) => a.n[i]! > 0)) continue;
      result.t.push(start + i * stepMs);
      accumulators.forEach((a, k) => {
        const n = a.n[i]!;
        const p = points[k]!;
        // Within [min, max] whatever the rounding of the sums: a constant series averages to its value.
        p.avg.push(n > 0 ? Math.min(a.max[i]!, Math.max(a.min[i]!, a.sum[i]! / n)) : null);
        p.min.push(n > 0 ? a.min[i]! : null);
        p.max.push(n > 0 ? a.max[i]! : null);
      });
    }
    keys.forEach((key, k) => {
      result.metrics[key] = points[k]!;
    });
    return result;
  };
}
