// Silences: the running ones with a button to end each, and a form to start one (host, rule, how long, why).
import { api } from './api.js';
import { h, replace, unavailable } from './dom.js';
import { when } from './format.js';

const DURATIONS = ['30m', '1h', '2h', '4h', '12h', '1d', '3d', '7d', '30d'];

/**
 * Renders the silences into `main`.
 * @param {HTMLElement} main
 * @param {URLSearchParams} params `host=` to fill the form with
 * @param {{ scopes: readonly string[] }} session what the page may do
 * @returns {() => void}
 */
export function renderSilences(main, params, session) {
  const canChange = session.scopes.includes('admin');
  let stopped = false;
  const status = h('p', { class: 'muted', role: 'status' }, 'Loading…');
  const body = h('tbody');
  const formStatus = h('p', { role: 'status', class: 'form-status' });
  const hostList = h('datalist', { id: 'known-hosts' });
  const ruleList = h('datalist', { id: 'known-rules' });

  const field = (/** @type {string} */ label, /** @type {HTMLElement} */ input) => h('label', null, label, input);
  const hostInput = /** @type {HTMLInputElement} */ (
    h('input', {
      name: 'host',
      id: 'silence-host',
      required: true,
      list: 'known-hosts',
      value: params.get('host') ?? '',
    })
  );
  const ruleInput = /** @type {HTMLInputElement} */ (
    h('input', { name: 'rule', id: 'silence-rule', list: 'known-rules', placeholder: '* (every alert)' })
  );
  const forInput = /** @type {HTMLSelectElement} */ (
    h(
      'select',
      { name: 'for', id: 'silence-for' },
      DURATIONS.map((d) => h('option', { value: d, selected: d === '2h' }, d)),
    )
  );
  const reasonInput = /** @type {HTMLInputElement} */ (
    h('input', { name: 'reason', id: 'silence-reason', maxlength: 500, placeholder: 'why (optional)' })
  );
  const form = h(
    'form',
    { class: 'silence-form', onsubmit: create },
    field('Host', hostInput),
    field('Rule', ruleInput),
    field('For', forInput),
    field('Reason', reasonInput),
    h('button', { type: 'submit' }, 'Silence'),
    formStatus,
    hostList,
    ruleList,
  );
  replace(
    main,
    h('h1', null, 'Silences'),
    canChange ? form : h('p', { class: 'muted' }, 'Starting and ending silences needs a token with the admin scope.'),
    status,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'log', id: 'silences' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ['Host', 'Rule', 'Until', 'Reason', ''].map((x) => h('th', { scope: 'col' }, x)),
          ),
        ),
        body,
      ),
    ),
  );

  /** @param {Event} event */
  async function create(event) {
    event.preventDefault();
    replace(formStatus, 'Starting…');
    const order = {
      host: hostInput.value.trim(),
      ...(ruleInput.value.trim() ? { rule: ruleInput.value.trim() } : {}),
      for: forInput.value,
      ...(reasonInput.value.trim() ? { reason: reasonInput.value.trim() } : {}),
    };
    try {
      const answer = await api('/silences', { method: 'POST', body: order });
      replace(
        formStatus,
        `Silenced ${answer.silence.host} (${answer.silence.rule}) until ${when(answer.silence.untilMs)}.`,
      );
      reasonInput.value = '';
      await list();
    } catch (error) {
      replace(formStatus, unavailable('the silence', error));
    }
  }

  /** @param {any} silence */
  async function remove(silence) {
    try {
      await api(`/silences/${silence.id}`, { method: 'DELETE' });
      await list();
    } catch (error) {
      replace(status, unavailable('ending the silence', error));
    }
  }

  async function list() {
    try {
      const answer = await api('/silences');
      if (stopped) return;
      const silences = answer?.silences ?? [];
      replace(status, silences.length === 0 ? 'No silence is running.' : `${silences.length} running.`);
      replace(
        body,
        silences.map((/** @type {any} */ s) =>
          h(
            'tr',
            { 'data-silence': s.id },
            h('td', null, s.host),
            h('td', null, s.rule),
            h('td', null, h('time', { datetime: s.until }, when(s.untilMs))),
            h('td', null, s.reason ?? ''),
            h(
              'td',
              null,
              canChange
                ? h(
                    'button',
                    { type: 'button', class: 'danger', onclick: () => remove(s) },
                    'End',
                    h('span', { class: 'sr-only' }, ` the silence of ${s.host}`),
                  )
                : null,
            ),
          ),
        ),
      );
    } catch (error) {
      if (!stopped) replace(status, unavailable('silences', error));
    }
  }

  async function suggestions() {
    try {
      const answer = await api('/api/v1/hosts');
      if (stopped) return;
      const hosts = answer?.hosts ?? [];
      replace(
        hostList,
        h('option', { value: '*' }),
        hosts.map((/** @type {any} */ x) => h('option', { value: x.hostname })),
      );
      const keys = new Set(['host_silent']);
      for (const x of hosts) for (const key of Object.keys(x.latest?.values ?? {})) keys.add(key);
      replace(
        ruleList,
        [...keys].sort().map((k) => h('option', { value: k })),
      );
    } catch {
      // Only suggestions: the form works without them.
    }
  }

  list();
  if (canChange) suggestions();
  return () => {
    stopped = true;
  };
}
