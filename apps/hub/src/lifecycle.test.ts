// The alert lifecycle in the hub: reports through POST /sysinfo over a real store, the clock injected, the posts read
// back from the outbox (no worker drains it). Flapping, for, resolution, escalation, a restart, silent and expected
// hosts, silences over HTTP, mutes and overrides, and the original's every_report mode.
import { DatabaseSync } from 'node:sqlite';
import { type AlertEngine, createAlertEngine, createForeignAlertEngine } from '@janitor/alerting';
import type { OutboxPayload } from '@janitor/publisher';
import { createAccessPolicy } from '@janitor/runtime/hub';
import { openStore, type Store } from '@janitor/store';
import { evaluate, formatReport, fromLegacy, parseThresholds } from '@janitor/thresholds';
import { afterEach, describe, expect, it } from 'vitest';
import { createHub } from './create-hub.ts';
import type { HubApp } from './http/hub-env.ts';
import { goldenConfigData, hubConfig, json, jsonOf, remoteFromEnv, tempDir } from './hub.test-support.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** 2026-11-03 14:00 UTC. */
const T0 = Date.UTC(2026, 10, 3, 14, 0);
const TOKEN = 'agent-token-0123456789abcdef';
const PI_TOKEN = 'pi1-only-token-0123456789ab';

interface Post {
  spoiler: string;
  text: string;
  hostname: string | undefined;
}

interface Hub {
  app: HubApp;
  store: Store;
  alerts: AlertEngine;
  clock: { now: number };
  /** POST /sysinfo of `hostname` with these metrics (CPU, memory and disk low unless given), from loopback. */
  report(hostname: string, metrics: Record<string, number>): Promise<Record<string, unknown>>;
  request(path: string, init?: RequestInit, remote?: string): Promise<Response>;
  /** Every post queued so far, in order. */
  posts(): Post[];
  /** The posts queued since the last call. */
  newPosts(): Post[];
  close(): void;
}

const dirs: { remove(): void }[] = [];
const open: Hub[] = [];
afterEach(() => {
  for (const hub of open.splice(0)) hub.close();
  for (const dir of dirs.splice(0)) dir.remove();
});

function newDir(): string {
  const dir = tempDir('janitor-lifecycle-');
  dirs.push(dir);
  return dir.path;
}

/** A hub (createHub + createAlertEngine) over the store in `dir`, with these config.yaml sections. */
function openHub(
  options: {
    dir?: string;
    alerting?: Record<string, unknown>;
    thresholds?: Record<string, unknown>;
    tokens?: boolean;
    clock?: { now: number };
  } = {},
): Hub {
  const dir = options.dir ?? newDir();
  const clock = options.clock ?? { now: T0 };
  const raw: Record<string, unknown> = { ...goldenConfigData(dir), alerting: options.alerting ?? {} };
  if (options.thresholds) raw.system_info = { thresholds: options.thresholds };
  if (options.tokens) {
    raw.app = {
      ...(raw.app as object),
      service: {
        tokens: [
          { name: 'agents', token: TOKEN },
          { name: 'pi1', token: PI_TOKEN, hosts: ['pi1'] },
        ],
      },
    };
  }
  const config = hubConfig(raw, dir);
  const store = openStore({ path: `${dir}/janitor.db`, synchronous: 'NORMAL' });
  const alerts = createAlertEngine({ config, store, now: () => clock.now });
  const { tokens, allow_networks } = config.data.app.service;
  const app = createHub({
    config,
    outbox: store.outbox,
    logs: store,
    alerts,
    foreign: createForeignAlertEngine({ store, now: () => clock.now }),
    access: createAccessPolicy({ tokens, allowNetworks: allow_networks }),
    remoteAddress: remoteFromEnv,
  });
  let seen = 0;
  const posts = () =>
    store.outbox.list().map((entry) => {
      const payload = entry.payload as OutboxPayload;
      if (payload.kind !== 'report') throw new Error(`not a report: ${JSON.stringify(payload)}`);
      return { spoiler: payload.report.spoiler ?? '', text: payload.report.text, hostname: payload.report.hostname };
    });
  const request = async (path: string, init?: RequestInit, remote = '127.0.0.1') => app.request(path, init, { remote });
  const hub: Hub = {
    app,
    store,
    alerts,
    clock,
    async report(hostname, metrics) {
      const res = await request(
        '/sysinfo',
        // The report's lines in the original's order: CPU, memory, disk.
        json({
          sys_data: { hostname, ...{ cpu_percent: 10, memory_percent: 40, disk_usage_percent: 30 }, ...metrics },
        }),
      );
      expect(res.status).toBe(200);
      return jsonOf(res);
    },
    request,
    posts,
    newPosts() {
      const all = posts();
      const fresh = all.slice(seen);
      seen = all.length;
      return fresh;
    },
    close() {
      if (open.includes(hub)) open.splice(open.indexOf(hub), 1);
      store.close();
    },
  };
  open.push(hub);
  return hub;
}

