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
});
