import type { CheckView } from '@janitor/protocol';
import type { CheckDefinition } from './check-definition.ts';
import { type CheckState, checkStatus, nextDeadline } from './check-state.ts';

/** A check as `GET /api/v1/checks` shows it at `nowMs`: its state, last ping and next deadline. */
export function checkView(definition: CheckDefinition, state: CheckState, nowMs: number): CheckView {
  const { timing } = definition;
  const deadline = nextDeadline(definition, state);
  return {
    slug: definition.slug,
    host: definition.host ?? null,
    status: checkStatus(definition, state, nowMs),
    kind: timing.kind,
    periodMs: timing.kind === 'period' ? timing.periodMs : null,
    schedule: timing.kind === 'cron' ? timing.schedule : null,
    timezone: timing.kind === 'cron' ? timing.timezone : null,
    graceMs: definition.graceMs,
    autoCreated: definition.auto === true,
    lastPingMs: state.lastPingMs ?? null,
    lastPingKind: state.lastPingKind ?? null,
    lastExitStatus: state.lastExitStatus ?? null,
    lastSuccessMs: state.lastSuccessMs ?? null,
    startedMs: state.startedMs ?? null,
    nextDeadlineMs: deadline === undefined || !Number.isFinite(deadline) ? null : deadline,
    problemSinceMs: state.incident?.sinceMs ?? null,
  };
}
