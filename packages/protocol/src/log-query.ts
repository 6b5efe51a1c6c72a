import { parseTimeParameter } from './time-parameter.ts';
import { fail, type ParseResult } from './wire-error.ts';
import { WIRE_LIMITS } from './wire-limits.ts';
import { type TextRule, textProblem } from './wire-text.ts';

/** How many rows a page of a log holds when the request does not say (`limit`). */
export const DEFAULT_LOG_LIMIT = 50;

/** The most rows a page of a log may hold (`limit`). */
export const MAX_LOG_LIMIT = 500;

/** `GET /api/v1/alerts`, its parameters read. */
export interface AlertLogQuery {
  /** `firing`: the alerts whose incident is still open; `resolved`: the incidents that ended. @default every row */
  state?: 'firing' | 'resolved';
  host?: string;
  /** Only rows at or after this time (epoch ms). */
  fromMs?: number;
  /** @default DEFAULT_LOG_LIMIT */
  limit: number;
  /** Where the page starts: the `next` of the previous page. */
  cursor?: string;
}

/** `GET /api/v1/messages`, its parameters read. */
export type MessageLogQuery = Omit<AlertLogQuery, 'state'>;

/** A request's query: each parameter with every value it was given (Hono's `c.req.queries()`), or one value. */
export type QueryParameters = Readonly<Record<string, string | readonly string[] | undefined>>;

const HOST_RULE: TextRule = { maxLength: WIRE_LIMITS.hostnameLength, multiline: false, visibleOnly: true };
const CURSOR = /^[A-Za-z0-9_-]{1,64}$/;
const LIMIT = /^\d{1,4}$/;

/**
 * Reads the parameters of `GET /api/v1/alerts`: `state` (`firing` or `resolved`), `host`, `from` (see
 * {@link parseTimeParameter}), `limit` (1 to {@link MAX_LOG_LIMIT}) and `cursor`. A bad one, one given twice, or a
 * parameter it does not know (a typo must not pass for "everything") is a 400 naming the parameter. Pure.
 * @example parseAlertLogQuery({ state: 'firing', from: '-7d' }, now) // { ok: true, value: { state: 'firing', fromMs: now - 7 days, limit: 50 } }
 */
export function parseAlertLogQuery(params: QueryParameters, nowMs: number): ParseResult<AlertLogQuery> {
  const read = readParameters(params, ['state', 'host', 'from', 'limit', 'cursor']);
  if (!read.ok) return read;
  const { state, ...rest } = read.value;
  const common = readCommon(rest, nowMs);
  if (!common.ok || state === undefined) return common;
  if (state !== 'firing' && state !== 'resolved') {
    return fail(400, `state must be firing or resolved, got ${JSON.stringify(state.slice(0, 40))}`, 'state');
  }
  return { ok: true, value: { state, ...common.value } };
}

/**
 * Reads the parameters of `GET /api/v1/messages`: `host`, `from`, `limit` and `cursor`, as
 * {@link parseAlertLogQuery} reads them. Pure.
 */
export function parseMessageLogQuery(params: QueryParameters, nowMs: number): ParseResult<MessageLogQuery> {
  const read = readParameters(params, ['host', 'from', 'limit', 'cursor']);
  return read.ok ? readCommon(read.value, nowMs) : read;
}

/** Each known parameter's one value; a 400 for one given twice or one not in `known`. */
function readParameters(
  params: QueryParameters,
  known: readonly string[],
): ParseResult<Partial<Record<string, string>>> {
  const values: Partial<Record<string, string>> = {};
  for (const [name, given] of Object.entries(params)) {
    if (given === undefined) continue;
    const list = typeof given === 'string' ? [given] : given;
    if (list.length === 0) continue;
    const shown = JSON.stringify(name.slice(0, 40));
    if (!known.includes(name)) {
      return fail(400, `unknown parameter ${shown}; this endpoint takes ${known.join(', ')}`, name.slice(0, 40));
    }
    if (list.length > 1) return fail(400, `${name} must be given once`, name);
    values[name] = list[0];
  }
  return { ok: true, value: values };
}

function readCommon(values: Partial<Record<string, string>>, nowMs: number): ParseResult<MessageLogQuery> {
  const { host, from, limit, cursor } = values;
  const query: MessageLogQuery = { limit: DEFAULT_LOG_LIMIT };
  if (host !== undefined) {
    if (host.trim() === '') return fail(400, 'host must not be empty', 'host');
    const problem = textProblem('host', host, HOST_RULE);
    if (problem !== undefined) return fail(400, problem, 'host');
    query.host = host;
  }
  if (from !== undefined) {
    const fromMs = parseTimeParameter(from, nowMs);
    if (fromMs === undefined) {
      return fail(400, 'from must be a time: ISO 8601, epoch ms, now, or before now such as -24h or -7d', 'from');
    }
    query.fromMs = fromMs;
  }
  if (limit !== undefined) {
    const n = LIMIT.test(limit) ? Number(limit) : Number.NaN;
    if (!(n >= 1 && n <= MAX_LOG_LIMIT))
      return fail(400, `limit must be a whole number from 1 to ${MAX_LOG_LIMIT}`, 'limit');
    query.limit = n;
  }
  if (cursor !== undefined) {
    if (!CURSOR.test(cursor)) return fail(400, 'cursor must be the next of a previous page', 'cursor');
    query.cursor = cursor;
  }
  return { ok: true, value: query };
}
