import type { SilenceView } from '@janitor/protocol';
import type { Silence } from '@janitor/store';

/** A stored silence as the hub's API and the bot show it (@janitor/protocol's `SilenceView`). */
export function silenceView(silence: Silence): SilenceView {
  return {
    id: silence.id,
    host: silence.hostname,
    rule: silence.key,
    until: new Date(silence.untilMs).toISOString(),
    untilMs: silence.untilMs,
    reason: silence.reason,
    createdAtMs: silence.createdAtMs,
  };
}
