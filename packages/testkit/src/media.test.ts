import { createRestAPIClient, MastoHttpError } from 'masto';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeMastodon, type FakeMastodonOptions, startFakeMastodon } from './fake-mastodon.ts';

// The smallest valid PNG (1x1, transparent): the fake never decodes it, a real server would.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

let fake: FakeMastodon | undefined;

async function start(options: FakeMastodonOptions = {}): Promise<FakeMastodon> {
  fake = await startFakeMastodon(options);
  return fake;
}

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function rest(server: FakeMastodon, accessToken = 'test-token') {
  return createRestAPIClient({ url: server.url, accessToken, timeout: 5000, mediaTimeout: 5000 });
}

async function rejection(promise: Promise<unknown>): Promise<MastoHttpError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MastoHttpError);
  return error as MastoHttpError;
}

describe('media upload', () => {
  it('uploads an image through /api/v2/media (multipart) and attaches it to a status', async () => {
    const server = await start();
    const client = rest(server);
    const attachment = await client.v2.media.create({
      file: new Blob([PNG], { type: 'image/png' }),
      description: 'a CPU chart',
      focus: '0.5,-0.25',
      skipPolling: true,
    });
    expect(attachment.type).toBe('image');
    expect(attachment.url).toMatch(new RegExp(`^${server.url}/system/media_attachments/`));
    expect(attachment.description).toBe('a CPU chart');
    const upload = server.requests.find((request) => request.path === '/api/v2/media');
    expect(upload?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(upload?.body).toMatchObject({ file: { type: 'image/png', size: PNG.length }, description: 'a CPU chart' });
    expect(Buffer.from(server.media[0]?.bytes ?? []).equals(PNG)).toBe(true);

    const status = await client.v1.statuses.create({ status: 'with chart', mediaIds: [attachment.id] });
    expect(status.mediaAttachments.map((media) => media.id)).toEqual([attachment.id]);
    expect(server.statuses[0]?.mediaIds).toEqual([attachment.id]);
    expect(server.media[0]?.statusId).toBe(status.id);

    const again = await rejection(client.v1.statuses.create({ status: 'reuse', mediaIds: [attachment.id] }));
    expect(again.statusCode).toBe(422);
  });

  it('accepts a status with media and no text', async () => {
    const server = await start();
    const client = rest(server);
    const attachment = await client.v1.media.create({ file: new Blob([PNG], { type: 'image/png' }) });
    const status = await client.v1.statuses.create({ mediaIds: [attachment.id] });
    expect(status.content).toBe('');
  });

  it('processes video asynchronously on v2: 202 with a null url, which masto polls until ready', async () => {
    const server = await start();
    const client = rest(server);
    const video = new Blob([Buffer.from('not really a video')], { type: 'video/mp4' });
    const pending = await client.v2.media.create({ file: video, skipPolling: true });
    expect(pending.url).toBeNull();
    const early = await rejection(client.v1.statuses.create({ status: 'too soon', mediaIds: [pending.id] }));
    expect(early.message).toBe('Cannot attach files that have not finished processing. Try again in a moment!');

    const polled = await client.v2.media.create({ file: video });
    expect(polled.url).not.toBeNull();
    expect(server.requests.filter((request) => request.path === `/api/v1/media/${polled.id}`)).toHaveLength(1);
    const uploads = server.requests.filter((request) => request.path === '/api/v2/media');
    expect(uploads.map((request) => request.responseStatus)).toEqual([202, 202]);
  });

  it('refuses a file type Mastodon does not accept and a missing file', async () => {
    const server = await start();
    const client = rest(server);
    const error = await rejection(
      client.v2.media.create({ file: new Blob(['x'], { type: 'application/x-sh' }), skipPolling: true }),
    );
    expect([error.statusCode, error.message]).toEqual([
      422,
      'Validation failed: File content type is invalid, File is invalid',
    ]);
    const response = await fetch(`${server.url}/api/v2/media`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-token' },
      body: new FormData(),
    });
    expect(response.status).toBe(422);
    expect(server.media).toHaveLength(0);
  });

  it('needs the write:media scope', async () => {
    const server = await start({ accessTokens: [{ token: 'statuses-only', scopes: ['write:statuses'] }] });
    const error = await rejection(
      rest(server, 'statuses-only').v2.media.create({
        file: new Blob([PNG], { type: 'image/png' }),
        skipPolling: true,
      }),
    );
    expect(error.statusCode).toBe(403);
  });

  it('with mediaProcessing, answers 202 for an image, then 206 to that many polls, then 200', async () => {
    const server = await start({ mediaProcessing: 2 });
    const client = rest(server);
    const pending = await client.v2.media.create({ file: new Blob([PNG], { type: 'image/png' }), skipPolling: true });
    expect(pending.url).toBeNull();
    const early = await rejection(client.v1.statuses.create({ status: 'too soon', mediaIds: [pending.id] }));
    expect([early.statusCode, early.message]).toEqual([
      422,
      'Cannot attach files that have not finished processing. Try again in a moment!',
    ]);
    const polls: [number, string | null][] = [];
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${server.url}/api/v1/media/${pending.id}`, {
        headers: { authorization: 'Bearer test-token' },
      });
      polls.push([response.status, ((await response.json()) as { url: string | null }).url]);
    }
    expect(polls.map(([status]) => status)).toEqual([206, 206, 200]);
    expect(polls.map(([, url]) => url === null)).toEqual([true, true, false]);
    expect(server.requests.find((request) => request.path === '/api/v2/media')?.responseStatus).toBe(202);
    const status = await client.v1.statuses.create({ status: 'chart', mediaIds: [pending.id] });
    expect(status.mediaAttachments.map((media) => media.url)).toEqual([polls[2]?.[1]]);
    // Mastodon shows only attachments not yet attached.
    const attached = await fetch(`${server.url}/api/v1/media/${pending.id}`, {
      headers: { authorization: 'Bearer test-token' },
    });
    expect(attached.status).toBe(404);
  });

  it('refuses media ids that do not exist or belong to another post', async () => {
    const server = await start();
    const error = await rejection(rest(server).v1.statuses.create({ status: 'x', mediaIds: ['123'] }));
    expect([error.statusCode, error.message]).toEqual([422, 'Media 123 not found or already attached to another post']);
  });

  it('allows 30 uploads per 30 minutes on mastodon (429 beyond, with rate-limit headers), none elsewhere', async () => {
    let time = Date.parse('2026-12-01T10:00:00Z');
    const server = await start({ now: () => time });
    const upload = () =>
      fetch(`${server.url}/api/v2/media`, {
        method: 'POST',
        headers: { authorization: 'Bearer test-token' },
        body: (() => {
          const form = new FormData();
          form.append('file', new Blob([PNG], { type: 'image/png' }), 'chart.png');
          return form;
        })(),
      });
    for (let i = 0; i < 30; i++) expect((await upload()).status).toBe(200);
    const limited = await upload();
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ error: 'Too many requests' });
    expect(limited.headers.get('x-ratelimit-limit')).toBe('30');
    expect(limited.headers.get('x-ratelimit-reset')).toBe('2026-12-01T10:30:00.000Z');
    expect(server.media).toHaveLength(30);
    time += 30 * 60_000;
    expect((await upload()).status).toBe(200);

    const other = await startFakeMastodon({ flavour: 'gotosocial' });
    try {
      const client = rest(other);
      for (let i = 0; i < 31; i++) {
        await client.v2.media.create({ file: new Blob([PNG], { type: 'image/png' }), skipPolling: true });
      }
      expect(other.media).toHaveLength(31);
    } finally {
      await other.close();
    }
  });
});
