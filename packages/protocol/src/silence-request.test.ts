import { describe, expect, it } from 'vitest';
import {
  HOST_SILENT_RULE,
  MAX_SILENCE_MS,
  MAX_SILENCE_REASON_LENGTH,
  parseSilenceFields,
  parseSilenceRequest,
  SILENCE_WILDCARD,
} from './silence-request.ts';
import { WIRE_LIMITS } from './wire-limits.ts';

const HOUR = 3_600_000;
const encode = (text: string) => new TextEncoder().encode(text);

describe('parseSilenceFields', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['every alert of a host by default', { host: 'pi1', for: '2h' }, { host: 'pi1', rule: '*', forMs: 2 * HOUR }],
    ['a metric', { host: 'pi1', rule: 'cpu_percent', for: '30m' }, { rule: 'cpu_percent', forMs: 1_800_000 }],
    ['an alert key with a mount', { host: 'nas', rule: 'disk_usage_percent@/data', for: 60 }, { forMs: 60_000 }],
    ['a rule below a limit', { host: 'pi1', rule: 'memory_avail:below', for: '1h' }, { rule: 'memory_avail:below' }],
    ['a v2 metric', { host: 'pi1', rule: 'load_1', for: '1h' }, { rule: 'load_1' }],
    ['host_silent', { host: 'pi1', rule: HOST_SILENT_RULE, for: '1h' }, { rule: 'host_silent' }],
    ['every host', { host: SILENCE_WILDCARD, for: '1h30m' }, { host: '*', forMs: 1.5 * HOUR }],
    ['a form’s seconds (text)', { host: 'pi1', for: '600' }, { forMs: 600_000 }],
    [
      'trimmed host, rule and reason',
      { host: ' pi1 ', rule: ' cpu_percent ', for: '1h', reason: ' why ' },
      {
        host: 'pi1',
        rule: 'cpu_percent',
        reason: 'why',
      },
    ],
    ['the longest silence', { host: 'pi1', for: '366d' }, { forMs: MAX_SILENCE_MS }],
  ])('takes %s', (_meaning, body, expected) => {
    const parsed = parseSilenceFields(body);
    expect(parsed.ok && parsed.value).toMatchObject(expected);
  });

  it('leaves a blank or null reason out', () => {
    expect(parseSilenceFields({ host: 'pi1', for: '1h', reason: '  ' })).toEqual({
      ok: true,
      value: { host: 'pi1', rule: '*', forMs: HOUR },
    });
    expect(parseSilenceFields({ host: 'pi1', for: '1h', reason: null })).toEqual({
      ok: true,
      value: { host: 'pi1', rule: '*', forMs: HOUR },
    });
  });

  it.each<[string, unknown, string, string | RegExp]>([
    ['a list', [{ host: 'pi1' }], 'body', 'expected an object { host, rule?, for, reason? }'],
    ['null', null, 'body', /^expected an object/],
    [
      'an unknown field',
      { host: 'pi1', for: '1h', until: 'x' },
      'until',
      'unknown field; expected host, rule, for, reason',
    ],
    ['no host', { for: '2h' }, 'host', 'host is required: a hostname, or * for every host'],
    ['a blank host', { host: ' ', for: '2h' }, 'host', 'expected a hostname, or * for every host'],
    ['a host that is not text', { host: 5, for: '2h' }, 'host', 'expected a hostname, or * for every host'],
    ['a host given twice (a form)', { host: ['a', 'b'], for: '2h' }, 'host', /^expected a hostname/],
    [
      'a host over the limit',
      { host: 'h'.repeat(WIRE_LIMITS.hostnameLength + 1), for: '1h' },
      'host',
      /longer than 255/,
    ],
    ['a host with a line break', { host: 'pi\n1', for: '1h' }, 'host', 'must not contain control characters'],
    ['a rule that is not text', { host: 'pi1', rule: 3, for: '1h' }, 'rule', /^expected a metric/],
    [
      'an unknown rule',
      { host: 'pi1', rule: 'gpu_percent', for: '1h' },
      'rule',
      /^unknown rule "gpu_percent": expected a metric \(cpu_percent, cpu_count, memory_total, \.\.\.\)/,
    ],
    [
      'a mount on a metric without one',
      { host: 'pi1', rule: 'cpu_percent@/data', for: '1h' },
      'rule',
      'cpu_percent has no mount: only disk metrics do',
    ],
    [
      'a mount that is not a path',
      { host: 'pi1', rule: 'disk_usage_percent@data', for: '1h' },
      'rule',
      /^unknown rule/,
    ],
    ['no for', { host: 'pi1' }, 'for', 'for is required: how long, e.g. "2h", "30m", "1h30m"'],
    ['a negative for', { host: 'pi1', for: '-2h' }, 'for', 'must not be negative, got "-2h"'],
    ['a for of 0', { host: 'pi1', for: 0 }, 'for', 'must be more than 0'],
    ['an unreadable for', { host: 'pi1', for: 'a while' }, 'for', /^expected a duration such as/],
    [
      'a for over a year',
      { host: 'pi1', for: '367d' },
      'for',
      'must be at most 366d (for longer, mute the host in config.yaml)',
    ],
    ['a reason that is not text', { host: 'pi1', for: '1h', reason: ['x'] }, 'reason', 'expected a text'],
    [
      'a reason over the limit',
      { host: 'pi1', for: '1h', reason: 'x'.repeat(MAX_SILENCE_REASON_LENGTH + 1) },
      'reason',
      'must not be longer than 500 characters',
    ],
  ])('refuses %s with a 400 naming the field', (_meaning, body, field, error) => {
    const parsed = parseSilenceFields(body);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatchObject({ status: 400, field });
    expect(parsed.error.error).toMatch(error);
  });

  it('reads only own fields: __proto__ is an unknown field, not a prototype', () => {
    const parsed = parseSilenceFields(JSON.parse('{"host": "pi1", "for": "1h", "__proto__": {"rule": "x"}}'));
    expect(parsed).toMatchObject({ ok: false, error: { field: '__proto__' } });
  });
});

