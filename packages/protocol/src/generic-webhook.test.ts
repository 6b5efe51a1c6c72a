import { describe, expect, it } from 'vitest';
import { parseGenericWebhook, parseGenericWebhookRequest } from './generic-webhook.ts';

const request = (contentType: string, body: string) => ({ contentType, body: new TextEncoder().encode(body) });

describe('parseGenericWebhook', () => {
  it('reads shoutrrr’s JSON template with its extra fields', () => {
    expect(
      parseGenericWebhook({
        title: 'Foo CPU above threshold',
        message: 'CPU averaged 63.53%',
        type: 'Warning',
        thread: 'cpu',
      }),
    ).toEqual({
      ok: true,
      value: { summary: 'Foo CPU above threshold', text: 'CPU averaged 63.53%', type: 'warning', thread: 'cpu' },
    });
  });

  it('makes a message of the message alone, plain, with no title', () => {
    expect(parseGenericWebhook({ message: 'done' })).toEqual({ ok: true, value: { text: 'done', type: 'none' } });
  });

  it.each([
    ['no message', { title: 'x' }, 'message'],
    ['a blank message', { message: '  ' }, 'message'],
    ['a message that is no string', { message: 5 }, 'message'],
    ['an unknown type', { message: 'x', type: 'urgent' }, 'type'],
    ['a thread over one line', { message: 'x', thread: 'a\nb' }, 'thread'],
    ['a title with control characters', { message: 'x', title: 'a\u0007' }, 'title'],
  ])('refuses %s, naming the field', (_, fields, field) => {
    const parsed = parseGenericWebhook(fields);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatchObject({ status: 400, field });
  });

  it('lists a missing message beside another problem', () => {
    const parsed = parseGenericWebhook({ type: 'nope' });
    expect(!parsed.ok && parsed.error.issues?.map((i) => i.field)).toEqual(['message', 'type']);
  });
});

describe('parseGenericWebhookRequest', () => {
  it('reads JSON, a form, and a plain text body (the message itself)', () => {
    const json = parseGenericWebhookRequest(request('application/json', '{"title":"t","message":"m"}'));
    expect(json.ok && json.value).toEqual({ summary: 't', text: 'm', type: 'none' });
    const form = parseGenericWebhookRequest(request('application/x-www-form-urlencoded', 'message=m&type=error'));
    expect(form.ok && form.value).toEqual({ text: 'm', type: 'error' });
    const text = parseGenericWebhookRequest(request('text/plain; charset=utf-8', 'disk full'));
    expect(text.ok && text.value).toEqual({ text: 'disk full', type: 'none' });
  });

  it('refuses another content type with a 415, and plain text sent as JSON with a hint', () => {
    const xml = parseGenericWebhookRequest(request('application/xml', '<a/>'));
    expect(!xml.ok && xml.error).toMatchObject({ status: 415, field: 'content-type' });
    const plain = parseGenericWebhookRequest(request('application/json', 'disk full'));
    expect(!plain.ok && plain.error).toMatchObject({
      status: 400,
      field: 'body',
      error: expect.stringMatching(/template=json/),
    });
  });
});
