// streamNotifications through masto's streaming client (Node's WebSocket) against the fake server. masto waits a
// second before it connects, so these tests run concurrently.
import { type FakeMastodon, type FakeMastodonOptions, startFakeMastodon } from '@janitor/testkit';
import { afterAll, describe, it } from 'vitest';
import { AuthError } from './auth-error.ts';
import type { IncomingNotification } from './incoming-notification.ts';
import { ListenError } from './listen-error.ts';
import type { NotificationStream } from './notification-stream.ts';
import { createPublisher, type PublisherOptions } from './publisher.ts';

const fakes: FakeMastodon[] = [];
const streams: NotificationStream[] = [];
afterAll(async () => {
  for (const stream of streams) stream.close();
  await Promise.all(fakes.map((fake) => fake.close()));
});

async function fakeServer(options: FakeMastodonOptions = {}): Promise<FakeMastodon> {
  const fake = await startFakeMastodon(options);
  fakes.push(fake);
  return fake;
}

function publisherFor(fake: FakeMastodon, options: Partial<PublisherOptions> = {}) {
  return createPublisher({ url: fake.url, accessToken: 'test-token', instanceType: fake.flavour, ...options });
}

/** Handlers that record what they get, and a way to wait for it. */
function recorder() {
  const notifications: IncomingNotification[] = [];
  const closes: (Error | undefined)[] = [];
  const waiters = new Set<() => void>();
  const changed = () => {
    for (const waiter of [...waiters]) waiter();
  };
  return {
    notifications,
    closes,
    handlers: {
      onNotification(notification: IncomingNotification) {
        notifications.push(notification);
        changed();
      },
      onClose(error?: Error) {
        closes.push(error);
        changed();
      },
    },
    /** Resolves once `probe` holds; rejects after 5 s. */
    until(probe: () => boolean): Promise<void> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!probe()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error('condition not met within 5000 ms'));
        }, 5000);
        waiters.add(check);
        check();
      });
    },
  };
}

/** The fake has the subscription (servers acknowledge none; the publisher resolves once it is sent). */
function subscribed(fake: FakeMastodon, name: string) {
  return fake.waitFor(() => fake.streams.some((stream) => stream.open && stream.subscriptions.includes(name)));
}

