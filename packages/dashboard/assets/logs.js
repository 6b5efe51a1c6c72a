// The alert log and the message log: newest first, paged with the API's cursor, with links to the posts.
import { api, query } from './api.js';
import { h, replace, unavailable } from './dom.js';
import { duration, formatValue, unitOf, when } from './format.js';

/**
 * A link to the post on the Fediverse, or nothing.
 * @param {string | null | undefined} url
 */
function postLink(url) {
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return null;
  return h('a', { href: url, rel: 'noopener noreferrer', target: '_blank', class: 'post' }, 'post');
}

/**
 * @param {string} hostname
 */
function hostLink(hostname) {
  return h('a', { href: `#/host/${encodeURIComponent(hostname)}` }, hostname);
}

/**
 * The rows of alert log entries.
 * @param {readonly any[]} entries
 * @param {{ host?: boolean }} [options] whether to show the host column @default true
 */
export function alertRows(entries, options = {}) {
  const showHost = options.host ?? true;
  return entries.map((e) => {
    const unit = unitOf(String(e.key ?? '').replace(/:below$/, ''));
    const value = e.value === null || e.value === undefined ? '' : formatValue(e.value, unit);
    const limit = e.limit === null || e.limit === undefined ? '' : ` (limit ${formatValue(e.limit, unit)})`;
    const resolved =
      e.durationMs === null || e.durationMs === undefined
        ? ''
        : `lasted ${duration(e.durationMs)}${e.peak === null || e.peak === undefined ? '' : `, peak ${formatValue(e.peak, unit)}`}`;
    return h(
      'tr',
      { class: `transition-${e.transition}${e.level ? ` level-${e.level}` : ''}` },
      h('td', null, h('time', { datetime: new Date(e.atMs).toISOString() }, when(e.atMs))),
      showHost ? h('td', null, hostLink(e.hostname)) : null,
      h('td', null, e.label ?? e.key),
      h('td', null, e.transition.replaceAll('_', ' '), e.level ? ` (${e.level})` : ''),
      h('td', null, value, limit),
      h('td', null, resolved),
      h('td', null, postLink(e.statusUrl)),
    );
  });
}

/**
 * The table of alert log entries.
 * @param {{ host?: boolean }} [options]
 */
export function alertTable(options = {}) {
  return logTable(['When', 'Host', 'Rule', 'What', 'Value', 'Incident', 'Post'], options.host ?? true);
}

/**
 * The rows of message log entries.
 * @param {readonly any[]} entries
 * @param {{ host?: boolean }} [options]
 */
export function messageRows(entries, options = {}) {
  const showHost = options.host ?? true;
  return entries.map((m) =>
    h(
      'tr',
      { class: `type-${m.type}` },
      h('td', null, h('time', { datetime: new Date(m.atMs).toISOString() }, when(m.atMs))),
      showHost ? h('td', null, m.hostname ? hostLink(m.hostname) : '–') : null,
      h('td', null, m.type),
      h('td', null, m.summary ? h('strong', null, m.summary, ' ') : null, m.text),
      h('td', null, m.source),
      h('td', null, m.posted ? (postLink(m.statusUrl) ?? 'posted') : 'queued'),
    ),
  );
}

/**
 * The table of message log entries.
 * @param {{ host?: boolean }} [options]
 */
export function messageTable(options = {}) {
  return logTable(['When', 'Host', 'Type', 'Message', 'From', 'Post'], options.host ?? true);
}

/**
 * A log's table with these column titles (without `Host` when `showHost` is false) and its empty body.
 * @param {string[]} columns
 * @param {boolean} showHost
 */
function logTable(columns, showHost) {
  const body = h('tbody');
  const titles = columns.filter((x) => showHost || x !== 'Host').map((x) => h('th', { scope: 'col' }, x));
  const table = h('table', { class: 'log' }, h('thead', null, h('tr', null, titles)), body);
  return { table: h('div', { class: 'table-wrap' }, table), body };
}

