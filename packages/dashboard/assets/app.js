// The dashboard's entry point: who is signed in, the navigation, and the pages by the address's hash
// (`#/`, `#/host/NAME`, `#/alerts`, `#/messages`, `#/silences`).
import { api, setCsrfToken, setUnauthorizedHandler } from './api.js';
import { replace, unavailable } from './dom.js';
import { renderFleet } from './fleet.js';
import { renderHost } from './host.js';
import { renderAlerts, renderMessages } from './logs.js';
import { renderSilences } from './silences.js';

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const who = /** @type {HTMLElement} */ (document.getElementById('who'));
const logout = /** @type {HTMLButtonElement} */ (document.getElementById('logout'));

/** @type {{ tokenName: string | null, scopes: string[], csrfToken: string | null }} */
let session = { tokenName: null, scopes: [], csrfToken: null };
let stopPage = () => {};
let first = true;

function route() {
  stopPage();
  const [path = '', q = ''] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(q);
  const parts = path.split('/').filter(Boolean);
  const page = parts[0] ?? '';
  let title = 'Fleet';
  if (page === 'host' && parts[1]) {
    const hostname = decodeURIComponent(parts[1]);
    title = hostname;
    stopPage = renderHost(main, hostname, params);
  } else if (page === 'alerts') {
    title = 'Alerts';
    stopPage = renderAlerts(main, params);
  } else if (page === 'messages') {
    title = 'Messages';
    stopPage = renderMessages(main, params);
  } else if (page === 'silences') {
    title = 'Silences';
    stopPage = renderSilences(main, params, session);
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
  setUnauthorizedHandler(() => {
    location.href = '/login';
  });
  try {
    session = await api('/api/v1/session');
  } catch (error) {
    replace(main, unavailable('the session', error));
    return;
  }
  setCsrfToken(session.csrfToken);
  who.textContent = session.tokenName ? session.tokenName : '';
  logout.hidden = session.tokenName === null;
  logout.addEventListener('click', async () => {
    try {
      await api('/logout', { method: 'POST' });
    } finally {
      location.href = '/login';
    }
  });
  window.addEventListener('hashchange', route);
  // Charts take their colours from the theme when drawn: draw again when it changes.
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', route);
  route();
}

start();
