export type { HistoryConfigProblem, HistorySettings } from './history-config.ts';
export { DEFAULT_HISTORY_SETTINGS, parseHistorySettings } from './history-config.ts';
export type { ParamProblem, ParamResult, SeriesParams, SeriesParamsOptions } from './read-params.ts';
export { MAX_SERIES_METRICS, MAX_SERIES_RANGE_MS, parseHostnameParam, parseSeriesParams } from './read-params.ts';
export type { HistoryEntry, HistorySample, SampleTimeOptions } from './report-samples.ts';
export {
  historyOfReport,
  sameKeys,
  samplesOfLegacy,
  samplesOfSample,
  sampleTimeMs,
  sharedKeys,
} from './report-samples.ts';
export type { SeriesKeyParts } from './series-key.ts';
export { MAX_SERIES_KEY_LENGTH, parseSeriesKey, seriesKey } from './series-key.ts';
export type { SeriesPlan, SeriesRange } from './series-plan.ts';
export {
  bucketStart,
  DEFAULT_MAX_POINTS,
  MAX_POINTS_LIMIT,
  planSeries,
  SERIES_STEPS_MS,
  stepsIn,
} from './series-plan.ts';
export type { HistoryRetention, HistoryTier } from './tiers.ts';
export {
  DEFAULT_HISTORY_RETENTION,
  HISTORY_TIERS,
  resolveRetention,
  retentionOf,
  TIER_WIDTH_MS,
} from './tiers.ts';
