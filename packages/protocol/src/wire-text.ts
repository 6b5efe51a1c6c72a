// \p{Cc} is exactly the C0 controls, DEL and the C1 controls; \p{Cs} matches a surrogate only when it is unpaired
// (in a `u` regex a valid pair reads as one code point).
const SINGLE_LINE_FORBIDDEN = /[\p{Cc}\p{Cs}]/u;
// The same, but tab, line feed and carriage return are part of ordinary multi-line text ([^...\P{Cc}]: Cc minus those).
const MULTI_LINE_FORBIDDEN = /[^\t\n\r\P{Cc}]|\p{Cs}/u;

// Characters that change how a text reads without showing: every format character (\p{Cf}: the direction marks,
// embeddings, overrides and isolates U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069; the zero-width space, joiner
// and non-joiner U+200B-U+200D; the word joiner U+2060; the byte-order mark U+FEFF; the soft hyphen; tag characters),
// and the line and paragraph separators U+2028 and U+2029.
const INVISIBLE = /[\p{Cf}\u2028\u2029]/u;

/** @internal How a text field is checked. */
export interface TextRule {
  /** Longest accepted value, in UTF-16 code units. */
  maxLength: number;
  /** Whether tab, line feed and carriage return are allowed. */
  multiline: boolean;
  /**
   * Whether invisible characters are refused: direction overrides and zero-width characters, which make a name (a
   * hostname, shown in a status's content warning) read as another one or hide what a server sees in it.
   * @default false
   */
  visibleOnly?: boolean;
}

/**
 * @internal Why `value` breaks `rule`, phrased after `name` (`"hostname must not contain control characters"`),
 * or `undefined` when it is fine. Only checks content; presence and blankness are the caller's business.
 */
export function textProblem(name: string, value: string, rule: TextRule): string | undefined {
  // Length first: a 1 MB string is rejected without scanning it.
  if (value.length > rule.maxLength) return `${name} must be at most ${rule.maxLength} characters`;
  const match = (rule.multiline ? MULTI_LINE_FORBIDDEN : SINGLE_LINE_FORBIDDEN).exec(value);
  if (match === null) {
    const invisible = rule.visibleOnly ? INVISIBLE.exec(value) : null;
    if (invisible === null) return undefined;
    const code = invisible[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return `${name} must not contain invisible characters such as direction overrides or zero-width spaces (found U+${code})`;
  }
  if (/\p{Cs}/u.test(match[0])) return `${name} must be valid Unicode (it holds a lone surrogate)`;
  return rule.multiline
    ? `${name} must not contain control characters other than tab and line breaks`
    : `${name} must not contain control characters`;
}

/** @internal True for a non-null object that is not an array: something with named fields. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** @internal An own property of `record`, never one inherited from its prototype. */
export function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** @internal A number JSON can carry: not NaN, not ±Infinity (JSON.parse reads `1e999` as Infinity). */
export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
