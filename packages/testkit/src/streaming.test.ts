// The streaming API as a client sees it, through Node's own WebSocket (the one masto uses).
import { createRestAPIClient } from 'masto';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeMastodon, type FakeMastodonOptions, startFakeMastodon } from './fake-mastodon.ts';

let fake: FakeMastodon | undefined;
const sockets: WebSocket[] = [];

async function start(options: FakeMastodonOptions = {}): Promise<FakeMastodon> {
  fake = await startFakeMastodon(options);
  return fake;
}

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await fake?.close();
  fake = undefined;
});

interface Client {
  socket: WebSocket;
  /** Every message received, parsed. */
  messages: Record<string, unknown>[];
  /** Resolves with the first message (received or to come) that matches; rejects after a deadline. */
  message(matches: (message: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** Resolves with the close event. */
  closed: Promise<CloseEvent>;
}

/** Open a WebSocket; resolves once open, rejects when the server refuses the upgrade. */
function connect(url: string, protocols?: string[]): Promise<Client> {
  const socket = new WebSocket(url, protocols);
  sockets.push(socket);
  const messages: Record<string, unknown>[] = [];
  const listeners = new Set<() => void>();
  socket.addEventListener('message', (event) => {
    messages.push(JSON.parse(String(event.data)) as Record<string, unknown>);
    for (const listener of listeners) listener();
  });
  const closed = new Promise<CloseEvent>((resolve) => socket.addEventListener('close', resolve));
  const message: Client['message'] = (matches) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`no matching message within 3000 ms; got ${JSON.stringify(messages)}`));
      }, 3000);
      const check = () => {
        const found = messages.find(matches);
        if (!found) return;
        clearTimeout(timer);
        listeners.delete(check);
        resolve(found);
      };
      listeners.add(check);
      check();
    });
  return new Promise((resolve, reject) => {
    socket.addEventListener('open', () => resolve({ socket, messages, message, closed }), { once: true });
    socket.addEventListener('error', () => reject(new Error('refused')), { once: true });
  });
}

function streamingUrl(server: FakeMastodon, query = ''): string {
  return `${server.url.replace(/^http/, 'ws')}/api/v1/streaming${query}`;
}

/** Wait until the fake has seen a subscription to `name` (a real server gives no acknowledgement either). */
function subscribed(server: FakeMastodon, name: string) {
  return server.waitFor(() => server.streams.find((stream) => stream.open && stream.subscriptions.includes(name)), {
    timeoutMs: 3000,
  });
}

