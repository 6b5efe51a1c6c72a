import { isMessageType, type MessageType } from './message-type.ts';
import { fail, type ParseResult } from './wire-error.ts';
import { isFiniteNumber, isRecord, own } from './wire-text.ts';

/**
 * What happened to an alert, as the alert log records it: it began to wait for its `for` (`pending`), fired, changed
 * level (`escalated`, `deescalated`), was reminded (`repeated`), ended (`resolved`); a change held back by a silence
 * or a mute (`silenced`); a host stopped reporting (`host_silent`) or came back (`host_back`); someone acknowledged it
 * (`acknowledged`); a host away for `alerting.forget_after` is no longer watched (`forgotten`).
 */
export type AlertLogTransition =
  | 'pending'
  | 'firing'
  | 'escalated'
  | 'deescalated'
  | 'repeated'
  | 'resolved'
  | 'silenced'
  | 'host_silent'
  | 'host_back'
  | 'acknowledged'
  | 'forgotten';

/** Every {@link AlertLogTransition}. */
export const ALERT_LOG_TRANSITIONS: readonly AlertLogTransition[] = Object.freeze([
  'pending',
  'firing',
  'escalated',
  'deescalated',
  'repeated',
  'resolved',
  'silenced',
  'host_silent',
  'host_back',
  'acknowledged',
  'forgotten',
]);

/** The transitions that end an incident: `GET /api/v1/alerts?state=resolved` lists these. */
export const ALERT_LOG_ENDINGS: readonly AlertLogTransition[] = Object.freeze(['resolved', 'host_back', 'forgotten']);

/**
 * The transitions after which an incident is still open: `state=firing` lists the alerts whose latest row is one of
 * these (a `pending` one has not fired; a `silenced` one fired or changed with its post held back).
 */
export const ALERT_LOG_OPEN: readonly AlertLogTransition[] = Object.freeze([
  'firing',
  'escalated',
  'deescalated',
  'repeated',
  'silenced',
  'host_silent',
  'acknowledged',
]);

/** One row of the alert log (`GET /api/v1/alerts`). Times are epoch milliseconds. */
export interface AlertLogEntry {
  /** Increases with every row recorded. */
  id: number;
  /** When it happened. */
  atMs: number;
  hostname: string;
  /** The alert's key: `cpu_percent`, `disk_usage_percent@/data`, `host_silent`. */
  key: string;
  /** The alert's name as posts show it: `CPU %`, `Disk % (/data)`. */
  label: string;
  transition: AlertLogTransition;
  /** The level it fires (or waits, or fired) at; null when it has none. */
  level: MessageType | null;
  /** The value observed (for `host_silent`, the ms since the host's last report); null when none was. */
  value: number | null;
  /** The limit of `level`; null when there is none. */
  limit: number | null;
  /** When the incident began (the first post's time, shared by its rows); null before it fires. */
  incidentStartMs: number | null;
  /** `resolved`, `host_back`: when it ended. */
  endMs: number | null;
  /** `resolved`, `host_back`: how long it lasted (`endMs - incidentStartMs`). */
  durationMs: number | null;
  /** `resolved`, `host_back`: its worst value (the highest, or the lowest for an alert on low values). */
  peak: number | null;
  /** The post that told it, once the server confirmed it (from the notification log); null otherwise. */
  statusUrl: string | null;
  /** `acknowledged`: who did (`user@domain`); null otherwise. */
  by: string | null;
}

/** One row of the message log (`GET /api/v1/messages`): a `/message` the hub accepted. */
export interface MessageLogEntry {
  id: number;
  /** When the hub accepted it (epoch ms). */
  atMs: number;
  hostname: string | null;
  /** Who sent it: `token:NAME` for a request with a token, else the client's address (`unknown` when not known). */
  source: string;
  type: MessageType;
  summary: string | null;
  text: string;
  /** The outbox entry it was queued as (the id `POST /message` answered). */
  outboxId: number;
  /** Its post's address, once the server confirmed it (from the notification log); null otherwise. */
  statusUrl: string | null;
  /** Whether the server confirmed its post. */
  posted: boolean;
}

/** The answer of `GET /api/v1/alerts`: newest first, and the cursor of the next (older) page. */
export interface AlertLogPage {
  alerts: AlertLogEntry[];
  next: string | null;
}

