import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMessageFields } from './message-fields.ts';
import { MESSAGE_TYPES } from './message-type.ts';

describe('parseMessageFields', () => {
  it.each([
    [
      'the golden form case: summary and warning',
      {
        hostname: 'peer-host',
        summary: 'Backup finished with warnings',
        message: '3 files were skipped',
        message_type: 'warning',
      },
      {
        hostname: 'peer-host',
        text: '3 files were skipped',
        summary: 'Backup finished with warnings',
        type: 'warning',
      },
    ],
    [
      'a missing message_type means none (the original answered 500)',
      { hostname: 'MyHostname', message: 'This is a test message' },
      { hostname: 'MyHostname', text: 'This is a test message', type: 'none' },
    ],
    [
      'an empty message_type means none',
      { hostname: 'h', message: 'm', message_type: ' ' },
      { hostname: 'h', text: 'm', type: 'none' },
    ],
    [
      'a null message_type means none',
      { hostname: 'h', message: 'm', message_type: null },
      { hostname: 'h', text: 'm', type: 'none' },
    ],
    [
      'message_type in any case, blanks around',
      { hostname: 'h', message: 'm', message_type: ' ALARM ' },
      { hostname: 'h', text: 'm', type: 'alarm' },
    ],
    [
      'a hostname with spaces, trimmed',
      { hostname: '  Auto Git Pull at myhostname ', message: 'm' },
      { hostname: 'Auto Git Pull at myhostname', text: 'm', type: 'none' },
    ],
    [
      'an empty summary is absent',
      { hostname: 'h', message: 'm', summary: '' },
      { hostname: 'h', text: 'm', type: 'none' },
    ],
    [
      'a blank summary is absent',
      { hostname: 'h', message: 'm', summary: ' \n ' },
      { hostname: 'h', text: 'm', type: 'none' },
    ],
    [
      'a null summary is absent',
      { hostname: 'h', message: 'm', summary: null },
      { hostname: 'h', text: 'm', type: 'none' },
    ],
    [
      'tab and line breaks in the text, kept as sent',
      { hostname: 'h', message: ' a\tb\r\nc\n' },
      { hostname: 'h', text: ' a\tb\r\nc\n', type: 'none' },
    ],
    [
      'a form key given once inside an array',
      { hostname: ['h'], message: ['m'], message_type: ['info'] },
      { hostname: 'h', text: 'm', type: 'info' },
    ],
    [
      'emoji and non-Latin scripts',
      { hostname: 'ホスト', message: '🚨 Диск' },
      { hostname: 'ホスト', text: '🚨 Диск', type: 'none' },
    ],
    [
      'a hostname of exactly 255 characters',
      { hostname: 'h'.repeat(255), message: 'm' },
      { hostname: 'h'.repeat(255), text: 'm', type: 'none' },
    ],
    [
      'a message of exactly 64 KiB',
      { hostname: 'h', message: 'm'.repeat(65_536) },
      { hostname: 'h', text: 'm'.repeat(65_536), type: 'none' },
    ],
  ])('accepts %s', (_, fields, expected) => {
    expect(parseMessageFields(fields)).toStrictEqual({ ok: true, value: expected });
  });

  it.each([
    ['an unknown field', { hostname: 'h', message: 'm', extra: { deep: [1] } }, ['extra']],
    ['a misspelt message_type', { hostname: 'h', message: 'm', mesage_type: 'error' }, ['mesage_type']],
    [
      "PHP's array form of message_type",
      { hostname: 'h', message: 'm', 'message_type[]': ['info'] },
      ['message_type[]'],
    ],
    ['several, in the order given', { zeta: 1, hostname: 'h', alpha: 2, message: 'm' }, ['zeta', 'alpha']],
  ])('accepts a message with %s, and names what it ignored', (_, fields, ignored) => {
    expect(parseMessageFields(fields)).toStrictEqual({
      ok: true,
      value: { hostname: 'h', text: 'm', type: 'none' },
      ignored,
    });
  });

  it('names at most 20 ignored fields, each cut to 64 characters', () => {
    const fields: Record<string, string> = { hostname: 'h', message: 'm', ['x'.repeat(100)]: 'long' };
    for (let i = 0; i < 30; i += 1) fields[`f${i}`] = 'v';
    const result = parseMessageFields(fields);
    expect(result.ok && result.ignored).toEqual([
      `${'x'.repeat(63)}…`,
      ...Array.from({ length: 19 }, (_, i) => `f${i}`),
    ]);
  });

  it.each([
    ['a missing hostname (the original posted "None")', { message: 'm' }, 'hostname', 'hostname is required'],
    ['a null hostname', { hostname: null, message: 'm' }, 'hostname', 'hostname is required'],
    ['a blank hostname', { hostname: '   ', message: 'm' }, 'hostname', 'hostname must not be empty'],
    ['a missing message', { hostname: 'h' }, 'message', 'message is required'],
    ['an empty message', { hostname: 'h', message: '' }, 'message', 'message must not be empty'],
    ['a blank message', { hostname: 'h', message: ' \n\t' }, 'message', 'message must not be empty'],
    [
      'an unknown message_type',
      { hostname: 'h', message: 'm', message_type: 'critical' },
      'message_type',
      'message_type must be one of none, info, warning, error, alarm',
    ],
    [
      'a numeric message_type',
      { hostname: 'h', message: 'm', message_type: 3 },
      'message_type',
      'message_type must be a string',
    ],
    [
      'a repeated hostname',
      { hostname: ['a', 'b'], message: 'm' },
      'hostname',
      'hostname must be given once (it was given 2 times)',
    ],
    [
      'a repeated message',
      { hostname: 'h', message: ['a', 'b', 'c'] },
      'message',
      'message must be given once (it was given 3 times)',
    ],
    [
      'a repeated message_type',
      { hostname: 'h', message: 'm', message_type: ['info', 'error'] },
      'message_type',
      'message_type must be given once (it was given 2 times)',
    ],
    ['a numeric hostname', { hostname: 42, message: 'm' }, 'hostname', 'hostname must be a string'],
    ['an object as message', { hostname: 'h', message: { text: 'm' } }, 'message', 'message must be a string'],
    ['a boolean summary', { hostname: 'h', message: 'm', summary: true }, 'summary', 'summary must be a string'],
    [
      'a 256-character hostname',
      { hostname: 'h'.repeat(256), message: 'm' },
      'hostname',
      'hostname must be at most 255 characters',
    ],
    [
      'a 1 MB message',
      { hostname: 'h', message: 'm'.repeat(1_000_000) },
      'message',
      'message must be at most 65536 characters',
    ],
    [
      'a 1 MB hostname',
      { hostname: 'h'.repeat(1_000_000), message: 'm' },
      'hostname',
      'hostname must be at most 255 characters',
    ],
    [
      'a 1001-character summary',
      { hostname: 'h', message: 'm', summary: 's'.repeat(1001) },
      'summary',
      'summary must be at most 1000 characters',
    ],
    [
      'a NUL in the message',
      { hostname: 'h', message: 'a\u0000b' },
      'message',
      'message must not contain control characters other than tab and line breaks',
    ],
    [
      'an escape sequence in the message',
      { hostname: 'h', message: '\u001b[31mred' },
      'message',
      'message must not contain control characters other than tab and line breaks',
    ],
    [
      'DEL in the summary',
      { hostname: 'h', message: 'm', summary: 'a\u007f' },
      'summary',
      'summary must not contain control characters other than tab and line breaks',
    ],
    [
      'a C1 control in the message',
      { hostname: 'h', message: 'a\u0085' },
      'message',
      'message must not contain control characters other than tab and line breaks',
    ],
    [
      'a line feed in the hostname',
      { hostname: 'a\nb', message: 'm' },
      'hostname',
      'hostname must not contain control characters',
    ],
    [
      'a tab in the hostname',
      { hostname: 'a\tb', message: 'm' },
      'hostname',
      'hostname must not contain control characters',
    ],
    [
      'a right-to-left override in the hostname',
      { hostname: 'web1\u202Egnp.exe', message: 'm' },
      'hostname',
      'hostname must not contain invisible characters such as direction overrides or zero-width spaces (found U+202E)',
    ],
    [
      'a zero-width space in the hostname',
      { hostname: 'example.com/?\u200B@someone@server.social', message: 'm' },
      'hostname',
      'hostname must not contain invisible characters such as direction overrides or zero-width spaces (found U+200B)',
    ],
    [
      'a byte-order mark in the hostname',
      { hostname: 'web\uFEFF1', message: 'm' },
      'hostname',
      'hostname must not contain invisible characters such as direction overrides or zero-width spaces (found U+FEFF)',
    ],
    [
      'a lone high surrogate in the message',
      { hostname: 'h', message: 'a\ud800b' },
      'message',
      'message must be valid Unicode (it holds a lone surrogate)',
    ],
    [
      'a lone low surrogate in the hostname',
      { hostname: '\udc00', message: 'm' },
      'hostname',
      'hostname must be valid Unicode (it holds a lone surrogate)',
    ],
  ])('refuses %s with a 400 naming the field', (_, fields, field, error) => {
    expect(parseMessageFields(fields)).toStrictEqual({ ok: false, error: { status: 400, error, field } });
  });

  it.each([
    ['an array', [['hostname', 'h']]],
    ['a string', 'hostname=h&message=m'],
    ['null', null],
  ])('refuses %s instead of an object of fields', (_, fields) => {
    const result = parseMessageFields(fields);
    expect(result.ok ? undefined : [result.error.status, result.error.field]).toEqual([400, 'body']);
  });

  it('lists every problem, the first one as the error', () => {
    const result = parseMessageFields({ message: '', message_type: 'loud', summary: 's'.repeat(2000) });
    expect(result).toStrictEqual({
      ok: false,
      error: {
        status: 400,
        error: 'hostname is required',
        field: 'hostname',
        issues: [
          { error: 'hostname is required', field: 'hostname' },
          { error: 'message must not be empty', field: 'message' },
          { error: 'summary must be at most 1000 characters', field: 'summary' },
          { error: 'message_type must be one of none, info, warning, error, alarm', field: 'message_type' },
        ],
      },
    });
  });

  it('reads only own fields, never inherited ones', () => {
    const inherited = Object.create({ hostname: 'h', message: 'm' }) as Record<string, unknown>;
    expect(parseMessageFields(inherited).ok).toBe(false);
  });

  it('never throws, and whatever it accepts is a clean message', () => {
    const anyValue = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.constantFrom(...MESSAGE_TYPES, 'WARNING', ' ', '', null, undefined),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.anything(),
    );
    const fields = fc.oneof(
      fc.record(
        { hostname: anyValue, message: anyValue, summary: anyValue, message_type: anyValue },
        { requiredKeys: [] },
      ),
      fc.dictionary(fc.string(), anyValue),
      fc.anything(),
    );
    fc.assert(
      fc.property(fields, (input) => {
        const result = parseMessageFields(input);
        if (!result.ok) {
          expect(result.error.status).toBe(400);
          expect(result.error.error).toMatch(/\S/);
          expect(typeof result.error.field).toBe('string');
          return;
        }
        const { hostname, text, summary, type } = result.value;
        expect(hostname).toBe(hostname?.trim());
        expect(hostname).toMatch(/^[^\p{Cc}]{1,255}$/u);
        expect(text.trim()).not.toBe('');
        expect(text).not.toMatch(/[^\t\n\r\P{Cc}]|\p{Cs}/u);
        if (summary !== undefined) expect(summary.length).toBeLessThanOrEqual(1000);
        expect(MESSAGE_TYPES).toContain(type);
      }),
      { numRuns: 3000 },
    );
  });
});
