import { fail, ok, type ParseResult } from './wire-error.ts';
import { WIRE_LIMITS } from './wire-limits.ts';

/** The fields of a form body: a key given once maps to its value, a repeated key to every value in order. */
export type FormFields = Record<string, string | string[]>;

/** Limits of {@link parseFormBody}. */
export interface FormBodyOptions {
  /** Most `key=value` pairs. @default WIRE_LIMITS.formFields (1024) */
  maxFields?: number;
}

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/**
 * Decodes one `application/x-www-form-urlencoded` name or value as the WHATWG URL standard does (`+` is a space,
 * `%` not followed by two hex digits stays literal, so curl's unencoded `-d "message=100%"` still reads), except that
 * the bytes must be valid UTF-8: `undefined` instead of silently inserting U+FFFD.
 */
function decodeComponent(raw: string): string | undefined {
  const spaced = raw.replaceAll('+', ' ');
  if (!spaced.includes('%')) return spaced;
  const bytes: number[] = [];
  let literalStart = 0;
  const flushLiteral = (end: number) => {
    if (end > literalStart) for (const b of encoder.encode(spaced.slice(literalStart, end))) bytes.push(b);
  };
  for (let i = 0; i < spaced.length; i += 1) {
    if (spaced.charCodeAt(i) === 0x25 && isHexDigit(spaced.charCodeAt(i + 1)) && isHexDigit(spaced.charCodeAt(i + 2))) {
      flushLiteral(i);
      bytes.push(Number.parseInt(spaced.slice(i + 1, i + 3), 16));
      i += 2;
      literalStart = i + 1;
    }
  }
  flushLiteral(spaced.length);
  try {
    return strictDecoder.decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}

/**
 * Parses an `application/x-www-form-urlencoded` body (what curl `-d` and Python's `requests.post(data=...)` send)
 * into fields, never throwing. Unlike `URLSearchParams` it refuses percent-encoded bytes that are not UTF-8 (400,
 * field `body`) and more than `maxFields` pairs (400). A repeated key becomes an array, which
 * {@link parseMessageFields} refuses for the fields it reads.
 *
 * @example
 * parseFormBody('hostname=MyHostname&message=This+is+a+test+message');
 * // { ok: true, value: { hostname: 'MyHostname', message: 'This is a test message' } }
 */
export function parseFormBody(text: string, options: FormBodyOptions = {}): ParseResult<FormFields> {
  const { maxFields = WIRE_LIMITS.formFields } = options;
  // No prototype: a field named `__proto__` or `constructor` is just a field.
  const fields: FormFields = Object.create(null) as FormFields;
  let count = 0;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    count += 1;
    if (count > maxFields) return fail(400, `form body must not have more than ${maxFields} fields`, 'body');
    const eq = pair.indexOf('=');
    const key = decodeComponent(eq === -1 ? pair : pair.slice(0, eq));
    const value = decodeComponent(eq === -1 ? '' : pair.slice(eq + 1));
    if (key === undefined || value === undefined) {
      return fail(400, 'form fields must be valid UTF-8 once percent-decoded', 'body');
    }
    const previous = fields[key];
    if (previous === undefined) fields[key] = value;
    else if (typeof previous === 'string') fields[key] = [previous, value];
    else previous.push(value);
  }
  return ok(fields);
}
