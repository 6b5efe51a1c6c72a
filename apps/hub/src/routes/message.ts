import { type Logger, type MessageParseResult, type PostAbout, parseMessageRequest } from '@janitor/protocol';
import type { OutboxPayload } from '@janitor/publisher';
import { createGroupCommit, type MessageLog, type MessageLogInput } from '@janitor/store';
import { Hono } from 'hono';
import type { AccessCheck } from '../http/access-check.ts';
import { header } from '../http/header.ts';
import type { HubApp, HubContext, HubEnv } from '../http/hub-env.ts';
import { isMultipart, parseMultipartMessage } from '../http/multipart-message.ts';
import { type Refusal, readBody, readBytes } from '../http/read-body.ts';
import type { RequestLine } from '../http/request-line.ts';
import { storeLost } from '../http/store-lost.ts';
import { refuse } from '../http/wire-refusal.ts';

/** The outbox as `/message` uses it: durable enqueue of many entries in one transaction. */
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

/** What {@link createMessageRoutes} needs. */
export interface MessageRoutesDeps {
  outbox: MessageOutbox;
  /** The message log. */
  log: MessageLogPort;
  /** Called after something was queued (wakes the outbox worker). */
  onQueued?: (() => void) | undefined;
  access: Pick<AccessCheck, 'authorize' | 'checkHost' | 'sender'>;
  logged: RequestLine['logged'];
  /** Why nothing can be kept now (the store's file is gone), checked before every write. @default () => undefined */
  storeProblem?: (() => string | undefined) | undefined;
  /** Told about the fields of an accepted message that were ignored. */
  logger: Logger;
}

/**
 * `POST /` (mounted at `/message`): a message as a form, JSON or multipart (the original's clients, curl `-d` and
 * `-F`), answered `{ status: 'queued', id }` once it is in the durable outbox and the message log (its source: the
 * token's name as `token:NAME`, else the client's address). The enqueues of one turn of the event loop are written in
 * one transaction. Fields that are not a message's are ignored and named, in the answer (`ignored: [...]`, the status
 * stays 200) and in a warning line.
 */
export function createMessageRoutes(deps: MessageRoutesDeps): HubApp {
  const { outbox, log, onQueued, access, logged, logger, storeProblem = () => undefined } = deps;
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
  return new Hono<HubEnv>().post(
    '/',
    logged(async (c) => {
      const denied = access.authorize(c, 'write');
      if (denied) return denied;
      if (storeProblem() !== undefined) return storeLost(c);
      const parsed = await readMessage(c);
      if (!parsed.ok) return refuse(c, parsed.error);
      const message = parsed.value;
      const hostDenied = access.checkHost(c, message.hostname);
      if (hostDenied) return hostDenied;
      const tokenName = c.get('tokenName');
      const entry = await enqueue({
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
          source: tokenName === undefined ? (access.sender(c).address ?? 'unknown') : `token:${tokenName}`,
          type: message.type,
          summary: message.summary ?? null,
          text: message.text,
        },
      });
      onQueued?.();
      const { ignored } = parsed;
      if (ignored === undefined) return c.json({ status: 'queued', id: entry.id });
      logger.warn('message accepted, fields ignored', { id: entry.id, hostname: message.hostname, ignored });
      return c.json({ status: 'queued', id: entry.id, ignored });
    }),
  );
}

async function readMessage(c: HubContext): Promise<MessageParseResult | Refusal> {
  const type = header(c, 'content-type');
  if (!isMultipart(type)) return readBody(c, parseMessageRequest);
  // curl -F: read under the same limit as every other body (a chunked upload has no Content-Length to check).
  const body = await readBytes(c);
  if (!body.ok) return body;
  return parseMultipartMessage(type, body.value);
}
