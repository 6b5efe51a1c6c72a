import type { LogFields, Logger, Message } from '@janitor/protocol';
import {
  countCharacters,
  type FakeMastodon,
  type FakeMastodonOptions,
  type Fault,
  FLAVOURS,
  goldens,
  startFakeMastodon,
} from '@janitor/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { PublishError } from './publish-error.ts';
import { createPublisher, type PublisherOptions } from './publisher.ts';

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
  return createPublisher({ url: fake.url, accessToken: 'test-token', hostname: 'this-host', ...options });
}

/** A logger that keeps what it was told. */
function recordingLogger() {
  const lines: Array<{ level: string; message: string; fields?: LogFields }> = [];
  const record =
    (level: string) =>
    (message: string, fields?: LogFields): void => {
      lines.push({ level, message, ...(fields ? { fields } : {}) });
    };
  const logger: Logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
  return { logger, lines };
}

async function publishError(promise: Promise<unknown>): Promise<PublishError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PublishError);
  return error as PublishError;
}

const warning: Message = { type: 'warning', summary: 'Backup finished with warnings', text: '3 files were skipped' };

/** True when the string has no unpaired UTF-16 surrogate (a broken astral character). */
const isWellFormed = (text: string) =>
  !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
const STATUSES = '/api/v1/statuses';

