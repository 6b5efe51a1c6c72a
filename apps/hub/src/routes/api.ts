import { parseHostnameParam } from '@janitor/history';
import type { ReadModel, ReadResult } from '@janitor/runtime/read';
import { Hono } from 'hono';
import type { AccessCheck } from '../http/access-check.ts';
import type { HubApp, HubContext, HubEnv } from '../http/hub-env.ts';
import type { RequestLine } from '../http/request-line.ts';

/** What {@link createApiRoutes} needs. */
export interface ApiRoutesDeps {
  /** The hosts, their state and history (createReadModel over the hub's store and alert engine). */
  read: ReadModel;
  /** False when `history.enabled` is off: a series is then a 404 saying so. @default true */
  historyEnabled?: boolean;
  access: Pick<AccessCheck, 'authorize' | 'checkHost'>;
  logged: RequestLine['logged'];
  /** Forgets a host everywhere; absent: `DELETE /hosts/:hostname` is not served. */
  forgetHost?: (hostname: string) => Promise<boolean>;
}

/**
 * Mounted at `/api/v1` (scope `read`): `GET /hosts` (the fleet; `?problems=1` for the hosts with a problem only),
 * `GET /hosts/:hostname` (one host, its series keys and limits), `GET /hosts/:hostname/series?metrics=…&from=…&to=…`
 * (columnar points, at most ~1,500). A token limited to some hosts sees those only. A bad parameter is a 400 naming
 * it, an unknown host a 404. `DELETE /hosts/:hostname` (scope `admin`) forgets a decommissioned host.
 */
export function createApiRoutes(deps: ApiRoutesDeps): HubApp {
  const { read, access, logged, historyEnabled = true, forgetHost } = deps;
  const answer = <T>(c: HubContext, result: ReadResult<T>) =>
    result.ok ? c.json(result.body as object) : c.json({ error: result.error, field: result.field }, result.status);
  return new Hono<HubEnv>()
    .get(
      '/hosts',
      logged((c) => {
        const denied = access.authorize(c, 'read');
        if (denied) return denied;
        const problems = c.req.query('problems');
        if (problems !== undefined && !['', '0', '1', 'true', 'false'].includes(problems)) {
          return c.json({ error: 'expected 1 or 0', field: 'problems' }, 400);
        }
        const fleet = read.fleet({ problems: problems === '1' || problems === 'true' || problems === '' });
        const allowed = c.get('hosts');
        if (allowed === undefined) return c.json(fleet);
        return c.json({ ...fleet, hosts: fleet.hosts.filter((h) => allowed.includes(h.hostname)) });
      }),
    )
    .get(
      '/hosts/:hostname',
      logged((c) => {
        const hostname = c.req.param('hostname') ?? '';
        return access.authorize(c, 'read') ?? access.checkHost(c, hostname) ?? answer(c, read.host(hostname));
      }),
    )
    .delete(
      '/hosts/:hostname',
      logged(async (c) => {
        const denied = access.authorize(c, 'admin');
        if (denied) return denied;
        const name = parseHostnameParam(c.req.param('hostname'));
        if (!name.ok) return c.json({ error: name.error, field: name.field }, 400);
        if (!forgetHost) return c.json({ error: 'this hub cannot forget hosts', field: 'hostname' }, 404);
        if (!(await forgetHost(name.value))) {
          return c.json({ error: `no host ${JSON.stringify(name.value)} is known`, field: 'hostname' }, 404);
        }
        return c.json({ status: 'forgotten', hostname: name.value });
      }),
    )
    .get(
      '/hosts/:hostname/series',
      logged((c) => {
        const hostname = c.req.param('hostname') ?? '';
        const denied = access.authorize(c, 'read') ?? access.checkHost(c, hostname);
        if (denied) return denied;
        if (!historyEnabled) {
          return c.json({ error: 'this hub keeps no history (history.enabled: false)', field: 'metrics' }, 404);
        }
        const { metrics, from, to, points } = c.req.query();
        return answer(c, read.series(hostname, { metrics, from, to, points }));
      }),
    );
}
