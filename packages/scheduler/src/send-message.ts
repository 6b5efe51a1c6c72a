import { type ClientMessage, createJanitorClient } from '@janitor/protocol';

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

/** What the hub answered: the outbox entry it queued the message as. */
export interface SendReceipt {
  id: number | undefined;
}

/**
 * `janitor send`: posts one message to the hub's `/message` through @janitor/protocol's client and returns the
 * outbox id from the hub's answer. Throws the client's `JanitorClientError` (status, field, retryable) otherwise.
 */
export async function sendMessage(options: SendMessageOptions): Promise<SendReceipt> {
  const { url, token, message, fetch: fetchImpl = globalThis.fetch, timeoutMs } = options;
  let answer: Response | undefined;
  const client = createJanitorClient({
    url,
    ...(token ? { token } : {}),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    // The client resolves with nothing; a copy of the response gives the id the hub queued it as.
    fetch: async (input, init) => {
      const response = await fetchImpl(input, init);
      answer = response.clone();
      return response;
    },
  });
  await client.send(message);
  const body = (await answer?.json().catch(() => undefined)) as { id?: unknown } | undefined;
  return { id: typeof body?.id === 'number' ? body.id : undefined };
}