/** Reports `value` of cpu_percent for pi1 once a minute from the hub's clock, `count` times. */
async function everyMinute(hub: Hub, values: readonly number[], hostname = 'pi1'): Promise<void> {
  for (const value of values) {
    await hub.report(hostname, { cpu_percent: value });
    hub.clock.now += MINUTE;
  }
}

/** Ticks the silent-host check every 30 s from now until `untilMs` (as the hub's timer would). */
async function tickUntil(hub: Hub, untilMs: number): Promise<void> {
  while (hub.clock.now < untilMs) {
    hub.clock.now += 30_000;
    await hub.alerts.tick();
  }
}

const silenceBody = (body: Record<string, unknown>, authorization?: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
  body: JSON.stringify(body),
});

describe('a flapping metric', () => {
  // CPU between 78 and 83 around a limit of 80, one report a minute for 6 hours: a deterministic wobble.
  const WOBBLE = [78, 81, 83, 79.5, 82, 78.5, 80.5, 83, 79, 81.5];
  const sixHours = Array.from({ length: 360 }, (_, i) => WOBBLE[i % WOBBLE.length]!);

  it('posts a handful of times in 6 simulated hours (firing, then hourly reminders), not hundreds', async () => {
    const hub = openHub();
    await everyMinute(hub, sixHours);
    const posts = hub.posts();
    const crossing = sixHours.filter((v) => v > 80).length;
    expect(crossing).toBeGreaterThan(200);
    expect(posts).toHaveLength(6);
    expect(posts[0]!.spoiler).toBe('⚠️ pi1');
    expect(posts[0]!.text).toBe('- **CPU %**: 81 ❗️\n- **Memory %**: 40\n- **Disk %**: 30');
    expect(posts.slice(1).map((p) => p.text)).toEqual([
      'CPU % on pi1 firing for 1h, now 81 (fires over 80, clears at 76)',
      'CPU % on pi1 firing for 2h, now 81 (fires over 80, clears at 76)',
      'CPU % on pi1 firing for 3h, now 81 (fires over 80, clears at 76)',
      'CPU % on pi1 firing for 4h, now 81 (fires over 80, clears at 76)',
      'CPU % on pi1 firing for 5h, now 81 (fires over 80, clears at 76)',
    ]);
  });

  it('posts for every crossing report with alerting.mode every_report, as the original did', async () => {
    const hub = openHub({ alerting: { mode: 'every_report' } });
    await everyMinute(hub, sixHours.slice(0, 60));
    expect(hub.posts()).toHaveLength(sixHours.slice(0, 60).filter((v) => v > 80).length);
  });
});

