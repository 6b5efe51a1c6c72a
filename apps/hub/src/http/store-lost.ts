import type { HubContext } from './hub-env.ts';

/**
 * The answer to a write while the store's file is gone (deleted or replaced under the running hub): a 503 the sender
 * keeps its request for (an agent spools its report), rather than a 200 for something that would be lost.
 */
export function storeLost(c: HubContext): Response {
  return c.json(
    {
      error: 'the hub cannot keep anything now: its database file was deleted or replaced; retry once it is restarted',
    },
    503,
  );
}
