import { alertmanagerAlerts, parseAlertmanagerWebhook, parseJsonRequest } from '@janitor/protocol';
import { createReceiverRoutes, type ReceiverDeps } from '../http/alert-receiver.ts';
import type { HubApp } from '../http/hub-env.ts';

/**
 * `POST /` (mounted at `/webhooks/alertmanager`): Alertmanager's webhook (payload version 4), each alert keyed by
 * its fingerprint through the foreign alert engine: `firing` starts or continues an incident, `resolved` posts its end
 * in the incident's thread, a re-send of an unchanged group (every `repeat_interval`) posts nothing; the `severity`
 * label picks the post's type, the `summary` and `description` annotations its text; alerts the group left out
 * (`truncatedAlerts`) are said in a post of their own.
 */
export function createAlertmanagerRoutes(deps: ReceiverDeps): HubApp {
  return createReceiverRoutes(deps, {
    read(contentType, body) {
      const json = parseJsonRequest({ contentType, body });
      if (!json.ok) return json;
      const payload = parseAlertmanagerWebhook(json.value);
      if (!payload.ok) return payload;
      const alerts = alertmanagerAlerts(payload.value);
      return { ok: true, value: { kind: 'alerts', alerts, received: payload.value.alerts.length } };
    },
  });
}
