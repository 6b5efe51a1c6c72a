import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, Hono } from 'hono';

/** What the hub's handlers keep on a request's context; each is `undefined` until set. */
export interface HubVariables {
  /** The hostnames the request's token may speak for; `undefined` when it may speak for any. */
  hosts: readonly string[] | undefined;
  /** The name of the token the request came with, for the request line (never the token). */
  tokenName: string | undefined;
  /** When the handler of a request that failed started, for its request line (written by `app.onError`). */
  started: number | undefined;
}

/** What the server hands each request: Node's request and response under @hono/node-server; nothing under `app.request()`. */
export interface HubBindings {
  incoming?: IncomingMessage;
  outgoing?: ServerResponse;
}

/** The hub's Hono environment: its bindings and its typed context variables. */
export type HubEnv = { Bindings: HubBindings; Variables: HubVariables };

/** A request's context in the hub. */
export type HubContext = Context<HubEnv>;

/** A route's handler: answers, never calls `next` (the hub has no middleware). */
export type HubHandler = (c: HubContext) => Response | Promise<Response>;

/** The hub, or one of its route groups, as a Hono app. */
export type HubApp = Hono<HubEnv>;