describe.concurrent('publisher.streamNotifications', () => {
  it('mastodon: subscribes to user:notification at the instance streaming address and passes on mentions and favourites', async ({
    expect,
  }) => {
    const fake = await fakeServer();
    const publisher = publisherFor(fake);
    const alert = await publisher.post({ status: 'disk full on nas', visibility: 'public' });
    if (alert.dryRun) throw new Error('not a dry run');
    const seen = recorder();
    const stream = await publisher.streamNotifications(seen.handlers);
    streams.push(stream);
    await subscribed(fake, 'user:notification');
    expect(fake.requests.some((request) => request.path === '/api/v2/instance')).toBe(true);
    expect(fake.streams).toHaveLength(1);
    expect(fake.streams[0]).toMatchObject({ auth: 'protocol', subscriptions: ['user:notification'] });

    // A private mention Mastodon filters is never streamed; the next mention and the favourite are.
    fake.mention({ from: 'stranger@example.social', text: 'psst', visibility: 'direct' });
    const mention = fake.mention({ from: 'owner@example.social', text: 'status pi1' });
    fake.favourite(alert.id, 'owner@example.social');
    await seen.until(() => seen.notifications.length === 2);
    expect(seen.notifications.map((n) => [n.type, n.account.acct, n.status.id])).toEqual([
      ['mention', 'owner@example.social', mention.status.id],
      ['favourite', 'owner@example.social', alert.id],
    ]);
    expect(seen.notifications[0]).toMatchObject({ id: mention.notification.id, status: { visibility: 'public' } });

    stream.close();
    await fake.waitFor(() => fake.streams.every((candidate) => !candidate.open));
    expect(seen.closes).toEqual([]);
  });

  it('calls onClose once when the connection drops, and does not reconnect by itself', async ({ expect }) => {
    const fake = await fakeServer({ flavour: 'pleroma' });
    const publisher = publisherFor(fake);
    const seen = recorder();
    streams.push(await publisher.streamNotifications(seen.handlers));
    await subscribed(fake, 'user:notification');
    expect(fake.dropStreams()).toBe(1);
    await seen.until(() => seen.closes.length === 1);
    expect(seen.closes[0]).toBeInstanceOf(ListenError);
    expect(seen.closes[0]?.message).toBe(
      `notification stream closed: ${fake.url.replace('http', 'ws')}/api/v1/streaming: code 1006`,
    );
    expect((seen.closes[0] as ListenError).retryable).toBe(true);

    // The caller opens a new stream; by then masto would have reconnected the first one (it waits one second).
    const again = recorder();
    streams.push(await publisher.streamNotifications(again.handlers));
    await subscribed(fake, 'user:notification');
    expect(fake.streams).toHaveLength(2);
    fake.mention({ from: 'owner', text: 'status' });
    await again.until(() => again.notifications.length === 1);
    expect(seen.notifications).toEqual([]);
    expect(seen.closes).toHaveLength(1);
  });

  it('gotosocial: subscribes to user and passes on notifications only, not the timeline', async ({ expect }) => {
    const fake = await fakeServer({ flavour: 'gotosocial' });
    const publisher = publisherFor(fake);
    const seen = recorder();
    streams.push(await publisher.streamNotifications(seen.handlers));
    await subscribed(fake, 'user');
    expect(fake.streams[0]?.subscriptions).toEqual(['user']);
    await publisher.post({ status: 'my own post shows on the user stream', visibility: 'public' });
    const { notification } = fake.mention({ from: 'owner@example.social', text: 'alerts', visibility: 'private' });
    await seen.until(() => seen.notifications.length === 1);
    expect(fake.streams[0]?.sent.map((message) => (message as { event?: string }).event)).toEqual([
      'update',
      'notification',
    ]);
    expect(seen.notifications.map((n) => [n.id, n.status.visibility])).toEqual([[notification.id, 'private']]);
  });

  it('rejects with ListenError when the server refuses streaming', async ({ expect }) => {
    const fake = await fakeServer({ streaming: false });
    const seen = recorder();
    const error = await publisherFor(fake)
      .streamNotifications(seen.handlers)
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toBeInstanceOf(ListenError);
    expect((error as ListenError).message).toMatch(
      /^stream notifications failed: GET ws:.*the server refused the WebSocket connection/,
    );
    expect((error as ListenError).kind).toBe('unreachable');
    expect(
      fake.requests.filter((request) => request.path === '/api/v1/streaming').map((r) => r.responseStatus),
    ).toEqual([404]);
    expect(seen.closes).toEqual([]);
  });

  it('rejects with AuthError saying to log in again when the token lacks read:notifications, before connecting', async ({
    expect,
  }) => {
    const fake = await fakeServer({
      accessTokens: [{ token: 'post-only', scopes: ['write:statuses', 'write:media'] }],
    });
    const error = await publisherFor(fake, { accessToken: 'post-only' })
      .streamNotifications(recorder().handlers)
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).message).toContain('run `janitor login` again');
    expect(fake.streams).toEqual([]);
  });

  it.for(['mastodon', 'pleroma'] as const)(
    '%s: ends with AuthError when the server refuses the subscription (a user stream without read:statuses)',
    async (flavour, { expect }) => {
      // Configured as GoToSocial, the publisher subscribes to `user`, which these servers refuse without the scope.
      const fake = await fakeServer({ flavour, accessTokens: [{ token: 'narrow', scopes: ['read:notifications'] }] });
      const seen = recorder();
      const publisher = publisherFor(fake, { accessToken: 'narrow', instanceType: 'gotosocial' });
      streams.push(await publisher.streamNotifications(seen.handlers));
      await seen.until(() => seen.closes.length === 1);
      expect(seen.closes[0]).toBeInstanceOf(AuthError);
      expect(seen.closes[0]?.message).toMatch(/subscribing to user|Access token does not have the required scopes/);
      expect(seen.closes[0]?.message).toContain('run `janitor login` again');
      await fake.waitFor(() => fake.streams.every((stream) => !stream.open));
    },
  );

  it('ends the stream with the error when onNotification throws', async ({ expect }) => {
    const fake = await fakeServer();
    const closes: (Error | undefined)[] = [];
    let done: () => void = () => {};
    const closed = new Promise<void>((resolve) => {
      done = resolve;
    });
    streams.push(
      await publisherFor(fake).streamNotifications({
        onNotification() {
          throw new Error('handler broke');
        },
        onClose(error) {
          closes.push(error);
          done();
        },
      }),
    );
    await subscribed(fake, 'user:notification');
    fake.mention({ from: 'owner', text: 'status' });
    await closed;
    expect(closes.map((error) => error?.message)).toEqual(['handler broke']);
    await fake.waitFor(() => fake.streams.every((stream) => !stream.open));
  });
});
