import { parseSilenceRequest } from '@janitor/protocol';
import { silenceView } from '@janitor/runtime/hub';
import type { Silence } from '@janitor/store';
import { Hono } from 'hono';
import type { AccessCheck } from '../http/access-check.ts';
import type { HubApp, HubEnv } from '../http/hub-env.ts';
import { readBody } from '../http/read-body.ts';
import type { RequestLine } from '../http/request-line.ts';
import { storeLost } from '../http/store-lost.ts';
import { refuse } from '../http/wire-refusal.ts';

/** The silences as the routes use them (the hub's alert engine fits). */
export interface SilenceAlerts {
  /** Starts a silence now. */
  silence(request: { hostname: string; key?: string; forMs: number; reason?: string }): Silence;
  /** The silences running now, in id order. */
  silences(): Silence[];
  /** Ends a silence. */
  unsilence(id: number): unknown;
}

/** What {@link createSilenceRoutes} needs. */
export interface SilenceRoutesDeps {
  alerts: SilenceAlerts;
  access: Pick<AccessCheck, 'authorize' | 'checkHost'>;
  logged: RequestLine['logged'];
  /** Why nothing can be kept now (the store's file is gone), checked before every write. @default () => undefined */
  storeProblem?: (() => string | undefined) | undefined;
  /** How many silences may run at once: one more is a 409. @default {@link MAX_ACTIVE_SILENCES} */
  maxActive?: number;
}

/** How many silences may run at once by default: a bound on what a token (or a bug in a script) can pile up. */
export const MAX_ACTIVE_SILENCES = 1000;

const SILENCE_ID = /^[1-9]\d{0,15}$/;

/**
 * Mounted at `/silences`: `POST /` starts a silence (@janitor/protocol's `parseSilenceRequest`) and answers
 * `{ status: 'silenced', silence }`, `GET /` lists the running ones `{ silences }`, `DELETE /:id` ends one and answers
 * `{ status: 'removed', silence }` (404 on `id` when none runs). Starting and ending silences needs the `admin`
 * scope, listing them `read`. A token limited to some hosts sees and changes only their silences. At most
 * `maxActive` run at once: one more is a 409 naming the limit. A store that cannot keep a silence (a full disk) makes
 * it a 503 the client may retry (through `app.onError`).
 */
export function createSilenceRoutes(deps: SilenceRoutesDeps): HubApp {
  const { alerts, access, logged, maxActive = MAX_ACTIVE_SILENCES, storeProblem = () => undefined } = deps;
  return new Hono<HubEnv>()
    .post(
      '/',
      logged(async (c) => {
        const denied = access.authorize(c, 'admin');
        if (denied) return denied;
        if (storeProblem() !== undefined) return storeLost(c);
        const parsed = await readBody(c, parseSilenceRequest);
        if (!parsed.ok) return refuse(c, parsed.error);
        const { host, rule, forMs, reason } = parsed.value;
        const hostDenied = access.checkHost(c, host);
        if (hostDenied) return hostDenied;
        if (alerts.silences().length >= maxActive) {
          const error = `at most ${maxActive} silences may run at once; end one first (DELETE /silences/ID)`;
          return c.json({ error, field: 'silences', limit: maxActive }, 409);
        }
        const silence = alerts.silence({
          hostname: host,
          key: rule,
          forMs,
          ...(reason === undefined ? {} : { reason }),
        });
        return c.json({ status: 'silenced', silence: silenceView(silence) });
      }),
    )
    .get(
      '/',
      logged((c) => {
        const denied = access.authorize(c, 'read');
        if (denied) return denied;
        const hosts = c.get('hosts');
        const visible = alerts.silences().filter((s) => hosts === undefined || hosts.includes(s.hostname));
        return c.json({ silences: visible.map(silenceView) });
      }),
    )
    .delete(
      '/:id',
      logged((c) => {
        const denied = access.authorize(c, 'admin');
        if (denied) return denied;
        if (storeProblem() !== undefined) return storeLost(c);
        const raw = c.req.param('id') ?? '';
        const id = SILENCE_ID.test(raw) ? Number(raw) : Number.NaN;
        if (!Number.isSafeInteger(id)) {
          return c.json({ error: 'expected a silence id (a positive integer)', field: 'id' }, 400);
        }
        const running = alerts.silences().find((s) => s.id === id);
        if (running === undefined) return c.json({ error: `no running silence with id ${id}`, field: 'id' }, 404);
        const hostDenied = access.checkHost(c, running.hostname);
        if (hostDenied) return hostDenied;
        alerts.unsilence(id);
        return c.json({ status: 'removed', silence: silenceView(running) });
      }),
    );
}
