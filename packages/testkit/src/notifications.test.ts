import { createRestAPIClient, MastoHttpError } from 'masto';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeMastodon, type FakeMastodonOptions, startFakeMastodon } from './fake-mastodon.ts';

let fake: FakeMastodon | undefined;

async function start(options: FakeMastodonOptions = {}): Promise<FakeMastodon> {
  fake = await startFakeMastodon(options);
  return fake;
}

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** GET a path with the bot's token; the parsed body, the status and the Link header. */
async function get(server: FakeMastodon, path: string, token = 'test-token') {
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return {
    status: response.status,
    link: response.headers.get('link'),
    body: (await response.json()) as unknown,
  };
}

/** The ids and types of a notification page. */
function summary(body: unknown): string[] {
  return (body as { id: string; type: string }[]).map((notification) => `${notification.type}:${notification.id}`);
}

/** The query string of one Link relation. */
function linkQuery(link: string | null, rel: 'next' | 'prev'): string | undefined {
  const match = link?.split(', ').find((part) => part.endsWith(`rel="${rel}"`));
  return match ? decodeURIComponent(new URL(match.slice(1, match.indexOf('>'))).search) : undefined;
}

describe('fake.mention and the mention notification', () => {
  it('writes the status a remote account would send, mentioning the bot as Mastodon renders it', async () => {
    const server = await start();
    const { status, notification } = server.mention({ from: 'owner@example.social', text: 'status pi1' });
    expect(status.content).toBe(
      `<p><span class="h-card" translate="no"><a href="${server.url}/@janitor" class="u-url mention">@<span>janitor</span></a></span> status pi1</p>`,
    );
    expect(status.account).toMatchObject({
      acct: 'owner@example.social',
      username: 'owner',
      url: 'https://example.social/@owner',
      bot: false,
    });
    expect(status.visibility).toBe('public');
    expect(status.mentions).toEqual([
      { id: server.account.id, username: 'janitor', url: `${server.url}/@janitor`, acct: 'janitor' },
    ]);
    expect(notification).toMatchObject({ type: 'mention', account: { acct: 'owner@example.social' } });
    expect(notification.status?.id).toBe(status.id);
    expect(server.notifications).toHaveLength(1);
    // The same handle is the same account.
    const again = server.mention({ from: 'OWNER@example.social', text: 'alerts' });
    expect(again.status.account.id).toBe(status.account.id);
  });

  it('creates a local account for a handle without domain, and keeps the text when it mentions the bot already', async () => {
    const server = await start();
    const { status } = server.mention({ from: 'owner', text: 'hello @janitor, status please' });
    expect(status.account.acct).toBe('owner');
    expect(status.account.url).toBe(`${server.url}/@owner`);
    expect(server.statuses.at(-1)?.status).toBe('hello @janitor, status please');
    expect(server.accounts.map((account) => account.username)).toEqual(['janitor', 'owner']);
  });

  it('keeps in_reply_to_id and lets the bot read and answer a direct mention', async () => {
    const server = await start();
    const rest = createRestAPIClient({ url: server.url, accessToken: 'test-token', timeout: 5000 });
    const alert = await rest.v1.statuses.create({ status: 'cpu high on pi1', visibility: 'unlisted' });
    const { status } = server.mention({ from: 'owner', text: 'ack', visibility: 'direct', inReplyToId: alert.id });
    expect(status.in_reply_to_id).toBe(alert.id);
    expect(status.in_reply_to_account_id).toBe(server.account.id);
    // The bot is mentioned: it may see the direct status, and reply to it.
    const seen = await rest.v1.statuses.$select(status.id).fetch();
    expect(seen.visibility).toBe('direct');
    const reply = await rest.v1.statuses.create({
      status: '@owner done',
      visibility: 'direct',
      inReplyToId: status.id,
    });
    expect(reply.inReplyToId).toBe(status.id);
    // Nobody else may.
    const anonymous = await fetch(`${server.url}/api/v1/statuses/${status.id}`);
    expect(anonymous.status).toBe(404);
  });

  it('refuses an unknown status to reply to, a malformed handle and a wrong visibility', async () => {
    const server = await start();
    expect(() => server.mention({ from: 'owner', text: 'x', inReplyToId: '404' })).toThrow(/inReplyToId 404/);
    expect(() => server.mention({ from: 'not a handle', text: 'x' })).toThrow(/not an account handle/);
    expect(() => server.mention({ from: 'owner', text: 'x', visibility: 'loud' as 'public' })).toThrow(/visibility/);
    expect(() => server.mention({ from: 'janitor', text: 'x' })).toThrow(/cannot mention itself/);
    expect(server.statuses).toHaveLength(0);
  });

  it('notifies the bot when a status posted through the API by another account mentions it', async () => {
    const server = await start({ flavour: 'pleroma', users: [{ username: 'owner', password: 'secret' }] });
    const rest = createRestAPIClient({ url: server.url, accessToken: 'test-token', timeout: 5000 });
    const apps = await rest.v1.apps.create({
      clientName: 't',
      redirectUris: 'urn:ietf:wg:oauth:2.0:oob',
      scopes: 'read write',
    });
    const token = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'password',
        client_id: apps.clientId,
        client_secret: apps.clientSecret,
        username: 'owner',
        password: 'secret',
        scope: 'read write',
      }),
    }).then((response) => response.json() as Promise<{ access_token: string }>);
    await createRestAPIClient({ url: server.url, accessToken: token.access_token, timeout: 5000 }).v1.statuses.create({
      status: '@janitor hosts',
    });
    expect(server.notifications.map((notification) => notification.type)).toEqual(['mention']);
  });
});

