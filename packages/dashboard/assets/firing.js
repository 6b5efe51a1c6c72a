// A host's firing alerts as the fleet's cards and the host page list them.
import { h } from './dom.js';
import { duration, formatValue, unitOf } from './format.js';

/**
 * The list of firing alerts (`CPU % warning: 97 % (limit 90 %), for 12 min`), or null when none fires.
 * @param {any[] | undefined} firing the `firing` of a host from the API
 * @param {number} nowMs the API's clock
 */
export function firingList(firing, nowMs) {
  if (!firing || firing.length === 0) return null;
  return h(
    'ul',
    { class: 'firing' },
    firing.map((/** @type {any} */ f) =>
      h(
        'li',
        { class: `level-${f.level}` },
        `${f.label ?? f.key} ${f.level}: ${formatValue(f.value, unitOf(f.key))}`,
        f.limit === null || f.limit === undefined ? '' : ` (limit ${formatValue(f.limit, unitOf(f.key))})`,
        `, for ${duration(nowMs - f.sinceMs)}`,
      ),
    ),
  );
}
