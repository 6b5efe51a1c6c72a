import { parseFormBody } from './form-body.ts';
import { decodeUtf8Strict, parseJsonBody } from './json-body.ts';
import { type MessageParseResult, parseMessageFields } from './message-fields.ts';
import { type ParsedReport, parseReport } from './report.ts';
import { fail, type ParseResult } from './wire-error.ts';
import { WIRE_LIMITS } from './wire-limits.ts';

/** A raw request as an HTTP framework hands it over: the `Content-Type` header and the body's bytes. */
export interface RawRequest {
  contentType: string | null | undefined;
  body: Uint8Array;
}

/** Options of {@link parseMessageRequest} and {@link parseReportRequest}. */
export interface RawRequestOptions {
  /** Largest accepted body; a larger one is a 413. @default WIRE_LIMITS.bodyBytes (1 MiB) */
  maxBytes?: number;
}

/** A body encoding the hub reads. */
export type BodyKind = 'json' | 'form';

const MEDIA_TYPES: ReadonlyMap<string, BodyKind> = new Map([
  ['application/json', 'json'],
  ['application/x-www-form-urlencoded', 'form'],
]);

/**
 * What a `Content-Type` header announces: `json`, `form`, or `undefined` for anything else (missing header,
 * another media type, a charset other than UTF-8). Case and parameters other than `charset` are ignored.
 */
export function bodyKind(contentType: string | null | undefined): BodyKind | undefined {
  if (typeof contentType !== 'string') return undefined;
  // What every client sends, without parameters: no need to take it apart.
  const exact = MEDIA_TYPES.get(contentType);
  if (exact !== undefined) return exact;
  const [mediaType = '', ...parameters] = contentType.split(';');
  const kind = MEDIA_TYPES.get(mediaType.trim().toLowerCase());
  if (kind === undefined) return undefined;
  for (const parameter of parameters) {
    const [name = '', value = ''] = parameter.split('=');
    if (name.trim().toLowerCase() !== 'charset') continue;
    const charset = value
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
    if (charset !== 'utf-8' && charset !== 'utf8') return undefined;
  }
  return kind;
}

function unsupported<T>(accepted: string): ParseResult<T> {
  return fail(415, `Content-Type must be ${accepted} (UTF-8)`, 'content-type');
}

/**
 * Reads a whole `POST /message` request, never throwing: a form (`application/x-www-form-urlencoded`, as curl and
 * the original's Python client send it) or a JSON object, strictly UTF-8, then {@link parseMessageFields} (whose
 * `ignored` names the fields that are not a message's).
 * Another content type is a 415 (a multipart body must be read by the framework and given to parseMessageFields).
 *
 * @example
 * const parsed = parseMessageRequest({ contentType: c.req.header('content-type'), body: new Uint8Array(await c.req.arrayBuffer()) });
 * if (!parsed.ok) return c.json(wireErrorBody(parsed.error), parsed.error.status);
 */
export function parseMessageRequest(request: RawRequest, options: RawRequestOptions = {}): MessageParseResult {
  const kind = bodyKind(request.contentType);
  if (kind === undefined) return unsupported('application/x-www-form-urlencoded or application/json');
  const text = decodeUtf8Strict(request.body, { maxBytes: options.maxBytes ?? WIRE_LIMITS.bodyBytes });
  if (!text.ok) return text;
  const fields = kind === 'form' ? parseFormBody(text.value) : parseJsonBody(text.value);
  if (!fields.ok) return fields;
  return parseMessageFields(fields.value);
}

/**
 * Reads a whole `POST /sysinfo` request, never throwing: `application/json`, strictly UTF-8, then
 * {@link parseJsonBody} and {@link parseReport}. Another content type is a 415.
 */
export function parseReportRequest(request: RawRequest, options: RawRequestOptions = {}): ParseResult<ParsedReport> {
  if (bodyKind(request.contentType) !== 'json') return unsupported('application/json');
  const text = decodeUtf8Strict(request.body, { maxBytes: options.maxBytes ?? WIRE_LIMITS.bodyBytes });
  if (!text.ok) return text;
  const json = parseJsonBody(text.value);
  if (!json.ok) return json;
  return parseReport(json.value);
}

/**
 * Reads a whole JSON request, never throwing: `application/json` (another content type is a 415), strictly UTF-8,
 * then {@link parseJsonBody}. For the webhooks of other monitors, whose payload parsers take the parsed value.
 */
export function parseJsonRequest(request: RawRequest, options: RawRequestOptions = {}): ParseResult<unknown> {
  if (bodyKind(request.contentType) !== 'json') return unsupported('application/json');
  const text = decodeUtf8Strict(request.body, { maxBytes: options.maxBytes ?? WIRE_LIMITS.bodyBytes });
  if (!text.ok) return text;
  return parseJsonBody(text.value);
}