describe('parseSilenceRequest', () => {
  it('reads JSON and a form (curl -d)', () => {
    const json = parseSilenceRequest({
      contentType: 'application/json; charset=utf-8',
      body: encode('{"host":"pi1","rule":"cpu_percent","for":"2h","reason":"upgrade"}'),
    });
    expect(json).toEqual({ ok: true, value: { host: 'pi1', rule: 'cpu_percent', forMs: 2 * HOUR, reason: 'upgrade' } });
    const form = parseSilenceRequest({
      contentType: 'application/x-www-form-urlencoded',
      body: encode('host=nas&rule=disk_usage_percent%40%2Fdata&for=600'),
    });
    expect(form).toEqual({ ok: true, value: { host: 'nas', rule: 'disk_usage_percent@/data', forMs: 600_000 } });
  });

  it.each<[string, string | undefined, Uint8Array, number, string]>([
    ['another content type', 'text/xml', encode('<a/>'), 415, 'content-type'],
    ['no content type', undefined, encode('{}'), 415, 'content-type'],
    ['invalid JSON', 'application/json', encode('{"host": '), 400, 'body'],
    ['bytes that are not UTF-8', 'application/json', new Uint8Array([0x7b, 0xff, 0x7d]), 400, 'body'],
    ['a body over the limit', 'application/json', new Uint8Array(WIRE_LIMITS.bodyBytes + 1), 413, 'body'],
    ['a field the body gets wrong', 'application/json', encode('{"host":"pi1"}'), 400, 'for'],
  ])('refuses %s', (_meaning, contentType, body, status, field) => {
    expect(parseSilenceRequest({ contentType, body })).toMatchObject({ ok: false, error: { status, field } });
  });

  it('applies a smaller body limit when given one', () => {
    const body = encode('{"host":"pi1","for":"1h"}');
    expect(parseSilenceRequest({ contentType: 'application/json', body }, { maxBytes: 8 })).toMatchObject({
      ok: false,
      error: { status: 413 },
    });
  });
});
