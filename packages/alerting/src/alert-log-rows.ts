import type { MessageType } from '@janitor/protocol';
import type { AlertLogInput, AlertLogTransition } from '@janitor/store';
import { type AlertNotification, type AlertState, HOST_SILENT_KEY } from '@janitor/thresholds';

/** One alert of one host before and after an evaluation, and what was posted about it. */
export interface AlertChange {
  hostname: string;
  /** The alert's key (`cpu_percent`, `disk_usage_percent@/data`, `host_silent`). */
  key: string;
  /** Its state before; undefined when it had none (ok, nothing told). */
  previous: AlertState | undefined;
  /** Its state after; undefined when it has none now. */
  next: AlertState | undefined;
  /** The post due about it now, if any. */
  notification?: AlertNotification | undefined;
  /** The outbox entry of that post. */
  outboxId?: number | undefined;
  /** Whether a silence or a mute holds posts about it back now. */
  heldBack: boolean;
  /** When it was evaluated (epoch ms). */
  at: number;
}

/** What the log says of an alert besides its states: its name, and the limit of a level. */
export interface AlertDescription {
  label: string;
  /** The limit of `level`, or null when the alert has no such level. */
  limitOf(level: MessageType): number | null;
}

/**
 * The alert log's rows for one alert's change, in order (derived, never remembered: the lifecycle's states before
 * and after, and the post). Pure.
 *
 * - It began to wait for its `for`: `pending`.
 * - An incident ended (it had a `firingSince` that is gone or replaced): `resolved` (`host_back` for the silence
 *   alarm) with its start, end, duration and peak, whether the end was posted now or not at all (nobody was told it
 *   fired, or `every_report` mode posts no end).
 * - A post about a running incident: `firing` (`host_silent`), `escalated`, `deescalated`, `repeated`; an
 *   `every_report` post is `firing` when it starts an incident and `repeated` after.
 * - A change of phase or level that a silence or a mute kept from being posted: `silenced` (once per change, not at
 *   every report while it lasts). Its post, when the silence ends, is a row of its own.
 */
export function alertLogRows(change: AlertChange, describe: AlertDescription): AlertLogInput[] {
  const { hostname, key, previous: before, next: after, notification: n, outboxId, heldBack, at } = change;
  const silence = key === HOST_SILENT_KEY;
  const rows: AlertLogInput[] = [];
  const row = (transition: AlertLogTransition, fields: Partial<AlertLogInput>): void => {
    const level = fields.level ?? null;
    const limit =
      n !== undefined && n.level === level ? n.limit.value : level === null ? null : describe.limitOf(level);
    rows.push({ atMs: at, hostname, key, label: describe.label, transition, limit, ...fields });
  };
  const posted = outboxId === undefined ? {} : { outboxId };

  if (after?.phase === 'pending' && before?.phase !== 'pending') {
    row('pending', { level: after.level ?? null, value: after.lastValue ?? null, incidentStartMs: null });
  }

  const startedAt = before?.firingSince;
  const ongoing = after?.firingSince;
  if (startedAt !== undefined && ongoing !== startedAt) {
    const told = n?.reason === 'resolved';
    const endMs = told ? n.firingSince + n.durationMs : (before?.resolvedAt ?? at);
    row(silence ? 'host_back' : 'resolved', {
      level: told ? n.level : (before?.notifiedLevel ?? before?.level ?? null),
      value: told ? n.value : (after?.lastValue ?? null),
      incidentStartMs: startedAt,
      endMs,
      peak: before?.peak ?? null,
      // The "back" post measures against no limit (any report ends the silence): the alarm's own is not known here.
      ...(silence ? { limit: null } : {}),
      ...(told ? posted : {}),
    });
  }

  if (ongoing !== undefined && after !== undefined) {
    if (n !== undefined && n.reason !== 'resolved') {
      const transition: AlertLogTransition =
        n.reason === 'repeat'
          ? 'repeated'
          : n.reason === 'report'
            ? before?.notifiedLevel === undefined
              ? 'firing'
              : 'repeated'
            : n.reason === 'firing'
              ? silence
                ? 'host_silent'
                : 'firing'
              : n.reason;
      row(transition, { level: n.level, value: n.value, incidentStartMs: ongoing, ...posted });
    } else if (n === undefined && heldBack) {
      const changed = ongoing !== startedAt || before?.phase !== after.phase || before?.level !== after.level;
      if (changed) {
        row('silenced', {
          level: after.level ?? after.notifiedLevel ?? null,
          value: after.lastValue ?? null,
          incidentStartMs: ongoing,
        });
      }
    }
  }
  return rows;
}
