import { createExpositionEncoder, negotiateExposition } from '@janitor/prometheus';
import type { HubMetrics } from '@janitor/runtime/hub';
import { Hono } from 'hono';
import type { AccessCheck } from '../http/access-check.ts';
import type { HubApp, HubEnv } from '../http/hub-env.ts';
import type { RequestLine } from '../http/request-line.ts';

/** What {@link createMetricsRoutes} needs. */
export interface MetricsRoutesDeps {
  /** The families to expose (createHubMetrics over the hub's store and alert engine). */
  metrics: Pick<HubMetrics, 'families'>;
  access: Pick<AccessCheck, 'authorize'>;
  logged: RequestLine['logged'];
}

/**
 * `GET /` (mounted at `/metrics`, scope `read`, or no token from the networks the hub takes anonymous requests from):
 * the hub's metrics for Prometheus, in OpenMetrics 1.0.0 when the scraper's `Accept` asks for it, else in the text
 * format 0.0.4 (an Accept header it cannot use is no error). A token limited to some hosts sees those hosts only.
 * Each answer is written into the buffer of the last one once that one is sent (a megabyte for a thousand hosts:
 * see createExpositionEncoder).
 */
export function createMetricsRoutes(deps: MetricsRoutesDeps): HubApp {
  const { metrics, access, logged } = deps;
  const encoder = createExpositionEncoder();
  return new Hono<HubEnv>().get(
    '/',
    logged((c) => {
      const denied = access.authorize(c, 'read');
      if (denied) return denied;
      const { format, contentType } = negotiateExposition(c.req.header('accept'));
      const body = encoder.encode(metrics.families({ hosts: c.get('hosts') }), format);
      // Node's response closes once every byte was handed to the kernel, or once the request is gone; under
      // app.request() there is none, and the buffer is left to the garbage collector.
      c.env?.outgoing?.once('close', () => encoder.release(body));
      return c.body(body as Uint8Array<ArrayBuffer>, 200, { 'content-type': contentType, 'cache-control': 'no-store' });
    }),
  );
}
