import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodyKind, parseMessageRequest, parseReportRequest } from './request-body.ts';
import type { ParseResult } from './wire-error.ts';

const original = JSON.parse(
  readFileSync(new URL('../fixtures/original-remote-client-request.json', import.meta.url), 'utf8'),
) as { body: string; headers: Record<string, string> };

const utf8 = (text: string) => new TextEncoder().encode(text);
const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

function statusAndField(result: ParseResult<unknown>): [number, string | undefined] | 'ok' {
  return result.ok ? 'ok' : [result.error.status, result.error.field];
}

describe('bodyKind', () => {
  it.each([
    ['application/json', 'json'],
    ['Application/JSON; charset=UTF-8', 'json'],
    ['application/json;charset="utf-8"', 'json'],
    ['application/x-www-form-urlencoded', 'form'],
    ['application/x-www-form-urlencoded; charset=utf8', 'form'],
    ['application/json; charset=iso-8859-1', undefined],
    ['text/plain', undefined],
    ['multipart/form-data; boundary=x', undefined],
    ['__proto__', undefined],
    ['', undefined],
    [undefined, undefined],
    [null, undefined],
  ])('reads %j as %s', (header, kind) => {
    expect(bodyKind(header)).toBe(kind);
  });
});

describe('parseMessageRequest', () => {
  it('reads the seed article curl one-liner', () => {
    const result = parseMessageRequest({
      contentType: FORM,
      body: utf8('hostname=MyHostname&message=This+is+a+test+message'),
    });
    expect(result).toStrictEqual({
      ok: true,
      value: { hostname: 'MyHostname', text: 'This is a test message', type: 'none' },
    });
  });

  it("reads the Python client's form, as the golden case sent it", () => {
    const body = utf8(
      new URLSearchParams({
        hostname: 'peer-host',
        summary: 'Backup finished with warnings',
        message: '3 files were skipped',
        message_type: 'warning',
      }).toString(),
    );
    expect(parseMessageRequest({ contentType: FORM, body })).toStrictEqual({
      ok: true,
      value: {
        hostname: 'peer-host',
        text: '3 files were skipped',
        summary: 'Backup finished with warnings',
        type: 'warning',
      },
    });
  });

  it.each([
    ['a misspelt form field', FORM, 'hostname=h&message=m&mesage_type=error', ['mesage_type']],
    ['a form field in array form', FORM, 'hostname=h&message=m&message_type[]=info', ['message_type[]']],
    ['an unknown JSON field', 'application/json', '{"hostname":"h","message":"m","type":"error"}', ['type']],
  ])('accepts a message with %s, and names what it ignored', (_, contentType, text, ignored) => {
    expect(parseMessageRequest({ contentType, body: utf8(text) })).toStrictEqual({
      ok: true,
      value: { hostname: 'h', text: 'm', type: 'none' },
      ignored,
    });
  });

  it('reads a JSON object', () => {
    const body = utf8('{"hostname": "h", "message": "disk full", "message_type": "Error"}');
    expect(parseMessageRequest({ contentType: 'application/json; charset=utf-8', body })).toStrictEqual({
      ok: true,
      value: { hostname: 'h', text: 'disk full', type: 'error' },
    });
  });

  it.each([
    ['no content type', undefined, 'hostname=h&message=m', [415, 'content-type']],
    ['text/plain', 'text/plain', 'hostname=h&message=m', [415, 'content-type']],
    [
      'multipart (read it with the framework instead)',
      'multipart/form-data; boundary=b',
      '--b--',
      [415, 'content-type'],
    ],
    ['invalid JSON', JSON_TYPE, '{"hostname": "h", ', [400, 'body']],
    ['NaN in JSON', JSON_TYPE, '{"hostname": NaN}', [400, 'body']],
    ['a JSON array', JSON_TYPE, '["h", "m"]', [400, 'body']],
    ['a form with a repeated hostname', FORM, 'hostname=a&hostname=b&message=m', [400, 'hostname']],
    ['a form with %FF', FORM, 'hostname=h&message=%FF', [400, 'body']],
    ['a form with an encoded NUL', FORM, 'hostname=h&message=a%00b', [400, 'message']],
    ['an unknown type', FORM, 'hostname=h&message=m&message_type=critical', [400, 'message_type']],
    ['an empty form', FORM, '', [400, 'hostname']],
    ['10 000 form keys', FORM, Array.from({ length: 10_000 }, (_, i) => `k${i}=v`).join('&'), [400, 'body']],
    ['10 000-deep JSON', JSON_TYPE, `${'['.repeat(10_000)}${']'.repeat(10_000)}`, [400, 'body']],
  ])('refuses %s', (_, contentType, text, expected) => {
    expect(statusAndField(parseMessageRequest({ contentType, body: utf8(text) }))).toEqual(expected);
  });

  it('refuses invalid UTF-8 bytes in the body', () => {
    const body = Uint8Array.from([...utf8('hostname=h&message=caf'), 0xe9]);
    expect(statusAndField(parseMessageRequest({ contentType: FORM, body }))).toEqual([400, 'body']);
  });

  it('refuses a body over the limit with a 413', () => {
    const body = utf8(`hostname=h&message=${'m'.repeat(2000)}`);
    expect(statusAndField(parseMessageRequest({ contentType: FORM, body }, { maxBytes: 1000 }))).toEqual([413, 'body']);
    expect(statusAndField(parseMessageRequest({ contentType: FORM, body: new Uint8Array(1_048_577) }))).toEqual([
      413,
      'body',
    ]);
  });
});

