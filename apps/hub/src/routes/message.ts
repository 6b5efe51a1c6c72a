import { type Logger, type MessageParseResult, parseMessageRequest } from '@janitor/protocol';
import { Hono } from 'hono';
import type { AccessCheck } from '../http/access-check.ts';
import { header } from '../http/header.ts';
import type { HubApp, HubContext, HubEnv } from '../http/hub-env.ts';
import { createMessageQueue, type MessageLogPort, type MessageOutbox, messageSource } from '../http/message-queue.ts';
import { isMultipart, parseMultipartMessage } from '../http/multipart-message.ts';
import { type Refusal, readBody, readBytes } from '../http/read-body.ts';
import type { RequestLine } from '../http/request-line.ts';
import { storeLost } from '../http/store-lost.ts';
import { refuse } from '../http/wire-refusal.ts';

export type { MessageLogPort, MessageOutbox } from '../http/message-queue.ts';

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
  const queue = createMessageQueue(outbox, log);
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
      const entry = await queue(message, messageSource(c, access));
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
