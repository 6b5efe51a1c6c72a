// The fleet: a card per host with its state, last report, CPU / memory / worst disk, a sparkline of the last hours,
// and its firing alerts; "only problems" and a name filter. Sparklines load as their cards come into view.
import { api, query } from './api.js';
import { h, replace, unavailable } from './dom.js';
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

/** @type {Map<string, { key: string, values: (number | null)[], max?: number, atMs: number } | { error: string, atMs: number }>} */
const sparkCache = new Map();

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

  // Cards are observed; a card coming into view gets its sparkline.
  const queue = /** @type {{ host: any, canvas: HTMLCanvasElement, note: HTMLElement }[]} */ ([]);
  let inFlight = 0;
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        observer.unobserve(entry.target);
        const job = jobs.get(entry.target);
        if (job) queue.push(job);
      }
      pump();
    },
    { rootMargin: '200px' },
  );
  /** @type {WeakMap<Element, { host: any, canvas: HTMLCanvasElement, note: HTMLElement }>} */
  let jobs = new WeakMap();

  function pump() {
    while (!stopped && inFlight < PARALLEL && queue.length > 0) {
      const job = /** @type {(typeof queue)[number]} */ (queue.shift());
      inFlight++;
      loadSpark(job).finally(() => {
        inFlight--;
        pump();
      });
    }
  }

  /** @param {{ host: any, canvas: HTMLCanvasElement, note: HTMLElement }} job */
  async function loadSpark(job) {
    const { host, canvas, note } = job;
    const key = sparkKey(host);
    if (key === undefined) return;
    const cached = sparkCache.get(host.hostname);
    if (!cached || Date.now() - cached.atMs > SPARK_MAX_AGE_MS || ('key' in cached && cached.key !== key)) {
      try {
        const path = `/api/v1/hosts/${encodeURIComponent(host.hostname)}/series${query({ metrics: key, from: SPARK_RANGE, points: SPARK_POINTS })}`;
        const answer = await api(path);
        const values = answer?.[key]?.avg ?? [];
        sparkCache.set(host.hostname, {
          key,
          values,
          ...(unitOf(key) === 'percent' ? { max: 100 } : {}),
          atMs: Date.now(),
        });
      } catch (error) {
        sparkCache.set(host.hostname, {
          error: error instanceof Error ? error.message : String(error),
          atMs: Date.now(),
        });
      }
    }
    if (stopped || !canvas.isConnected) return;
    paintSpark(host, canvas, note);
  }

  /**
   * @param {any} host
   * @param {HTMLCanvasElement} canvas
   * @param {HTMLElement} note
   */
  function paintSpark(host, canvas, note) {
    const data = sparkCache.get(host.hostname);
    if (!data) return;
    if ('error' in data) {
      replace(note, unavailable('history', data.error));
      return;
    }
    const label = describeSeries(seriesLabel(data.key), { avg: data.values }, unitOf(data.key), SPARK_WORDS);
    canvas.setAttribute('aria-label', label);
    drawSpark(canvas, data.values, data.max === undefined ? {} : { max: data.max });
  }

  function remember() {
    const q = query({ problems: onlyProblems ? '1' : undefined, q: filter || undefined });
    history.replaceState(null, '', `#/${q}`);
  }

  function draw() {
    if (failure !== null) {
      replace(summary, unavailable('the fleet', failure));
      return;
    }
    const shown = hosts.filter(
      (host) => (!onlyProblems || isProblem(host)) && (filter === '' || host.hostname.includes(filter)),
    );
    const count = (/** @type {string} */ state) => hosts.filter((x) => x.state === state).length;
    const firing = hosts.reduce((n, x) => n + (x.firing?.length ?? 0), 0);
    replace(
      summary,
      `${hosts.length} host${hosts.length === 1 ? '' : 's'}: ${count('up')} up, ${count('silent')} silent, ${count('silenced')} silenced; ${firing} alert${firing === 1 ? '' : 's'} firing.`,
      shown.length === hosts.length ? '' : ` Showing ${shown.length}.`,
    );
    observer.disconnect();
    jobs = new WeakMap();
    queue.length = 0;
    replace(
      list,
      shown.length === 0
        ? h('p', { class: 'muted' }, hosts.length === 0 ? 'No host has reported yet.' : 'No host matches.')
        : shown.map(card),
    );
  }

  /** @param {any} host */
  function card(host) {
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
      (host.firing?.length ?? 0) > 0
        ? h(
            'ul',
            { class: 'firing' },
            host.firing.map((/** @type {any} */ f) =>
              h(
                'li',
                { class: `level-${f.level}` },
                `${f.label ?? f.key} ${f.level}: ${formatValue(f.value, unitOf(f.key))}`,
                f.limit === null || f.limit === undefined ? '' : ` (limit ${formatValue(f.limit, unitOf(f.key))})`,
                `, for ${duration(nowMs - f.sinceMs)}`,
              ),
            ),
          )
        : null,
    );
    const cached = sparkCache.get(host.hostname);
    if (cached && Date.now() - cached.atMs <= SPARK_MAX_AGE_MS) {
      // Drawn once the card is in the page (the canvas has its size then).
      requestAnimationFrame(() => paintSpark(host, canvas, note));
    } else {
      jobs.set(el, { host, canvas, note });
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
