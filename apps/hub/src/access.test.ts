// Who may post: a hub without tokens trusts loopback and private networks only; with tokens, a valid bearer token or
// an explicitly allowed network is needed, and a token limited to some hosts speaks for those only.
import { afterAll, describe, expect, it } from 'vitest';
import { createAccessPolicy } from './access.ts';
import { form, GOOD_MESSAGE, jsonOf, startHub } from './hub.test-support.ts';

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
