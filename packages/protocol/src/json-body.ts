import { fail, ok, type ParseResult } from './wire-error.ts';
import { WIRE_LIMITS } from './wire-limits.ts';

/** Limits of {@link parseJsonBody}. */
export interface JsonBodyOptions {
  /** Deepest nesting of arrays and objects. @default WIRE_LIMITS.jsonDepth (32) */
  maxDepth?: number;
  /** Most keys in any one object. @default WIRE_LIMITS.jsonKeys (1024) */
  maxKeys?: number;
}

/** Limits of {@link decodeUtf8Strict}. */
export interface Utf8Options {
  /** Largest accepted input; a larger one is a 413. @default WIRE_LIMITS.bodyBytes (1 MiB) */
  maxBytes?: number;
}

const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const ARRAY_FRAME = -1;

/**
 * Checks nesting depth and keys per object with one linear scan of the text, before `JSON.parse` builds anything:
 * a 10 000-deep `[[[...]]]` is refused without allocating it and without recursion.
 */
function structureProblem(text: string, maxDepth: number, maxKeys: number): string | undefined {
  // One frame per open container: the number of keys seen so far for an object, ARRAY_FRAME for an array.
  const frames: number[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i += 1;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) inString = true;
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      frames.push(c === OPEN_OBJECT ? 0 : ARRAY_FRAME);
      if (frames.length > maxDepth) return `body must not be nested deeper than ${maxDepth} levels`;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) frames.pop();
    else if (c === COLON) {
      // Outside strings, every colon of valid JSON separates a key from its value in the innermost object.
      const top = frames.length - 1;
      const keys = frames[top];
      if (keys !== undefined && keys !== ARRAY_FRAME) {
        frames[top] = keys + 1;
        if (keys + 1 > maxKeys) return `an object in the body must not have more than ${maxKeys} keys`;
      }
    }
  }
  return undefined;
}

/**
 * Whether the text cannot break the limits whatever its structure: no more opening brackets than `maxDepth` and no
 * more colons than `maxKeys` (counting those inside strings too only overestimates). A native scan per character
 * kind, so a usual report (a few brackets, a few dozen keys) skips the full scan in JavaScript.
 */
function withinBounds(text: string, maxDepth: number, maxKeys: number): boolean {
  return (
    countUpTo(text, '{', maxDepth) + countUpTo(text, '[', maxDepth) <= maxDepth &&
    countUpTo(text, ':', maxKeys) <= maxKeys
  );
}

/** How many times `char` occurs in `text`, counting no further than `limit + 1`. */
function countUpTo(text: string, char: string, limit: number): number {
  let count = 0;
  for (let i = text.indexOf(char); i !== -1 && count <= limit; i = text.indexOf(char, i + 1)) count += 1;
  return count;
}

/**
 * Parses a JSON request body without ever throwing: invalid JSON (including `NaN`, trailing commas, an empty body),
 * nesting deeper than `maxDepth` and objects with more than `maxKeys` keys are a 400 with field `body`.
 * Numbers too large for a double (`1e999`) come back as `Infinity`: the validators reject them as non-finite.
 *
 * @example
 * const parsed = parseJsonBody('{"sys_data": {"cpu_percent": 12.5}}');
 * if (parsed.ok) parseReport(parsed.value);
 */
export function parseJsonBody(text: string, options: JsonBodyOptions = {}): ParseResult<unknown> {
  const { maxDepth = WIRE_LIMITS.jsonDepth, maxKeys = WIRE_LIMITS.jsonKeys } = options;
  if (!withinBounds(text, maxDepth, maxKeys)) {
    const problem = structureProblem(text, maxDepth, maxKeys);
    if (problem !== undefined) return fail(400, problem, 'body');
  }
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (error) {
    // Keep the position V8 reports but not its excerpt of the input, which would echo the body back.
    const position = error instanceof Error ? /at position (\d+)/.exec(error.message)?.[1] : undefined;
    const where = position === undefined ? '' : ` (error at position ${position})`;
    return fail(400, `body must be valid JSON${where}`, 'body');
  }
}

const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a request body as UTF-8, refusing anything else: invalid byte sequences (overlongs, encoded surrogates,
 * truncated sequences) are a 400 with field `body`, more than `maxBytes` a 413. A leading byte order mark is dropped.
 */
export function decodeUtf8Strict(bytes: Uint8Array, options: Utf8Options = {}): ParseResult<string> {
  const { maxBytes = WIRE_LIMITS.bodyBytes } = options;
  if (bytes.byteLength > maxBytes) return fail(413, `body must be at most ${maxBytes} bytes`, 'body');
  try {
    return ok(strictDecoder.decode(bytes));
  } catch {
    return fail(400, 'body must be valid UTF-8', 'body');
  }
}
