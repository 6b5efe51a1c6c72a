import {
  type AlertLogPage,
  type MessageLogPage,
  type ParseResult,
  parseAlertLogQuery,
  parseMessageLogQuery,
} from '@janitor/protocol';
import { type AlertLog, LogCursorError, type LogPage, type MessageLog } from '@janitor/store';
import { Hono } from 'hono';
import type { AccessCheck } from '../http/access-check.ts';
import type { HubApp, HubContext, HubEnv } from '../http/hub-env.ts';
import type { RequestLine } from '../http/request-line.ts';
import { refuse } from '../http/wire-refusal.ts';

/** The logs as the read API pages through them (@janitor/store's `Store` fits). */
export interface LogsStore {
  readonly alertLog: Pick<AlertLog, 'list'>;
  readonly messageLog: Pick<MessageLog, 'list'>;
}

/** What {@link createLogRoutes} needs. */
export interface LogRoutesDeps {
  logs: LogsStore;
  access: Pick<AccessCheck, 'authorize'>;
  logged: RequestLine['logged'];
  /** The clock relative times (`from=-7d`) are read against. @default Date.now */
  now?: () => number;
}

/** The filters both logs share, from a query already read. */
interface Filter {
  host?: string;
  hosts?: readonly string[];
  fromMs?: number;
  limit: number;
  cursor?: string;
}

/**
 * Mounted at `/api/v1`: `GET /alerts` (the alert log: `state=firing|resolved`, `host`, `from`, `limit`, `cursor`)
 * answers `{ alerts, next }`; `GET /messages` (the message log: `host`, `from`, `limit`, `cursor`) answers
 * `{ messages, next }`. Newest first; `next` is the cursor of the next (older) page, null on the last. Scope `read`.
 * A bad parameter, or a cursor this hub did not hand out, is a 400 naming it; a token limited to some hosts sees only
 * theirs (asking for another host is a 403 on `host`).
 */
export function createLogRoutes(deps: LogRoutesDeps): HubApp {
  const { logs, access, logged, now = Date.now } = deps;

  /** Reads the query, checks the token's hosts, and answers the page `list` gives, named `name`. */
  function page<Q extends Filter, T>(
    c: HubContext,
    parse: (params: Record<string, string[]>, nowMs: number) => ParseResult<Q>,
    list: (query: Q) => LogPage<T>,
    name: 'alerts' | 'messages',
  ): Response {
    const denied = access.authorize(c, 'read');
    if (denied) return denied;
    const parsed = parse(c.req.queries(), now());
    if (!parsed.ok) return refuse(c, parsed.error);
    const query = parsed.value;
    const hosts = c.get('hosts');
    if (hosts !== undefined) {
      if (query.host !== undefined && !hosts.includes(query.host)) {
        return c.json({ error: `this token may not read host ${JSON.stringify(query.host)}`, field: 'host' }, 403);
      }
      query.hosts = hosts;
    }
    let found: LogPage<T>;
    try {
      found = list(query);
    } catch (error) {
      if (error instanceof LogCursorError) return c.json({ error: error.message, field: error.field }, 400);
      throw error;
    }
    const body = { [name]: found.entries, next: found.next };
    return c.json(body as unknown as AlertLogPage | MessageLogPage);
  }

  return new Hono<HubEnv>()
    .get(
      '/alerts',
      logged((c) => page(c, parseAlertLogQuery, (query) => logs.alertLog.list(query), 'alerts')),
    )
    .get(
      '/messages',
      logged((c) => page(c, parseMessageLogQuery, (query) => logs.messageLog.list(query), 'messages')),
    );
}