describe('the lifecycle of one alert', () => {
  it('for: a spike shorter than `for` posts nothing; a sustained crossing fires once it has held', async () => {
    const hub = openHub({ thresholds: { cpu_percent: { value: 80, for: '5m' } } });
    await everyMinute(hub, [50, 95, 96, 97, 50, 50]);
    expect(hub.newPosts()).toEqual([]);
    await everyMinute(hub, [95, 95, 95, 95, 95]);
    expect(hub.newPosts()).toEqual([]);
    await everyMinute(hub, [95]);
    const [post, ...rest] = hub.newPosts();
    expect(rest).toEqual([]);
    expect(post?.spoiler).toBe('⚠️ pi1');
    expect(post?.text).toBe('- **CPU %**: 95 ❗️\n- **Memory %**: 40\n- **Disk %**: 30');
    expect(hub.store.alerts.getHost('pi1').cpu_percent).toMatchObject({ phase: 'firing', since: T0 + 11 * MINUTE });
  });

  it('posts one recovery once the value is back past clear, and nothing while it hovers above clear', async () => {
    const hub = openHub();
    await everyMinute(hub, [90]);
    expect(hub.newPosts().map((p) => p.spoiler)).toEqual(['⚠️ pi1']);
    await everyMinute(hub, [79, 77, 85, 78]);
    expect(hub.newPosts()).toEqual([]);
    const answer = await hub.report('pi1', { cpu_percent: 50 });
    expect(answer).toMatchObject({ status: 'queued', crossed: [] });
    expect(hub.newPosts()).toEqual([
      { spoiler: 'ℹ️ pi1', text: 'CPU % on pi1 recovered: 50 (was over 80 for 5m)', hostname: 'pi1' },
    ]);
    await everyMinute(hub, [50, 40]);
    expect(hub.newPosts()).toEqual([]);
  });

  it('escalates to the alarm level with one post, comes back down with one, resolves with one', async () => {
    const hub = openHub({ thresholds: { cpu_percent: { levels: { warning: 80, alarm: 95 } } } });
    await everyMinute(hub, [85, 86]);
    expect(hub.newPosts().map((p) => p.spoiler)).toEqual(['⚠️ pi1']);
    await everyMinute(hub, [97, 98]);
    const [up] = hub.newPosts();
    expect(up?.spoiler).toBe('🚨 pi1');
    expect(up?.text).toMatch(/^CPU % on pi1 escalated from warning to alarm: 97 \(over 95\)\n\n- \*\*CPU %\*\*: 97 ❗️/);
    await everyMinute(hub, [85]);
    expect(hub.newPosts()).toEqual([
      {
        spoiler: '⚠️ pi1',
        text: 'CPU % on pi1 down from alarm to warning: 85 (fires over 80, firing for 4m)',
        hostname: 'pi1',
      },
    ]);
    await everyMinute(hub, [40]);
    expect(hub.newPosts().map((p) => p.text)).toEqual(['CPU % on pi1 recovered: 40 (was over 80 for 5m)']);
  });

  it('a restart neither re-announces a firing alert nor forgets it: the recovery still comes', async () => {
    const dir = newDir();
    const clock = { now: T0 };
    let hub = openHub({ dir, clock });
    await everyMinute(hub, [90, 91]);
    expect(hub.posts()).toHaveLength(1);
    hub.close();

    hub = openHub({ dir, clock });
    hub.newPosts();
    await everyMinute(hub, [92, 93]);
    expect(hub.newPosts()).toEqual([]);
    await everyMinute(hub, [30]);
    expect(hub.newPosts().map((p) => p.text)).toEqual(['CPU % on pi1 recovered: 30 (was over 80 for 4m)']);
  });

  it('reports of one host that arrive together are evaluated in order: one firing post, not two', async () => {
    const hub = openHub();
    const answers = await Promise.all([90, 91, 92].map((cpu) => hub.report('pi1', { cpu_percent: cpu })));
    expect(answers.map((a) => a.status)).toEqual(['queued', 'ok', 'ok']);
    expect(hub.posts()).toHaveLength(1);
  });

  it('a report that changes nothing durable writes nothing; the last report times go out at the next tick', async () => {
    const dir = newDir();
    const hub = openHub({ dir });
    await everyMinute(hub, [10]);
    const reader = new DatabaseSync(`${dir}/janitor.db`, { readOnly: true });
    try {
      const version = () => (reader.prepare('PRAGMA data_version').get() as { data_version: number }).data_version;
      const before = version();
      await everyMinute(hub, [20, 30, 40]);
      expect(version()).toBe(before);
      await hub.alerts.tick();
      expect(version()).not.toBe(before);
      expect(hub.store.alerts.getSeen('pi1')).toEqual({
        hostname: 'pi1',
        lastSeenMs: T0 + 3 * MINUTE,
        reportTimesMs: [T0, T0 + MINUTE, T0 + 2 * MINUTE, T0 + 3 * MINUTE],
      });
    } finally {
      reader.close();
    }
  });

  it('a report without a hostname is evaluated as "unknown host"', async () => {
    const hub = openHub();
    const res = await hub.request('/sysinfo', json({ sys_data: { cpu_percent: 99, disk_usage_free: 1536 } }));
    expect(await jsonOf(res)).toMatchObject({ status: 'queued', crossed: ['cpu_percent: 99 > 80 (warning)'] });
    expect(hub.posts()).toEqual([
      { spoiler: '⚠️ unknown host', text: '- **CPU %**: 99 ❗️\n- **Disk Free**: 1.5 KB', hostname: undefined },
    ]);
  });
});

