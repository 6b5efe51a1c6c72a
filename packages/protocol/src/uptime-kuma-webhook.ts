import type { ForeignAlert } from './foreign-alert.ts';
import type { Message } from './message.ts';
import type { MessageType } from './message-type.ts';
import { FOREIGN_TEXT_LENGTH, FOREIGN_TITLE_LENGTH, hostOfAddress, httpLink, outsideText } from './webhook-text.ts';
import { createIssueList, type IssueList, type ParseResult } from './wire-error.ts';
import { WIRE_LIMITS } from './wire-limits.ts';
import { isFiniteNumber, isRecord, own } from './wire-text.ts';

/** Uptime Kuma's heartbeat statuses: 0 down, 1 up, 2 pending (retrying), 3 maintenance. */
export const UPTIME_KUMA_STATUS = Object.freeze({ down: 0, up: 1, pending: 2, maintenance: 3 });

/**
 * What an Uptime Kuma webhook says: a monitor went down or came back up (`alert`), the Test button of its
 * notification settings (`test`: no monitor, no heartbeat, only `msg`; posted as a message), or a heartbeat that
 * changes nothing Janitor posts about (`ignored`: pending, maintenance).
 */
export type UptimeKumaEvent =
  | { kind: 'alert'; alert: ForeignAlert }
  | { kind: 'test'; message: Message }
  | { kind: 'ignored'; reason: string };

/** Options of {@link parseUptimeKumaWebhook}. */
export interface UptimeKumaOptions {
  /** The type of a monitor's "down" posts. @default 'alarm' */
  downType?: MessageType;
}

/**
 * Checks Uptime Kuma's webhook body (its "application/json" body, already parsed; the "multipart/form-data" one is the
 * same JSON in its `data` field): `{ heartbeat, monitor, msg }`. With a heartbeat, `heartbeat.status` (0 down, 1 up,
 * 2 pending, 3 maintenance) and `monitor.id` and `monitor.name` are required; the alert is keyed by the monitor's id,
 * titled with its name, its text the heartbeat's `msg`, its host the monitor's `hostname` or the host of its `url`.
 * Without one (`heartbeat: null`), `msg` is the Test button's message. Every problem is a 400 naming its path
 * (`heartbeat.status`); fields it does not know are ignored.
 *
 * @example parseUptimeKumaWebhook({ heartbeat: { status: 0, msg: 'timeout' }, monitor: { id: 3, name: 'web' }, msg: '...' })
 */
export function parseUptimeKumaWebhook(body: unknown, options: UptimeKumaOptions = {}): ParseResult<UptimeKumaEvent> {
  const { downType = 'alarm' } = options;
  const issues = createIssueList(WIRE_LIMITS.issues);
  if (!isRecord(body)) {
    issues.add('body', "body must be a JSON object: Uptime Kuma's webhook body { heartbeat, monitor, msg }");
    return { ok: false, error: issues.toError(400) };
  }
  const msg = own(body, 'msg');
  if (msg !== undefined && msg !== null && typeof msg !== 'string') issues.add('msg', 'msg must be a string');
  const heartbeat = own(body, 'heartbeat');
  const monitor = own(body, 'monitor');

  if (heartbeat === undefined || heartbeat === null) {
    // The Test button: Notification.send(notification, `${name} Testing`) sends neither a monitor nor a heartbeat.
    if (typeof msg !== 'string' || msg.trim() === '') {
      issues.add('heartbeat', 'heartbeat is required (or msg, for a test notification)');
    }
    if (issues.count > 0) return { ok: false, error: issues.toError(400) };
    const text = outsideText(msg as string, WIRE_LIMITS.messageLength);
    return { ok: true, value: { kind: 'test', message: { text, type: 'info', summary: 'Uptime Kuma' } } };
  }

  if (!isRecord(heartbeat)) issues.add('heartbeat', 'heartbeat must be an object or null');
  const status = isRecord(heartbeat) ? own(heartbeat, 'status') : undefined;
  if (isRecord(heartbeat) && (!Number.isSafeInteger(status) || (status as number) < 0 || (status as number) > 3)) {
    issues.add('heartbeat.status', 'heartbeat.status must be 0 (down), 1 (up), 2 (pending) or 3 (maintenance)');
  }
  const beatMsg = isRecord(heartbeat) ? optionalString(heartbeat, 'msg', 'heartbeat.msg', issues) : undefined;
  const fields = checkMonitor(monitor, issues);
  if (issues.count > 0 || fields === undefined) return { ok: false, error: issues.toError(400) };

  if (status === UPTIME_KUMA_STATUS.pending || status === UPTIME_KUMA_STATUS.maintenance) {
    const reason = status === UPTIME_KUMA_STATUS.pending ? 'pending' : 'maintenance';
    return { ok: true, value: { kind: 'ignored', reason: `monitor ${fields.id} is ${reason}: nothing to post` } };
  }
  const down = status === UPTIME_KUMA_STATUS.down;
  const text = beatMsg === undefined || beatMsg === 'N/A' ? '' : outsideText(beatMsg, FOREIGN_TEXT_LENGTH);
  const alert: ForeignAlert = {
    source: 'uptime-kuma',
    key: String(fields.id),
    status: down ? 'firing' : 'resolved',
    type: down ? downType : 'info',
    title: outsideText(fields.name, FOREIGN_TITLE_LENGTH, false) || `monitor ${fields.id}`,
    text,
  };
  const host = hostOfAddress(fields.hostname) ?? hostOfAddress(fields.url);
  if (host !== undefined) alert.host = host;
  const url = httpLink(fields.url);
  if (url !== undefined) alert.url = url;
  return { ok: true, value: { kind: 'alert', alert } };
}

function checkMonitor(
  monitor: unknown,
  issues: IssueList,
): { id: number | string; name: string; hostname?: string; url?: string } | undefined {
  if (!isRecord(monitor)) {
    issues.add('monitor', 'monitor must be an object (the monitor the heartbeat is of)');
    return undefined;
  }
  const id = own(monitor, 'id');
  const validId =
    (isFiniteNumber(id) && Number.isSafeInteger(id)) || (typeof id === 'string' && /^[\w.-]{1,64}$/.test(id));
  if (!validId) issues.add('monitor.id', 'monitor.id must be the monitor’s id (a whole number)');
  const name = own(monitor, 'name');
  if (typeof name !== 'string') issues.add('monitor.name', 'monitor.name must be a string');
  const hostname = optionalString(monitor, 'hostname', 'monitor.hostname', issues);
  const url = optionalString(monitor, 'url', 'monitor.url', issues);
  if (!validId || typeof name !== 'string') return undefined;
  return {
    id: id as number | string,
    name,
    ...(hostname === undefined ? {} : { hostname }),
    ...(url === undefined ? {} : { url }),
  };
}

function optionalString(
  record: Record<string, unknown>,
  name: string,
  path: string,
  issues: IssueList,
): string | undefined {
  const value = own(record, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    issues.add(path, `${path} must be a string`);
    return undefined;
  }
  return value;
}
