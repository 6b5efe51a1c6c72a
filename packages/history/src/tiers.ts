/** The tiers of the history, finest first: a point per report, then 10-minute and hour buckets (average, min, max). */
export const HISTORY_TIERS = ['raw', 'ten_minutes', 'hour'] as const;

/** A tier of the history; the names are those of the proposed `history.retention.*` config keys. */
export type HistoryTier = (typeof HISTORY_TIERS)[number];

/** The width of a tier's buckets: 0 for `raw` (a point per report), 10 minutes, one hour. */
export const TIER_WIDTH_MS: Readonly<Record<HistoryTier, number>> = Object.freeze({
  raw: 0,
  ten_minutes: 600_000,
  hour: 3_600_000,
});

/** How long each tier is kept, in milliseconds. */
export interface HistoryRetention {
  /** A point per report. @default 48 hours */
  rawMs: number;
  /** 10-minute buckets. @default 35 days */
  tenMinutesMs: number;
  /** Hour buckets. @default 400 days */
  hourMs: number;
}

/** The default retention: raw for 48 h, 10-minute buckets for 35 days, hour buckets for 400 days. */
export const DEFAULT_HISTORY_RETENTION: Readonly<HistoryRetention> = Object.freeze({
  rawMs: 48 * 3_600_000,
  tenMinutesMs: 35 * 86_400_000,
  hourMs: 400 * 86_400_000,
});

/**
 * The retention to apply: the defaults, with what `partial` sets.
 * @throws TypeError when a value is not a positive finite number of milliseconds
 * @example resolveRetention({ hourMs: 2 * 365 * 86_400_000 }) // raw 48 h, 10 minutes 35 d, hour 2 years
 */
export function resolveRetention(partial: Partial<HistoryRetention> = {}): HistoryRetention {
  const out = { ...DEFAULT_HISTORY_RETENTION };
  for (const name of ['rawMs', 'tenMinutesMs', 'hourMs'] as const) {
    const value = partial[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new TypeError(`history retention ${name} must be a positive number of milliseconds, got ${value}`);
    }
    out[name] = value;
  }
  return out;
}

/** How long `tier` is kept under `retention`. */
export function retentionOf(retention: HistoryRetention, tier: HistoryTier): number {
  if (tier === 'raw') return retention.rawMs;
  return tier === 'ten_minutes' ? retention.tenMinutesMs : retention.hourMs;
}
