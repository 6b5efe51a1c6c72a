// notificationsSince and whoAmI through the real masto client against the fake server.
import { type FakeMastodon, type FakeMastodonOptions, FLAVOURS, startFakeMastodon } from '@janitor/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthError } from './auth-error.ts';
import { compareIds } from './ids.ts';
import { ListenError } from './listen-error.ts';
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
  return createPublisher({ url: fake.url, accessToken: 'test-token', instanceType: fake.flavour, ...options });
}

async function rejection<T extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(type);
  return error as T;
}

/** The notification requests the fake received, as `path?query` with the array keys kept. */
function notificationQueries(fake: FakeMastodon): Record<string, unknown>[] {
  return fake.requests.filter((request) => request.path === '/api/v1/notifications').map((request) => request.query);
}

describe('publisher.notificationsSince', () => {
  it('reads mentions and favourites oldest first, normalised, with the mention status as Mastodon sends it', async () => {
    const fake = await fakeServer();
    const publisher = publisherFor(fake);
    const alert = await publisher.post({ status: 'cpu high on pi1', visibility: 'unlisted' });
    if (alert.dryRun) throw new Error('not a dry run');
    const mention = fake.mention({ from: 'owner@example.social', text: 'status pi1', visibility: 'direct' });
    const favourite = fake.favourite(alert.id, 'owner').notification;
    const [first, second, ...rest] = await publisher.notificationsSince(undefined);
    expect(rest).toEqual([]);
    expect(first).toEqual({
      id: mention.notification.id,
      type: 'mention',
      createdAt: mention.notification.created_at,
      account: { id: mention.status.account.id, acct: 'owner@example.social', url: 'https://example.social/@owner' },
      status: {
        id: mention.status.id,
        visibility: 'direct',
        content: `<p><span class="h-card" translate="no"><a href="${fake.url}/@janitor" class="u-url mention">@<span>janitor</span></a></span> status pi1</p>`,
        inReplyToId: null,
        mentions: [{ id: fake.account.id, acct: 'janitor', url: `${fake.url}/@janitor` }],
      },
    });
    expect(second).toMatchObject({ id: favourite?.id, type: 'favourite', account: { acct: 'owner' } });
    expect(second?.status.id).toBe(alert.id);
  });

  it('follows the Link pages over more than 80 notifications and stops at the cursor', async () => {
    const fake = await fakeServer();
    const publisher = publisherFor(fake);
    const before = fake.mention({ from: 'owner', text: 'old' }).notification.id;
    const ids = Array.from({ length: 170 }, (_, i) => fake.mention({ from: 'owner', text: `n${i}` }).notification.id);
    const read = await publisher.notificationsSince(before);
    expect(read.map((notification) => notification.id)).toEqual(ids);
    // Three pages of 80 at most; the third reaches the cursor (since_id is not in the Link, so it must stop there).
    const queries = notificationQueries(fake);
    expect(queries).toHaveLength(3);
    expect(queries[0]).toMatchObject({ limit: '80', since_id: before, types: ['mention', 'favourite'] });
    expect(queries[1]).toMatchObject({ max_id: ids[90] });
    expect(queries[1]).not.toHaveProperty('since_id');
  });

  it('answers only what is newer than the cursor, so that nothing is read twice', async () => {
    const fake = await fakeServer();
    const publisher = publisherFor(fake);
    fake.mention({ from: 'owner', text: 'one' });
    fake.mention({ from: 'owner', text: 'two' });
    const first = await publisher.notificationsSince(undefined);
    const cursor = first.at(-1)?.id as string;
    expect(await publisher.notificationsSince(cursor)).toEqual([]);
    const third = fake.mention({ from: 'owner', text: 'three' }).notification;
    expect((await publisher.notificationsSince(cursor)).map((n) => n.id)).toEqual([third.id]);
    expect(compareIds(third.id, cursor)).toBeGreaterThan(0);
  });

  it.each(FLAVOURS)('%s: filters with its own parameter and gets only mentions and favourites', async (flavour) => {
    const fake = await fakeServer({ flavour });
    const publisher = publisherFor(fake);
    const mentions = Array.from({ length: 3 }, (_, i) => fake.mention({ from: 'owner', text: `m${i}` }).notification);
    const read = await publisher.notificationsSince(undefined);
    expect(read.map((notification) => notification.id)).toEqual(mentions.map((mention) => mention.id));
    const [query] = notificationQueries(fake);
    const types = ['mention', 'favourite'];
    if (flavour === 'pleroma' || flavour === 'akkoma') {
      expect(query).toEqual({ limit: '80', include_types: types });
    } else if (flavour === 'mastodon') {
      expect(query).toEqual({ limit: '80', types, include_filtered: 'true' });
    } else {
      expect(query).toEqual({ limit: '80', types });
    }
  });

  it('gets the private mentions Mastodon filters from accounts the bot does not follow', async () => {
    const fake = await fakeServer();
    const { notification } = fake.mention({
      from: 'owner@example.social',
      text: 'silence pi1 2h',
      visibility: 'direct',
    });
    expect(fake.notifications[0]?.filtered).toBe(true);
    const [read] = await publisherFor(fake).notificationsSince(undefined);
    expect(read?.id).toBe(notification.id);
  });

  it('says to log in again when the token lacks read:notifications', async () => {
    const fake = await fakeServer({
      accessTokens: [{ token: 'post-only', scopes: ['write:statuses', 'write:media'] }],
    });
    const publisher = publisherFor(fake, { accessToken: 'post-only' });
    const error = await rejection(publisher.notificationsSince(undefined), AuthError);
    expect(error.message).toBe(
      `read notifications failed: GET ${fake.url}/api/v1/notifications: 403 Forbidden: This action is outside the authorized scopes; the access token is refused or lacks the read:notifications scope: run \`janitor login\` again to get a token with it`,
    );
    expect([error.reason, error.retryable, error.statusCode]).toEqual(['unauthorized', false, 403]);
  });

  it('reports a server failure as a retryable ListenError, and an abort as aborted', async () => {
    const fake = await fakeServer();
    const publisher = publisherFor(fake);
    fake.failNext({ kind: 'status', status: 503 }, { path: '/api/v1/notifications' });
    const failed = await rejection(publisher.notificationsSince(undefined), ListenError);
    expect([failed.retryable, failed.statusCode, failed.kind]).toEqual([true, 503, 'http']);
    expect(failed.message).toMatch(
      /^read notifications failed: GET .*\/api\/v1\/notifications: 503 Service Unavailable/,
    );

    fake.failNext({ kind: 'stall' }, { path: '/api/v1/notifications' });
    const controller = new AbortController();
    const pending = publisher.notificationsSince(undefined, { signal: controller.signal });
    await fake.waitFor(() => fake.requests.some((request) => request.fault === 'stall'));
    controller.abort();
    const aborted = await rejection(pending, ListenError);
    expect(aborted.kind).toBe('aborted');
  });

  it('refuses a malformed cursor', async () => {
    const fake = await fakeServer();
    await expect(publisherFor(fake).notificationsSince('' as string)).rejects.toThrow(
      'notificationsSince: sinceId must be a notification id or undefined',
    );
    expect(fake.requests).toEqual([]);
  });
});

describe('publisher.whoAmI', () => {
  it.each(FLAVOURS)('%s: the bot account and the domain of its server, read once', async (flavour) => {
    const fake = await fakeServer({ flavour });
    const publisher = publisherFor(fake);
    const host = new URL(fake.url).host;
    expect(await publisher.whoAmI()).toEqual({ acct: 'janitor', domain: host });
    const asked = fake.requests.length;
    await publisher.whoAmI();
    expect(fake.requests.length).toBe(asked);
  });

  it('throws AuthError for a token the server refuses', async () => {
    const fake = await fakeServer();
    const error = await rejection(publisherFor(fake, { accessToken: 'wrong' }).whoAmI(), AuthError);
    expect(error.reason).toBe('unauthorized');
  });
});
