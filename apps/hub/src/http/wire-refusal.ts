import { type WireError, wireErrorBody } from '@janitor/protocol';
import type { HubContext } from './hub-env.ts';

/** The answer to input the wire parsers refused: its status, and `{ error, field, issues? }`. */
export function refuse(c: HubContext, error: WireError): Response {
  return c.json(wireErrorBody(error), error.status);
}