describe('every_report mode', () => {
  it('posts the original’s report for every crossing report, and nothing when it comes back', async () => {
    const hub = openHub({ alerting: { mode: 'every_report' } });
    const values = [95, 96, 50, 97, 97];
    await everyMinute(hub, values);
    const { rules } = parseThresholds({
      cpu_percent: { value: 80, message_type: 'warning' },
      memory_percent: { value: 80, message_type: 'warning' },
      disk_usage_percent: { value: 80, message_type: 'alarm' },
    });
    const expected = values
      .filter((v) => v > 80)
      .map((cpu) => {
        const input = fromLegacy({ hostname: 'pi1', cpu_percent: cpu, memory_percent: 40, disk_usage_percent: 30 });
        const { spoiler, text } = formatReport(input, evaluate(input, rules));
        return { spoiler, text, hostname: 'pi1' };
      });
    expect(hub.posts()).toEqual(expected);
  });
});

describe('silent hosts', () => {
  it('announces a host that stops reporting once, and its return once', async () => {
    const hub = openHub();
    await everyMinute(
      hub,
      Array.from({ length: 10 }, () => 10),
    );
    const lastReport = hub.clock.now - MINUTE;
    // Usual interval 1 min: silent after 3 min. 20 minutes of ticks: one alarm, no reminder before default_repeat.
    await tickUntil(hub, lastReport + 20 * MINUTE);
    expect(hub.newPosts()).toEqual([
      { spoiler: '🚨 pi1', text: 'pi1 has not reported for 3m (last report 14:09 UTC)', hostname: 'pi1' },
    ]);
    await hub.report('pi1', { cpu_percent: 10 });
    expect(hub.newPosts()).toEqual([
      { spoiler: 'ℹ️ pi1', text: 'pi1 is reporting again after 20m of silence', hostname: 'pi1' },
    ]);
    await tickUntil(hub, hub.clock.now + 2 * MINUTE);
    expect(hub.newPosts()).toEqual([]);
  });

  it('reminds every default_repeat while the host stays silent, and survives a restart without a false return', async () => {
    const dir = newDir();
    const clock = { now: T0 };
    let hub = openHub({ dir, clock, alerting: { silent_after: '5m', default_repeat: '30m' } });
    await everyMinute(hub, [10, 10]);
    await tickUntil(hub, T0 + 40 * MINUTE);
    expect(hub.newPosts().map((p) => p.text)).toEqual([
      'pi1 has not reported for 5m (last report 14:01 UTC)',
      'pi1 is still silent: no report for 35m (last report 14:01 UTC)',
    ]);
    hub.close();
    hub = openHub({ dir, clock, alerting: { silent_after: '5m', default_repeat: '30m' } });
    hub.newPosts();
    await tickUntil(hub, T0 + 50 * MINUTE);
    expect(hub.newPosts()).toEqual([]);
  });

  it('gives every host one silent_after after a restart before judging it', async () => {
    const dir = newDir();
    const clock = { now: T0 };
    let hub = openHub({ dir, clock });
    await everyMinute(hub, [10, 10, 10]);
    hub.alerts.flush();
    hub.close();
    // The hub was away for an hour: the host could not report to it.
    clock.now += HOUR;
    hub = openHub({ dir, clock });
    await tickUntil(hub, clock.now + 2 * MINUTE);
    expect(hub.posts()).toEqual([]);
    await tickUntil(hub, clock.now + 2 * MINUTE);
    expect(hub.posts().map((p) => p.text)).toEqual(['pi1 has not reported for 1h 4m (last report 14:02 UTC)']);
  });

  it('announces an expected host that never reported, and its first report', async () => {
    const hub = openHub({ alerting: { expected_hosts: ['vps'] } });
    await tickUntil(hub, T0 + 14 * MINUTE);
    expect(hub.newPosts()).toEqual([]);
    await tickUntil(hub, T0 + 16 * MINUTE);
    expect(hub.newPosts()).toEqual([
      { spoiler: '🚨 vps', text: 'vps has never reported (expected; nothing for 15m)', hostname: 'vps' },
    ]);
    await hub.report('vps', { cpu_percent: 10 });
    expect(hub.newPosts()).toEqual([{ spoiler: 'ℹ️ vps', text: 'vps has sent its first report', hostname: 'vps' }]);
  });

  it('a mute of host_silent holds the alarm back', async () => {
    const hub = openHub({ alerting: { hosts: { pi1: { mute: ['host_silent'] } } } });
    await everyMinute(hub, [10, 10]);
    await everyMinute(hub, [10, 10], 'pi2');
    await tickUntil(hub, T0 + 30 * MINUTE);
    expect(hub.posts().map((p) => p.hostname)).toEqual(['pi2']);
  });
});

