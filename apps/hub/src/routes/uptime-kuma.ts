import {
  decodeUtf8Strict,
  type ParseResult,
  parseJsonBody,
  parseJsonRequest,
  parseUptimeKumaWebhook,
} from '@janitor/protocol';
import { createReceiverRoutes, type Delivery, type ReceiverDeps } from '../http/alert-receiver.ts';
import type { HubApp } from '../http/hub-env.ts';
import { isMultipart } from '../http/multipart-message.ts';

/**
 * `POST /` (mounted at `/webhooks/uptime-kuma`): Uptime Kuma's webhook notification, its body as JSON
 * (`application/json`) or as the JSON in the `data` field of a `multipart/form-data` body. A monitor going down
 * (`heartbeat.status` 0) fires an alert keyed by the monitor's id, coming back up (1) posts its end in the incident's
 * thread; pending and maintenance heartbeats are ignored; the Test button (no heartbeat) posts its `msg` as a message.
 */
export function createUptimeKumaRoutes(deps: ReceiverDeps): HubApp {
  return createReceiverRoutes(deps, {
    async read(contentType, body) {
      const json = isMultipart(contentType)
        ? await dataField(contentType, body)
        : parseJsonRequest({ contentType, body });
      if (!json.ok) return json;
      const event = parseUptimeKumaWebhook(json.value);
      if (!event.ok) return event;
      const value = event.value;
      const delivery: Delivery =
        value.kind === 'alert'
          ? { kind: 'alerts', alerts: [value.alert], received: 1 }
          : value.kind === 'test'
            ? { kind: 'message', message: value.message }
            : value;
      return { ok: true, value: delivery };
    },
  });
}

/** The JSON of the `data` field of Uptime Kuma's form-data body. */
async function dataField(contentType: string, body: Uint8Array): Promise<ParseResult<unknown>> {
  const text = decodeUtf8Strict(body);
  if (!text.ok) return text;
  let data: ReturnType<FormData['get']>;
  try {
    data = (await new Response(body, { headers: { 'content-type': contentType } }).formData()).get('data');
  } catch {
    return { ok: false, error: { status: 400, error: 'malformed multipart body', field: 'body' } };
  }
  if (typeof data !== 'string') {
    return {
      ok: false,
      error: { status: 400, error: 'data must be a text field holding the JSON body', field: 'data' },
    };
  }
  const json = parseJsonBody(data);
  return json.ok ? json : { ok: false, error: { ...json.error, field: 'data' } };
}
