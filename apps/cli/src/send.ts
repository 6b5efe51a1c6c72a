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

/** The most bytes `janitor send -` reads from stdin: above the hub's 64 KiB message limit, so the check names it. */
const STDIN_LIMIT_BYTES = 1 << 20;

/** Reads a message from a stream (`janitor send -`), without the final line break `echo` adds. */
export async function readMessageFrom(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    chunks.push(buffer);
    if (size > STDIN_LIMIT_BYTES) break;
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
