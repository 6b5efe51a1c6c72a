import { describe, expect, it } from 'vitest';
import { describeParams, nestParams, parseBody, parseQuery } from './request-body.ts';

describe('nestParams', () => {
  it.each<[string, [string, string][], unknown]>([
    ['flat keys stay flat', [['status', 'hi']], { status: 'hi' }],
    [
      '`a[]` collects an array',
      [
        ['media_ids[]', '1'],
        ['media_ids[]', '2'],
      ],
      { media_ids: ['1', '2'] },
    ],
    [
      '`a[0]` (masto multipart) reads as an array',
      [
        ['media_ids[1]', 'b'],
        ['media_ids[0]', 'a'],
      ],
      { media_ids: ['a', 'b'] },
    ],
    [
      '`a[b]` nests',
      [
        ['poll[expires_in]', '60'],
        ['poll[options][]', 'x'],
        ['poll[options][]', 'y'],
      ],
      { poll: { expires_in: '60', options: ['x', 'y'] } },
    ],
    [
      'a later scalar wins',
      [
        ['status', 'a'],
        ['status', 'b'],
      ],
      { status: 'b' },
    ],
  ])('%s', (_meaning, entries, expected) => {
    expect(nestParams(entries)).toEqual(expected);
  });
});

describe('parseBody', () => {
  it('parses JSON objects and refuses other JSON values and broken JSON', async () => {
    expect(await parseBody('application/json; charset=utf-8', Buffer.from('{"status":"x"}'))).toEqual({
      ok: true,
      params: { status: 'x' },
    });
    expect((await parseBody('application/json', Buffer.from('[1]'))).ok).toBe(false);
    expect((await parseBody('application/json', Buffer.from('{oops'))).ok).toBe(false);
  });

  it('parses form bodies and multipart bodies with files', async () => {
    expect(await parseBody('application/x-www-form-urlencoded', Buffer.from('status=a+b&tags[]=x'))).toEqual({
      ok: true,
      params: { status: 'a b', tags: ['x'] },
    });
    const form = new FormData();
    form.append('description', 'chart');
    form.append('file', new Blob(['abc'], { type: 'image/png' }), 'c.png');
    const request = new Request('http://x/', { method: 'POST', body: form });
    const parsed = await parseBody(
      request.headers.get('content-type') ?? undefined,
      Buffer.from(await request.arrayBuffer()),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(describeParams(parsed.params)).toEqual({
      description: 'chart',
      file: { filename: 'c.png', type: 'image/png', size: 3 },
    });
  });

  it('treats an empty body as no parameters and an unknown content type as an error', async () => {
    expect(await parseBody(undefined, Buffer.alloc(0))).toEqual({ ok: true, params: {} });
    expect((await parseBody('text/plain', Buffer.from('hi'))).ok).toBe(false);
  });

  it('parseQuery reads Rails-style query strings', () => {
    expect(parseQuery('?limit=2&exclude_types[]=mention')).toEqual({ limit: '2', exclude_types: ['mention'] });
  });
});