describe('the streaming API', () => {
  it('states its address in /api/v2/instance', async () => {
    const server = await start();
    const instance = await createRestAPIClient({ url: server.url }).v2.instance.fetch();
    expect(instance.configuration.urls.streaming).toBe(server.url.replace(/^http:/, 'ws:'));
  });

  it('takes the token as Sec-WebSocket-Protocol and pushes mentions on user:notification as JSON strings', async () => {
    const server = await start();
    const client = await connect(streamingUrl(server), ['test-token']);
    expect(client.socket.protocol).toBe('test-token');
    client.socket.send(JSON.stringify({ type: 'subscribe', stream: 'user:notification' }));
    await subscribed(server, 'user:notification');
    const { notification } = server.mention({ from: 'owner@example.social', text: 'status pi1' });
    const event = await client.message((message) => message.event === 'notification');
    expect(event.stream).toEqual(['user:notification']);
    expect(typeof event.payload).toBe('string');
    expect(JSON.parse(event.payload as string)).toEqual(notification);
    expect(server.streams[0]).toMatchObject({ auth: 'protocol', accessToken: 'test-token', open: true });
  });

  it('takes the token as access_token, subscribes from the stream query parameter, and sends notifications on user', async () => {
    const server = await start();
    const client = await connect(streamingUrl(server, '?access_token=test-token&stream=user'));
    await subscribed(server, 'user');
    const rest = createRestAPIClient({ url: server.url, accessToken: 'test-token', timeout: 5000 });
    const own = await rest.v1.statuses.create({ status: 'my own post' });
    server.favourite(own.id, 'owner');
    const update = await client.message((message) => message.event === 'update');
    expect(JSON.parse(update.payload as string)).toMatchObject({ id: own.id });
    const favourite = await client.message((message) => message.event === 'notification');
    expect(favourite.stream).toEqual(['user']);
    expect(JSON.parse(favourite.payload as string)).toMatchObject({ type: 'favourite', status: { id: own.id } });
    expect(server.streams[0]?.auth).toBe('query');
  });

  it('sends nothing for a filtered private mention (Mastodon 4.3+)', async () => {
    const server = await start();
    const client = await connect(streamingUrl(server, '?stream=user:notification'), ['test-token']);
    await subscribed(server, 'user:notification');
    server.mention({ from: 'stranger@example.social', text: 'psst', visibility: 'direct' });
    const open = server.mention({ from: 'stranger@example.social', text: 'hello' }).notification;
    const event = await client.message((message) => message.event === 'notification');
    expect(JSON.parse(event.payload as string).id).toBe(open.id);
    expect(client.messages).toHaveLength(1);
  });

  it('gotosocial ignores a subscribe message for user:notification; notifications come on user, in one message', async () => {
    const server = await start({
      flavour: 'gotosocial',
      accessTokens: [{ token: 'narrow', scopes: ['write:statuses'] }],
    });
    // GoToSocial checks no scope on streams.
    const client = await connect(streamingUrl(server), ['narrow']);
    client.socket.send(JSON.stringify({ type: 'subscribe', stream: 'user:notification' }));
    client.socket.send(JSON.stringify({ type: 'subscribe', stream: 'user' }));
    await subscribed(server, 'user');
    expect(server.streams[0]?.subscriptions).toEqual(['user']);
    server.mention({ from: 'owner', text: 'status' });
    const event = await client.message((message) => message.event === 'notification');
    expect(event.stream).toEqual(['user:notification', 'user']);
    expect(client.messages).toHaveLength(1);
    // Only the URL opens user:notification there.
    const direct = await connect(streamingUrl(server, '?stream=user:notification'), ['narrow']);
    await server.waitFor(() => server.streams[1]?.subscriptions.includes('user:notification'));
    server.mention({ from: 'owner', text: 'again' });
    expect((await direct.message((message) => message.event === 'notification')).stream).toEqual([
      'user:notification',
      'user',
    ]);
  });

  it.each(['pleroma', 'akkoma'] as const)('%s answers every subscription with pleroma:respond', async (flavour) => {
    const server = await start({
      flavour,
      accessTokens: ['test-token', { token: 'statuses', scopes: ['read:statuses'] }],
    });
    const client = await connect(streamingUrl(server), ['test-token']);
    client.socket.send(JSON.stringify({ type: 'subscribe', stream: 'user:notification' }));
    client.socket.send(JSON.stringify({ type: 'subscribe', stream: 'nonsense' }));
    await client.message(() => client.messages.length >= 2);
    expect(client.messages).toEqual([
      { event: 'pleroma:respond', payload: JSON.stringify({ type: 'subscribe', result: 'success' }) },
      { event: 'pleroma:respond', payload: JSON.stringify({ type: 'subscribe', result: 'error', error: 'bad_topic' }) },
    ]);
    server.mention({ from: 'owner', text: 'status' });
    const event = await client.message((message) => message.event === 'notification');
    expect(event.stream).toEqual(['user:notification']);

    const narrow = await connect(streamingUrl(server), ['statuses']);
    narrow.socket.send(JSON.stringify({ type: 'subscribe', stream: 'user:notification' }));
    expect(await narrow.message(() => true)).toEqual({
      event: 'pleroma:respond',
      payload: JSON.stringify({ type: 'subscribe', result: 'error', error: 'unauthorized' }),
    });
  });

  it('refuses a subscription the token has no scope for, as Mastodon does, and keeps notifications off user', async () => {
    const server = await start({ accessTokens: [{ token: 'statuses', scopes: ['read:statuses', 'write:statuses'] }] });
    const client = await connect(streamingUrl(server), ['statuses']);
    client.socket.send(JSON.stringify({ type: 'subscribe', stream: 'user:notification' }));
    expect(await client.message((message) => 'error' in message)).toEqual({
      error: 'Access token does not have the required scopes',
      status: 401,
    });
    client.socket.send(JSON.stringify({ type: 'subscribe', stream: 'user' }));
    await subscribed(server, 'user');
    server.mention({ from: 'owner', text: 'status' });
    const own = createRestAPIClient({ url: server.url, accessToken: 'statuses', timeout: 5000 });
    await own.v1.statuses.create({ status: 'a post' });
    await client.message((message) => message.event === 'update');
    expect(client.messages.filter((message) => message.event === 'notification')).toEqual([]);
  });

  it('refuses an upgrade without a valid token with 401, and every upgrade when streaming is off with 404', async () => {
    const server = await start();
    await expect(connect(streamingUrl(server))).rejects.toThrow('refused');
    await expect(connect(streamingUrl(server), ['wrong'])).rejects.toThrow('refused');
    const off = await startFakeMastodon({ streaming: false });
    try {
      await expect(connect(streamingUrl(off), ['test-token'])).rejects.toThrow('refused');
      expect(off.requests.map((request) => [request.path, request.responseStatus])).toEqual([
        ['/api/v1/streaming', 404],
      ]);
      expect(off.streams).toEqual([]);
    } finally {
      await off.close();
    }
    // (Node's WebSocket asks twice after a 401.)
    expect(new Set(server.requests.map((request) => request.responseStatus))).toEqual(new Set([401]));
    expect(server.streams).toEqual([]);
  });

  it('dropStreams cuts every open stream without a close frame', async () => {
    const server = await start();
    const one = await connect(streamingUrl(server), ['test-token']);
    const two = await connect(streamingUrl(server, '?access_token=test-token'));
    await server.waitFor(() => server.streams.length === 2);
    expect(server.dropStreams()).toBe(2);
    expect((await one.closed).code).toBe(1006);
    expect((await two.closed).code).toBe(1006);
    await server.waitFor(() => server.streams.every((stream) => !stream.open));
    expect(server.dropStreams()).toBe(0);
  });
});
