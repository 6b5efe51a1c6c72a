// Words and numbers for the page: units by series key, times, and the charts' summaries for screen readers.
// Pure functions (no DOM), so the tests run them in Node.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The metric and scope of a series key: `disk_usage_percent@/data` -> `{ metric: 'disk_usage_percent', scope: '/data' }`.
 * @param {string} key
 * @returns {{ metric: string, scope: string | undefined }}
 */
export function splitKey(key) {
  const at = key.indexOf('@');
  return at === -1 ? { metric: key, scope: undefined } : { metric: key.slice(0, at), scope: key.slice(at + 1) };
}

/** @type {Record<string, string>} */
const NAMES = {
  cpu_percent: 'CPU',
  memory_percent: 'Memory',
  swap_percent: 'Swap',
  disk_usage_percent: 'Disk',
  load_1: 'Load (1 min)',
  load_5: 'Load (5 min)',
  load_15: 'Load (15 min)',
  cpu_temperature: 'Temperature',
  net_rx_bytes_per_second: 'Received',
  net_tx_bytes_per_second: 'Sent',
  uptime_seconds: 'Uptime',
};

/**
 * A series' name in words: `CPU`, `Disk /data`, `Received on eth0`.
 * @param {string} key
 */
export function seriesLabel(key) {
  const { metric, scope } = splitKey(key);
  const name = NAMES[metric] ?? metric.replaceAll('_', ' ');
  if (scope === undefined) return name;
  return scope.startsWith('/') ? `${name} ${scope}` : `${name} on ${scope}`;
}

/**
 * The unit of a series, from its metric's name.
 * @param {string} key
 * @returns {'percent' | 'bytes' | 'bytesPerSecond' | 'celsius' | 'seconds' | 'count'}
 */
export function unitOf(key) {
  const { metric } = splitKey(key);
  if (metric.endsWith('_percent')) return 'percent';
  if (metric.endsWith('_bytes_per_second')) return 'bytesPerSecond';
  if (metric.endsWith('_temperature') || metric.endsWith('_celsius')) return 'celsius';
  if (metric.endsWith('_seconds')) return 'seconds';
  if (/^(memory|swap|disk_usage)_(total|used|free|avail)$/.test(metric)) return 'bytes';
  return 'count';
}

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

/**
 * A number with at most `digits` significant decimals, without trailing zeros.
 * @param {number} value
 */
function short(value, digits = 1) {
  const abs = Math.abs(value);
  const places = abs >= 100 ? 0 : abs >= 10 ? digits : digits + 1;
  return String(Number(value.toFixed(places)));
}

/**
 * A value in its unit: `12.5 %`, `1.2 MB/s`, `54 °C`, `3 d 4 h`, `0.52`; `–` for none.
 * @param {number | null | undefined} value
 * @param {ReturnType<typeof unitOf>} unit
 */
export function formatValue(value, unit) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  switch (unit) {
    case 'percent':
      return `${short(value)} %`;
    case 'celsius':
      return `${short(value)} °C`;
    case 'seconds':
      return duration(value * 1000);
    case 'bytes':
    case 'bytesPerSecond': {
      let scaled = value;
      let i = 0;
      while (Math.abs(scaled) >= 1000 && i < BYTE_UNITS.length - 1) {
        scaled /= 1000;
        i++;
      }
      return `${short(scaled)} ${BYTE_UNITS[i]}${unit === 'bytesPerSecond' ? '/s' : ''}`;
    }
    default:
      return short(value, 2);
  }
}

/**
 * A duration in words, two units at most: `45 s`, `5 min`, `1 h 5 min`, `3 d 4 h`.
 * @param {number} ms
 */
export function duration(ms) {
  const abs = Math.max(0, Math.round(ms));
  if (abs < MINUTE) return `${Math.round(abs / 1000)} s`;
  if (abs < HOUR) return `${Math.floor(abs / MINUTE)} min`;
  if (abs < DAY) {
    const h = Math.floor(abs / HOUR);
    const m = Math.floor((abs % HOUR) / MINUTE);
    return m === 0 ? `${h} h` : `${h} h ${m} min`;
  }
  const d = Math.floor(abs / DAY);
  const h = Math.floor((abs % DAY) / HOUR);
  return h === 0 ? `${d} d` : `${d} d ${h} h`;
}

/**
 * How long ago: `12 s ago`, `never`.
 * @param {number | null | undefined} atMs
 * @param {number} nowMs
 */
export function ago(atMs, nowMs) {
  if (atMs === null || atMs === undefined) return 'never';
  if (atMs > nowMs) return 'just now';
  return `${duration(nowMs - atMs)} ago`;
}

/**
 * A time for a log line: `2026-12-01 10:04:05` in the browser's time zone.
 * @param {number} ms
 */
export function when(ms) {
  const d = new Date(ms);
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The ranges of the host page, with their length and their name in words. */
export const RANGES = /** @type {const} */ ([
  { id: '1h', ms: HOUR, words: 'the last hour' },
  { id: '6h', ms: 6 * HOUR, words: 'the last 6 hours' },
  { id: '24h', ms: DAY, words: 'the last 24 hours' },
  { id: '7d', ms: 7 * DAY, words: 'the last 7 days' },
  { id: '30d', ms: 30 * DAY, words: 'the last 30 days' },
  { id: '1y', ms: 365 * DAY, words: 'the last year' },
]);

/**
 * @typedef {{ avg: readonly (number | null)[], min?: readonly (number | null)[], max?: readonly (number | null)[] }} Points
 * One series as the series API answers it: the average per step, and its minimum and maximum when the tier has them.
 */

/**
 * The text a screen reader gets for one series of a chart: its lowest, highest and latest value in words (the lowest
 * of the minimums, the highest of the maximums, the last average).
 * @param {string} label e.g. `CPU`
 * @param {Points} points `null` where there is no data
 * @param {ReturnType<typeof unitOf>} unit
 * @param {string} range e.g. `the last 24 hours`
 * @example describeSeries('CPU', { avg: [3, 97, 12.5] }, 'percent', 'the last 24 hours')
 * // 'CPU over the last 24 hours: lowest 3 %, highest 97 %, latest 12.5 %.'
 */
export function describeSeries(label, points, unit, range) {
  const latest = lastOf(points.avg);
  if (latest === null) return `${label} over ${range}: no data.`;
  const low = extreme(points.min ?? points.avg, Math.min);
  const high = extreme(points.max ?? points.avg, Math.max);
  return `${label} over ${range}: lowest ${formatValue(low, unit)}, highest ${formatValue(high, unit)}, latest ${formatValue(latest, unit)}.`;
}

/**
 * The last number of a series, or `null`.
 * @param {readonly (number | null)[]} values
 */
export function lastOf(values) {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}

/**
 * @param {readonly (number | null)[]} values
 * @param {(a: number, b: number) => number} pick
 */
function extreme(values, pick) {
  let out = null;
  for (const v of values) {
    if (typeof v === 'number' && Number.isFinite(v)) out = out === null ? v : pick(out, v);
  }
  return out;
}
