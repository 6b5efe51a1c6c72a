import type { CheckEngine } from '@janitor/alerting';
import { Hono } from 'hono';
import type { AccessCheck } from '../http/access-check.ts';
import type { HubApp, HubEnv } from '../http/hub-env.ts';
import type { RequestLine } from '../http/request-line.ts';

/** What {@link createCheckListRoutes} needs. */
export interface CheckListRoutesDeps {
  /** The job check-ins (createCheckEngine). */
  checks: Pick<CheckEngine, 'view'>;
  access: Pick<AccessCheck, 'authorize'>;
  logged: RequestLine['logged'];
}

/**
 * Mounted at `/api/v1` (scope `read`): `GET /checks`, every job check-in with its state, last ping and next deadline
 * (`{ nowMs, checks }`, by slug). A token limited to some hosts sees the checks of those hosts only.
 */
export function createCheckListRoutes(deps: CheckListRoutesDeps): HubApp {
  const { checks, access, logged } = deps;
  return new Hono<HubEnv>().get(
    '/checks',
    logged((c) => {
      const denied = access.authorize(c, 'read');
      if (denied) return denied;
      const view = checks.view();
      const hosts = c.get('hosts');
      if (hosts === undefined) return c.json(view);
      return c.json({
        ...view,
        checks: view.checks.filter((check) => check.host !== null && hosts.includes(check.host)),
      });
    }),
  );
}
