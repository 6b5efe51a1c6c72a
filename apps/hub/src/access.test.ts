// Who may post: a hub without tokens trusts loopback and private networks only; with tokens, a valid bearer token or
// an explicitly allowed network is needed, and a token limited to some hosts speaks for those only.

import { createAccessPolicy } from '@janitor/runtime/hub';
import { afterAll, describe, expect, it } from 'vitest';
import { form, GOOD_MESSAGE, json, jsonOf, startHub } from './hub.test-support.ts';

const TOKEN = 'agent-token-0123456789abcdef';
const WEB_TOKEN = 'web-only-token-0123456789ab';
const ENDPOINTS = [
  ['/message', GOOD_MESSAGE],
  [
    '/sysinfo',
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sys_data":{"cpu_percent":1}}' },
  ],
] as const;

const withAuth = (init: RequestInit, authorization: string): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), authorization },
});

describe('a hub without tokens', () => {
  const hub = startHub();
  afterAll(() => hub.close());

  it('refuses a change sent by a page of another site from this machine (a cross-site form), takes its own page', async () => {
    const silence = { host: 'pi1', for: '1h' };
    const crossSite = [
      { origin: 'http://evil.example', host: '127.0.0.1:5000' },
      { 'sec-fetch-site': 'cross-site', host: '127.0.0.1:5000' },
    ];
    for (const headers of crossSite) {
      for (const [path, init] of [['/silences', json(silence)], ...ENDPOINTS] as const) {
        const res = await hub.request(path, {
          ...init,
          headers: { ...(init.headers as Record<string, string>), ...headers },
        });
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(403);
        expect(await res.json()).toMatchObject({ field: 'Origin' });
      }
    }
    expect(hub.alerts.silences()).toEqual([]);
    const own = await hub.request('/silences', {
      ...json(silence),
      headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:5000', host: '127.0.0.1:5000' },
    });
    expect(own.status).toBe(200);
    // Reading is not changing: a GET from anywhere follows the address rule alone.
    const read = await hub.request('/silences', { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(read.status).toBe(200);
  });

  it.each([
    ['IPv4 loopback', '127.0.0.1'],
    ['another loopback address', '127.8.9.10'],
    ['IPv6 loopback', '::1'],
    ['10/8', '10.1.2.3'],
    ['172.16/12', '172.31.255.1'],
    ['192.168/16', '192.168.1.5'],
    ['an IPv4 client of a dual-stack socket', '::ffff:192.168.1.5'],
    ['the same, upper case', '::FFFF:10.0.0.1'],
    ['IPv6 unique local', 'fd12:3456::1'],
    ['IPv6 link-local', 'fe80::1'],
  ])('accepts %s (%s) on both endpoints', async (_what, address) => {
    for (const [path, init] of ENDPOINTS) {
      const res = await hub.request(path, init, address);
      expect(res.status, `${path} from ${address}`).toBe(200);
    }
  });

  it.each([
    ['a public IPv4 address', '8.8.8.8'],
    ['a public IPv6 address', '2001:db8::1'],
    ['a public address mapped into IPv6', '::ffff:8.8.8.8'],
    ['just outside 172.16/12', '172.32.0.1'],
    ['an unknown sender (no socket address)', undefined],
    ['something that is not an address', 'not-an-ip'],
  ])('refuses %s (%s) with 401 JSON naming the header', async (_what, address) => {
    for (const [path, init] of ENDPOINTS) {
      const res = await hub.app.request(path, init, { remote: address });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      const body = await jsonOf(res);
      expect(body.field).toBe('authorization');
      expect(body.error).toMatch(/private networks only/);
    }
  });

  it('does not let a made-up token in from a public address', async () => {
    const res = await hub.request('/message', withAuth(GOOD_MESSAGE, `Bearer ${TOKEN}`), '8.8.8.8');
    expect(res.status).toBe(401);
    expect(await jsonOf(res)).toMatchObject({ field: 'authorization' });
  });

  it('queued nothing for the refused requests', () => {
    // 10 accepted /message requests; the /sysinfo ones crossed nothing.
    expect(hub.store.outbox.counts().pending).toBe(10);
  });
});

describe('a hub with tokens', () => {
  const hub = startHub({
    service: {
      tokens: [
        { name: 'agents', token: TOKEN },
        { name: 'web scripts', token: WEB_TOKEN, hosts: ['web1', 'web2'] },
      ],
      allow_networks: ['192.168.7.0/24', '2001:db8:7::/48'],
    },
  });
  afterAll(() => hub.close());

  it.each([
    ['no token, from a public address', undefined, '8.8.8.8', 401],
    ['no token, from loopback (tokens configured: private is not enough)', undefined, '127.0.0.1', 401],
    ['no token, from a private network not listed', undefined, '10.0.0.1', 401],
    ['a wrong token', `Bearer ${TOKEN}x`, '8.8.8.8', 401],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, -1)}`, '8.8.8.8', 401],
    ['the token in another scheme', `Basic ${TOKEN}`, '8.8.8.8', 401],
    ['an empty bearer', 'Bearer ', '8.8.8.8', 401],
    ['the right token from a public address', `Bearer ${TOKEN}`, '8.8.8.8', 200],
    ['the right token, scheme in lower case', `bearer ${TOKEN}`, '2001:db8::1', 200],
    ['no token from an allowed IPv4 network', undefined, '192.168.7.20', 200],
    ['no token from an allowed network, dual-stack form', undefined, '::ffff:192.168.7.20', 200],
    ['no token from an allowed IPv6 network', undefined, '2001:db8:7::5', 200],
    ['a wrong token from an allowed network (the network admits it)', 'Bearer nope', '192.168.7.20', 200],
  ])('%s -> %i', async (_what, authorization, address, status) => {
    const init = authorization === undefined ? GOOD_MESSAGE : withAuth(GOOD_MESSAGE, authorization);
    const res = await hub.request('/message', init, address);
    expect(res.status).toBe(status);
    const body = await jsonOf(res);
    if (status === 401) {
      expect(body.field).toBe('authorization');
      expect(typeof body.error).toBe('string');
    } else expect(body.status).toBe('queued');
  });

  it('a token limited to some hosts speaks for them', async () => {
    const res = await hub.request('/message', withAuth(GOOD_MESSAGE, `Bearer ${WEB_TOKEN}`), '8.8.8.8');
    expect(res.status).toBe(200);
  });

  it.each([
    ['/message for another host', '/message', form({ hostname: 'db1', message: 'hi' })],
    [
      '/sysinfo for another host',
      '/sysinfo',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"sys_data":{"hostname":"db1","cpu_percent":99}}',
      },
    ],
    [
      '/sysinfo naming no host',
      '/sysinfo',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sys_data":{"cpu_percent":99}}' },
    ],
  ])('a hosts-limited token is refused with 403 on %s', async (_what, path, init) => {
    const pending = hub.store.outbox.counts().pending;
    const res = await hub.request(path, withAuth(init, `Bearer ${WEB_TOKEN}`), '8.8.8.8');
    expect(res.status).toBe(403);
    expect(await jsonOf(res)).toMatchObject({ field: 'hostname', error: expect.stringContaining('may not speak') });
    expect(hub.store.outbox.counts().pending).toBe(pending);
  });

  it('the unlimited token speaks for any host', async () => {
    const res = await hub.request(
      '/message',
      withAuth(form({ hostname: 'db1', message: 'hi' }), `Bearer ${TOKEN}`),
      '8.8.8.8',
    );
    expect(res.status).toBe(200);
  });

  it('logs which token spoke, by its name', async () => {
    await hub.request('/message', withAuth(GOOD_MESSAGE, `Bearer ${TOKEN}`), '198.51.100.7');
    await hub.request('/message', GOOD_MESSAGE, '192.168.7.77');
    const line = (from: string) => hub.logger.lines.find((l) => l.message === 'request' && l.fields.from === from);
    expect(line('198.51.100.7')?.fields).toMatchObject({ status: 200, tokenName: 'agents' });
    expect(line('192.168.7.77')?.fields).not.toHaveProperty('tokenName');
  });

  it('never logs a token, and logs who asked and from where', () => {
    const text = hub.logger.text();
    expect(text).not.toContain(TOKEN.slice(4, 20));
    expect(text).not.toContain(WEB_TOKEN.slice(4, 20));
    expect(text).toContain('8.8.8.8');
    expect(text).toContain('192.168.7.20');
  });
});

describe('a hub whose token comes from JANITOR_HUB_TOKEN', () => {
  const hub = startHub({ env: { JANITOR_HUB_TOKEN: ` ${TOKEN}\n` } });
  afterAll(() => hub.close());

  it.each([
    ['the token from a public address', `Bearer ${TOKEN}`, 200],
    ['no token from a public address', undefined, 401],
    ['no token from loopback (a token is configured now)', undefined, 401],
  ])('%s -> %i', async (what, authorization, status) => {
    const init = authorization === undefined ? GOOD_MESSAGE : withAuth(GOOD_MESSAGE, authorization);
    const res = await hub.request('/message', init, what.includes('loopback') ? '127.0.0.1' : '8.8.8.8');
    expect(res.status).toBe(status);
  });
});

describe('createAccessPolicy', () => {
  it('compares tokens of every length without throwing (timingSafeEqual needs equal lengths)', () => {
    const policy = createAccessPolicy({ tokens: [{ name: 'a', token: TOKEN }], allowNetworks: [] });
    for (const presented of ['x', TOKEN.repeat(3), TOKEN.slice(0, -1), `${TOKEN}\u00e9`, '\u{1F600}'.repeat(40)]) {
      expect(policy.check('8.8.8.8', `Bearer ${presented}`)).toMatchObject({ allowed: false, status: 401 });
    }
    expect(policy.check('8.8.8.8', `Bearer ${TOKEN}`)).toEqual({ allowed: true, via: 'token', tokenName: 'a' });
  });

  it('with no tokens says it is tokenless', () => {
    expect(createAccessPolicy({ tokens: [], allowNetworks: [] }).tokenless).toBe(true);
    expect(createAccessPolicy({ tokens: [{ name: 'a', token: TOKEN }], allowNetworks: [] }).tokenless).toBe(false);
  });

  it('refuses a malformed network at construction', () => {
    expect(() => createAccessPolicy({ tokens: [], allowNetworks: ['10.0.0.0/33'] })).toThrow(/prefix/);
    expect(() => createAccessPolicy({ tokens: [], allowNetworks: ['example.com/8'] })).toThrow(/not an IP network/);
  });
});

const silence = (init?: { authorization?: string; host?: string }): RequestInit => ({
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    ...(init?.authorization ? { authorization: init.authorization } : {}),
  },
  body: JSON.stringify({ host: init?.host ?? 'pi1', for: '1h' }),
});
const listSilences = (authorization?: string): RequestInit => ({
  method: 'GET',
  ...(authorization ? { headers: { authorization } } : {}),
});

describe('silences on a hub without tokens', () => {
  const hub = startHub({ service: { allow_networks: ['10.9.0.0/16'] } });
  afterAll(() => hub.close());

  it.each([
    ['this machine (IPv4 loopback)', '127.0.0.1', 200],
    ['this machine (IPv6 loopback)', '::1', 200],
    ['this machine, dual-stack form', '::ffff:127.0.0.1', 200],
    ['a network of allow_networks', '10.9.3.4', 200],
    ['another private network', '192.168.1.5', 403],
    ['another private network, in 10/8 but not allowed', '10.1.2.3', 403],
    ['IPv6 unique local', 'fd12:3456::1', 403],
    ['a public address', '8.8.8.8', 401],
  ])('are started from %s (%s) -> %i', async (_what, address, status) => {
    const res = await hub.request('/silences', silence(), address);
    expect(res.status).toBe(status);
    if (status !== 200) expect(await jsonOf(res)).toMatchObject({ field: 'authorization' });
    if (status === 403) expect((await hub.request('/silences/1', { method: 'DELETE' }, address)).status).toBe(403);
  });

  it('are listed to every private network (reading needs no admin)', async () => {
    expect((await hub.request('/silences', listSilences(), '192.168.1.5')).status).toBe(200);
    expect((await hub.request('/silences', listSilences(), '8.8.8.8')).status).toBe(401);
  });

  it('say why a private network may not silence', async () => {
    const body = await jsonOf(await hub.request('/silences', silence(), '192.168.1.5'));
    expect(body.error).toMatch(/loopback.*allow_networks|admin token/);
  });
});

describe('token scopes', () => {
  const tokens = {
    none: 'no-scopes-token-0123456789',
    write: 'write-only-token-0123456789',
    read: 'read-only-token-01234567890',
    admin: 'admin-only-token-0123456789',
    readWrite: 'read-write-token-0123456789',
  };
  const hub = startHub({
    service: {
      tokens: [
        { name: 'old', token: tokens.none },
        { name: 'agents', token: tokens.write, scopes: ['write'] },
        { name: 'viewer', token: tokens.read, scopes: ['read'] },
        { name: 'me', token: tokens.admin, scopes: ['admin'] },
        { name: 'both', token: tokens.readWrite, scopes: ['read', 'write'] },
      ],
      allow_networks: ['192.168.7.0/24'],
    },
  });
  afterAll(() => hub.close());
  const report = json({ sys_data: { hostname: 'pi1', cpu_percent: 1 } });

  // [token, /message, /sysinfo, GET /silences, POST /silences, DELETE /silences/ID]
  it.each([
    ['a token written before scopes (none listed): every right', tokens.none, [200, 200, 200, 200, 200]],
    ['write: reports and messages only', tokens.write, [200, 200, 403, 403, 403]],
    ['read: the API only', tokens.read, [403, 403, 200, 403, 403]],
    ['admin: everything', tokens.admin, [200, 200, 200, 200, 200]],
    ['read and write: no silences', tokens.readWrite, [200, 200, 200, 403, 403]],
  ])('%s', async (_what, token, expected) => {
    const authorization = `Bearer ${token}`;
    const added = await hub.request('/silences', silence({ authorization: `Bearer ${tokens.admin}` }), '8.8.8.8');
    const { id } = ((await jsonOf(added)) as { silence: { id: number } }).silence;
    const statuses = [
      (await hub.request('/message', withAuth(GOOD_MESSAGE, authorization), '8.8.8.8')).status,
      (await hub.request('/sysinfo', withAuth(report, authorization), '8.8.8.8')).status,
      (await hub.request('/silences', listSilences(authorization), '8.8.8.8')).status,
      (await hub.request('/silences', silence({ authorization }), '8.8.8.8')).status,
      (await hub.request(`/silences/${id}`, { method: 'DELETE', headers: { authorization } }, '8.8.8.8')).status,
    ];
    expect(statuses).toEqual(expected);
  });

  it('refuses a missing scope with a 403 naming it, and logs the token by name', async () => {
    const res = await hub.request('/silences', silence({ authorization: `Bearer ${tokens.write}` }), '8.8.8.8');
    expect(res.status).toBe(403);
    expect(await jsonOf(res)).toMatchObject({ field: 'authorization', error: expect.stringMatching(/admin/) });
    const line = hub.logger.lines.findLast((l) => l.message === 'request');
    expect(line?.fields).toMatchObject({ status: 403, tokenName: 'agents' });
  });

  it('lets allow_networks do everything without a token, a write-only token included', async () => {
    expect((await hub.request('/silences', silence(), '192.168.7.9')).status).toBe(200);
    const res = await hub.request('/silences', silence({ authorization: `Bearer ${tokens.write}` }), '192.168.7.9');
    expect(res.status).toBe(200);
  });
});

describe('a request forwarded by a reverse proxy', () => {
  const forwarded = (headers: Record<string, string>): RequestInit => ({
    ...GOOD_MESSAGE,
    headers: { ...(GOOD_MESSAGE.headers as Record<string, string>), ...headers },
  });

  describe('on this machine, not listed in trusted_proxies', () => {
    const hub = startHub();
    afterAll(() => hub.close());

    it.each([
      ['X-Forwarded-For', { 'x-forwarded-for': '203.0.113.9' }],
      ['X-Forwarded-For naming a private address', { 'x-forwarded-for': '192.168.1.5' }],
      ['Forwarded', { forwarded: 'for=203.0.113.9;proto=https' }],
      ['X-Real-IP', { 'x-real-ip': '203.0.113.9' }],
      ['an empty X-Forwarded-For', { 'x-forwarded-for': '' }],
    ])('is not local when it carries %s', async (_what, headers) => {
      const res = await hub.request('/message', forwarded(headers), '127.0.0.1');
      expect(res.status).toBe(401);
      expect(await jsonOf(res)).toMatchObject({
        field: 'authorization',
        error: expect.stringMatching(/trusted_proxies/),
      });
      expect(
        (await hub.request('/silences', { ...silence(), headers: { ...headers, 'content-type': 'application/json' } }))
          .status,
      ).toBe(401);
    });

    it('is local without forwarding headers, as before', async () => {
      expect((await hub.request('/message', GOOD_MESSAGE, '127.0.0.1')).status).toBe(200);
    });

    it('from another machine of the network, its headers are ignored: the socket’s address counts', async () => {
      const res = await hub.request('/message', forwarded({ 'x-forwarded-for': '203.0.113.9' }), '192.168.1.5');
      expect(res.status).toBe(200);
    });
  });

  describe('from a proxy listed in trusted_proxies', () => {
    const hub = startHub({ service: { trusted_proxies: ['127.0.0.1/32', '10.0.0.2'] } });
    afterAll(() => hub.close());

    it.each([
      ['an internet client', { 'x-forwarded-for': '203.0.113.9' }, 401],
      ['a client of the private network', { 'x-forwarded-for': '192.168.1.5' }, 200],
      [
        'a forged first hop, then the real client (the rightmost untrusted one counts)',
        { 'x-forwarded-for': '127.0.0.1, 203.0.113.9' },
        401,
      ],
      ['a client behind two trusted proxies', { 'x-forwarded-for': '192.168.1.5, 10.0.0.2' }, 200],
      ['Forwarded, quoted IPv6 with a port', { forwarded: 'for="[fd00::5]:4711";proto=https' }, 200],
      ['Forwarded, an internet client', { forwarded: 'for=203.0.113.9' }, 401],
      ['Forwarded, an obfuscated client', { forwarded: 'for=_hidden' }, 401],
      ['X-Real-IP', { 'x-real-ip': '192.168.1.5' }, 200],
      ['headers that agree', { 'x-forwarded-for': '192.168.1.5', 'x-real-ip': '192.168.1.5' }, 200],
      [
        'headers that disagree (one of them passed through from the client)',
        { 'x-forwarded-for': '203.0.113.9', forwarded: 'for=127.0.0.1' },
        401,
      ],
      ['something that is not an address', { 'x-forwarded-for': 'localhost' }, 401],
    ])('takes the client from the headers: %s', async (_what, headers, status) => {
      expect((await hub.request('/message', forwarded(headers), '127.0.0.1')).status).toBe(status);
    });

    it('may silence only for a client on this machine, like any request without tokens', async () => {
      const via = (client: string) => ({
        ...silence(),
        headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
      });
      expect((await hub.request('/silences', via('192.168.1.5'), '127.0.0.1')).status).toBe(403);
      expect((await hub.request('/silences', via('127.0.0.1'), '127.0.0.1')).status).toBe(200);
    });

    it('logs the client the headers name, and the proxy', async () => {
      await hub.request('/message', forwarded({ 'x-forwarded-for': '192.168.44.4' }), '127.0.0.1');
      const line = hub.logger.lines.findLast((l) => l.message === 'request');
      expect(line?.fields).toMatchObject({ from: '192.168.44.4', proxy: '127.0.0.1', status: 200 });
    });
  });
});
