import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFormBody } from './form-body.ts';

function fieldsOf(text: string): Record<string, unknown> {
  const result = parseFormBody(text);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to parse: ${result.error.error}`);
  return { ...result.value };
}

describe('parseFormBody', () => {
  it.each([
    [
      "the seed article's curl one-liner",
      'hostname=MyHostname&message=This+is+a+test+message',
      { hostname: 'MyHostname', message: 'This is a test message' },
    ],
    [
      'percent-encoded UTF-8 and line breaks',
      'message=caf%C3%A9%0Aok&summary=%E2%9A%A0',
      { message: 'café\nok', summary: '⚠' },
    ],
    ['raw UTF-8 (already decoded by decodeUtf8Strict)', 'message=café', { message: 'café' }],
    ["curl -d's unencoded percent sign", 'message=CPU at 100%&x=%zz%4', { message: 'CPU at 100%', x: '%zz%4' }],
    ['an encoded plus and ampersand', 'message=a%2Bb%26c', { message: 'a+b&c' }],
    ['a key without =, and empty pairs', 'flag&&message=&', { flag: '', message: '' }],
    ['a repeated key, as an array in order', 'hostname=a&hostname=b&hostname=c', { hostname: ['a', 'b', 'c'] }],
    ['keys named like Object.prototype members', '__proto__=x&constructor=y', { ['__proto__']: 'x', constructor: 'y' }],
    ['an empty body', '', {}],
  ])('reads %s', (_, text, expected) => {
    expect(fieldsOf(text)).toEqual(expected);
  });

  it('keeps __proto__ as a field instead of changing the prototype', () => {
    const result = parseFormBody('__proto__=polluted');
    expect(result.ok && Object.hasOwn(result.value, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(result.ok ? result.value : {})).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['an invalid byte', 'message=%FF'],
    ['a Latin-1 é', 'message=caf%E9'],
    ['a truncated sequence', 'message=%E2%82'],
    ['an encoded surrogate', 'message=%ED%A0%80'],
    ['a bad key', '%C0%AF=x'],
  ])('refuses %s with a 400', (_, text) => {
    expect(parseFormBody(text)).toEqual({
      ok: false,
      error: { status: 400, error: 'form fields must be valid UTF-8 once percent-decoded', field: 'body' },
    });
  });

  it('refuses more than maxFields pairs', () => {
    const tenThousand = Array.from({ length: 10_000 }, (_, i) => `k${i}=v`).join('&');
    expect(parseFormBody(tenThousand)).toEqual({
      ok: false,
      error: { status: 400, error: 'form body must not have more than 1024 fields', field: 'body' },
    });
    expect(parseFormBody('a=1&b=2&c=3', { maxFields: 3 }).ok).toBe(true);
    expect(parseFormBody('a=1&b=2&c=3', { maxFields: 2 }).ok).toBe(false);
  });

  it('reads whatever URLSearchParams writes, back to the same entries', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' })), { maxLength: 8 }),
        (entries) => {
          const text = new URLSearchParams(entries).toString();
          const result = parseFormBody(text);
          expect(result.ok).toBe(true);
          const expected = new Map<string, string[]>();
          for (const [key, value] of new URLSearchParams(text))
            expected.set(key, [...(expected.get(key) ?? []), value]);
          const got = result.ok ? result.value : {};
          expect(Object.keys(got).sort()).toEqual([...expected.keys()].sort());
          for (const [key, values] of expected) expect(got[key]).toEqual(values.length === 1 ? values[0] : values);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never throws on any string, and only ever refuses with a 400', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('%', 'F', 'f', 'C', '3', 'A', '9', '=', '&', '+', 'é', '\u0000', '\ud800') }),
        (text) => {
          const result = parseFormBody(text);
          if (!result.ok) {
            expect(result.error.status).toBe(400);
            expect(result.error.field).toBe('body');
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