/**
 * A paged log page: filters, a table, and "older" while the API gives a cursor.
 * @param {HTMLElement} main
 * @param {{ title: string, what: string, path: string, listKey: string, params: Record<string, string | undefined>,
 *   table: { table: HTMLElement, body: HTMLElement }, rows: (entries: any[]) => HTMLElement[], filters: HTMLElement }} page
 */
function pagedLog(main, page) {
  const status = h('p', { class: 'muted', role: 'status' }, 'Loading…');
  const more = h('button', { type: 'button', hidden: true }, 'Older');
  let cursor = /** @type {string | null} */ (null);
  let stopped = false;
  async function next() {
    more.hidden = true;
    try {
      const answer = await api(`${page.path}${query({ ...page.params, limit: 50, cursor: cursor ?? undefined })}`);
      if (stopped) return;
      const entries = answer?.[page.listKey] ?? [];
      page.table.body.append(...page.rows(entries));
      cursor = answer?.next ?? null;
      more.hidden = cursor === null;
      const count = page.table.body.childElementCount;
      replace(status, count === 0 ? `No ${page.what} yet.` : `${count} ${page.what}${cursor ? ' so far' : ''}.`);
    } catch (error) {
      if (!stopped) replace(status, unavailable(page.what, error));
    }
  }
  more.addEventListener('click', next);
  replace(main, h('h1', null, page.title), page.filters, status, page.table.table, more);
  next();
  return () => {
    stopped = true;
  };
}

/**
 * Renders the alert log into `main`.
 * @param {HTMLElement} main
 * @param {URLSearchParams} params `state=firing|resolved`, `host=`
 */
export function renderAlerts(main, params) {
  const state = params.get('state') ?? '';
  const host = params.get('host') ?? '';
  const go = (/** @type {Record<string, string>} */ change) => {
    location.hash = `#/alerts${query({ state, host, ...change })}`;
  };
  const filters = h(
    'form',
    { class: 'toolbar', onsubmit: (/** @type {Event} */ e) => e.preventDefault() },
    h(
      'label',
      null,
      'Show ',
      h(
        'select',
        {
          id: 'alert-state',
          onchange: (/** @type {Event} */ e) => go({ state: /** @type {HTMLSelectElement} */ (e.target).value }),
        },
        [
          ['', 'every transition'],
          ['firing', 'open incidents'],
          ['resolved', 'resolved incidents'],
        ].map(([value, label]) => h('option', { value, selected: value === state }, label)),
      ),
    ),
    h(
      'label',
      null,
      'Host ',
      h('input', {
        type: 'search',
        value: host,
        onchange: (/** @type {Event} */ e) => go({ host: /** @type {HTMLInputElement} */ (e.target).value.trim() }),
      }),
    ),
  );
  return pagedLog(main, {
    title: 'Alerts',
    what: 'alert log entries',
    path: '/api/v1/alerts',
    listKey: 'alerts',
    params: { state: state || undefined, host: host || undefined },
    table: alertTable(),
    rows: (entries) => alertRows(entries),
    filters,
  });
}

/**
 * Renders the message log into `main`.
 * @param {HTMLElement} main
 * @param {URLSearchParams} params `host=`
 */
export function renderMessages(main, params) {
  const host = params.get('host') ?? '';
  const filters = h(
    'form',
    { class: 'toolbar', onsubmit: (/** @type {Event} */ e) => e.preventDefault() },
    h(
      'label',
      null,
      'Host ',
      h('input', {
        type: 'search',
        value: host,
        onchange: (/** @type {Event} */ e) => {
          location.hash = `#/messages${query({ host: /** @type {HTMLInputElement} */ (e.target).value.trim() })}`;
        },
      }),
    ),
  );
  return pagedLog(main, {
    title: 'Messages',
    what: 'messages',
    path: '/api/v1/messages',
    listKey: 'messages',
    params: { host: host || undefined },
    table: messageTable(),
    rows: (entries) => messageRows(entries),
    filters,
  });
}
