import type { MessageType } from './message-type.ts';

/** Whether another monitor says its alert is firing now, or is over. */
export type ForeignStatus = 'firing' | 'resolved';

/**
 * An alert of another monitor, as a receiver reads it from that monitor's webhook (Alertmanager, Grafana, Uptime
 * Kuma; a job check-in reuses the shape): what @janitor/alerting's foreign alert engine takes. Its texts come from
 * outside: the publisher neutralises them when it posts (they mention nobody).
 */
export interface ForeignAlert {
  /** Who sent it: `alertmanager`, `grafana`, `uptime-kuma`... Names its alerts' keys (`alertmanager:<fingerprint>`). */
  source: string;
  /** What names the alert at its source: an Alertmanager fingerprint, an Uptime Kuma monitor id. */
  key: string;
  status: ForeignStatus;
  /** Its severity, as a message type: what routes its posts (`status_post.by_type`). */
  type: MessageType;
  /** One line naming it: the alert's name, the monitor's. */
  title: string;
  /** What the source says of it (summary and description, a monitor's message), `''` when nothing. */
  text: string;
  /** The host it is about, when the source names one. */
  host?: string;
  /**
   * When the source says the incident began (epoch ms). A firing alert that began after the incident Janitor holds
   * for it is a new incident: the end of the previous one was never sent (Alertmanager's `send_resolved: false`).
   */
  startsAtMs?: number;
  /** A link to the alert at its source (the rule, the monitor). */
  url?: string;
  /**
   * Reminders while it fires: each delivery at least this long after the last post about it posts a reminder.
   * Absent: none (the source re-sends on its own schedule, and a re-send that changes nothing posts nothing).
   */
  repeatMs?: number;
}

/** The sources the hub receives alerts from, with the name posts give them. */
export const FOREIGN_SOURCES: Readonly<Record<string, string>> = Object.freeze({
  alertmanager: 'Alertmanager',
  grafana: 'Grafana',
  'uptime-kuma': 'Uptime Kuma',
});

/** The name posts give a source: `Alertmanager`, or the source itself when it is not one of {@link FOREIGN_SOURCES}. */
export function foreignSourceName(source: string): string {
  return Object.hasOwn(FOREIGN_SOURCES, source) ? FOREIGN_SOURCES[source]! : source;
}

/** The message type of each `severity` label value (lower case) that names one; any other is a warning. */
const SEVERITY_TYPES: Readonly<Record<string, MessageType>> = Object.freeze({
  critical: 'alarm',
  error: 'error',
  warning: 'warning',
  info: 'info',
});

/**
 * The message type of an alert's `severity` label, as Prometheus rules write it: `critical` is an alarm, `error` an
 * error, `warning` a warning, `info` an info (any case, blanks ignored); anything else, or none, a warning.
 *
 * @example severityType('Critical') // 'alarm'
 */
export function severityType(severity: string | undefined): MessageType {
  const word = severity?.trim().toLowerCase() ?? '';
  return Object.hasOwn(SEVERITY_TYPES, word) ? SEVERITY_TYPES[word]! : 'warning';
}
