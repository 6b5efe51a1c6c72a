// POST /message with fields it does not know: accepted (the 200 stays a 200), and the answer and the log name what
// was ignored, so a misspelt `mesage_type` does not pass unnoticed as a plain message.
import { afterAll, describe, expect, it } from 'vitest';
import { form, json, jsonOf, startHub } from '../hub.test-support.ts';

describe('POST /message with fields it does not know', () => {
  const hub = startHub();
  afterAll(() => hub.close());

  function multipart(fields: Record<string, string>): RequestInit {
    const body = new FormData();
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    return { method: 'POST', body };
  }

  it.each([
    ['a misspelt form field', form({ hostname: 'h1', message: 'm', mesage_type: 'error' }), ['mesage_type']],
    [
      'a form field in array form',
      { ...form({}), body: 'hostname=h2&message=m&message_type%5B%5D=info' },
      ['message_type[]'],
    ],
    ['an unknown JSON field', json({ hostname: 'h3', message: 'm', type: 'error' }), ['type']],
    ['an unknown multipart field', multipart({ hostname: 'h4', message: 'm', severity: 'high' }), ['severity']],
  ])('accepts %s and names it in the answer and the log', async (_what, init, ignored) => {
    const pending = hub.store.outbox.counts().pending;
    const res = await hub.request('/message', init);
    expect(res.status).toBe(200);
    const body = await jsonOf(res);
    expect(body).toEqual({ status: 'queued', id: expect.any(Number), ignored });
    expect(hub.store.outbox.counts().pending).toBe(pending + 1);
    const [entry] = hub.store.outbox.list().filter((e) => e.id === body.id);
    // Posted as the plain message it is: the ignored type changes nothing.
    expect((entry?.payload as { message: { type: string } } | undefined)?.message.type).toBe('none');
    const line = hub.logger.lines.find((l) => l.message.includes('ignored') && l.fields.id === body.id);
    expect(line?.level).toBe('warn');
    expect(line?.fields).toMatchObject({ hostname: expect.stringMatching(/^h\d$/), ignored });
  });

  it('answers without `ignored` when every field is known', async () => {
    const res = await hub.request('/message', form({ hostname: 'h', message: 'm', message_type: 'info' }));
    expect(await jsonOf(res)).toEqual({ status: 'queued', id: expect.any(Number) });
  });
});