describe('parseReportRequest', () => {
  it("accepts the original client's request byte for byte", () => {
    const result = parseReportRequest({ contentType: original.headers['Content-Type'], body: utf8(original.body) });
    expect(result.ok && result.value.kind).toBe('legacy');
    expect(result.ok && result.value.kind === 'legacy' ? Object.keys(result.value.sysData) : []).toEqual([
      'hostname',
      'cpu_percent',
      'cpu_count',
      'memory_total',
      'memory_avail',
      'memory_used',
      'memory_free',
      'memory_percent',
      'disk_usage_total',
      'disk_usage_used',
      'disk_usage_free',
      'disk_usage_percent',
    ]);
  });

  it.each([
    ['a form', FORM, 'sys_data=1', [415, 'content-type']],
    ['"95"', JSON_TYPE, '{"sys_data": {"cpu_percent": "95"}}', [400, 'sys_data.cpu_percent']],
    ['1e999', JSON_TYPE, '{"sys_data": {"cpu_percent": 1e999}}', [400, 'sys_data.cpu_percent']],
    ['NaN', JSON_TYPE, '{"sys_data": {"cpu_percent": NaN}}', [400, 'body']],
    ['an empty body', JSON_TYPE, '', [400, 'body']],
    ['version 3', JSON_TYPE, '{"version": 3, "sample": {}}', [422, 'version']],
    [
      'a 1 MB string',
      JSON_TYPE,
      JSON.stringify({ sys_data: { hostname: 'x'.repeat(1_000_000) } }),
      [400, 'sys_data.hostname'],
    ],
  ])('refuses %s', (_, contentType, text, expected) => {
    expect(statusAndField(parseReportRequest({ contentType, body: utf8(text) }))).toEqual(expected);
  });
});

describe('request parsers never throw', () => {
  const contentType = fc.oneof(
    fc.constantFrom(FORM, JSON_TYPE, `${JSON_TYPE}; charset=utf-8`, 'text/plain', '', undefined, null),
    fc.string(),
  );
  const body = fc.oneof(
    fc.uint8Array({ maxLength: 256 }),
    fc.json({ maxDepth: 6 }).map(utf8),
    fc.jsonValue({ maxDepth: 4 }).map((value) => utf8(JSON.stringify({ sys_data: value }))),
    fc
      .dictionary(fc.constantFrom('hostname', 'message', 'summary', 'message_type', 'x'), fc.string({ unit: 'binary' }))
      .map((fields) => utf8(new URLSearchParams(fields).toString())),
    fc.string({ unit: fc.constantFrom('%', 'F', 'C', '3', '=', '&', 'h', '+') }).map(utf8),
  );

  it('answers every generated request with a value or a 4xx WireError', () => {
    fc.assert(
      fc.property(contentType, body, (type, bytes) => {
        for (const result of [
          parseMessageRequest({ contentType: type, body: bytes }),
          parseReportRequest({ contentType: type, body: bytes }),
        ] as ParseResult<unknown>[]) {
          if (result.ok) continue;
          expect(result.error.status).toBeGreaterThanOrEqual(400);
          expect(result.error.status).toBeLessThan(500);
          expect(result.error.error).toMatch(/\S/);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
