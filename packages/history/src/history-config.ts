import { describeValue, readDuration } from '@janitor/protocol';
import { DEFAULT_HISTORY_RETENTION, type HistoryRetention } from './tiers.ts';

/** The `history:` section of config.yaml, validated. */
export interface HistorySettings {
  /** Whether reports and local checks are kept as history. @default true */
  enabled: boolean;
  /** How long each tier is kept. @default raw 48 h, 10-minute buckets 35 days, hour buckets 400 days */
  retention: HistoryRetention;
}

/** A problem of the `history:` section, with its key path (`history.retention.raw`). */
export interface HistoryConfigProblem {
  path: string;
  message: string;
}

/** The defaults: on, with {@link DEFAULT_HISTORY_RETENTION}. */
export const DEFAULT_HISTORY_SETTINGS: Readonly<HistorySettings> = Object.freeze({
  enabled: true,
  retention: DEFAULT_HISTORY_RETENTION,
});

const RETENTION_KEYS = { raw: 'rawMs', ten_minutes: 'tenMinutesMs', hour: 'hourMs' } as const;
/** Below a tier's width a retention keeps nothing, and above ten years nobody means it. */
const MIN_RETENTION_MS: Record<keyof typeof RETENTION_KEYS, number> = {
  raw: 60_000,
  ten_minutes: 600_000,
  hour: 3_600_000,
};
const MAX_RETENTION_MS = 10 * 366 * 86_400_000;

/**
 * Reads the `history:` section (`enabled`, `retention.{raw,ten_minutes,hour}` as durations: `48h`, `35d`, `400d`).
 * Every problem names its key path; the settings are the defaults where a value is missing or wrong.
 *
 * @example parseHistorySettings({ retention: { hour: '2y' } }) // problems: [] ; retention.hourMs 2 years
 * @example parseHistorySettings({ enabled: 'yes' }).problems // [{ path: 'history.enabled', message: 'expected true or false, got "yes"' }]
 */
export function parseHistorySettings(
  raw: unknown,
  path = 'history',
): { settings: HistorySettings; problems: HistoryConfigProblem[] } {
  const problems: HistoryConfigProblem[] = [];
  if (raw === undefined || raw === null) return { settings: { ...DEFAULT_HISTORY_SETTINGS }, problems };
  if (!isRecord(raw)) {
    problems.push({ path, message: `expected an object (enabled, retention), got ${describeValue(raw)}` });
    return { settings: { ...DEFAULT_HISTORY_SETTINGS }, problems };
  }
  const settings: HistorySettings = { enabled: true, retention: { ...DEFAULT_HISTORY_RETENTION } };
  for (const key of Object.keys(raw)) {
    if (key !== 'enabled' && key !== 'retention') {
      problems.push({ path: `${path}.${key}`, message: 'unknown key; expected enabled, retention' });
    }
  }
  if (raw.enabled !== undefined && raw.enabled !== null) {
    if (typeof raw.enabled === 'boolean') settings.enabled = raw.enabled;
    else
      problems.push({ path: `${path}.enabled`, message: `expected true or false, got ${describeValue(raw.enabled)}` });
  }
  const retention = raw.retention;
  if (retention !== undefined && retention !== null) {
    if (!isRecord(retention)) {
      problems.push({
        path: `${path}.retention`,
        message: `expected an object (raw, ten_minutes, hour), got ${describeValue(retention)}`,
      });
    } else {
      for (const [key, value] of Object.entries(retention)) {
        const where = `${path}.retention.${key}`;
        if (!Object.hasOwn(RETENTION_KEYS, key)) {
          problems.push({ path: where, message: 'unknown key; expected raw, ten_minutes, hour' });
          continue;
        }
        const tier = key as keyof typeof RETENTION_KEYS;
        const read = readDuration(value);
        if (read.problem !== undefined) problems.push({ path: where, message: `${read.problem} (e.g. 48h, 35d)` });
        else if (read.ms < MIN_RETENTION_MS[tier] || read.ms > MAX_RETENTION_MS) {
          problems.push({
            path: where,
            message: `expected a duration from ${MIN_RETENTION_MS[tier] / 60_000} minutes to 10 years, got ${describeValue(value)}`,
          });
        } else settings.retention[RETENTION_KEYS[tier]] = read.ms;
      }
    }
  }
  const { rawMs, tenMinutesMs, hourMs } = settings.retention;
  if (problems.length === 0 && !(rawMs <= tenMinutesMs && tenMinutesMs <= hourMs)) {
    problems.push({
      path: `${path}.retention`,
      message: 'expected raw <= ten_minutes <= hour: a coarser tier answers for the longer ranges',
    });
  }
  return { settings, problems };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
