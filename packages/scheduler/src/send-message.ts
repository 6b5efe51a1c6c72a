import { type ClientMessage, createJanitorClient, type SendReceipt } from '@janitor/protocol';

export type { SendReceipt } from '@janitor/protocol';

export interface SendMessageOptions {
  /** The hub's base URL. */
  url: string;
  token?: string;
  message: ClientMessage;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** @default 5000 */
  timeoutMs?: number;
}

/**
 * `janitor send`: posts one message to the hub's `/message` through @janitor/protocol's client and returns its
 * receipt, the outbox id from the hub's answer. Throws the client's `JanitorClientError` (status, field, retryable)
 * otherwise.
 */
export async function sendMessage(options: SendMessageOptions): Promise<SendReceipt> {
  const { url, token, message, fetch: fetchImpl, timeoutMs } = options;
  const client = createJanitorClient({
    url,
    ...(token ? { token } : {}),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(fetchImpl === undefined ? {} : { fetch: fetchImpl }),
  });
  return client.send(message);
}