describe('fake.favourite', () => {
  it('notifies the bot of a favourite of its own status, once per account, and counts it', async () => {
    const server = await start();
    const rest = createRestAPIClient({ url: server.url, accessToken: 'test-token', timeout: 5000 });
    const alert = await rest.v1.statuses.create({ status: 'disk full on nas' });
    const { notification } = server.favourite(alert.id, 'owner@example.social');
    expect(notification).toMatchObject({ type: 'favourite', account: { acct: 'owner@example.social' } });
    expect(notification?.status?.id).toBe(alert.id);
    expect(server.favourite(alert.id, 'owner@example.social').notification).toBeNull();
    expect((await rest.v1.statuses.$select(alert.id).fetch()).favouritesCount).toBe(1);
  });

  it("does not notify the bot of a favourite of someone else's status, and refuses unknown or hidden ones", async () => {
    const server = await start();
    const { status } = server.mention({ from: 'owner', text: 'hi' });
    expect(server.favourite(status.id, 'friend@example.social').notification).toBeNull();
    expect(() => server.favourite('404', 'owner')).toThrow(/404 is no status/);
    const secret = server.mention({ from: 'owner', text: 'psst', visibility: 'direct' }).status;
    expect(() => server.favourite(secret.id, 'stranger@example.social')).toThrow(/cannot see/);
  });
});

