// The fleet: a card per host with its state, last report, CPU / memory / worst disk, a sparkline of the last hours,
// and its firing alerts; "only problems" and a name filter. Sparklines load as their cards come into view.
import { api, query } from './api.js';
import { h, replace, unavailable } from './dom.js';
import { firingList } from './firing.js';
import { ago, describeSeries, duration, formatValue, seriesLabel, unitOf } from './format.js';
import { drawSpark } from './spark.js';

/** How far back the sparklines look. */
const SPARK_RANGE = '-6h';
const SPARK_WORDS = 'the last 6 hours';
const SPARK_POINTS = 72;
/** A sparkline older than this is fetched again when its card is drawn. */
const SPARK_MAX_AGE_MS = 5 * 60_000;
/** How often the fleet is fetched again while the page is open. */
const REFRESH_MS = 30_000;
/** Series requests in flight at once (a browser opens 6 connections to a host). */
const PARALLEL = 4;
/**
 * The first cards get their sparklines at once, without waiting for the page's layout to say they are in view (about
 * a screenful on a wide screen); the others as they come into view.
 */
const EAGER = 24;

/**
 * @typedef {{ key: string, values: (number | null)[], max?: number } | { key: string, error: string }} SparkData
 */

/** The sparklines' data by host, kept across visits of the page (for {@link SPARK_MAX_AGE_MS}). */
/** @type {Map<string, { key: string, atMs: number, data: Promise<SparkData> }>} */
const sparkCache = new Map();
/** @type {(() => void)[]} */
const waiting = [];
let inFlight = 0;

/**
 * Runs `task` once fewer than {@link PARALLEL} series requests are in flight, in the order asked.
 * @template T
 * @param {() => Promise<T>} task
 * @returns {Promise<T>}
 */
function limited(task) {
  return new Promise((resolve, reject) => {
    waiting.push(() => {
      inFlight++;
      task()
        .then(resolve, reject)
        .finally(() => {
          inFlight--;
          next();
        });
    });
    next();
  });
}

function next() {
  while (inFlight < PARALLEL && waiting.length > 0) waiting.shift()?.();
}

/**
 * The sparkline data of a host: fetched once (the series API, the last hours of its {@link sparkKey}), then shared
 * until it is {@link SPARK_MAX_AGE_MS} old. A failure is data too: the card says what is missing.
 * @param {any} host
 * @returns {Promise<SparkData> | undefined} undefined for a host without values
 */
function sparkData(host) {
  const key = sparkKey(host);
  if (key === undefined) return undefined;
  const cached = sparkCache.get(host.hostname);
  if (cached && cached.key === key && Date.now() - cached.atMs <= SPARK_MAX_AGE_MS) return cached.data;
  const path = `/api/v1/hosts/${encodeURIComponent(host.hostname)}/series${query({ metrics: key, from: SPARK_RANGE, points: SPARK_POINTS })}`;
  const data = limited(() => api(path)).then(
    (answer) => ({ key, values: answer?.[key]?.avg ?? [], ...(unitOf(key) === 'percent' ? { max: 100 } : {}) }),
    (error) => ({ key, error: error instanceof Error ? error.message : String(error) }),
  );
  sparkCache.set(host.hostname, { key, atMs: Date.now(), data });
  return data;
}

/**
 * The series a host's sparkline shows: CPU, else memory, else its first value.
 * @param {any} host
 * @returns {string | undefined}
 */
function sparkKey(host) {
  const values = host.latest?.values ?? {};
  if ('cpu_percent' in values) return 'cpu_percent';
  if ('memory_percent' in values) return 'memory_percent';
  return Object.keys(values)[0];
}

/**
 * Whether a host is a problem: not up, or an alert firing.
 * @param {any} host
 */
export function isProblem(host) {
  return host.state !== 'up' || (host.firing?.length ?? 0) > 0;
}

/**
 * Renders the fleet into `main`.
 * @param {HTMLElement} main
 * @param {URLSearchParams} params `problems=1`, `q=<part of a name>`
 * @returns {() => void} stops the page's timers and observers
 */
