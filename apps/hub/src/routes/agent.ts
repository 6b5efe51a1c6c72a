import { AGENT_FILE, type AgentDist, type AgentDistStatus } from '@janitor/runtime';
import { Hono } from 'hono';
import type { HubApp, HubContext, HubEnv } from '../http/hub-env.ts';
import { publicUrl } from '../http/public-url.ts';
import type { RequestLine } from '../http/request-line.ts';

/** What {@link createAgentRoutes} needs. */
export interface AgentRoutesDeps {
  dist: AgentDist;
  /** The install script for a hub address (installScript). */
  script: (hubUrl: string) => Promise<string>;
  /** `app.service.public_url`: the hub's address in the script, instead of the request's. */
  configuredUrl: string | undefined;
  /** The refusal for a request these files are not served to, or `undefined` to serve it. */
  refuse: (c: HubContext) => Response | undefined;
  logged: RequestLine['logged'];
}

/**
 * The hub hands out its agent, to be mounted at `/`:
 *
 * - `GET /install.sh`: the install script (`curl -fsSL http://hub:5000/install.sh | sh -s -- --token T`), with this
 *   hub's address in it ({@link publicUrl}); a request for it also starts getting the bundle ready;
 * - `GET /agent/janitor-agent.mjs`: the single-file agent (ETag and `Repr-Digest` carry its SHA-256);
 * - `GET /agent/janitor-agent.mjs.sha256`: its SHA-256 as `sha256sum` prints it.
 *
 * While a clone's hub builds the bundle, the agent's routes answer 503 with `Retry-After`. They hold no secret, so
 * they need no token; who may fetch them is decided by `refuse` (see createHub).
 */
export function createAgentRoutes(deps: AgentRoutesDeps): HubApp {
  const { dist, script, configuredUrl, refuse, logged } = deps;

  const withBundle = (answer: (c: HubContext, file: { body: Uint8Array; sha256: string }) => Response) =>
    logged(async (c) => {
      const refused = refuse(c);
      if (refused) return refused;
      const found = await dist.current();
      if (found.status !== 'ready') return unavailable(c, found);
      return answer(c, found.file);
    });

  return new Hono<HubEnv>()
    .get(
      '/install.sh',
      logged(async (c) => {
        const refused = refuse(c);
        if (refused) return refused;
        const hubUrl = publicUrl(c, configuredUrl);
        if (hubUrl === undefined) {
          return c.json(
            {
              error: 'cannot tell this hub’s address from the request’s Host header: set app.service.public_url',
              field: 'host',
            },
            400,
          );
        }
        dist.prepare();
        return c.body(await script(hubUrl), 200, {
          'content-type': 'text/plain; charset=utf-8',
          'cache-control': 'no-store',
        });
      }),
    )
    .get(
      `/agent/${AGENT_FILE}`,
      withBundle((c, file) =>
        c.body(file.body as Uint8Array<ArrayBuffer>, 200, {
          'content-type': 'text/javascript; charset=utf-8',
          'cache-control': 'no-cache',
          etag: `"${file.sha256}"`,
          'repr-digest': `sha-256=:${Buffer.from(file.sha256, 'hex').toString('base64')}:`,
        }),
      ),
    )
    .get(
      `/agent/${AGENT_FILE}.sha256`,
      withBundle((c, file) =>
        c.body(`${file.sha256}  ${AGENT_FILE}\n`, 200, {
          'content-type': 'text/plain; charset=utf-8',
          'cache-control': 'no-cache',
        }),
      ),
    );
}

/** 503 with Retry-After: the bundle is being built, or could not be (the reason is in the hub's log, not here). */
function unavailable(c: HubContext, found: Exclude<AgentDistStatus, { status: 'ready' }>): Response {
  const error =
    found.status === 'building'
      ? `the agent is being built; retry in ${found.retryAfterSeconds} s`
      : 'this hub has no agent to hand out now (its log says why)';
  return c.json({ error }, 503, { 'retry-after': String(found.retryAfterSeconds) });
}
