import { parseFormBody } from './form-body.ts';
import { decodeUtf8Strict, parseJsonBody } from './json-body.ts';
import type { Message } from './message.ts';
import { MESSAGE_TYPES, type MessageType, parseMessageType } from './message-type.ts';
import { bodyKind, type RawRequest, type RawRequestOptions } from './request-body.ts';
import { createIssueList, fail, type IssueList, type ParseResult } from './wire-error.ts';
import { WIRE_LIMITS } from './wire-limits.ts';
import { isRecord, own, type TextRule, textProblem } from './wire-text.ts';

const HOSTNAME_RULE: TextRule = { maxLength: WIRE_LIMITS.hostnameLength, multiline: false, visibleOnly: true };
const MESSAGE_RULE: TextRule = { maxLength: WIRE_LIMITS.messageLength, multiline: true };
const TITLE_RULE: TextRule = { maxLength: WIRE_LIMITS.summaryLength, multiline: true };
const THREAD_RULE: TextRule = { maxLength: 200, multiline: false, visibleOnly: true };

/**
 * Checks the fields of a generic webhook: `{ title?, message, type?, thread?, hostname? }`, what shoutrrr's generic
 * service sends with `template=json` (Beszel's webhooks, Watchtower...; extra fields as `$type=warning`,
 * `$thread=backup`). `message` is required and not blank; `title` becomes the summary (the content warning);
 * `type` is a message type (any case; default `none`); `thread` a key whose messages form one thread (as `/message`'s).
 * Other fields are ignored. Every problem is a 400 naming its field.
 *
 * @example parseGenericWebhook({ title: 'Backup', message: 'failed', type: 'error' })
 * // { ok: true, value: { summary: 'Backup', text: 'failed', type: 'error' } }
 */
export function parseGenericWebhook(fields: unknown): ParseResult<Message> {
  const issues = createIssueList(WIRE_LIMITS.issues);
  if (!isRecord(fields)) {
    issues.add('body', 'body must be an object { title?, message, type?, thread? }');
    return { ok: false, error: issues.toError(400) };
  }
  const given = own(fields, 'message');
  if (given === undefined || given === null) issues.add('message', 'message is required');
  else if (typeof given === 'string' && given.trim() === '') issues.add('message', 'message must not be empty');
  const text = readText(fields, 'message', MESSAGE_RULE, issues);
  const title = readText(fields, 'title', TITLE_RULE, issues);
  const thread = readText(fields, 'thread', THREAD_RULE, issues)?.trim();
  const hostname = readText(fields, 'hostname', HOSTNAME_RULE, issues)?.trim();
  const rawType = readText(fields, 'type', { maxLength: 20, multiline: false }, issues);
  let type: MessageType | undefined = 'none';
  if (rawType !== undefined) {
    type = parseMessageType(rawType);
    if (type === undefined) issues.add('type', `type must be one of ${MESSAGE_TYPES.join(', ')}`);
  }
  if (issues.count > 0 || text === undefined || type === undefined) return { ok: false, error: issues.toError(400) };
  const message: Message = { text, type };
  if (title !== undefined) message.summary = title;
  if (thread) message.thread = thread;
  if (hostname) message.hostname = hostname;
  return { ok: true, value: message };
}

/**
 * Reads a whole generic webhook request, never throwing: JSON or a form ({@link parseGenericWebhook}), or a
 * `text/plain` body, which is the message itself (shoutrrr's generic service without `template=json`). Strictly
 * UTF-8; another content type is a 415.
 */
export function parseGenericWebhookRequest(request: RawRequest, options: RawRequestOptions = {}): ParseResult<Message> {
  const kind = bodyKind(request.contentType) ?? (isPlainText(request.contentType) ? 'text' : undefined);
  if (kind === undefined) {
    return fail(
      415,
      'Content-Type must be application/json, application/x-www-form-urlencoded or text/plain (UTF-8)',
      'content-type',
    );
  }
  const text = decodeUtf8Strict(request.body, { maxBytes: options.maxBytes ?? WIRE_LIMITS.bodyBytes });
  if (!text.ok) return text;
  if (kind === 'text') return parseGenericWebhook({ message: text.value });
  const fields = kind === 'form' ? parseFormBody(text.value) : parseJsonBody(text.value);
  if (!fields.ok) {
    // shoutrrr's generic service sends its plain message as application/json unless told `template=json`.
    const hint = kind === 'json' ? ' (shoutrrr: add template=json to the URL)' : '';
    return fail(fields.error.status, `${fields.error.error}${hint}`, fields.error.field);
  }
  return parseGenericWebhook(fields.value);
}

function isPlainText(contentType: string | null | undefined): boolean {
  if (typeof contentType !== 'string') return false;
  const [mediaType = '', ...parameters] = contentType.split(';');
  if (mediaType.trim().toLowerCase() !== 'text/plain') return false;
  return parameters.every((parameter) => {
    const [name = '', value = ''] = parameter.split('=');
    if (name.trim().toLowerCase() !== 'charset') return true;
    return ['utf-8', 'utf8', '"utf-8"'].includes(value.trim().toLowerCase());
  });
}

/** A text field: undefined when absent, blank or unusable (the problem recorded, naming the field). */
function readText(
  fields: Record<string, unknown>,
  name: string,
  rule: TextRule,
  issues: IssueList,
): string | undefined {
  let value = own(fields, name);
  if (Array.isArray(value) && value.length === 1) value = value[0];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    issues.add(name, Array.isArray(value) ? `${name} must be given once` : `${name} must be a string`);
    return undefined;
  }
  if (value.trim() === '') return undefined;
  const problem = textProblem(name, value, rule);
  if (problem !== undefined) {
    issues.add(name, problem);
    return undefined;
  }
  return value;
}
