import { decodeUtf8Strict, type MessageParseResult, parseMessageFields, WIRE_LIMITS } from '@janitor/protocol';
import type { Refusal } from './read-body.ts';

/** True for a `multipart/form-data` Content-Type: what curl -F sends. */
export function isMultipart(contentType: string | undefined): contentType is string {
  return contentType !== undefined && /^\s*multipart\/form-data/i.test(contentType);
}

/**
 * A `multipart/form-data` body as curl -F sends it, to the fields of a message (@janitor/protocol reads forms and
 * JSON; multipart takes the Fetch API's parser). Never throws: a problem is a 400 naming its field.
 */
export async function parseMultipartMessage(
  contentType: string,
  body: Uint8Array,
): Promise<MessageParseResult | Refusal> {
  // Strict UTF-8 like the other encodings: the multipart parser would silently replace invalid bytes with U+FFFD.
  const text = decodeUtf8Strict(body);
  if (!text.ok) return text;
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    return { ok: false, error: { status: 400, error: 'malformed multipart body', field: 'body' } };
  }
  // No prototype: a part named `__proto__` is just a field. Repeated names become arrays, refused like a form's.
  const fields: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  let count = 0;
  for (const [name, value] of form) {
    count += 1;
    if (count > WIRE_LIMITS.formFields) {
      const error = `multipart body must not have more than ${WIRE_LIMITS.formFields} fields`;
      return { ok: false, error: { status: 400, error, field: 'body' } };
    }
    // A file where a text field belongs is not a string: parseMessageFields refuses it, naming the field.
    const field: unknown = typeof value === 'string' ? value : { file: value.name };
    const previous = fields[name];
    fields[name] = previous === undefined ? field : Array.isArray(previous) ? [...previous, field] : [previous, field];
  }
  return parseMessageFields(fields);
}
