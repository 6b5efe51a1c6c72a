import type { ForeignAlertEngine } from '@janitor/alerting';
import type { ForeignAlert, Message, ParseResult } from '@janitor/protocol';
import { Hono } from 'hono';
import type { AccessCheck } from './access-check.ts';
import { header } from './header.ts';
import type { HubApp, HubContext, HubEnv } from './hub-env.ts';
import { type MessageQueue, messageSource } from './message-queue.ts';
import { readBytes } from './read-body.ts';
import type { RequestLine } from './request-line.ts';
import { storeLost } from './store-lost.ts';
import { refuse } from './wire-refusal.ts';

/**
 * What a webhook delivery holds once read: alerts for the foreign alert engine, a message for the outbox (a test
 * notification, a generic webhook), or nothing to do (`ignored`, with why).
 */
export type Delivery =
  | {
      kind: 'alerts';
      alerts: readonly ForeignAlert[];
      /** How many alerts the payload held (the answer's `alerts`; the group's own alert is not counted). */
      received: number;
    }
  | { kind: 'message'; message: Message }
  | { kind: 'ignored'; reason: string };

/** What every webhook receiver needs. */
export interface ReceiverDeps {
  /** The foreign alert engine (createForeignAlertEngine over the store). */
  foreign: Pick<ForeignAlertEngine, 'ingest'>;
  /** Where a delivery that is a message goes (createMessageQueue over the outbox and the message log). */
  messages: MessageQueue;
  /** Called after a message was queued (wakes the outbox worker; the engine wakes it for alerts). */
  onQueued?: (() => void) | undefined;
  access: Pick<AccessCheck, 'authorize' | 'checkHost' | 'sender'>;
  logged: RequestLine['logged'];
  /** Why nothing can be kept now (the store's file is gone), checked before every write. @default () => undefined */
  storeProblem?: (() => string | undefined) | undefined;
}

/** One receiver: how its deliveries are read, and the methods its sender uses. */
export interface ReceiverSpec {
  /** The request's body (its Content-Type and bytes, under the wire's size limit) to a delivery, never throwing. */
  read(contentType: string | undefined, body: Uint8Array): ParseResult<Delivery> | Promise<ParseResult<Delivery>>;
  /** @default ['POST'] */
  methods?: readonly string[];
}

/**
 * A webhook receiver as a route group (`/` of its mount point): the `write` scope (a bearer token, or a network
 * allowed without one), then the body read by `spec.read`, every alert's host checked against the token's hosts, and
 * the delivery made durable (one transaction) before the answer: `200 { status: 'queued' | 'ok', ids, alerts }` for
 * alerts, `{ status: 'queued', id }` for a message, `{ status: 'ignored', reason }`. A body the receiver cannot read
 * is a 4xx naming its field; a hub that cannot keep it, a 503 the sender retries.
 */
export function createReceiverRoutes(deps: ReceiverDeps, spec: ReceiverSpec): HubApp {
  const { foreign, messages, onQueued, access, logged, storeProblem = () => undefined } = deps;
  const handler = logged(async (c) => {
    const denied = access.authorize(c, 'write');
    if (denied) return denied;
    if (storeProblem() !== undefined) return storeLost(c);
    const body = await readBytes(c);
    if (!body.ok) return refuse(c, body.error);
    const read = await spec.read(header(c, 'content-type'), body.value);
    if (!read.ok) return refuse(c, read.error);
    const delivery = read.value;
    if (delivery.kind === 'ignored') return c.json({ status: 'ignored', reason: delivery.reason });
    if (delivery.kind === 'message') {
      const hostDenied = access.checkHost(c, delivery.message.hostname);
      if (hostDenied) return hostDenied;
      const entry = await messages(delivery.message, messageSource(c, access));
      onQueued?.();
      return c.json({ status: 'queued', id: entry.id });
    }
    const hostDenied = checkHosts(c, access, delivery.alerts);
    if (hostDenied) return hostDenied;
    const { queued } = await foreign.ingest(delivery.alerts);
    return c.json({ status: queued.length > 0 ? 'queued' : 'ok', ids: queued, alerts: delivery.received });
  });
  const app = new Hono<HubEnv>();
  return app.on([...(spec.methods ?? ['POST'])], '/', handler);
}

/**
 * A token limited to some hosts may speak only of them: every alert naming a host is checked, and a firing alert
 * naming none needs a token without that limit (checkHost refuses `undefined` for a limited token).
 */
function checkHosts(
  c: HubContext,
  access: Pick<AccessCheck, 'checkHost'>,
  alerts: readonly ForeignAlert[],
): Response | undefined {
  for (const alert of alerts) {
    if (alert.host === undefined && alert.status !== 'firing') continue;
    const denied = access.checkHost(c, alert.host);
    if (denied) return denied;
  }
  return undefined;
}