describe('silences over HTTP', () => {
  it('holds posts back without stopping evaluation; at its end what still fires is posted', async () => {
    const hub = openHub();
    const res = await hub.request('/silences', silenceBody({ host: 'pi1', for: '2h', reason: 'maintenance' }));
    expect(res.status).toBe(200);
    const { silence } = (await jsonOf(res)) as { silence: Record<string, unknown> };
    expect(silence).toEqual({
      id: 1,
      host: 'pi1',
      rule: '*',
      until: '2026-11-03T16:00:00.000Z',
      untilMs: T0 + 2 * HOUR,
      reason: 'maintenance',
      createdAtMs: expect.any(Number),
    });
    // Memory came and went within the silence: nothing to tell afterwards. CPU still fires at the end.
    await everyMinute(hub, [95]);
    await hub.report('pi1', { cpu_percent: 95, memory_percent: 99 });
    hub.clock.now += MINUTE;
    await everyMinute(
      hub,
      Array.from({ length: 117 }, () => 95),
    );
    expect(hub.posts()).toEqual([]);
    expect(((await jsonOf(await hub.request('/silences'))).silences as unknown[]).length).toBe(1);
    hub.clock.now = T0 + 2 * HOUR;
    await hub.report('pi1', { cpu_percent: 95 });
    const [post, ...rest] = hub.posts();
    expect(rest).toEqual([]);
    expect(post?.spoiler).toBe('⚠️ pi1');
    expect(post?.text).toContain('CPU % over 80 since 14:00 UTC (2h)');
    expect(post?.text).not.toContain('Memory % over');
    expect(await jsonOf(await hub.request('/silences'))).toEqual({ silences: [] });
  });

  it('a silence of one rule holds back that rule only; DELETE ends it early', async () => {
    const hub = openHub();
    const res = await hub.request('/silences', silenceBody({ host: 'pi1', rule: 'cpu_percent', for: 3600 }));
    const id = ((await jsonOf(res)).silence as { id: number }).id;
    await everyMinute(hub, [95]);
    expect(hub.newPosts()).toEqual([]);
    await hub.report('pi1', { cpu_percent: 95, memory_percent: 95 });
    expect(hub.newPosts().map((p) => p.text.split('\n').filter((l) => l.endsWith('❗️')))).toEqual([
      ['- **CPU %**: 95 ❗️', '- **Memory %**: 95 ❗️'],
    ]);
    const removed = await hub.request(`/silences/${id}`, { method: 'DELETE' });
    expect(removed.status).toBe(200);
    expect(await jsonOf(removed)).toMatchObject({ status: 'removed', silence: { id, rule: 'cpu_percent' } });
    hub.clock.now += MINUTE;
    await hub.report('pi1', { cpu_percent: 95, memory_percent: 95 });
    expect(hub.newPosts().map((p) => p.spoiler)).toEqual(['⚠️ pi1']);
    expect((await hub.request(`/silences/${id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('a silence of every host (*) covers a host silent alarm; it is posted at the first tick after it ends', async () => {
    const hub = openHub({ alerting: { silent_after: '5m' } });
    await everyMinute(hub, [10]);
    await hub.request('/silences', silenceBody({ host: '*', for: '30m' }));
    // Silenced from 14:01 to 14:31.
    await tickUntil(hub, T0 + 30 * MINUTE);
    expect(hub.newPosts()).toEqual([]);
    await tickUntil(hub, T0 + 32 * MINUTE);
    expect(hub.newPosts().map((p) => p.text)).toEqual(['pi1 has not reported for 31m (last report 14:00 UTC)']);
  });

  it('survives a restart', async () => {
    const dir = newDir();
    const clock = { now: T0 };
    let hub = openHub({ dir, clock });
    await hub.request('/silences', silenceBody({ host: 'pi1', for: '1h' }));
    hub.close();
    hub = openHub({ dir, clock });
    await everyMinute(hub, [95]);
    expect(hub.posts()).toEqual([]);
    expect(((await jsonOf(await hub.request('/silences'))).silences as { host: string }[])[0]?.host).toBe('pi1');
  });

  it.each([
    ['no host', { for: '2h' }, 'host', 400],
    ['an empty host', { host: ' ', for: '2h' }, 'host', 400],
    ['a host that is not text', { host: 5, for: '2h' }, 'host', 400],
    ['no for', { host: 'pi1' }, 'for', 400],
    ['a negative for', { host: 'pi1', for: '-2h' }, 'for', 400],
    ['a for of 0', { host: 'pi1', for: 0 }, 'for', 400],
    ['an unreadable for', { host: 'pi1', for: 'a while' }, 'for', 400],
    ['a for over a year', { host: 'pi1', for: '400d' }, 'for', 400],
    ['an unknown rule', { host: 'pi1', rule: 'gpu_percent', for: '1h' }, 'rule', 400],
    ['a mount on a metric without one', { host: 'pi1', rule: 'cpu_percent@/data', for: '1h' }, 'rule', 400],
    ['a reason that is not text', { host: 'pi1', for: '1h', reason: ['x'] }, 'reason', 400],
    ['an unknown field', { host: 'pi1', for: '1h', until: 'tomorrow' }, 'until', 400],
  ])('refuses %s with a 4xx naming the field', async (_what, body, field, status) => {
    const hub = openHub();
    const res = await hub.request('/silences', silenceBody(body));
    expect(res.status).toBe(status);
    expect(await jsonOf(res)).toMatchObject({ error: expect.any(String), field });
    expect(hub.store.silences.list()).toEqual([]);
  });

  it('refuses a body that is not JSON or a form (415), and invalid JSON (400)', async () => {
    const hub = openHub();
    const xml = await hub.request('/silences', {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: '<a/>',
    });
    expect(xml.status).toBe(415);
    const broken = await hub.request('/silences', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"host": ',
    });
    expect(broken.status).toBe(400);
    expect(await jsonOf(broken)).toMatchObject({ field: 'body' });
  });

  it('takes a form (curl -d) too, with a rule key and for in seconds', async () => {
    const hub = openHub();
    const res = await hub.request('/silences', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ host: 'nas', rule: 'disk_usage_percent@/data', for: '600' }).toString(),
    });
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toMatchObject({ silence: { host: 'nas', rule: 'disk_usage_percent@/data' } });
    expect(hub.store.silences.list()[0]?.untilMs).toBe(T0 + 600_000);
  });

  it('needs the same access as the other endpoints; a token for some hosts silences those only', async () => {
    const hub = openHub({ tokens: true });
    const body = { host: 'pi1', for: '1h' };
    expect((await hub.request('/silences', silenceBody(body), '8.8.8.8')).status).toBe(401);
    expect((await hub.request('/silences', undefined, '8.8.8.8')).status).toBe(401);
    const other = await hub.request('/silences', silenceBody({ host: 'vps', for: '1h' }, `Bearer ${PI_TOKEN}`));
    expect(other.status).toBe(403);
    expect(await jsonOf(other)).toMatchObject({ field: 'hostname' });
    const everyHost = await hub.request('/silences', silenceBody({ host: '*', for: '1h' }, `Bearer ${PI_TOKEN}`));
    expect(everyHost.status).toBe(403);
    const mine = await hub.request('/silences', silenceBody(body, `Bearer ${PI_TOKEN}`));
    expect(mine.status).toBe(200);
    const vps = await hub.request('/silences', silenceBody({ host: 'vps', for: '1h' }, `Bearer ${TOKEN}`));
    const vpsId = ((await jsonOf(vps)).silence as { id: number }).id;
    // The pi1 token sees and removes pi1's silences only.
    const seen = await jsonOf(await hub.request('/silences', { headers: { authorization: `Bearer ${PI_TOKEN}` } }));
    expect((seen.silences as { host: string }[]).map((s) => s.host)).toEqual(['pi1']);
    const removeVps = await hub.request(`/silences/${vpsId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${PI_TOKEN}` },
    });
    expect(removeVps.status).toBe(403);
    const all = await jsonOf(await hub.request('/silences', { headers: { authorization: `Bearer ${TOKEN}` } }));
    expect((all.silences as { host: string }[]).map((s) => s.host)).toEqual(['pi1', 'vps']);
  });

  it('answers 405 for other methods and 400 for an id that is not one', async () => {
    const hub = openHub();
    const put = await hub.request('/silences', { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
    const get = await hub.request('/silences/1');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('DELETE');
    const bad = await hub.request('/silences/abc', { method: 'DELETE' });
    expect(bad.status).toBe(400);
    expect(await jsonOf(bad)).toMatchObject({ field: 'id' });
  });
});

describe('per-host settings', () => {
  it('a mute holds back the posts about the muted metrics of that host only; true mutes the host', async () => {
    const hub = openHub({
      alerting: { hosts: { pi1: { mute: ['cpu_percent'] }, build: { mute: true } } },
    });
    await hub.report('pi1', { cpu_percent: 95 });
    await hub.report('build', { cpu_percent: 95, memory_percent: 95 });
    await hub.report('pi2', { cpu_percent: 95 });
    expect(hub.posts().map((p) => p.hostname)).toEqual(['pi2']);
    await hub.report('pi1', { cpu_percent: 95, memory_percent: 95 });
    expect(hub.posts().map((p) => p.hostname)).toEqual(['pi2', 'pi1']);
  });

  it('an override replaces the global rules of a metric on that host', async () => {
    const hub = openHub({ alerting: { hosts: { pi1: { thresholds: { cpu_percent: { value: 95 } } } } } });
    const answer = await hub.report('pi1', { cpu_percent: 90 });
    expect(answer).toEqual({ status: 'ok', crossed: [] });
    await hub.report('pi2', { cpu_percent: 90 });
    await hub.report('pi1', { cpu_percent: 96 });
    expect(hub.posts().map((p) => p.hostname)).toEqual(['pi2', 'pi1']);
  });
});
