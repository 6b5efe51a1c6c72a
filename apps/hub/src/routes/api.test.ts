// The read API (/api/v1/hosts*) through app.request, over a real store: what the hub was told is what it answers.
import { afterEach, describe, expect, it } from 'vitest';
import { type HubFixture, type HubFixtureOptions, json, jsonOf, startHub } from '../hub.test-support.ts';

/** 2026-11-03 14:00 UTC. */
const T0 = Date.UTC(2026, 10, 3, 14, 0);
const MINUTE = 60_000;
const READ_TOKEN = 'read-token-0123456789abcdef';
const WRITE_TOKEN = 'write-token-0123456789abcdef';
const PI_TOKEN = 'pi1-reader-0123456789abcdef';

let now = T0;
const hubs: HubFixture[] = [];
afterEach(() => {
  for (const hub of hubs.splice(0)) hub.close();
  now = T0;
});

function hub(options: HubFixtureOptions = {}): HubFixture {
  const h = startHub({
    config: { system_info: { thresholds: { cpu_percent: { levels: { warning: 80, alarm: 95 } } } } },
    now: () => now,
    ...options,
  });
  hubs.push(h);
  return h;
}

const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

async function report(h: HubFixture, hostname: string, values: Record<string, number>, init: RequestInit = {}) {
  const body = json({ sys_data: { hostname, ...values } });
  const headers = { ...(body.headers as Record<string, string>), ...(init.headers as Record<string, string>) };
  const res = await h.request('/sysinfo', { ...body, headers });
  expect(res.status).toBe(200);
}

describe('GET /api/v1/hosts', () => {
  it('lists every host that reported with its latest values, problems first', async () => {
    const h = hub();
    await report(h, 'pi1', { cpu_percent: 12.5, memory_percent: 40, disk_usage_percent: 71 });
    await report(h, 'pi2', { cpu_percent: 90, memory_percent: 20 });
    now += MINUTE;
    await report(h, 'pi1', { cpu_percent: 14, memory_percent: 41, disk_usage_percent: 72 });
    const body = await jsonOf(await h.request('/api/v1/hosts'));
    expect(body.nowMs).toBe(now);
    const hosts = body.hosts as Record<string, unknown>[];
    expect(hosts.map((x) => x.hostname)).toEqual(['pi2', 'pi1']);
    expect(hosts[0]).toMatchObject({
      state: 'up',
      lastSeenMs: T0,
      firing: [{ key: 'cpu_percent', label: 'CPU %', level: 'warning', value: 90, limit: 80, sinceMs: T0 }],
    });
    expect(hosts[1]).toEqual({
      hostname: 'pi1',
      state: 'up',
      lastSeenMs: T0 + MINUTE,
      silencedUntilMs: null,
      latest: { atMs: T0 + MINUTE, values: { cpu_percent: 14, memory_percent: 41, disk_usage_percent: 72 } },
      worstDisk: { mount: '/', percent: 72 },
      firing: [],
    });
    const problems = await jsonOf(await h.request('/api/v1/hosts?problems=1'));
    expect((problems.hosts as { hostname: string }[]).map((x) => x.hostname)).toEqual(['pi2']);
  });

  it('says a host silenced as a whole is silenced, until when', async () => {
    const h = hub();
    await report(h, 'pi1', { cpu_percent: 10 });
    const res = await h.request('/silences', json({ host: 'pi1', for: '2h', reason: 'maintenance' }));
    expect(res.status).toBe(200);
    const hosts = (await jsonOf(await h.request('/api/v1/hosts'))).hosts as Record<string, unknown>[];
    expect(hosts[0]).toMatchObject({ hostname: 'pi1', state: 'silenced', silencedUntilMs: T0 + 2 * 60 * MINUTE });
  });

  it('says a host that stopped reporting is silent', async () => {
    const h = hub({ config: { alerting: { silent_after: '5m' } } });
    await report(h, 'pi1', { cpu_percent: 10 });
    now += 10 * MINUTE;
    await h.alerts.tick();
    const hosts = (await jsonOf(await h.request('/api/v1/hosts'))).hosts as Record<string, unknown>[];
    expect(hosts[0]).toMatchObject({
      hostname: 'pi1',
      state: 'silent',
      lastSeenMs: T0,
      firing: [{ key: 'host_silent', value: null }],
    });
  });

  it('needs the read scope when tokens are configured, and shows a host-bound token its hosts only', async () => {
    const h = hub({
      service: {
        tokens: [
          { name: 'dash', token: READ_TOKEN, scopes: ['read'] },
          { name: 'agent', token: WRITE_TOKEN, scopes: ['write'] },
          { name: 'pi1-view', token: PI_TOKEN, scopes: ['read'], hosts: ['pi1'] },
        ],
      },
    });
    await report(h, 'pi1', { cpu_percent: 10 }, auth(WRITE_TOKEN));
    await report(h, 'pi2', { cpu_percent: 10 }, auth(WRITE_TOKEN));
    expect((await h.request('/api/v1/hosts')).status).toBe(401);
    expect((await h.request('/api/v1/hosts', auth(WRITE_TOKEN))).status).toBe(403);
    const all = await jsonOf(await h.request('/api/v1/hosts', auth(READ_TOKEN)));
    expect((all.hosts as { hostname: string }[]).map((x) => x.hostname)).toEqual(['pi1', 'pi2']);
    const mine = await jsonOf(await h.request('/api/v1/hosts', auth(PI_TOKEN)));
    expect((mine.hosts as { hostname: string }[]).map((x) => x.hostname)).toEqual(['pi1']);
    expect((await h.request('/api/v1/hosts/pi2', auth(PI_TOKEN))).status).toBe(403);
    expect((await h.request('/api/v1/hosts/pi1/series?metrics=cpu_percent', auth(PI_TOKEN))).status).toBe(200);
  });

  it('refuses from a public address without a token configured', async () => {
    const h = hub();
    const res = await h.request('/api/v1/hosts', {}, '203.0.113.9');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: expect.stringContaining('token') });
  });
});