describe('GET /api/v1/notifications', () => {
  it('lists newest first, filters with types[] and exclude_types[], and links the pages (mastodon)', async () => {
    const server = await start();
    const rest = createRestAPIClient({ url: server.url, accessToken: 'test-token', timeout: 5000 });
    const alert = await rest.v1.statuses.create({ status: 'alert' });
    const first = server.mention({ from: 'a@example.social', text: 'one' }).notification;
    const favourite = server.favourite(alert.id, 'b@example.social').notification;
    const second = server.mention({ from: 'a@example.social', text: 'two' }).notification;
    const all = await get(server, '/api/v1/notifications');
    expect(summary(all.body)).toEqual([`mention:${second.id}`, `favourite:${favourite?.id}`, `mention:${first.id}`]);
    // Mastodon links `next` only after a full page.
    expect(linkQuery(all.link, 'next')).toBeUndefined();
    expect(linkQuery(all.link, 'prev')).toBe(`?limit=40&min_id=${second.id}`);

    const mentions = await get(server, '/api/v1/notifications?types[]=mention&limit=1');
    expect(summary(mentions.body)).toEqual([`mention:${second.id}`]);
    expect(linkQuery(mentions.link, 'next')).toBe(`?limit=1&types[]=mention&max_id=${second.id}`);
    const older = await get(server, `/api/v1/notifications${linkQuery(mentions.link, 'next')}`);
    expect(summary(older.body)).toEqual([`mention:${first.id}`]);

    const excluded = await get(server, '/api/v1/notifications?exclude_types[]=mention');
    expect(summary(excluded.body)).toEqual([`favourite:${favourite?.id}`]);
    // A scalar `types=` is not a Rails array: Mastodon ignores it.
    expect(summary((await get(server, '/api/v1/notifications?types=favourite')).body)).toHaveLength(3);
  });

  it('pages with since_id, min_id and max_id, 40 by default and at most 80', async () => {
    const server = await start();
    const ids = Array.from({ length: 100 }, (_, i) => server.mention({ from: 'owner', text: `n${i}` }).notification.id);
    const byDefault = await get(server, '/api/v1/notifications');
    expect((byDefault.body as unknown[]).length).toBe(40);
    expect(linkQuery(byDefault.link, 'next')).toBe(`?limit=40&max_id=${ids[60]}`);
    const most = await get(server, '/api/v1/notifications?limit=500');
    expect((most.body as unknown[]).length).toBe(80);
    // since_id: the newest ones after the cursor; min_id: the ones right after it.
    const since = await get(server, `/api/v1/notifications?since_id=${ids[10]}&limit=5`);
    expect(summary(since.body)).toEqual(
      ids
        .slice(95)
        .reverse()
        .map((id) => `mention:${id}`),
    );
    const min = await get(server, `/api/v1/notifications?min_id=${ids[10]}&limit=5`);
    expect(summary(min.body)).toEqual(
      ids
        .slice(11, 16)
        .reverse()
        .map((id) => `mention:${id}`),
    );
    const max = await get(server, `/api/v1/notifications?max_id=${ids[3]}`);
    expect(summary(max.body)).toEqual(
      ids
        .slice(0, 3)
        .reverse()
        .map((id) => `mention:${id}`),
    );
    // Mastodon's notification ids count up.
    expect(ids.slice(0, 3)).toEqual(['1', '2', '3']);
  });

  it.each(['pleroma', 'akkoma'] as const)('%s filters with include_types[] and ignores types[]', async (flavour) => {
    const server = await start({ flavour });
    const rest = createRestAPIClient({ url: server.url, accessToken: 'test-token', timeout: 5000 });
    const alert = await rest.v1.statuses.create({ status: 'alert' });
    server.favourite(alert.id, 'a@example.social');
    const mention = server.mention({ from: 'a@example.social', text: 'hi' }).notification;
    expect(summary((await get(server, '/api/v1/notifications?types[]=mention')).body)).toHaveLength(2);
    const included = await get(server, '/api/v1/notifications?include_types[]=mention');
    expect(summary(included.body)).toEqual([`mention:${mention.id}`]);
    expect((included.body as { pleroma?: unknown }[])[0]?.pleroma).toEqual({ is_seen: false, is_muted: false });
    // Pleroma links `next` whenever the page has anything, and keeps the filter.
    expect(linkQuery(included.link, 'next')).toBe(`?limit=40&include_types[]=mention&max_id=${mention.id}`);
  });

  it('gotosocial filters with types[] and gives its notifications ULIDs', async () => {
    const server = await start({ flavour: 'gotosocial' });
    const { notification } = server.mention({ from: 'owner', text: 'hi' });
    expect(notification.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(summary((await get(server, '/api/v1/notifications?types[]=favourite')).body)).toEqual([]);
    expect(summary((await get(server, '/api/v1/notifications?types[]=mention')).body)).toHaveLength(1);
  });

  it('mastodon leaves out private mentions from accounts the bot does not follow unless include_filtered=true', async () => {
    const server = await start();
    const rest = createRestAPIClient({ url: server.url, accessToken: 'test-token', timeout: 5000 });
    const stranger = server.mention({ from: 'owner@example.social', text: 'status', visibility: 'direct' });
    const open = server.mention({ from: 'owner@example.social', text: 'status', visibility: 'private' });
    expect(summary((await get(server, '/api/v1/notifications')).body)).toEqual([`mention:${open.notification.id}`]);
    const withFiltered = await get(server, '/api/v1/notifications?include_filtered=true');
    expect(summary(withFiltered.body)).toEqual([
      `mention:${open.notification.id}`,
      `mention:${stranger.notification.id}`,
    ]);
    expect((withFiltered.body as { filtered?: boolean }[]).map((n) => n.filtered)).toEqual([undefined, true]);
    expect(linkQuery(withFiltered.link, 'prev')).toBe(`?limit=40&include_filtered=true&min_id=${open.notification.id}`);

    // A reply to the bot's own private mention of the sender is not filtered...
    const dm = await rest.v1.statuses.create({ status: '@owner@example.social hello', visibility: 'direct' });
    const answer = server.mention({
      from: 'owner@example.social',
      text: 'hi',
      visibility: 'direct',
      inReplyToId: dm.id,
    });
    expect(answer.notification.filtered).toBeUndefined();
    // ...nor is anything from an account the bot follows.
    server.follow('owner@example.social');
    expect(
      server.mention({ from: 'owner@example.social', text: 'x', visibility: 'direct' }).notification.filtered,
    ).toBeUndefined();
  });

  it.each(['pleroma', 'gotosocial'] as const)('%s filters no private mention', async (flavour) => {
    const server = await start({ flavour });
    const { notification } = server.mention({ from: 'owner@example.social', text: 'status', visibility: 'direct' });
    expect(summary((await get(server, '/api/v1/notifications')).body)).toEqual([`mention:${notification.id}`]);
  });

  it('needs read:notifications (or read), answering 403 as Mastodon does', async () => {
    const server = await start({
      accessTokens: [
        'test-token',
        { token: 'post-only', scopes: ['write:statuses', 'write:media'] },
        { token: 'reader', scopes: ['read'] },
      ],
    });
    server.mention({ from: 'owner', text: 'hi' });
    const refused = await get(server, '/api/v1/notifications', 'post-only');
    expect(refused).toMatchObject({ status: 403, body: { error: 'This action is outside the authorized scopes' } });
    expect((await get(server, '/api/v1/notifications', 'reader')).body).toHaveLength(1);
    const rest = createRestAPIClient({ url: server.url, accessToken: 'post-only', timeout: 5000 });
    const error = await rest.v1.notifications.list().then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(MastoHttpError);
    expect((error as MastoHttpError).statusCode).toBe(403);
  });

  it('shows one notification by id, and forgets them on reset', async () => {
    const server = await start();
    const { notification } = server.mention({ from: 'owner', text: 'hi' });
    expect((await get(server, `/api/v1/notifications/${notification.id}`)).body).toMatchObject({ id: notification.id });
    expect((await get(server, '/api/v1/notifications/999')).status).toBe(404);
    server.reset();
    expect(server.notifications).toHaveLength(0);
    expect((await get(server, '/api/v1/notifications')).body).toEqual([]);
  });
});
