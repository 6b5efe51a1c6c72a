import { fail, type ParseResult } from './wire-error.ts';
import { isRecord, own } from './wire-text.ts';

/**
 * A silence as the hub shows it: in the answers of `POST /silences` and `DELETE /silences/:id` (`{ status, silence }`)
 * and of `GET /silences` (`{ silences: [...] }`).
 */
export interface SilenceView {
  /** The silence's number, for `DELETE /silences/:id`. */
  id: number;
  /** The host, or `*` for every host. */
  host: string;
  /** A metric, an alert key, `host_silent`, or `*` for every alert. */
  rule: string;
  /** When it ends, ISO 8601 (UTC). */
  until: string;
  /** When it ends, in ms since the epoch. */
  untilMs: number;
  reason: string | null;
  createdAtMs: number;
}

/**
 * Checks a silence as a hub answered it (see {@link SilenceView}), for a client that must not trust what it is
 * handed. Fields it does not know are dropped; a problem is a 400 naming the field. Never throws.
 */
export function parseSilenceView(value: unknown): ParseResult<SilenceView> {
  if (!isRecord(value)) return fail(400, 'expected a silence object', 'silence');
  const id = own(value, 'id');
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) {
    return fail(400, 'expected a positive integer', 'silence.id');
  }
  const texts: Record<'host' | 'rule' | 'until', string> = { host: '', rule: '', until: '' };
  for (const key of ['host', 'rule', 'until'] as const) {
    const text = own(value, key);
    if (typeof text !== 'string') return fail(400, 'expected a text', `silence.${key}`);
    texts[key] = text;
  }
  const times: Record<'untilMs' | 'createdAtMs', number> = { untilMs: 0, createdAtMs: 0 };
  for (const key of ['untilMs', 'createdAtMs'] as const) {
    const ms = own(value, key);
    if (typeof ms !== 'number' || !Number.isFinite(ms)) return fail(400, 'expected a time in ms', `silence.${key}`);
    times[key] = ms;
  }
  const reason = own(value, 'reason') ?? null;
  if (reason !== null && typeof reason !== 'string') return fail(400, 'expected a text or null', 'silence.reason');
  const view: SilenceView = {
    id,
    host: texts.host,
    rule: texts.rule,
    until: texts.until,
    untilMs: times.untilMs,
    reason,
    createdAtMs: times.createdAtMs,
  };
  return { ok: true, value: view };
}
