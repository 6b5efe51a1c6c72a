import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8Strict, parseJsonBody } from './json-body.ts';
import type { ParseResult } from './wire-error.ts';

function expectWireError(result: ParseResult<unknown>): void {
  if (result.ok) return;
  expect(result.error.status).toBeGreaterThanOrEqual(400);
  expect(result.error.status).toBeLessThan(500);
  expect(typeof result.error.error).toBe('string');
  expect(result.error.error.length).toBeGreaterThan(0);
}

// V8 words its errors differently across versions; only the position it reports is kept, when it gives one.
const INVALID_JSON = expect.stringMatching(/^body must be valid JSON( \(error at position \d+\))?$/);

describe('parseJsonBody', () => {
  it.each([
    ['an object', '{"a": [1, {"b": null}]}', { a: [1, { b: null }] }],
    ['a bare number', '12.5', 12.5],
    [
      '1e999, which JSON.parse reads as Infinity (the validators reject it)',
      '{"x": 1e999}',
      { x: Number.POSITIVE_INFINITY },
    ],
    ['exactly 32 levels', `${'['.repeat(32)}${']'.repeat(32)}`, JSON.parse(`${'['.repeat(32)}${']'.repeat(32)}`)],
    [
      'brackets and colons inside strings do not count',
      `{"s": "${'[{:'.repeat(2000)}\\"["}`,
      { s: `${'[{:'.repeat(2000)}"[` },
    ],
  ])('parses %s', (_, text, expected) => {
    expect(parseJsonBody(text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['NaN is not JSON', '{"cpu_percent": NaN}', INVALID_JSON],
    ['an empty body', '', INVALID_JSON],
    ['a trailing comma', '{"a": 1,}', INVALID_JSON],
    ['a single quote', "{'a': 1}", INVALID_JSON],
    ['a raw control character in a string', '{"a": "x\u0001"}', INVALID_JSON],
    ['33 levels', `${'['.repeat(33)}${']'.repeat(33)}`, 'body must not be nested deeper than 32 levels'],
    ['10 000 levels', `${'['.repeat(10_000)}${']'.repeat(10_000)}`, 'body must not be nested deeper than 32 levels'],
    ['a million unclosed levels', '{"a":'.repeat(1_000_000), 'body must not be nested deeper than 32 levels'],
    [
      '10 000 keys in one object',
      `{${Array.from({ length: 10_000 }, (_, i) => `"k${i}": ${i}`).join(',')}}`,
      'an object in the body must not have more than 1024 keys',
    ],
  ])('refuses %s with a 400 on field body', (_, text, error: unknown) => {
    expect(parseJsonBody(text)).toEqual({ ok: false, error: { status: 400, error, field: 'body' } });
  });

  it('does not echo the input in its error', () => {
    const result = parseJsonBody('{"secret-token-value": oops}');
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('secret-token-value');
  });

  it('honours custom limits', () => {
    expect(parseJsonBody('[[1]]', { maxDepth: 1 }).ok).toBe(false);
    expect(parseJsonBody('{"a": 1, "b": 2}', { maxKeys: 1 }).ok).toBe(false);
    expect(parseJsonBody('{"a": 1, "b": {"c": 2}}', { maxKeys: 2 }).ok).toBe(true);
    // Keys are counted per object: 3 objects of 2 keys each pass a limit of 2.
    expect(parseJsonBody('[{"a":1,"b":2},{"a":1,"b":2},{"a":1,"b":2}]', { maxKeys: 2 }).ok).toBe(true);
  });

  it('parses every JSON document within the limits as JSON.parse does', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        const text = JSON.stringify(value);
        expect(parseJsonBody(text)).toEqual({ ok: true, value: JSON.parse(text) });
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on any string, and answers a 400 whenever it refuses', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.json({ maxDepth: 40 }),
          fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', ':', '\\', ',', '1') }),
        ),
        (text) => {
          const result = parseJsonBody(text);
          expectWireError(result);
          if (!result.ok) expect(result.error.status).toBe(400);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('decodeUtf8Strict', () => {
  const bytes = (...values: number[]) => Uint8Array.from(values);

  it.each([
    ['ASCII', bytes(0x68, 0x69), 'hi'],
    ['a 4-byte sequence', bytes(0xf0, 0x9f, 0x9a, 0xa8), '\u{1F6A8}'],
    ['a byte order mark, dropped', bytes(0xef, 0xbb, 0xbf, 0x41), 'A'],
    ['an empty body', bytes(), ''],
  ])('decodes %s', (_, input, expected) => {
    expect(decodeUtf8Strict(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['a lone continuation byte', bytes(0x80)],
    ['0xff', bytes(0x41, 0xff)],
    ['an overlong slash', bytes(0xc0, 0xaf)],
    ['an encoded surrogate', bytes(0xed, 0xa0, 0x80)],
    ['a truncated sequence', bytes(0xe2, 0x82)],
    ['Latin-1 text', bytes(0x63, 0x61, 0x66, 0xe9)],
  ])('refuses %s with a 400', (_, input) => {
    expect(decodeUtf8Strict(input)).toEqual({
      ok: false,
      error: { status: 400, error: 'body must be valid UTF-8', field: 'body' },
    });
  });

  it('refuses a body over the limit with a 413', () => {
    expect(decodeUtf8Strict(new Uint8Array(11), { maxBytes: 10 })).toEqual({
      ok: false,
      error: { status: 413, error: 'body must be at most 10 bytes', field: 'body' },
    });
    expect(decodeUtf8Strict(new Uint8Array(10), { maxBytes: 10 }).ok).toBe(true);
    expect(decodeUtf8Strict(new Uint8Array(1_048_577)).ok).toBe(false);
  });

  it('never throws on any bytes, and agrees with a fatal TextDecoder', () => {
    const reference = new TextDecoder('utf-8', { fatal: true });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }),
          fc.string({ unit: 'binary' }).map((s) => new TextEncoder().encode(s)),
        ),
        (input) => {
          const result = decodeUtf8Strict(input);
          let expected: string | undefined;
          try {
            expected = reference.decode(input);
          } catch {
            expected = undefined;
          }
          expect(result.ok ? result.value : undefined).toBe(expected);
          expectWireError(result);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