export function renderFleet(main, params) {
  let onlyProblems = params.get('problems') === '1';
  let filter = params.get('q') ?? '';
  /** @type {any[]} */
  let hosts = [];
  let nowMs = Date.now();
  /** @type {unknown} */
  let failure = null;
  let stopped = false;

  const summary = h('p', { class: 'muted', role: 'status' }, 'Loading the fleet…');
  const list = h('div', { class: 'cards' });
  const problemsBox = h('input', {
    type: 'checkbox',
    id: 'only-problems',
    checked: onlyProblems,
    onchange: () => {
      onlyProblems = /** @type {HTMLInputElement} */ (problemsBox).checked;
      remember();
      draw();
    },
  });
  const search = h('input', {
    type: 'search',
    id: 'host-filter',
    placeholder: 'host name',
    value: filter,
    'aria-label': 'Show hosts whose name contains',
    oninput: () => {
      filter = /** @type {HTMLInputElement} */ (search).value.trim();
      remember();
      draw();
    },
  });
  replace(
    main,
    h('h1', null, 'Fleet'),
    h('div', { class: 'toolbar' }, h('label', null, problemsBox, ' Only problems'), search),
    summary,
    list,
  );

  // Cards past the first ones are observed: a card coming into view gets its sparkline.
  /** @type {WeakMap<Element, () => void>} */
  let whenSeen = new WeakMap();
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        observer.unobserve(entry.target);
        whenSeen.get(entry.target)?.();
      }
    },
    { rootMargin: '200px' },
  );

  /**
   * Draws a host's sparkline once its data is there, or says what is missing.
   * @param {any} host
   * @param {HTMLCanvasElement} canvas
   * @param {HTMLElement} note
   */
  function spark(host, canvas, note) {
    sparkData(host)?.then((data) => {
      if (stopped || !canvas.isConnected) return;
      if ('error' in data) {
        replace(note, unavailable('history', data.error));
        return;
      }
      const label = describeSeries(seriesLabel(data.key), { avg: data.values }, unitOf(data.key), SPARK_WORDS);
      canvas.setAttribute('aria-label', label);
      drawSpark(canvas, data.values, data.max === undefined ? {} : { max: data.max });
    });
  }

  function remember() {
    const q = query({ problems: onlyProblems ? '1' : undefined, q: filter || undefined });
    history.replaceState(null, '', `#/${q}`);
  }

  /** The hosts the filters keep. */
  function visible() {
    return hosts.filter(
      (host) => (!onlyProblems || isProblem(host)) && (filter === '' || host.hostname.includes(filter)),
    );
  }

  function draw() {
    if (failure !== null) {
      replace(summary, unavailable('the fleet', failure));
      return;
    }
    const shown = visible();
    const count = (/** @type {string} */ state) => hosts.filter((x) => x.state === state).length;
    const firing = hosts.reduce((n, x) => n + (x.firing?.length ?? 0), 0);
    replace(
      summary,
      `${hosts.length} host${hosts.length === 1 ? '' : 's'}: ${count('up')} up, ${count('silent')} silent, ${count('silenced')} silenced; ${firing} alert${firing === 1 ? '' : 's'} firing.`,
      shown.length === hosts.length ? '' : ` Showing ${shown.length}.`,
    );
    observer.disconnect();
    whenSeen = new WeakMap();
    replace(
      list,
      shown.length === 0
        ? h('p', { class: 'muted' }, hosts.length === 0 ? 'No host has reported yet.' : 'No host matches.')
        : shown.map(card),
    );
    // For the benchmark: when the fleet was first listed.
    if (performance.getEntriesByName('janitor:fleet').length === 0) performance.mark('janitor:fleet');
  }

  /**
   * @param {any} host
   * @param {number} index its place in the list
   */
  function card(host, index) {
    const values = host.latest?.values ?? {};
    const figure = (/** @type {string} */ label, /** @type {number | undefined} */ value) =>
      h('div', null, h('dt', null, label), h('dd', null, formatValue(value, 'percent')));
    const canvas = /** @type {HTMLCanvasElement} */ (
      h('canvas', { class: 'spark', role: 'img', 'aria-label': `${host.hostname}: history loading` })
    );
    const note = h('div', { class: 'spark-note' });
    const el = h(
      'article',
      { class: `card state-${host.state}${isProblem(host) ? ' problem' : ''}`, 'data-host': host.hostname },
      h(
        'header',
        null,
        h('a', { href: `#/host/${encodeURIComponent(host.hostname)}`, class: 'host' }, host.hostname),
        h('span', { class: `badge ${host.state}` }, host.state),
      ),
      h(
        'p',
        { class: 'muted' },
        `last report ${ago(host.lastSeenMs, nowMs)}`,
        host.silencedUntilMs ? `, silenced for ${duration(host.silencedUntilMs - nowMs)} more` : '',
      ),
      h(
        'dl',
        { class: 'figures' },
        figure('CPU', values.cpu_percent),
        figure('Memory', values.memory_percent),
        figure(host.worstDisk ? `Disk ${host.worstDisk.mount}` : 'Disk', host.worstDisk?.percent),
      ),
      canvas,
      note,
      firingList(host.firing, nowMs),
    );
    if (index < EAGER || sparkCache.has(host.hostname)) {
      spark(host, canvas, note);
    } else {
      whenSeen.set(el, () => spark(host, canvas, note));
      observer.observe(el);
    }
    return el;
  }

  async function load() {
    try {
      const answer = await api('/api/v1/hosts');
      hosts = answer.hosts ?? [];
      nowMs = answer.nowMs ?? Date.now();
      failure = null;
      // The first sparklines are asked for before the cards are built: the requests run while the page is drawn.
      for (const host of visible().slice(0, EAGER)) sparkData(host);
    } catch (error) {
      failure = error;
    }
    if (!stopped) draw();
  }

  load();
  const timer = setInterval(load, REFRESH_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
    observer.disconnect();
  };
}
