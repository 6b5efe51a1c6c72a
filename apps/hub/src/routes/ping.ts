import type { CheckEngine } from '@janitor/alerting';
import { isCheckSlug, pingBodyTail } from '@janitor/checks';
import { type PingKind, parsePingSegment } from '@janitor/protocol';
import { Hono } from 'hono';
import type { AccessCheck } from '../http/access-check.ts';
import type { HubApp, HubContext, HubEnv } from '../http/hub-env.ts';
import { readBytes } from '../http/read-body.ts';
import type { RequestLine } from '../http/request-line.ts';
import { storeLost } from '../http/store-lost.ts';
import { refuse } from '../http/wire-refusal.ts';

/** What {@link createPingRoutes} needs. */
export interface PingRoutesDeps {
  /** The job check-ins (createCheckEngine). */
  checks: Pick<CheckEngine, 'find' | 'ping' | 'autoCreate'>;
  access: Pick<AccessCheck, 'authorize'>;
  logged: RequestLine['logged'];
  /** Why nothing can be kept now (the store's file is gone), checked before every write. @default () => undefined */
  storeProblem?: (() => string | undefined) | undefined;
}

/**
 * Mounted at `/ping`: job check-ins, at the URLs of Healthchecks (a script switches by changing the host).
 * `GET|POST /{slug}` (success; HEAD too, as Hono answers it with GET's handler), `/{slug}/start`, `/{slug}/fail`,
 * `/{slug}/{exit-status}` (0 success, 1-255 failure), with an optional body, the run's output, of which the last
 * 10 KB are kept. Answered `OK` (text/plain) once the ping
 * and what it changed (its post, its log rows) are durable. Scope `write`, as `/message`; a token limited to hosts
 * may ping only the checks of those hosts. An unknown slug is a 404 on `slug` (unless `checks_auto_create`), a bad
 * exit status a 400 on `exit-status`.
 */
export function createPingRoutes(deps: PingRoutesDeps): HubApp {
  const { checks, access, logged, storeProblem = () => undefined } = deps;
  const handler = logged(async (c) => {
    const denied = access.authorize(c, 'write');
    if (denied) return denied;
    if (storeProblem() !== undefined) return storeLost(c);
    const slug = c.req.param('slug') ?? '';
    const check = checks.find(slug);
    if (check === undefined && !checks.autoCreate) return unknown(c, slug);
    if (check === undefined && !isCheckSlug(slug)) {
      return c.json(
        { error: `expected a slug of 1-64 characters a-z, 0-9, - and _, got ${JSON.stringify(slug)}`, field: 'slug' },
        400,
      );
    }
    let kind: PingKind = 'success';
    const segment = c.req.param('kind');
    if (segment !== undefined) {
      const read = parsePingSegment(segment);
      if (!read.ok) return refuse(c, read.error);
      kind = read.value;
    }
    // A token for some hosts speaks for the checks of those hosts only (a check a ping creates has none).
    const hosts = c.get('hosts');
    if (hosts !== undefined && !(check?.host !== undefined && hosts.includes(check.host))) {
      return c.json(
        {
          error: `this token may not ping check ${JSON.stringify(slug)}: it is not about a host the token may speak for`,
          field: 'slug',
        },
        403,
      );
    }
    const body = await readBytes(c);
    if (!body.ok) return refuse(c, body.error);
    const tail = pingBodyTail(body.value);
    const outcome = await checks.ping(slug, kind, tail === '' ? undefined : tail);
    if (!outcome.accepted) return unknown(c, slug, outcome.reason === 'full');
    return c.text('OK');
  });
  return new Hono<HubEnv>().on(['GET', 'POST'], '/:slug', handler).on(['GET', 'POST'], '/:slug/:kind', handler);
}

/** The 404 of a ping to a check the hub does not have (and does not create). */
function unknown(c: HubContext, slug: string, full = false): Response {
  const shown = JSON.stringify(slug.slice(0, 80));
  const error = full
    ? `no check ${shown}, and this hub has as many checks as it keeps: declare it under checks in config.yaml`
    : `no check ${shown}: declare it under checks in config.yaml, or set checks_auto_create: true`;
  return c.json({ error, field: 'slug' }, 404);
}