describe('GET /api/v1/hosts/{hostname}', () => {
  it('answers the host, the series it has and the limits to draw', async () => {
    const h = hub();
    await report(h, 'pi1', { cpu_percent: 12, memory_percent: 40 });
    const body = await jsonOf(await h.request('/api/v1/hosts/pi1'));
    expect(body).toMatchObject({
      hostname: 'pi1',
      keys: ['cpu_percent', 'memory_percent'],
      limits: { cpu_percent: { warning: 80, alarm: 95 } },
    });
  });

  it('draws a disk rule without a mount on the root filesystem, a * rule on every mount', async () => {
    const disk = (mount: string, usedPercent: number) => ({
      mount,
      device: '/dev/sda1',
      fsType: 'ext4',
      totalBytes: 100,
      usedBytes: usedPercent,
      freeBytes: 100 - usedPercent,
      usedPercent,
    });
    const h = hub({
      config: {
        system_info: {
          thresholds: {
            disk_usage_percent: [
              { value: 90, message_type: 'alarm' },
              { value: 80, mount: '*' },
            ],
          },
        },
      },
    });
    const report = {
      version: 2,
      sample: {
        hostname: 'pi1',
        collectedAtMs: now,
        metrics: { disk_usage_percent: 40 },
        disks: [disk('/', 40), disk('/data', 70)],
        network: [],
      },
    };
    expect((await h.request('/sysinfo', json(report))).status).toBe(200);
    const body = await jsonOf(await h.request('/api/v1/hosts/pi1'));
    expect(body.limits).toEqual({
      disk_usage_percent: { alarm: 90 },
      'disk_usage_percent@/': { alarm: 90, warning: 80 },
      'disk_usage_percent@/data': { warning: 80 },
    });
  });

  it('is a 404 naming the hostname for a host nobody knows', async () => {
    const res = await hub().request('/api/v1/hosts/ghost');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'unknown host "ghost"', field: 'hostname' });
  });
});

