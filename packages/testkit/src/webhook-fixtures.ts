import { readFileSync } from 'node:fs';

/** The recorded webhook payloads of other monitors (see fixtures/webhooks/README.md for where each comes from). */
export type WebhookFixture =
  | 'alertmanager-firing'
  | 'alertmanager-resolved'
  | 'alertmanager-truncated'
  | 'grafana-firing'
  | 'uptime-kuma-down'
  | 'uptime-kuma-up'
  | 'uptime-kuma-test'
  | 'generic-shoutrrr';

/** A recorded webhook payload, as the bytes' text its sender sent (send it as it is). */
export function webhookFixture(name: WebhookFixture): string {
  return readFileSync(new URL(`../fixtures/webhooks/${name}.json`, import.meta.url), 'utf8');
}
