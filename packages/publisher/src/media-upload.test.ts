// uploadMedia and mediaIds on drafts through the real masto client against the fake server.
import type { LogFields, Logger } from '@janitor/protocol';
import { type FakeMastodon, type FakeMastodonOptions, startFakeMastodon } from '@janitor/testkit';
import { createRestAPIClient } from 'masto';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_DESCRIPTION_LENGTH } from './media-upload.ts';
import { PublishError } from './publish-error.ts';
import { createPublisher, type PublisherOptions } from './publisher.ts';

// The smallest valid PNG (1x1): the fake never decodes it.
const PNG = new Uint8Array(
  Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64'),
);
const CHART = { data: PNG, mimeType: 'image/png', description: 'CPU on pi1 over the last 6 hours' };

const fakes: FakeMastodon[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function fakeServer(options: FakeMastodonOptions = {}): Promise<FakeMastodon> {
  const fake = await startFakeMastodon(options);
  fakes.push(fake);
  return fake;
}

function publisherFor(fake: FakeMastodon, options: Partial<PublisherOptions> = {}) {
  return createPublisher({
    url: fake.url,
    accessToken: 'test-token',
    instanceType: fake.flavour,
    mediaPollIntervalMs: 5,
    ...options,
  });
}

async function publishError(promise: Promise<unknown>): Promise<PublishError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PublishError);
  return error as PublishError;
}

const mediaPolls = (fake: FakeMastodon) =>
  fake.requests.filter((request) => request.method === 'GET' && request.path.startsWith('/api/v1/media/'));