describe('GET /api/v1/hosts/{hostname}/series', () => {
  it('answers columnar points of the metrics asked, over the range asked', async () => {
    const h = hub();
    for (let i = 0; i < 5; i++) {
      now = T0 + i * MINUTE;
      await report(h, 'pi1', { cpu_percent: 10 + i, memory_percent: 50 - i });
    }
    const res = await h.request(
      `/api/v1/hosts/pi1/series?metrics=cpu_percent,memory_percent&from=${new Date(T0).toISOString()}&to=now`,
    );
    expect(res.status).toBe(200);
    const body = await jsonOf(res);
    expect(body).toMatchObject({ hostname: 'pi1', tier: 'raw', fromMs: T0, toMs: now });
    const times = body.t as number[];
    const cpu = body.cpu_percent as { avg: number[]; min: number[]; max: number[] };
    const memory = body.memory_percent as { avg: number[] };
    expect(times).toHaveLength(5);
    expect(cpu.avg).toEqual([10, 11, 12, 13, 14]);
    expect(cpu.max).toEqual([10, 11, 12, 13, 14]);
    expect(memory.avg).toEqual([50, 49, 48, 47, 46]);
  });

  it('takes relative times and keeps a response within the points asked', async () => {
    const h = hub();
    for (let i = 0; i < 120; i++) {
      now = T0 + i * MINUTE;
      await report(h, 'pi1', { cpu_percent: i });
    }
    const body = await jsonOf(await h.request('/api/v1/hosts/pi1/series?metrics=cpu_percent&from=-3h&points=20'));
    expect(body.fromMs).toBeLessThanOrEqual(now - 3 * 60 * MINUTE);
    const t = body.t as number[];
    expect(t.length).toBeGreaterThan(1);
    expect(t.length).toBeLessThanOrEqual(20);
    const cpu = body.cpu_percent as { min: (number | null)[]; max: (number | null)[] };
    expect(Math.min(...(cpu.min.filter((v) => v !== null) as number[]))).toBe(0);
    expect(Math.max(...(cpu.max.filter((v) => v !== null) as number[]))).toBe(119);
  });

  it.each([
    ['from after to', 'metrics=cpu_percent&from=now&to=-1h', 'from'],
    ['a range of ten years', 'metrics=cpu_percent&from=-3650d', 'from'],
    ['a time that is none', 'metrics=cpu_percent&from=yesterday', 'from'],
    ['a bad to', 'metrics=cpu_percent&to=2026-13-45', 'to'],
    ['no metric', 'from=-1h', 'metrics'],
    ['an unknown metric', 'metrics=cpu_percent,swap_wat', 'metrics'],
    ['a metric that is no series key', 'metrics=../../etc', 'metrics'],
    ['too many points', 'metrics=cpu_percent&points=100000', 'points'],
  ])('is a 400 naming the parameter for %s', async (_what, query, field) => {
    const h = hub();
    await report(h, 'pi1', { cpu_percent: 1 });
    const res = await h.request(`/api/v1/hosts/pi1/series?${query}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field, error: expect.any(String) });
  });

  it.each([
    ['..', '/api/v1/hosts/..%2F..%2Fetc/series?metrics=cpu_percent'],
    ['a slash', '/api/v1/hosts/a%2Fb/series?metrics=cpu_percent'],
  ])('is a 400 naming the hostname for a hostname with %s', async (_what, path) => {
    const res = await hub().request(path);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: 'hostname' });
  });

  it('says there is no history when it is off, and keeps none', async () => {
    const h = hub({ config: { history: { enabled: false } } });
    await report(h, 'pi1', { cpu_percent: 1 });
    const res = await h.request('/api/v1/hosts/pi1/series?metrics=cpu_percent');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ field: 'metrics', error: expect.stringContaining('history.enabled') });
    expect(h.store.history.hosts()).toEqual([]);
  });
});

describe('DELETE /api/v1/hosts/{hostname}', () => {
  const ADMIN = 'admin-token-0123456789abcdef';
  const tokens = () => ({
    service: {
      tokens: [
        { name: 'admin', token: ADMIN, scopes: ['admin'] },
        { name: 'reader', token: READ_TOKEN, scopes: ['read'] },
        { name: 'writer', token: WRITE_TOKEN, scopes: ['write'] },
      ],
    },
  });

  it('forgets a host’s alerts and history with the admin scope; the fleet no longer lists it', async () => {
    const h = hub(tokens());
    await report(h, 'old-pi', { cpu_percent: 97 }, auth(WRITE_TOKEN));
    await report(h, 'pi2', { cpu_percent: 10 }, auth(WRITE_TOKEN));
    const refused = await h.request('/api/v1/hosts/old-pi', { method: 'DELETE', ...auth(READ_TOKEN) });
    expect(refused.status).toBe(403);
    const res = await h.request('/api/v1/hosts/old-pi', { method: 'DELETE', ...auth(ADMIN) });
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({ status: 'forgotten', hostname: 'old-pi' });
    const fleet = await jsonOf(await h.request('/api/v1/hosts', auth(READ_TOKEN)));
    expect((fleet.hosts as { hostname: string }[]).map((x) => x.hostname)).toEqual(['pi2']);
    expect(h.store.history.hosts()).toEqual(['pi2']);
    const again = await h.request('/api/v1/hosts/old-pi', { method: 'DELETE', ...auth(ADMIN) });
    expect(again.status).toBe(404);
    expect(await jsonOf(again)).toMatchObject({ field: 'hostname' });
  });

  it('refuses a hostname that cannot be one, naming the parameter', async () => {
    const h = hub(tokens());
    const res = await h.request('/api/v1/hosts/a..b', { method: 'DELETE', ...auth(ADMIN) });
    expect(res.status).toBe(400);
    expect(await jsonOf(res)).toMatchObject({ field: 'hostname' });
  });
});
