import { parseGenericWebhookRequest } from '@janitor/protocol';
import { createReceiverRoutes, type ReceiverDeps } from '../http/alert-receiver.ts';
import type { HubApp } from '../http/hub-env.ts';

/**
 * `POST /` (mounted at `/webhooks/generic`): `{ title?, message, type?, thread?, hostname? }` as JSON, a form, or
 * the message as plain text (Beszel's and shoutrrr's generic webhook), queued as a message like `/message`: `title` is
 * its summary, `thread` a key whose messages within `threads.window` form one thread.
 */
export function createGenericRoutes(deps: ReceiverDeps): HubApp {
  return createReceiverRoutes(deps, {
    read(contentType, body) {
      const message = parseGenericWebhookRequest({ contentType, body });
      return message.ok ? { ok: true, value: { kind: 'message', message: message.value } } : message;
    },
  });
}
