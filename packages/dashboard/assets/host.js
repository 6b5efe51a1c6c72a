// A host: its state and latest values, charts of each series over a chosen range with the limits and alert periods,
// its alert history and its messages. Each part says what is missing when its API call fails.
import { api, query } from './api.js';
import { drawChart } from './chart.js';
import { alertPeriods, chartsFor, limitLines } from './chart-plan.js';
import { h, replace, unavailable } from './dom.js';
import { firingList } from './firing.js';
import { ago, duration, formatValue, RANGES, seriesLabel, unitOf } from './format.js';
import { alertRows, alertTable, messageRows, messageTable } from './logs.js';

/** Points asked per series: enough for a wide screen. */
const POINTS = 800;

/**
 * Renders the page of `hostname` into `main`.
 * @param {HTMLElement} main
 * @param {string} hostname
 * @param {URLSearchParams} params `range=1h|6h|24h|7d|30d|1y`
 * @returns {() => void}
 */
export function renderHost(main, hostname, params) {
  const range = RANGES.find((r) => r.id === params.get('range')) ?? RANGES[2];
  const base = `/api/v1/hosts/${encodeURIComponent(hostname)}`;
  let stopped = false;
  /** @type {(() => void)[]} */
  const cleanups = [];

  const head = h('section', { class: 'host-head' }, h('p', { class: 'muted', role: 'status' }, 'Loading…'));
  const charts = h('section', { class: 'charts', 'aria-label': 'Charts' });
  const alerts = alertTable({ host: false });
  const alertStatus = h('p', { class: 'muted' });
  const messages = messageTable({ host: false });
  const messageStatus = h('p', { class: 'muted' });
  replace(
    main,
    h('p', null, h('a', { href: '#/' }, '← Fleet')),
    h('h1', null, hostname),
    head,
    h(
      'nav',
      { class: 'ranges', 'aria-label': 'Range' },
      RANGES.map((r) =>
        h(
          'a',
          {
            href: `#/host/${encodeURIComponent(hostname)}${query({ range: r.id })}`,
            'aria-current': r.id === range.id ? 'page' : false,
          },
          r.id,
        ),
      ),
    ),
    charts,
    h('h2', null, 'Alerts'),
    alertStatus,
    alerts.table,
    h('h2', null, 'Messages'),
    messageStatus,
    messages.table,
  );

  const alertCall = api(`/api/v1/alerts${query({ host: hostname, from: `-${range.id}`, limit: 200 })}`);
  // Its failure is shown in its place, not thrown at whoever awaits it first.
  alertCall.catch(() => {});

  (async () => {
    /** @type {any} */
    let detail;
    try {
      detail = await api(base);
    } catch (error) {
      if (!stopped) replace(head, unavailable('this host', error));
      replace(charts);
      return;
    }
    if (stopped) return;
    drawHead(head, detail, hostname);
    const plans = chartsFor(detail.keys ?? []);
    if (plans.length === 0) {
      replace(charts, h('p', { class: 'muted' }, 'This host has no history to chart.'));
      return;
    }
    replace(charts, h('p', { class: 'muted', role: 'status' }, 'Loading the history…'));
    const keys = [...new Set(plans.flatMap((p) => p.keys))];
    /** @type {any} */
    let series;
    try {
      series = await api(`${base}/series${query({ metrics: keys.join(','), from: `-${range.id}`, points: POINTS })}`);
    } catch (error) {
      if (!stopped) replace(charts, unavailable('history', error));
      return;
    }
    /** @type {Map<string, import('./chart-plan.js').Period[]>} */
    let periods = new Map();
    /** @type {HTMLElement | null} */
    let periodsNote = null;
    try {
      periods = alertPeriods((await alertCall)?.alerts ?? [], Date.now());
    } catch (error) {
      periodsNote = unavailable('alert periods', error);
    }
    if (stopped) return;
    replace(charts, periodsNote);
    for (const plan of plans) {
      const chart = drawChart({
        plan,
        t: series.t ?? [],
        series,
        limits: plan.keys.length === 1 ? limitLines(detail.limits?.[plan.keys[0] ?? '']) : [],
        periods: [...plan.keys, 'host_silent'].flatMap((k) => periods.get(k) ?? []),
        rangeWords: range.words,
      });
      charts.append(chart.figure);
      cleanups.push(chart.destroy);
    }
  })();

  (async () => {
    try {
      const answer = await alertCall;
      if (stopped) return;
      const entries = answer?.alerts ?? [];
      alerts.body.append(...alertRows(entries, { host: false }));
      replace(alertStatus, entries.length === 0 ? `No alert in ${range.words}.` : '');
    } catch (error) {
      if (!stopped) replace(alertStatus, unavailable('alert history', error));
    }
  })();

  (async () => {
    try {
      const answer = await api(`/api/v1/messages${query({ host: hostname, limit: 20 })}`);
      if (stopped) return;
      const entries = answer?.messages ?? [];
      messages.body.append(...messageRows(entries, { host: false }));
      replace(messageStatus, entries.length === 0 ? 'No message from this host.' : '');
    } catch (error) {
      if (!stopped) replace(messageStatus, unavailable('messages', error));
    }
  })();

  return () => {
    stopped = true;
    for (const cleanup of cleanups) cleanup();
  };
}

/**
 * The host's state, last report, latest values and firing alerts.
 * @param {HTMLElement} head
 * @param {any} detail
 * @param {string} hostname
 */
function drawHead(head, detail, hostname) {
  const nowMs = Date.now();
  const values = Object.entries(detail.latest?.values ?? {}).sort(([a], [b]) => a.localeCompare(b));
  replace(
    head,
    h(
      'p',
      null,
      h('span', { class: `badge ${detail.state}` }, detail.state),
      ` last report ${ago(detail.lastSeenMs, nowMs)}`,
      detail.silencedUntilMs ? `, silenced for ${duration(detail.silencedUntilMs - nowMs)} more` : '',
      ' · ',
      h('a', { href: `#/silences${query({ host: hostname })}` }, 'silence…'),
    ),
    firingList(detail.firing, nowMs),
    values.length > 0
      ? h(
          'details',
          null,
          h('summary', null, 'Latest values'),
          h(
            'dl',
            { class: 'latest' },
            values.map(([key, value]) =>
              h('div', null, h('dt', null, seriesLabel(key)), h('dd', null, formatValue(Number(value), unitOf(key)))),
            ),
          ),
        )
      : null,
  );
}
