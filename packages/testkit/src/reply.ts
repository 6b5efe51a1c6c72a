import type { ErrorReply } from './flavour.ts';

/** What a route handler answers; the server turns it into bytes. */
export interface Reply {
  status: number;
  /** A JSON body (content-type application/json). */
  json?: unknown;
  /** An HTML body (content-type text/html). */
  html?: string;
  headers?: Record<string, string>;
}

/** A JSON answer. */
export function jsonReply(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers ? { status, json: body, headers } : { status, json: body };
}

/** A flavour error as an answer. */
export function errorReply(error: ErrorReply): Reply {
  return { status: error.status, json: error.body };
}
