// The dashboard's entry point: who is signed in, the navigation, and the pages by the address's hash
// (`#/`, `#/host/NAME`, `#/alerts`, `#/messages`, `#/silences`). The fleet comes with the page; the other pages (and
// uPlot with the host page) load when first opened. The session is asked for while the first page loads.
import { api, setCsrfToken, setUnauthorizedHandler } from './api.js';
import { replace, unavailable } from './dom.js';
import { renderFleet } from './fleet.js';

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const who = /** @type {HTMLElement} */ (document.getElementById('who'));
const logout = /** @type {HTMLButtonElement} */ (document.getElementById('logout'));

/** @typedef {{ tokenName: string | null, scopes: string[], csrfToken: string | null }} SessionInfo */

setUnauthorizedHandler(() => {
  location.href = '/login';
});
/** @type {Promise<SessionInfo>} */
const session = api('/api/v1/session');
let stopPage = () => {};
let first = true;
/** Counts the routes taken, so that a page that loads late does not replace a newer one. */
let generation = 0;

/**
 * Renders a page once its module (and what it needs) is there.
 * @param {() => Promise<() => void>} render
 */
function later(render) {
  const mine = generation;
  render().then(
    (stop) => {
      if (mine === generation) stopPage = stop;
      else stop();
    },
    (error) => {
      if (mine === generation) replace(main, unavailable('this page', error));
    },
  );
}

function route() {
  stopPage();
  stopPage = () => {};
  generation++;
  const [path = '', q = ''] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(q);
  const parts = path.split('/').filter(Boolean);
  const page = parts[0] ?? '';
  let title = 'Fleet';
  if (page === 'host' && parts[1]) {
    const hostname = decodeURIComponent(parts[1]);
    title = hostname;
    later(async () => (await import('./host.js')).renderHost(main, hostname, params));
  } else if (page === 'alerts') {
    title = 'Alerts';
    later(async () => (await import('./logs.js')).renderAlerts(main, params));
  } else if (page === 'messages') {
    title = 'Messages';
    later(async () => (await import('./logs.js')).renderMessages(main, params));
  } else if (page === 'silences') {
    title = 'Silences';
    later(async () => (await import('./silences.js')).renderSilences(main, params, await session));
  } else {
    stopPage = renderFleet(main, params);
  }
  document.title = `${title} · Janitor`;
  for (const link of document.querySelectorAll('header nav a')) {
    const target = link.getAttribute('href')?.slice(2) ?? '';
    const current = target === '' ? page === '' || page === 'host' : page === target;
    if (current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  // A page change moves the focus to the new content, for keyboard and screen reader users.
  if (!first) main.focus();
  first = false;
}

async function start() {
  window.addEventListener('hashchange', route);
  // Charts take their colours from the theme when drawn: draw again when it changes.
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', route);
  route();
  /** @type {SessionInfo} */
  let info;
  try {
    info = await session;
  } catch (error) {
    stopPage();
    generation++;
    replace(main, unavailable('the session', error));
    return;
  }
  setCsrfToken(info.csrfToken);
  who.textContent = info.tokenName ?? '';
  logout.hidden = info.tokenName === null;
  logout.addEventListener('click', async () => {
    try {
      await api('/logout', { method: 'POST' });
    } finally {
      location.href = '/login';
    }
  });
}

start();
