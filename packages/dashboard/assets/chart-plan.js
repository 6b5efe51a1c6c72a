// Which charts a host page draws, from the series the host has. Pure (no DOM), so the tests run it in Node.
import { splitKey } from './format.js';

/**
 * @typedef {object} ChartPlan
 * @property {string} id a stable id for the chart's elements
 * @property {string} title e.g. `Disk /data`
 * @property {string[]} keys the series it draws, in legend order
 * @property {'percent' | 'count' | 'celsius' | 'bytesPerSecond'} unit
 */

const LOADS = ['load_1', 'load_5', 'load_15'];

/**
 * The charts of a host: CPU, memory, swap, one per disk, load, temperature, one per network interface; each only
 * when the host has its series.
 * @param {readonly string[]} keys the series the host has (`keys` of `GET /api/v1/hosts/{host}`)
 * @returns {ChartPlan[]}
 * @example chartsFor(['cpu_percent', 'disk_usage_percent@/data']).map((c) => c.title) // ['CPU', 'Disk /data']
 */
export function chartsFor(keys) {
  const has = new Set(keys);
  /** @type {ChartPlan[]} */
  const charts = [];
  const single = (/** @type {string} */ key, /** @type {string} */ title, /** @type {ChartPlan['unit']} */ unit) => {
    if (has.has(key)) charts.push({ id: slug(key), title, keys: [key], unit });
  };
  single('cpu_percent', 'CPU', 'percent');
  single('memory_percent', 'Memory', 'percent');
  single('swap_percent', 'Swap', 'percent');
  const disks = keys.filter((k) => splitKey(k).metric === 'disk_usage_percent').sort();
  for (const key of disks) {
    const mount = splitKey(key).scope;
    charts.push({ id: slug(key), title: mount === undefined ? 'Disk' : `Disk ${mount}`, keys: [key], unit: 'percent' });
  }
  const loads = LOADS.filter((k) => has.has(k));
  if (loads.length > 0) charts.push({ id: 'load', title: 'Load', keys: loads, unit: 'count' });
  single('cpu_temperature', 'Temperature', 'celsius');
  /** @type {Map<string, string[]>} */
  const ifaces = new Map();
  for (const key of keys) {
    const { metric, scope } = splitKey(key);
    if (metric !== 'net_rx_bytes_per_second' && metric !== 'net_tx_bytes_per_second') continue;
    const name = scope ?? '';
    ifaces.set(name, [...(ifaces.get(name) ?? []), key].sort());
  }
  for (const [iface, ifaceKeys] of [...ifaces].sort(([a], [b]) => a.localeCompare(b))) {
    charts.push({
      id: slug(`net@${iface}`),
      title: iface === '' ? 'Network' : `Network ${iface}`,
      keys: ifaceKeys,
      unit: 'bytesPerSecond',
    });
  }
  return charts;
}

/**
 * A key as an id for elements: letters, digits and `-`, with a hash so that `/a-b` and `/a_b` differ.
 * @param {string} key
 */
function slug(key) {
  let hash = 0;
  for (const c of key) hash = (hash * 31 + (c.codePointAt(0) ?? 0)) >>> 0;
  return `c-${key.replace(/[^A-Za-z0-9]+/g, '-')}-${hash.toString(36)}`;
}

/** @typedef {{ fromMs: number, toMs: number, level: string | null }} Period */

const OPENS = new Set(['firing', 'escalated', 'repeated', 'host_silent']);
const CLOSES = new Set(['resolved', 'host_back']);
/** The alert levels (the message types), least severe first. */
const RANK = /** @type {Record<string, number>} */ ({ none: 0, info: 1, warning: 2, error: 3, alarm: 4 });

/**
 * The periods an alert was firing, per series key (an alert key's `:below` taken off), from the alert log: opened by
 * `firing` (or `escalated`, `repeated`, `host_silent`) at the incident's start, closed by `resolved` (or `host_back`)
 * at its end; one still open ends at `nowMs`. A resolution whose start is older than the entries read still gives
 * its whole period.
 * @param {readonly any[]} entries alert log entries (any order)
 * @param {number} nowMs
 * @returns {Map<string, Period[]>}
 * @example alertPeriods([{ atMs: 5, key: 'cpu_percent', transition: 'resolved', incidentStartMs: 1, endMs: 5, level: 'warning' }], 9)
 * // Map { 'cpu_percent' => [{ fromMs: 1, toMs: 5, level: 'warning' }] }
 */
export function alertPeriods(entries, nowMs) {
  /** @type {Map<string, Period[]>} */
  const out = new Map();
  /** @type {Map<string, Period>} */
  const open = new Map();
  const add = (/** @type {string} */ key, /** @type {Period} */ period) => {
    out.set(key, [...(out.get(key) ?? []), period]);
  };
  const sorted = [...entries].sort((a, b) => a.atMs - b.atMs || a.id - b.id);
  for (const entry of sorted) {
    const key = String(entry.key ?? '').replace(/:below$/, '');
    const level = entry.level ?? null;
    const current = open.get(key);
    if (OPENS.has(entry.transition)) {
      if (current) {
        if ((RANK[level] ?? 0) > (RANK[current.level ?? ''] ?? 0)) current.level = level;
      } else {
        const period = { fromMs: entry.incidentStartMs ?? entry.atMs, toMs: nowMs, level };
        open.set(key, period);
        add(key, period);
      }
    } else if (CLOSES.has(entry.transition)) {
      const endMs = entry.endMs ?? entry.atMs;
      if (current) {
        current.toMs = endMs;
        open.delete(key);
      } else if (typeof entry.incidentStartMs === 'number') {
        add(key, { fromMs: entry.incidentStartMs, toMs: endMs, level });
      }
    }
  }
  return out;
}

/**
 * A rule's limits for a series as lines to draw: `{ warning: 80, alarm: 95 }` -> two lines, least severe first.
 * @param {Record<string, unknown> | undefined} limits one key's entry of the host's `limits`
 * @returns {{ label: string, value: number, level: string }[]}
 */
export function limitLines(limits) {
  if (!limits || typeof limits !== 'object') return [];
  return Object.entries(limits)
    .filter(([, value]) => typeof value === 'number' && Number.isFinite(value))
    .map(([level, value]) => ({ label: level, value: /** @type {number} */ (value), level }))
    .sort((a, b) => (RANK[a.level] ?? 0) - (RANK[b.level] ?? 0));
}

/**
 * Whether an alert level is one of the severe ones (`error`, `alarm`): drawn in the page's "bad" colour, the others
 * in its "warning" colour.
 * @param {string | null | undefined} level
 */
export function isSevere(level) {
  return (RANK[level ?? ''] ?? 0) >= RANK.error;
}
