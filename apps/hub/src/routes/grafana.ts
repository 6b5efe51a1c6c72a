import { alertmanagerAlerts, parseGrafanaWebhook, parseJsonRequest } from '@janitor/protocol';
import { createReceiverRoutes, type ReceiverDeps } from '../http/alert-receiver.ts';
import type { HubApp } from '../http/hub-env.ts';

/**
 * `POST /` and `PUT /` (mounted at `/webhooks/grafana`): a Grafana webhook contact point (payload version 1: the
 * Alertmanager shape with `title`, `state` and `message`), its alerts keyed by fingerprint under the source
 * `grafana`, as `/webhooks/alertmanager` takes them.
 */
export function createGrafanaRoutes(deps: ReceiverDeps): HubApp {
  return createReceiverRoutes(deps, {
    methods: ['POST', 'PUT'],
    read(contentType, body) {
      const json = parseJsonRequest({ contentType, body });
      if (!json.ok) return json;
      const payload = parseGrafanaWebhook(json.value);
      if (!payload.ok) return payload;
      const alerts = alertmanagerAlerts(payload.value, { source: 'grafana' });
      return { ok: true, value: { kind: 'alerts', alerts, received: payload.value.alerts.length } };
    },
  });
}