describe('publish through masto', () => {
  it.each(FLAVOURS)('posts on %s, with content_type only where the server reads it', async (flavour) => {
    const fake = await fakeServer({ flavour });
    const publisher = publisherFor(fake, { instanceType: flavour, contentType: 'text/markdown' });

    const result = await publisher.publish({ ...warning, hostname: 'peer-host' });

    expect(fake.statuses).toHaveLength(1);
    const posted = fake.statuses[0]!;
    expect(posted.status).toBe('3 files were skipped');
    expect(posted.spoilerText).toBe('\u26A0\uFE0F peer-host:\n\nBackup finished with warnings');
    expect(posted.visibility).toBe('public');
    if (flavour === 'mastodon') {
      expect(posted.contentType).toBeNull();
      expect(Object.keys(posted.params)).not.toContain('content_type');
    } else {
      expect(posted.contentType).toBe('text/markdown');
    }
    expect(result).toMatchObject({ dryRun: false, id: posted.id });
    expect(result.dryRun === false && result.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('uses the default hostname when the message names none', async () => {
    const fake = await fakeServer();
    await publisherFor(fake).publish({ type: 'error', text: 'disk failed' });
    expect(fake.statuses[0]?.status).toBe('\u{1F525} this-host:\n\ndisk failed');
  });

  it('sends a direct status to username_to_dm, and the server sees the mention', async () => {
    const fake = await fakeServer();
    await publisherFor(fake, { visibility: 'direct', usernameToDm: 'admin@example.social' }).publish({
      type: 'alarm',
      text: 'down',
      hostname: 'h',
    });
    const posted = fake.statuses[0]!;
    expect(posted.visibility).toBe('direct');
    expect(posted.status).toBe('@admin@example.social \u{1F6A8} h:\n\ndown');
    expect(posted.mentions.map((m) => m.acct)).toEqual(['admin@example.social']);
  });

  it('posts a pre-rendered report with the options filled in', async () => {
    const fake = await fakeServer({ flavour: 'pleroma' });
    const publisher = publisherFor(fake, { instanceType: 'pleroma', contentType: 'text/markdown', language: 'en' });
    await publisher.post({
      status: '- **CPU %**: 95.5 \u2757\uFE0F',
      spoilerText: '\u{1F6A8} peer-host',
      visibility: 'unlisted',
    });
    expect(fake.statuses[0]).toMatchObject({
      status: '- **CPU %**: 95.5 \u2757\uFE0F',
      spoilerText: '\u{1F6A8} peer-host',
      visibility: 'unlisted',
      contentType: 'text/markdown',
      language: 'en',
    });
  });

  it('passes the idempotency key through, so a retried post is created once on Mastodon', async () => {
    const fake = await fakeServer();
    const publisher = publisherFor(fake);
    const first = await publisher.publish(warning, { idempotencyKey: 'outbox-42' });
    const again = await publisher.publish(warning, { idempotencyKey: 'outbox-42' });
    expect(fake.statuses).toHaveLength(1);
    expect(fake.statuses[0]?.idempotencyKey).toBe('outbox-42');
    expect(again.dryRun === false && again.id).toBe(first.dryRun === false && first.id);
  });
});

describe('publishReport', () => {
  const reportCases = goldens.cases.filter((c) => c.request.path === '/sysinfo' && c.posted !== null);

  it.each(reportCases.map((c) => [c.name, c.posted!] as const))(
    'posts the report of %s exactly as the original did',
    async (_name, posted) => {
      const fake = await fakeServer({ flavour: 'pleroma' });
      const publisher = publisherFor(fake, { instanceType: 'pleroma', contentType: 'text/markdown' });
      await publisher.publishReport({ spoiler: posted.spoiler_text ?? '', text: posted.status });
      const sent = fake.statuses[0]!;
      expect({
        status: sent.status,
        spoiler_text: sent.spoilerText,
        visibility: sent.visibility,
        content_type: sent.contentType,
      }).toEqual(posted);
    },
  );

  it('merges the spoiler into the text with mergeSummaryIntoText, and keeps the visibility', async () => {
    const fake = await fakeServer();
    const publisher = publisherFor(fake, { mergeSummaryIntoText: true, visibility: 'private' });
    await publisher.publishReport({ spoiler: '\u{1F6A8} h', text: '- **CPU %**: 99' });
    expect(fake.statuses[0]).toMatchObject({
      status: '\u{1F6A8} h\n\n- **CPU %**: 99',
      spoilerText: '',
      visibility: 'private',
    });
  });
});

describe('length', () => {
  it.each([
    ['mastodon from /api/v2/instance', 'mastodon', 1234],
    ['gotosocial from /api/v2/instance', 'gotosocial', 2345],
    ['pleroma from max_toot_chars of /api/v1/instance', 'pleroma', 777],
    ['akkoma from max_toot_chars of /api/v1/instance', 'akkoma', 888],
  ] as const)('reads the limit: %s', async (_what, flavour, maxCharacters) => {
    const fake = await fakeServer({ flavour, maxCharacters });
    const publisher = publisherFor(fake, { instanceType: flavour, maxLength: 321 });
    expect(await publisher.maxLength()).toBe(maxCharacters);
    const asked = fake.requests.length;
    expect(await publisher.maxLength()).toBe(maxCharacters);
    expect(fake.requests.length).toBe(asked);
  });

  it('falls back to maxLength when the instance does not say, and remembers that answer', async () => {
    const fake = await fakeServer();
    fake.failNext({ kind: 'status', status: 404 }, { path: /^\/api\/v[12]\/instance$/, times: 2 });
    const { logger, lines } = recordingLogger();
    const publisher = publisherFor(fake, { maxLength: 321, logger });
    expect(await publisher.maxLength()).toBe(321);
    expect(await publisher.maxLength()).toBe(321);
    expect(fake.requests.map((r) => r.path)).toEqual(['/api/v2/instance', '/api/v1/instance']);
    expect(lines.some((l) => l.level === 'warn' && l.fields?.maxLength === 321)).toBe(true);
  });

  it('asks again after a network failure instead of keeping the fallback', async () => {
    const fake = await fakeServer({ maxCharacters: 1000 });
    fake.failNext({ kind: 'reset' }, { path: /^\/api\/v[12]\/instance$/, times: 2 });
    const publisher = publisherFor(fake, { maxLength: 321 });
    expect(await publisher.maxLength()).toBe(321);
    expect(await publisher.maxLength()).toBe(1000);
  });

  it.each([
    ['mastodon', 100, `see https://example.com/${'p'.repeat(60)} ${'long text '.repeat(40)}`],
    ['pleroma', 60, `${'\u{1F468}\u200D\u{1F469}\u200D\u{1F467} family '.repeat(20)}`],
    ['gotosocial', 50, '\u26A0\uFE0F'.repeat(80)],
  ] as const)(
    'with longText truncate, cuts to the limit of %s so the server accepts it',
    async (flavour, maxCharacters, text) => {
      const fake = await fakeServer({ flavour, maxCharacters });
      const publisher = publisherFor(fake, { instanceType: flavour, longText: 'truncate' });
      const result = await publisher.publish({ type: 'info', summary: 'cw', text, hostname: 'h' });
      const posted = fake.statuses[0]!;
      expect(posted.status.endsWith('\u2026')).toBe(true);
      expect(isWellFormed(posted.status)).toBe(true);
      expect(countCharacters(posted.status, posted.spoilerText, flavour)).toBeLessThanOrEqual(maxCharacters);
      expect(result.draft.status).toBe(posted.status);
    },
  );

  it('does not cut a text that only looks long because of a link (Mastodon counts it 23)', async () => {
    const fake = await fakeServer({ maxCharacters: 100 });
    const text = `${'x'.repeat(60)} https://example.com/${'p'.repeat(100)}`;
    await publisherFor(fake).publish({ type: 'none', text, hostname: 'h' });
    expect(fake.statuses[0]?.status).toBe(`h:\n\n${text}`);
  });
});

describe('dry run', () => {
  it('logs the exact status and contacts nobody', async () => {
    const fake = await fakeServer();
    const { logger, lines } = recordingLogger();
    const publisher = createPublisher({
      url: fake.url,
      dryRun: true,
      logger,
      hostname: 'h',
      instanceType: 'akkoma',
      contentType: 'text/markdown',
      maxLength: 40,
      longText: 'truncate',
    });
    const result = await publisher.publish({ type: 'alarm', summary: 'Disk', text: 'y'.repeat(100) });
    expect(await publisher.maxLength()).toBe(40);
    expect(fake.requests).toHaveLength(0);
    const draft = {
      status: `${'y'.repeat(29)}\u2026`, // the content warning takes 10 of the 40
      spoilerText: '\u{1F6A8} h:\n\nDisk',
      visibility: 'public',
      contentType: 'text/markdown',
    };
    expect(result).toEqual({ dryRun: true, draft, parts: [draft] });
    const info = lines.filter((l) => l.level === 'info');
    expect(info).toHaveLength(1);
    expect(info[0]?.fields).toMatchObject(result.draft);
  });

  it('contacts nobody even when it has a token', async () => {
    const fake = await fakeServer();
    const publisher = publisherFor(fake, { dryRun: true, maxLength: 30, longText: 'truncate' });
    const result = await publisher.publish({ type: 'none', text: 'z'.repeat(50), hostname: 'h' });
    await publisher.publishReport({ spoiler: 'h', text: 'report' });
    expect(await publisher.maxLength()).toBe(30);
    expect(result.dryRun).toBe(true);
    expect(result.draft.status).toBe(`h:\n\n${'z'.repeat(25)}\u2026`);
    expect(fake.requests).toHaveLength(0);
  });

  it('needs no token, but a real publisher does', () => {
    expect(() => createPublisher({ url: 'http://127.0.0.1:9', dryRun: true })).not.toThrow();
    expect(() => createPublisher({ url: 'http://127.0.0.1:9' })).toThrow(/accessToken/);
  });
});

describe('failures become PublishError', () => {
  const resetAt = new Date('2030-01-01T00:05:00.000Z');

  it.each([
    // What the case means, the flavour, the fault, and what the error must say.
    [
      'a 503 with a JSON body',
      'mastodon',
      { kind: 'status', status: 503 },
      { retryable: true, statusCode: 503, kind: 'http' },
    ],
    ['a 500', 'mastodon', { kind: 'status', status: 500 }, { retryable: true, statusCode: 500 }],
    [
      'a 422 (validation) is final',
      'mastodon',
      { kind: 'status', status: 422, body: { error: 'Validation failed: Text is invalid' } },
      { retryable: false, statusCode: 422, message: /422 Unprocessable Entity: Validation failed: Text is invalid$/ },
    ],
    ['a 401 is final', 'mastodon', { kind: 'status', status: 401 }, { retryable: false, statusCode: 401 }],
    ['a 403 is final', 'pleroma', { kind: 'status', status: 403 }, { retryable: false, statusCode: 403 }],
    [
      "Mastodon's 429 carries the reset time",
      'mastodon',
      { kind: 'rate-limit', resetAt },
      { retryable: true, statusCode: 429, rateLimitResetAt: resetAt },
    ],
    [
      "GoToSocial's 429 carries the reset time in Unix seconds",
      'gotosocial',
      { kind: 'rate-limit', resetAt },
      { retryable: true, statusCode: 429, rateLimitResetAt: resetAt },
    ],
    [
      "Pleroma's 429 has no headers",
      'pleroma',
      { kind: 'rate-limit', resetAt },
      { retryable: true, statusCode: 429, rateLimitResetAt: undefined },
    ],
    [
      "GoToSocial's overloaded 503 carries Retry-After",
      'gotosocial',
      { kind: 'status', status: 503, headers: { 'Retry-After': '30' } },
      { retryable: true, statusCode: 503, retryAfterMs: 30_000 },
    ],
    [
      "a proxy's HTML 502 page (masto cannot read its status)",
      'mastodon',
      { kind: 'html', status: 502 },
      { retryable: true, statusCode: undefined, kind: 'error-page', mayHavePosted: false, message: /HTML page/ },
    ],
    [
      'a plain-text 503',
      'mastodon',
      { kind: 'status', status: 503, body: 'Service Unavailable' },
      { retryable: true, statusCode: undefined, kind: 'error-page', message: /not JSON/ },
    ],
    [
      'a connection reset',
      'mastodon',
      { kind: 'reset' },
      { retryable: true, statusCode: undefined, kind: 'connection', mayHavePosted: true, message: /fetch failed/ },
    ],
  ] as Array<[string, FakeMastodonOptions['flavour'], Fault, Partial<Record<string, unknown>>]>)(
    '%s',
    async (_what, flavour, fault, expected) => {
      const fake = await fakeServer({ flavour });
      fake.failNext(fault, { path: STATUSES });
      const error = await publishError(publisherFor(fake, { instanceType: flavour }).publish(warning));
      expect(error.name).toBe('PublishError');
      expect(error.message.startsWith(`publish failed: POST ${fake.url}/api/v1/statuses: `)).toBe(true);
      expect(error.cause).toBeInstanceOf(Error);
      const { message, ...fields } = expected;
      if (message) expect(error.message).toMatch(message as RegExp);
      for (const [key, value] of Object.entries(fields)) expect(error[key as keyof PublishError]).toEqual(value);
      expect(fake.statuses).toHaveLength(0);
    },
  );

  it('names the status in the message: 503 Service Unavailable', async () => {
    const fake = await fakeServer();
    fake.failNext({ kind: 'status', status: 503 }, { path: STATUSES });
    const error = await publishError(publisherFor(fake).publish(warning));
    expect(error.message).toMatch(
      new RegExp(`^publish failed: POST ${fake.url}/api/v1/statuses: 503 Service Unavailable`),
    );
  });

  it('times out on a stalled server, and says after how long', async () => {
    const fake = await fakeServer();
    fake.failNext({ kind: 'stall' }, { path: STATUSES });
    const publisher = publisherFor(fake, { timeoutMs: 300 });
    await publisher.maxLength();
    const error = await publishError(publisher.publish(warning));
    expect(error.retryable).toBe(true);
    expect(error.kind).toBe('timeout');
    expect(error.mayHavePosted).toBe(true);
    expect(error.message).toMatch(/timed out after 300 ms$/);
  });

  it('reports an abort through the signal as retryable', async () => {
    const fake = await fakeServer();
    fake.failNext({ kind: 'stall' }, { path: STATUSES });
    const publisher = publisherFor(fake);
    await publisher.maxLength();
    const controller = new AbortController();
    const pending = publisher.publish(warning, { signal: controller.signal });
    await fake.waitFor(() => fake.requests.find((r) => r.path === STATUSES));
    controller.abort();
    const error = await publishError(pending);
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/aborted$/);
  });

  it('a reset after the server created the status is retryable, and the key prevents a duplicate', async () => {
    const fake = await fakeServer();
    fake.failNext({ kind: 'reset-after-commit' }, { path: STATUSES });
    const publisher = publisherFor(fake);
    const error = await publishError(publisher.publish(warning, { idempotencyKey: 'k-1' }));
    expect(error.retryable).toBe(true);
    expect(fake.statuses).toHaveLength(1);
    const retried = await publisher.publish(warning, { idempotencyKey: 'k-1' });
    expect(fake.statuses).toHaveLength(1);
    expect(retried.dryRun === false && retried.id).toBe(fake.statuses[0]?.id);
  });

  it('a server nobody listens on is unreachable: retryable, and nothing can have been posted', async () => {
    const fake = await fakeServer();
    const url = fake.url;
    await fake.close();
    const error = await publishError(
      createPublisher({ url, accessToken: 'test-token', maxLength: 500 }).publish(warning),
    );
    expect(error).toMatchObject({ retryable: true, kind: 'unreachable', mayHavePosted: false });
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('a token the server does not know gives a final 401', async () => {
    const fake = await fakeServer();
    const error = await publishError(publisherFor(fake, { accessToken: 'wrong-token' }).publish(warning));
    expect(error.retryable).toBe(false);
    expect(error.statusCode).toBe(401);
  });
});

describe('verifyCredentials', () => {
  it("returns the token's account", async () => {
    const fake = await fakeServer();
    const account = await publisherFor(fake).verifyCredentials();
    expect(account).toEqual({
      id: fake.account.id,
      username: 'janitor',
      acct: 'janitor',
      url: fake.account.url,
    });
  });
});

describe('text from outside mentions nobody', () => {
  const noisy: Message = {
    type: 'warning',
    hostname: 'pi@home',
    summary: 'cc @admin@example.org #ops',
    text: 'ping @admin@example.org and @janitor about #backup, see https://example.org/@admin#top',
  };

  it('neutralizes mentions and hashtags in a message: the server links and notifies nobody', async () => {
    const fake = await fakeServer();
    await publisherFor(fake).publish(noisy);
    const posted = fake.statuses[0]!;
    expect(posted.mentions).toEqual([]);
    expect(posted.tags).toEqual([]);
    // The text still reads the same, and the link is intact.
    expect(posted.status.replaceAll('\u200B', '')).toBe(noisy.text);
    expect(posted.status).toContain('https://example.org/@admin#top');
    expect(posted.spoilerText.replaceAll('\u200B', '')).toBe('\u26A0\uFE0F pi@home:\n\ncc @admin@example.org #ops');
  });

  it('the same text unneutralized would have mentioned and tagged (the fake sees them)', async () => {
    const fake = await fakeServer();
    await publisherFor(fake).post({ status: noisy.text, visibility: 'public' });
    expect(fake.statuses[0]!.mentions.map((m) => m.acct)).toContain('admin@example.org');
    expect(fake.statuses[0]!.tags).toEqual(['backup']);
  });

  it('neutralizes a report, and keeps the configured direct mention working', async () => {
    const fake = await fakeServer();
    const publisher = publisherFor(fake, { visibility: 'direct', usernameToDm: 'owner@example.social' });
    await publisher.publishReport({ spoiler: '\u{1F6A8} @evil@example.org', text: '- **disk #1 @root**: 99' });
    const posted = fake.statuses[0]!;
    expect(posted.mentions.map((m) => m.acct)).toEqual(['owner@example.social']);
    expect(posted.tags).toEqual([]);
    expect(posted.status.startsWith('@owner@example.social ')).toBe(true);
  });

  it('breaks a mention inside a URL, in the text and in the hostname of the content warning', async () => {
    // Mastodon's mention pattern matches inside URLs: https://example.com/?@someone@server.social notifies someone.
    const fake = await fakeServer();
    const hidden = 'example.com/?@someone@server.social';
    await publisherFor(fake).publish({
      type: 'info',
      hostname: hidden,
      summary: 'Link',
      text: `see https://${hidden}`,
    });
    const posted = fake.statuses[0]!;
    expect(posted.status).toBe('see https://example.com/?@\u200Bsomeone@server.social');
    expect(posted.spoilerText).toContain('example.com/?@\u200Bsomeone@server.social');
    expect(`${posted.spoilerText}${posted.status}`.match(/\?@/g)).toHaveLength(2);
  });

  it('with neutralizeHashtags false, hashtags stay but mentions are still broken', async () => {
    const fake = await fakeServer();
    await publisherFor(fake, { neutralizeHashtags: false }).publish(noisy);
    expect(fake.statuses[0]!.mentions).toEqual([]);
    expect(fake.statuses[0]!.tags).toEqual(['backup']);
  });
});

describe('long text as a thread', () => {
  const paragraphs = Array.from({ length: 12 }, (_, i) => `Paragraph ${i + 1}: ${'words that fill it '.repeat(3)}`);
  const long: Message = { type: 'info', hostname: 'h', summary: 'Nightly report', text: paragraphs.join('\n\n') };

  it.each(FLAVOURS)('on %s: numbered parts within the limit, each replying to the one before', async (flavour) => {
    const fake = await fakeServer({ flavour, maxCharacters: 200 });
    const publisher = publisherFor(fake, { instanceType: flavour });
    const result = await publisher.publish(long, { idempotencyKey: 'entry-7' });

    const posted = fake.statuses;
    expect(posted.length).toBeGreaterThan(2);
    const n = posted.length;
    posted.forEach((status, i) => {
      expect(status.status.endsWith(`\n(${i + 1}/${n})`)).toBe(true);
      expect(countCharacters(status.status, status.spoilerText, flavour)).toBeLessThanOrEqual(200);
      expect(status.spoilerText).toBe('\u2139\uFE0F h:\n\nNightly report');
      expect(status.inReplyToId).toBe(i === 0 ? null : posted[i - 1]!.id);
      expect(status.idempotencyKey).toBe(i === 0 ? 'entry-7' : `entry-7.${i + 1}`);
    });
    // Every paragraph is there, whole and in order.
    const text = posted.map((s) => s.status.replace(/\n\(\d+\/\d+\)$/, '')).join('\n\n');
    expect(text.replace(/\s+/g, ' ')).toBe(long.text.replace(/\s+/g, ' ').trim());
    expect(result).toMatchObject({ dryRun: false, id: posted[0]!.id, parts: expect.any(Array) });
    expect(result.dryRun === false && result.statuses.map((s) => s.id)).toEqual(posted.map((s) => s.id));
  });

  it('a direct thread mentions the account in every part', async () => {
    const fake = await fakeServer({ maxCharacters: 150 });
    const publisher = publisherFor(fake, { visibility: 'direct', usernameToDm: 'owner@example.social' });
    await publisher.publish(long);
    expect(fake.statuses.length).toBeGreaterThan(2);
    for (const status of fake.statuses) {
      expect(status.status.startsWith('@owner@example.social ')).toBe(true);
      expect(status.mentions.map((m) => m.acct)).toEqual(['owner@example.social']);
    }
  });

  it('parts() says what will be sent, without posting', async () => {
    const fake = await fakeServer({ maxCharacters: 200 });
    const publisher = publisherFor(fake);
    const parts = await publisher.parts(publisher.render(long));
    expect(parts.length).toBeGreaterThan(2);
    expect(fake.statuses).toHaveLength(0);
    await publisher.publish(long);
    expect(fake.statuses.map((s) => s.status)).toEqual(parts.map((p) => p.status));
  });

  it('a dry run logs every part', async () => {
    const { logger, lines } = recordingLogger();
    const publisher = createPublisher({ url: 'http://127.0.0.1:9', dryRun: true, maxLength: 200, logger });
    const result = await publisher.publish(long);
    expect(result.dryRun).toBe(true);
    expect(result.parts.length).toBeGreaterThan(2);
    expect(lines.filter((l) => l.message === 'dry run: status not posted')).toHaveLength(result.parts.length);
  });
});

describe('renderMerged', () => {
  it('one status for several posts about a host, oldest first, neutralized', () => {
    const publisher = createPublisher({ url: 'http://127.0.0.1:9', dryRun: true, hostname: 'h' });
    const draft = publisher.renderMerged({
      hostname: 'pi1',
      items: [
        { kind: 'message', message: { type: 'info', hostname: 'pi1', text: 'backup done @ops' } },
        { kind: 'report', report: { spoiler: '\u{1F6A8} pi1', text: '- CPU: 99', hostname: 'pi1' } },
        { kind: 'message', message: { type: 'warning', hostname: 'pi1', summary: 'Disk', text: '91 %' } },
      ],
    });
    expect(draft).toEqual({
      status: [
        '3 alerts and messages for pi1:',
        '\u2139\uFE0F pi1:\n\nbackup done @\u200Bops',
        '\u{1F6A8} pi1\n- CPU: 99',
        '\u26A0\uFE0F pi1:\n\nDisk\n91 %',
      ].join('\n\n'),
      visibility: 'public',
    });
  });
});

describe('findPosted', () => {
  it('finds a status with the same text, content warning and reply target, posted since the given time', async () => {
    const fake = await fakeServer({ flavour: 'gotosocial' });
    const publisher = publisherFor(fake, { instanceType: 'gotosocial' });
    const sinceMs = Date.now();
    const [draft] = await publisher.parts(publisher.render({ ...warning, text: 'a <b> & "c"\n\nline @x@y.org' }));
    await publisher.post(draft!);
    await publisher.post({ status: 'something else', visibility: 'public' });

    const found = await publisher.findPosted(draft!, { sinceMs });
    expect(found?.id).toBe(fake.statuses[0]!.id);
    expect(await publisher.findPosted({ ...draft!, status: 'a <b> & "c"' }, { sinceMs })).toBeUndefined();
    expect(await publisher.findPosted({ ...draft!, spoilerText: 'other' }, { sinceMs })).toBeUndefined();
    expect(await publisher.findPosted({ ...draft!, inReplyToId: fake.statuses[1]!.id }, { sinceMs })).toBeUndefined();
    // Posted well before the time asked about: not the one.
    expect(await publisher.findPosted(draft!, { sinceMs: sinceMs + 10 * 60_000 })).toBeUndefined();
  });

  it('matches a direct status whose mention the server shows as @user', async () => {
    const fake = await fakeServer({ flavour: 'gotosocial' });
    const publisher = publisherFor(fake, {
      instanceType: 'gotosocial',
      visibility: 'direct',
      usernameToDm: 'owner@example.social',
    });
    const [draft] = await publisher.parts(publisher.render(warning));
    await publisher.post(draft!);
    expect((await publisher.findPosted(draft!, { sinceMs: Date.now() - 1000 }))?.id).toBe(fake.statuses[0]!.id);
  });

  it('throws a retryable PublishError when the server cannot be asked', async () => {
    const fake = await fakeServer({ flavour: 'gotosocial' });
    const publisher = publisherFor(fake, { instanceType: 'gotosocial' });
    fake.failNext({ kind: 'status', status: 503 }, { path: /\/statuses$/, method: 'GET' });
    const error = await publishError(publisher.findPosted({ status: 'x', visibility: 'public' }, { sinceMs: 0 }));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/GET .*\/api\/v1\/accounts\/.*\/statuses: 503/);
  });
});