describe('publisher.uploadMedia', () => {
  it('uploads with POST /api/v2/media (multipart, alt text) and posts the id as media_ids', async () => {
    const fake = await fakeServer();
    const publisher = publisherFor(fake);
    const { id } = await publisher.uploadMedia(CHART);
    const [upload] = fake.requests;
    expect([upload?.method, upload?.path, upload?.responseStatus]).toEqual(['POST', '/api/v2/media', 200]);
    expect(upload?.headers['content-type']).toMatch(/^multipart\/form-data/);
    expect(fake.media[0]).toMatchObject({
      id,
      filename: 'attachment.png',
      contentType: 'image/png',
      description: CHART.description,
    });
    expect(Buffer.from(fake.media[0]?.bytes ?? []).equals(Buffer.from(PNG))).toBe(true);
    expect(mediaPolls(fake)).toEqual([]);

    const posted = await publisher.post({ status: 'cpu high on pi1', visibility: 'unlisted', mediaIds: [id] });
    if (posted.dryRun) throw new Error('not a dry run');
    expect(fake.statuses[0]?.mediaIds).toEqual([id]);
    expect(fake.media[0]?.statusId).toBe(posted.id);
  });

  it('on 202 polls GET /api/v1/media/:id through the 206 answers until the attachment is processed', async () => {
    const fake = await fakeServer({ mediaProcessing: 2 });
    const publisher = publisherFor(fake);
    const { id } = await publisher.uploadMedia({ ...CHART, fileName: 'cpu.png' });
    expect(fake.requests[0]?.responseStatus).toBe(202);
    expect(mediaPolls(fake).map((request) => [request.path, request.responseStatus])).toEqual([
      [`/api/v1/media/${id}`, 206],
      [`/api/v1/media/${id}`, 206],
      [`/api/v1/media/${id}`, 200],
    ]);
    expect(fake.media[0]?.filename).toBe('cpu.png');
    await publisher.post({ status: 'chart attached', visibility: 'public', mediaIds: [id] });
    expect(fake.statuses[0]?.mediaIds).toEqual([id]);
  });

  it('gives up after mediaProcessingTimeoutMs with a retryable error', async () => {
    const fake = await fakeServer({ mediaProcessing: 1000 });
    const publisher = publisherFor(fake, { mediaPollIntervalMs: 1, mediaProcessingTimeoutMs: 4 });
    const error = await publishError(publisher.uploadMedia(CHART));
    expect(error.message).toMatch(
      /^publish failed: GET .*\/api\/v1\/media\/\w+: the media was still processing after 4 ms$/,
    );
    expect([error.retryable, error.kind]).toEqual([true, 'timeout']);
    expect(mediaPolls(fake)).toHaveLength(4);
  });

  it('stops waiting when the signal aborts', async () => {
    const fake = await fakeServer({ mediaProcessing: 1000 });
    const publisher = publisherFor(fake, { mediaPollIntervalMs: 1 });
    const controller = new AbortController();
    const pending = publisher.uploadMedia(CHART, { signal: controller.signal });
    await fake.waitFor(() => mediaPolls(fake).length >= 2);
    controller.abort();
    const error = await publishError(pending);
    expect(error.kind).toBe('aborted');
  });

  it('cannot post media that is still processing: 422, not retryable', async () => {
    const fake = await fakeServer({ mediaProcessing: 3 });
    const rest = createRestAPIClient({ url: fake.url, accessToken: 'test-token', timeout: 5000 });
    const pending = await rest.v2.media.create({ file: new Blob([PNG], { type: 'image/png' }), skipPolling: true });
    const error = await publishError(
      publisherFor(fake).post({ status: 'too soon', visibility: 'public', mediaIds: [pending.id] }),
    );
    expect([error.statusCode, error.retryable]).toEqual([422, false]);
    expect(error.message).toContain('Cannot attach files that have not finished processing');
  });

  it('reports the 31st upload in 30 minutes as rate-limited, with the reset time', async () => {
    const time = Date.parse('2026-12-01T10:00:00Z');
    const fake = await fakeServer({ now: () => time });
    const publisher = publisherFor(fake);
    for (let i = 0; i < 30; i++) await publisher.uploadMedia(CHART);
    const error = await publishError(publisher.uploadMedia(CHART));
    expect([error.statusCode, error.retryable]).toEqual([429, true]);
    expect(error.rateLimitResetAt?.toISOString()).toBe('2026-12-01T10:30:00.000Z');
  });

  it('needs write:media', async () => {
    const fake = await fakeServer({ accessTokens: [{ token: 'no-media', scopes: ['write:statuses'] }] });
    const error = await publishError(publisherFor(fake, { accessToken: 'no-media' }).uploadMedia(CHART));
    expect([error.statusCode, error.retryable]).toEqual([403, false]);
  });

  it(`cuts alt text to ${MAX_DESCRIPTION_LENGTH} characters`, async () => {
    const fake = await fakeServer();
    await publisherFor(fake).uploadMedia({ ...CHART, description: '🚨'.repeat(2000) });
    const description = fake.media[0]?.description ?? '';
    expect([...description]).toHaveLength(MAX_DESCRIPTION_LENGTH);
    expect(description.endsWith('🚨…')).toBe(true);
  });

  it('names every bad field, and contacts nobody', async () => {
    const fake = await fakeServer();
    const bad = { data: new Uint8Array(0), mimeType: 'png', description: 3, fileName: '' } as never;
    await expect(publisherFor(fake).uploadMedia(bad)).rejects.toThrow(
      'uploadMedia: data: expected non-empty bytes; mimeType: expected a media type like image/png; description: expected the alt text (a string); fileName: expected a non-empty string',
    );
    expect(fake.requests).toEqual([]);
  });

  it('in a dry run only logs, and returns a placeholder id', async () => {
    const lines: { message: string; fields?: LogFields }[] = [];
    const record = (message: string, fields?: LogFields) => {
      lines.push({ message, ...(fields ? { fields } : {}) });
    };
    const logger: Logger = { debug: record, info: record, warn: record, error: record };
    const publisher = createPublisher({ url: 'http://127.0.0.1:9', dryRun: true, logger });
    expect(await publisher.uploadMedia(CHART)).toEqual({ id: 'dry-run-media-1' });
    expect(lines).toEqual([
      {
        message: 'dry run: media not uploaded',
        fields: { id: 'dry-run-media-1', mimeType: 'image/png', bytes: PNG.length, description: CHART.description },
      },
    ]);
  });
});

describe('mediaIds on drafts', () => {
  it('go with the first part of a split post only', async () => {
    const fake = await fakeServer({ maxCharacters: 60 });
    const publisher = publisherFor(fake);
    const { id } = await publisher.uploadMedia(CHART);
    const long = 'pi1 is hot. '.repeat(12).trim();
    const posted = await publisher.post({ status: long, visibility: 'public', mediaIds: [id] });
    expect(posted.parts.length).toBeGreaterThan(1);
    expect(posted.parts.map((part) => part.mediaIds)).toEqual([[id], ...posted.parts.slice(1).map(() => undefined)]);
    expect(fake.statuses.map((status) => status.mediaIds)).toEqual([[id], ...fake.statuses.slice(1).map(() => [])]);
  });
});
