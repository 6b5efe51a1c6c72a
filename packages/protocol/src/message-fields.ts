import type { Message } from './message.ts';
import { MESSAGE_TYPES, type MessageType, parseMessageType } from './message-type.ts';
import { createIssueList, type IssueList, type WireError } from './wire-error.ts';
import { WIRE_LIMITS } from './wire-limits.ts';
import { isRecord, own, type TextRule, textProblem } from './wire-text.ts';

const HOSTNAME_RULE: TextRule = { maxLength: WIRE_LIMITS.hostnameLength, multiline: false, visibleOnly: true };
const MESSAGE_RULE: TextRule = { maxLength: WIRE_LIMITS.messageLength, multiline: true };
const SUMMARY_RULE: TextRule = { maxLength: WIRE_LIMITS.summaryLength, multiline: true };

/** The fields of a message; any other is ignored, and named in {@link MessageParseResult.ignored}. */
const MESSAGE_FIELDS: ReadonlySet<string> = new Set(['hostname', 'message', 'summary', 'message_type', 'thread']);
const THREAD_RULE: TextRule = { maxLength: 200, multiline: false, visibleOnly: true };
/** How many ignored field names are reported, and how long each may be (a name is the sender's text). */
const IGNORED_NAMES = 20;
const IGNORED_NAME_LENGTH = 64;

/**
 * A message read from a request: the message, or why it was refused. `ignored` names the fields that are not a
 * message's (a misspelt `mesage_type`, PHP's `message_type[]`), in the order given, at most 20, each cut to 64
 * characters; it is there only when something was ignored.
 */
export type MessageParseResult =
  | { ok: true; value: Message; ignored?: readonly string[] }
  | { ok: false; error: WireError };

/** The names of the fields that are not a message's (own keys only, like the fields read). */
function ignoredFields(fields: Record<string, unknown>): string[] {
  const ignored: string[] = [];
  for (const name of Object.keys(fields)) {
    if (MESSAGE_FIELDS.has(name)) continue;
    ignored.push(name.length > IGNORED_NAME_LENGTH ? `${name.slice(0, IGNORED_NAME_LENGTH - 1)}…` : name);
    if (ignored.length === IGNORED_NAMES) break;
  }
  return ignored;
}

/**
 * The single string a field holds, `undefined` when absent (missing, `null`, an empty repeat), or `null` after
 * recording why it is unusable: a form that repeats a key gives an array, ambiguous unless it holds one value.
 */
function readString(fields: Record<string, unknown>, name: string, issues: IssueList): string | undefined | null {
  let value = own(fields, name);
  if (Array.isArray(value)) {
    if (value.length > 1) {
      issues.add(name, `${name} must be given once (it was given ${value.length} times)`);
      return null;
    }
    value = value[0];
  }
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    issues.add(name, `${name} must be a string`);
    return null;
  }
  return value;
}

/**
 * Validates the fields of a `POST /message`, as a form or a JSON object gave them: `hostname` (required, trimmed,
 * one line, at most 255 characters), `message` (required, not blank, at most 64 KiB; tab and line breaks allowed),
 * `summary` (optional, blank means absent, at most 1000 characters), `message_type` (`none|info|warning|error|
 * alarm`, any case, default `none`) and `thread` (optional, one line, at most 200 characters: a key whose messages
 * form one thread). Control characters and lone surrogates are refused. Other fields are ignored,
 * and named in `ignored` so that the sender can be told (a misspelt `mesage_type=error` would otherwise pass as a
 * plain message). Every problem is listed, each naming its field; all are a 400.
 *
 * @example
 * parseMessageFields({ hostname: 'web1', message: 'Backup failed', message_type: 'ERROR' });
 * // { ok: true, value: { hostname: 'web1', text: 'Backup failed', type: 'error' } }
 * parseMessageFields({ hostname: 'web1', message: 'Backup failed', mesage_type: 'error' });
 * // { ok: true, value: { hostname: 'web1', text: 'Backup failed', type: 'none' }, ignored: ['mesage_type'] }
 */
export function parseMessageFields(fields: unknown): MessageParseResult {
  const issues = createIssueList(WIRE_LIMITS.issues);
  if (!isRecord(fields)) {
    issues.add('body', 'body must be an object of fields (hostname, message, summary, message_type)');
    return { ok: false, error: issues.toError(400) };
  }

  const rawHostname = readString(fields, 'hostname', issues);
  const hostname = typeof rawHostname === 'string' ? rawHostname.trim() : rawHostname;
  if (hostname === undefined) issues.add('hostname', 'hostname is required');
  else if (hostname === '') issues.add('hostname', 'hostname must not be empty');
  else if (hostname !== null) {
    const problem = textProblem('hostname', hostname, HOSTNAME_RULE);
    if (problem !== undefined) issues.add('hostname', problem);
  }

  const text = readString(fields, 'message', issues);
  if (text === undefined) issues.add('message', 'message is required');
  else if (text !== null) {
    if (text.trim() === '') issues.add('message', 'message must not be empty');
    else {
      const problem = textProblem('message', text, MESSAGE_RULE);
      if (problem !== undefined) issues.add('message', problem);
    }
  }

  let summary = readString(fields, 'summary', issues);
  if (typeof summary === 'string' && summary.trim() === '') summary = undefined;
  if (typeof summary === 'string') {
    const problem = textProblem('summary', summary, SUMMARY_RULE);
    if (problem !== undefined) issues.add('summary', problem);
  }

  const rawType = readString(fields, 'message_type', issues);
  let type: MessageType | undefined;
  // The original answered 500 without a type; a message without one is simply plain.
  if (rawType === undefined || (rawType !== null && rawType.trim() === '')) type = 'none';
  else if (rawType !== null) {
    type = parseMessageType(rawType);
    if (type === undefined) issues.add('message_type', `message_type must be one of ${MESSAGE_TYPES.join(', ')}`);
  }

  let thread = readString(fields, 'thread', issues);
  if (typeof thread === 'string') thread = thread.trim() === '' ? undefined : thread.trim();
  if (typeof thread === 'string') {
    const problem = textProblem('thread', thread, THREAD_RULE);
    if (problem !== undefined) issues.add('thread', problem);
  }

  if (issues.count > 0 || !hostname || !text || type === undefined) return { ok: false, error: issues.toError(400) };
  const message: Message = { hostname, text, type };
  if (typeof summary === 'string') message.summary = summary;
  if (typeof thread === 'string') message.thread = thread;
  const ignored = ignoredFields(fields);
  return ignored.length === 0 ? { ok: true, value: message } : { ok: true, value: message, ignored };
}