/** The answer of `GET /api/v1/messages`: newest first, and the cursor of the next (older) page. */
export interface MessageLogPage {
  messages: MessageLogEntry[];
  next: string | null;
}

type Check = (value: unknown) => boolean;

const isText: Check = (v) => typeof v === 'string';
const isTextOrNull: Check = (v) => v === null || typeof v === 'string';
const isCount: Check = (v) => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
const isTime: Check = isFiniteNumber;
const isNumberOrNull: Check = (v) => v === null || isFiniteNumber(v);
const isLevel: Check = (v) => v === null || isMessageType(v);

const ALERT_FIELDS: Readonly<Record<keyof AlertLogEntry, [Check, string]>> = {
  id: [isCount, 'a positive integer'],
  atMs: [isTime, 'a time in ms'],
  hostname: [isText, 'a text'],
  key: [isText, 'a text'],
  label: [isText, 'a text'],
  transition: [(v) => (ALERT_LOG_TRANSITIONS as readonly unknown[]).includes(v), 'an alert log transition'],
  level: [isLevel, 'a message type or null'],
  value: [isNumberOrNull, 'a number or null'],
  limit: [isNumberOrNull, 'a number or null'],
  incidentStartMs: [isNumberOrNull, 'a time in ms or null'],
  endMs: [isNumberOrNull, 'a time in ms or null'],
  durationMs: [isNumberOrNull, 'a duration in ms or null'],
  peak: [isNumberOrNull, 'a number or null'],
  statusUrl: [isTextOrNull, 'a text or null'],
  by: [isTextOrNull, 'a text or null'],
};

const MESSAGE_FIELDS: Readonly<Record<keyof MessageLogEntry, [Check, string]>> = {
  id: [isCount, 'a positive integer'],
  atMs: [isTime, 'a time in ms'],
  hostname: [isTextOrNull, 'a text or null'],
  source: [isText, 'a text'],
  type: [isMessageType, 'a message type'],
  summary: [isTextOrNull, 'a text or null'],
  text: [isText, 'a text'],
  outboxId: [isCount, 'a positive integer'],
  statusUrl: [isTextOrNull, 'a text or null'],
  posted: [(v) => typeof v === 'boolean', 'true or false'],
};

/**
 * Checks a page of the alert log as a hub answered it, for a client that must not trust what it is handed. Fields it
 * does not know are dropped; a problem is a 400 naming the field (`alerts[3].level`). Never throws.
 */
export function parseAlertLogPage(value: unknown): ParseResult<AlertLogPage> {
  const page = parsePage(value, 'alerts', ALERT_FIELDS);
  return page.ok ? { ok: true, value: { alerts: page.value.entries, next: page.value.next } } : page;
}

/** Checks a page of the message log as a hub answered it (see {@link parseAlertLogPage}). Never throws. */
export function parseMessageLogPage(value: unknown): ParseResult<MessageLogPage> {
  const page = parsePage(value, 'messages', MESSAGE_FIELDS);
  return page.ok ? { ok: true, value: { messages: page.value.entries, next: page.value.next } } : page;
}

function parsePage<T>(
  value: unknown,
  name: string,
  fields: Readonly<Record<keyof T, [Check, string]>>,
): ParseResult<{ entries: T[]; next: string | null }> {
  if (!isRecord(value)) return fail(400, 'expected an object', name);
  const list = own(value, name);
  if (!Array.isArray(list)) return fail(400, 'expected a list', name);
  const next = own(value, 'next') ?? null;
  if (next !== null && typeof next !== 'string') return fail(400, 'expected a cursor or null', 'next');
  const entries: T[] = [];
  for (const [index, item] of list.entries()) {
    if (!isRecord(item)) return fail(400, 'expected an object', `${name}[${index}]`);
    const entry: Record<string, unknown> = {};
    for (const [field, [check, expected]] of Object.entries(fields) as [string, [Check, string]][]) {
      const v = own(item, field);
      if (!check(v)) return fail(400, `expected ${expected}`, `${name}[${index}].${field}`);
      entry[field] = v;
    }
    entries.push(entry as T);
  }
  return { ok: true, value: { entries, next } };
}
