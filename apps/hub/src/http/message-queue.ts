import type { Message, PostAbout } from '@janitor/protocol';
import type { OutboxPayload } from '@janitor/publisher';
import { createGroupCommit, type MessageLog, type MessageLogInput } from '@janitor/store';
import type { AccessCheck } from './access-check.ts';
import type { HubContext } from './hub-env.ts';

/** The outbox as a message is queued in it: durable enqueue of many entries in one transaction. */
export interface MessageOutbox {
  enqueueMany(inputs: readonly { payload: unknown; groupKey?: string | null }[]): readonly { id: number }[];
}

/**
 * Where an accepted message is recorded, in the transaction of its enqueue, so that it is in the log exactly when it
 * is in the outbox (@janitor/store's `Store` fits, over the same connection as the outbox).
 */
export interface MessageLogPort {
  /** Runs `fn` in one write transaction (synchronous). */
  transaction<T>(fn: () => T): T;
  readonly messageLog: Pick<MessageLog, 'recordMany'>;
}

/** Queues a message and records it in the message log; resolves with its outbox entry once both are durable. */
export type MessageQueue = (message: Message, source: string) => Promise<{ id: number }>;

/**
 * The durable queue of messages (`/message`, the generic webhook, Uptime Kuma's test): each message becomes an outbox
 * entry (grouped by its host, its thread key kept in what it is about) and a message log row, in one transaction;
 * the messages of one turn of the event loop share it.
 */
export function createMessageQueue(outbox: MessageOutbox, log: MessageLogPort): MessageQueue {
  type Accepted = {
    entry: { payload: OutboxPayload; groupKey: string; about: PostAbout };
    record: Omit<MessageLogInput, 'outboxId'>;
  };
  const enqueue = createGroupCommit((inputs: readonly Accepted[]) =>
    log.transaction(() => {
      const entries = outbox.enqueueMany(inputs.map((input) => input.entry));
      log.messageLog.recordMany(inputs.map((input, i) => ({ ...input.record, outboxId: entries[i]!.id })));
      return entries;
    }),
  );
  return (message, source) =>
    enqueue({
      entry: {
        payload: { kind: 'message', message },
        groupKey: message.hostname ?? '',
        about: {
          kind: 'message',
          ...(message.hostname ? { host: message.hostname } : {}),
          groupKey: message.hostname ?? '',
          ...(message.thread ? { thread: message.thread } : {}),
        },
      },
      record: {
        hostname: message.hostname ?? null,
        source,
        type: message.type,
        summary: message.summary ?? null,
        text: message.text,
      },
    });
}

/** Who sent a request, as the message log names it: `token:NAME`, else the client's address (`unknown`). */
export function messageSource(c: HubContext, access: Pick<AccessCheck, 'sender'>): string {
  const tokenName = c.get('tokenName');
  return tokenName === undefined ? (access.sender(c).address ?? 'unknown') : `token:${tokenName}`;
}
