// /ping/{slug} and GET /api/v1/checks through app.request over a real store: the URLs of Healthchecks, what each
// answers, who may ping, and what is kept of a body.
import { afterEach, describe, expect, it } from 'vitest';
import { type HubFixture, jsonOf, startHub } from '../hub.test-support.ts';

const CHECKS = [
  { slug: 'backup', schedule: '0 2 * * *', grace: '5m', host: 'nas' },
  { slug: 'certbot', period: '12h' },
];

const hubs: HubFixture[] = [];
afterEach(() => {
  for (const hub of hubs.splice(0)) hub.close();
});

function hubWith(config: Record<string, unknown> = {}, service?: Record<string, unknown>): HubFixture {
  const hub = startHub({ config: { checks: CHECKS, ...config }, ...(service ? { service } : {}) });
  hubs.push(hub);
  return hub;
}

const post = (body?: string): RequestInit => ({ method: 'POST', ...(body === undefined ? {} : { body }) });

/** The check as GET /api/v1/checks shows it. */
async function checkOf(hub: HubFixture, slug: string): Promise<Record<string, unknown> | undefined> {
  const body = await jsonOf(await hub.request('/api/v1/checks'));
  return (body.checks as Record<string, unknown>[]).find((c) => c.slug === slug);
}

describe('GET|POST /ping/{slug}', () => {
  it.each([
    ['GET', '/ping/backup', 'success'],
    ['POST', '/ping/backup', 'success'],
    ['POST', '/ping/backup/0', 'success'],
    ['GET', '/ping/backup/start', 'start'],
    ['POST', '/ping/backup/fail', 'fail'],
    ['POST', '/ping/backup/3', 'fail'],
    ['GET', '/ping/backup/255', 'fail'],
  ])('%s %s answers OK as text and is a %s ping', async (method, path, kind) => {
    const hub = hubWith();
    const res = await hub.request(path, { method });
    expect([res.status, res.headers.get('content-type'), await res.text()]).toEqual([
      200,
      'text/plain;charset=UTF-8',
      'OK',
    ]);
    expect(await checkOf(hub, 'backup')).toMatchObject({
      lastPingKind: kind,
      status: kind === 'start' ? 'running' : kind === 'fail' ? 'failed' : 'up',
    });
  });

  it('answers an unknown slug with a 404 naming slug, and keeps nothing of it', async () => {
    const hub = hubWith();
    const res = await hub.request('/ping/nope', post('x'));
    expect(res.status).toBe(404);
    expect(await jsonOf(res)).toEqual({
      error: 'no check "nope": declare it under checks in config.yaml, or set checks_auto_create: true',
      field: 'slug',
    });
    expect(await checkOf(hub, 'nope')).toBeUndefined();
  });

  it.each(['256', '-1', 'stop', '1.5'])('answers exit status %s with a 400 naming exit-status', async (segment) => {
    const hub = hubWith();
    const res = await hub.request(`/ping/backup/${segment}`, post());
    expect(res.status).toBe(400);
    expect(await jsonOf(res)).toMatchObject({ field: 'exit-status' });
    expect(await checkOf(hub, 'backup')).toMatchObject({ lastPingMs: null });
  });

  it('creates a check on its first ping with checks_auto_create, and refuses a slug no check may have', async () => {
    const hub = hubWith({ checks_auto_create: true });
    const res = await hub.request('/ping/db-dump/start', post());
    expect(res.status).toBe(200);
    expect(await checkOf(hub, 'db-dump')).toMatchObject({
      status: 'running',
      autoCreated: true,
      periodMs: 86_400_000,
      graceMs: 3_600_000,
    });
    const bad = await hub.request('/ping/DB%20dump', post());
    expect(bad.status).toBe(400);
    expect(await jsonOf(bad)).toMatchObject({ field: 'slug' });
  });

  it('keeps the last 10 KB of a body as the run’s output, on whole characters, and posts its tail', async () => {
    const hub = hubWith();
    const lines = Array.from({ length: 400 }, (_, i) => `line ${String(i).padStart(3, '0')} ${'é'.repeat(20)}`);
    const res = await hub.request('/ping/backup/3', post(`${lines.join('\r\n')}\r\n`));
    expect(res.status).toBe(200);
    const state = hub.store.kv.get<{ lastBody: string }>('checks.state.backup')!;
    expect(Buffer.byteLength(state.lastBody)).toBeLessThanOrEqual(10_240);
    expect(Buffer.byteLength(state.lastBody)).toBeGreaterThan(9_900); // less the carriage returns dropped
    expect(state.lastBody.endsWith(lines.at(-1)!)).toBe(true);
    expect(state.lastBody).not.toContain('line 000');
    expect(state.lastBody).not.toContain('\r');
    const [entry] = hub.store.outbox.list();
    const text = (entry!.payload as { report: { text: string } }).report.text;
    expect(text.split('\n').slice(0, 3)).toEqual(['backup failed (exit 3)', '', 'last 15 lines of output:']);
    expect(text.endsWith(lines.at(-1)!)).toBe(true);
    // The failure is in the message log with its output.
    expect(hub.store.messageLog.list().entries[0]).toMatchObject({ source: 'ping:backup', text: state.lastBody });
  });

  it('refuses a body over the hub’s limit with a 413 naming body', async () => {
    const hub = hubWith();
    const res = await hub.request('/ping/backup', post('x'.repeat(1_048_577)));
    expect(res.status).toBe(413);
    expect(await jsonOf(res)).toMatchObject({ field: 'body' });
  });

  it('answers other methods with a 405 that says GET and POST', async () => {
    const hub = hubWith();
    const res = await hub.request('/ping/backup', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST');
  });
});

describe('who may ping', () => {
  const WRITE = 'write-token-0123456789';
  const NAS = 'nas-token-0123456789ab';
  const READ = 'read-token-0123456789a';
  const service = {
    tokens: [
      { name: 'scripts', token: WRITE, scopes: ['write'] },
      { name: 'nas', token: NAS, hosts: ['nas'] },
      { name: 'viewer', token: READ, scopes: ['read'] },
    ],
  };
  const bearer = (token: string, init: RequestInit = {}): RequestInit => ({
    ...init,
    headers: { authorization: `Bearer ${token}` },
  });

  it.each<[string, string | undefined, string, number]>([
    ['no token (tokens configured)', undefined, '/ping/backup', 401],
    ['a token with the write scope', WRITE, '/ping/backup', 200],
    ['a token with the read scope only', READ, '/ping/backup', 403],
    ['a token for host nas, pinging a check of nas', NAS, '/ping/backup', 200],
    ['a token for host nas, pinging a check of no host', NAS, '/ping/certbot', 403],
  ])('%s: %s', async (_what, token, path, status) => {
    const hub = hubWith({}, service);
    const res = await hub.request(path, token === undefined ? post() : bearer(token, post()));
    expect(res.status).toBe(status);
  });

  it('lists the checks to the read scope, a token for some hosts seeing theirs only', async () => {
    const hub = hubWith({}, service);
    const all = await jsonOf(await hub.request('/api/v1/checks', bearer(READ)));
    expect((all.checks as { slug: string }[]).map((c) => c.slug)).toEqual(['backup', 'certbot']);
    const nas = await jsonOf(await hub.request('/api/v1/checks', bearer(NAS)));
    expect((nas.checks as { slug: string }[]).map((c) => c.slug)).toEqual(['backup']);
    expect((await hub.request('/api/v1/checks')).status).toBe(401);
  });
});

describe('GET /api/v1/checks', () => {
  it('shows each check’s state, last ping and next deadline', async () => {
    const hub = hubWith();
    await hub.request('/ping/certbot', post());
    const body = await jsonOf(await hub.request('/api/v1/checks'));
    const certbot = (body.checks as Record<string, unknown>[])[1]!;
    const lastPingMs = certbot.lastPingMs as number;
    expect(certbot).toEqual({
      slug: 'certbot',
      host: null,
      status: 'up',
      kind: 'period',
      periodMs: 43_200_000,
      schedule: null,
      timezone: null,
      graceMs: 3_600_000,
      autoCreated: false,
      lastPingMs,
      lastPingKind: 'success',
      lastExitStatus: null,
      lastSuccessMs: lastPingMs,
      startedMs: null,
      nextDeadlineMs: lastPingMs + 13 * 3_600_000,
      problemSinceMs: null,
    });
    expect(Math.abs(lastPingMs - (body.nowMs as number))).toBeLessThan(60_000);
  });
});
