// A tiny element builder: text always goes in as text nodes, never as HTML.

/**
 * @typedef {Node | string | number | null | undefined | false | readonly Child[]} Child
 */

/**
 * Creates an element with attributes and children. `on…` attributes that are functions become listeners; `true` is
 * an empty attribute; `false`, `null` and `undefined` leave the attribute out.
 * @param {string} tag
 * @param {Record<string, unknown> | null} [attrs]
 * @param {...Child} children
 * @returns {HTMLElement}
 * @example h('a', { href: '#/host/pi1', class: 'host' }, 'pi1')
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), /** @type {EventListener} */ (value));
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

/**
 * @param {Element} el
 * @param {readonly Child[]} children
 */
function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(typeof child === 'number' ? String(child) : /** @type {Node | string} */ (child));
  }
}

/**
 * Replaces an element's children.
 * @param {Element} el
 * @param {...Child} children
 */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/**
 * A note that something could not be shown, saying what and why: `history unavailable: <error>`.
 * @param {string} what
 * @param {unknown} error
 */
export function unavailable(what, error) {
  const message = error instanceof Error ? error.message : String(error);
  return h('p', { class: 'problem', role: 'status' }, `${what} unavailable: ${message}`);
}
