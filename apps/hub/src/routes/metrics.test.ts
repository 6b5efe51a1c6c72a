// GET /metrics through app.request: the hosts' latest values and last reports, the alerts' states, the hub's own
// counters, the two formats, and who may read it; over node:http, each answer whole while the next ones are written
// (into the buffer of the last one sent). The same exposition is linted by the real promtool in
// metrics.promtool.test.ts.
import { get as httpGet, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { encodeLabels, type MetricFamily, renderLabels, type SampleSource } from '@janitor/prometheus';
import { type FakeMastodon, startFakeMastodon } from '@janitor/testkit';
import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HubApp, HubEnv } from '../http/hub-env.ts';
import {
  captureLogger,
  GOOD_MESSAGE,
  goldenConfigData,
  hubConfig,
  json,
  remoteFromEnv,
  startHub,
  tempDir,
  until,
} from '../hub.test-support.ts';
import { createHubService, type HubService } from '../service.ts';
import { createMetricsRoutes } from './metrics.ts';

const T0 = Date.parse('2026-12-10T10:00:00Z');
const TEXT = 'text/plain; version=0.0.4; charset=utf-8';
const OPENMETRICS = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
const WEIRD_MOUNT = '/mnt/we"ird\\dir';

/** A v2 report with two filesystems (one with a mount that needs escaping), two interfaces and a key of its own. */
function v2(hostname: string, atMs: number, cpu: number) {
  const disk = (mount: string, usedPercent: number) => ({
    mount,
    device: '/dev/sda1',
    fsType: 'ext4',
    totalBytes: 100e9,
    usedBytes: usedPercent * 1e9,
    freeBytes: (100 - usedPercent) * 1e9,
    usedPercent,
  });
  return {
    version: 2,
    sample: {
      hostname,
      collectedAtMs: atMs,
      metrics: {
        cpu_percent: cpu,
        memory_total: 8e9,
        memory_percent: 41,
        disk_usage_percent: 50,
        load_1: 0.4,
        uptime_seconds: 3600,
        cpu_temperature: 48.5,
        net_rx_bytes_per_second: 1500,
        backup_age_seconds: 7200,
      },
      disks: [disk('/', 50), disk(WEIRD_MOUNT, 67)],
      network: [
        { iface: 'eth0', rxBytesPerSecond: 1200, txBytesPerSecond: 300 },
        { iface: 'wlan0', rxBytesPerSecond: 300, txBytesPerSecond: 100 },
      ],
    },
  };
}

/** The exposition's samples by series (`name{labels}`), HELP/TYPE/UNIT lines left out. */
function samplesOf(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    const series = line.slice(0, space);
    expect(out.has(series), `${series} given twice`).toBe(false);
    out.set(series, Number(line.slice(space + 1)));
  }
  return out;
}

describe('GET /metrics', () => {
  const clock = { now: T0 };
  const hub = startHub({
    now: () => clock.now,
    config: {
      system_info: {
        thresholds: {
          cpu_percent: { value: 80, message_type: 'warning' },
          disk_usage_percent: { value: 80, message_type: 'alarm' },
          load_1: { value: 2, message_type: 'warning', for: '5m' },
        },
      },
    },
  });
  afterAll(() => hub.close());
  const ingest = async (body: unknown) => {
    const res = await hub.request('/sysinfo', json(body));
    expect(res.status).toBe(200);
  };
  const scrape = async (headers: Record<string, string> = {}) => {
    const res = await hub.request('/metrics', { headers });
    expect(res.status).toBe(200);
    return { contentType: res.headers.get('content-type'), text: await res.text() };
  };

  beforeAll(async () => {
    await ingest(v2('pi1', T0 - 5000, 92));
    await ingest({ sys_data: { hostname: 'web1', cpu_percent: 10, memory_percent: 50, disk_usage_percent: 85 } });
    await ingest({ sys_data: { hostname: 'pi2', cpu_percent: 10, load_1: 3 } });
    await ingest({ sys_data: { hostname: 'pi4', cpu_percent: 95 } });
    await ingest({ sys_data: { hostname: 'pi5', cpu_percent: 90 } });
    const acked = await hub.alerts.acknowledge({ hostname: 'pi4', key: 'cpu_percent', by: 'owner@example.social' });
    expect(acked.acknowledged).toBe(true);
    hub.alerts.silence({ hostname: 'pi5', forMs: 3_600_000 });
    expect((await hub.request('/message', GOOD_MESSAGE)).status).toBe(200);
    expect((await hub.request('/nowhere')).status).toBe(404);
    expect((await hub.request('/sysinfo', { method: 'PUT' })).status).toBe(405);
    expect((await hub.request('/api/v1/hosts/pi1')).status).toBe(200);
    expect((await hub.request('/api/v1/hosts/nobody')).status).toBe(404);
  });

  it('answers the text format 0.0.4 by default, every family with HELP and TYPE', async () => {
    const { contentType, text } = await scrape();
    expect(contentType).toBe(TEXT);
    expect(text).not.toContain('# EOF');
    const names = new Set(text.match(/^# TYPE (\S+)/gm)!.map((l) => l.slice('# TYPE '.length)));
    const helped = new Set(text.match(/^# HELP (\S+)/gm)!.map((l) => l.slice('# HELP '.length)));
    expect(helped).toEqual(names);
    for (const line of text.split('\n').filter((l) => l !== '' && !l.startsWith('#'))) {
      expect(names.has(line.replace(/[{ ].*$/, '').replace(/_(bucket|count|sum)$/, '')), line).toBe(true);
    }
  });

  it('gives each host’s latest values with host, mount and interface labels, in base units', async () => {
    const samples = samplesOf((await scrape()).text);
    expect(samples.get('janitor_host_cpu_percent{host="pi1"}')).toBe(92);
    expect(samples.get('janitor_host_memory_total_bytes{host="pi1"}')).toBe(8e9);
    expect(samples.get('janitor_host_uptime_seconds{host="pi1"}')).toBe(3600);
    expect(samples.get('janitor_host_cpu_temperature_celsius{host="pi1"}')).toBe(48.5);
    expect(samples.get('janitor_host_filesystem_used_percent{host="pi1",mount="/"}')).toBe(50);
    expect(samples.get('janitor_host_filesystem_used_percent{host="pi1",mount="/mnt/we\\"ird\\\\dir"}')).toBe(67);
    expect(samples.get('janitor_host_filesystem_size_bytes{host="pi1",mount="/"}')).toBe(100e9);
    expect(samples.get('janitor_host_network_receive_bytes_per_second{host="pi1",interface="eth0"}')).toBe(1200);
    expect(samples.get('janitor_host_network_transmit_bytes_per_second{host="pi1",interface="wlan0"}')).toBe(100);
    // The flat rate is the interfaces' sum: given only when no interface is.
    expect(samples.has('janitor_host_network_receive_bytes_per_second{host="pi1"}')).toBe(false);
    expect(samples.get('janitor_host_reported_value{host="pi1",metric="backup_age_seconds"}')).toBe(7200);
    // The original's report: its flat disk value is the root filesystem's.
    expect(samples.get('janitor_host_filesystem_used_percent{host="web1",mount="/"}')).toBe(85);
    // When the hub received it (the sample itself was taken 5 s before).
    expect(samples.get('janitor_host_last_report_timestamp_seconds{host="pi1"}')).toBe(T0 / 1000);
    expect(samples.get('janitor_host_last_report_timestamp_seconds{host="web1"}')).toBe(T0 / 1000);
  });

  it('gives every alert that is not ok with host, rule, level and state', async () => {
    const alerts = [...samplesOf((await scrape()).text)].filter(([series]) => series.startsWith('janitor_alert_state'));
    expect(Object.fromEntries(alerts)).toEqual({
      'janitor_alert_state{host="pi1",rule="cpu_percent",level="warning",state="firing"}': 1,
      'janitor_alert_state{host="pi2",rule="load_1",level="warning",state="pending"}': 1,
      'janitor_alert_state{host="pi4",rule="cpu_percent",level="warning",state="acknowledged"}': 1,
      'janitor_alert_state{host="pi5",rule="cpu_percent",level="warning",state="silenced"}': 1,
      'janitor_alert_state{host="web1",rule="disk_usage_percent",level="alarm",state="firing"}': 1,
    });
  });

  it('counts requests by method, route as mounted and status, and times the reports', async () => {
    const samples = samplesOf((await scrape()).text);
    const requests = (method: string, route: string, status: number) =>
      samples.get(`janitor_http_requests_total{method="${method}",route="${route}",status="${status}"}`);
    expect(requests('POST', '/sysinfo', 200)).toBe(5);
    expect(requests('POST', '/message', 200)).toBe(1);
    expect(requests('GET', '/api/v1/hosts/:hostname', 200)).toBe(1);
    expect(requests('GET', '/api/v1/hosts/:hostname', 404)).toBe(1);
    expect(requests('GET', 'unmatched', 404)).toBe(1);
    expect(requests('PUT', 'unmatched', 405)).toBe(1);
    expect(samples.get('janitor_ingest_duration_seconds_count')).toBe(5);
    expect(samples.get('janitor_ingest_duration_seconds_bucket{le="+Inf"}')).toBe(5);
    expect(samples.get('janitor_ingest_duration_seconds_sum')).toBeGreaterThan(0);
    // The scrapes so far are counted too (each after it answered).
    expect(requests('GET', '/metrics', 200)).toBeGreaterThanOrEqual(1);
  });

  it('gives the outbox’s depth as the store counts it', async () => {
    const samples = samplesOf((await scrape()).text);
    const counts = hub.store.outbox.counts();
    expect(counts.pending).toBeGreaterThan(0);
    expect(samples.get('janitor_outbox_pending')).toBe(counts.pending);
    expect(samples.get('janitor_outbox_dead')).toBe(0);
    expect(samples.get('janitor_outbox_oldest_pending_timestamp_seconds')).toBe(counts.oldestPendingMs! / 1000);
    expect(samples.get('janitor_posts_total')).toBe(0);
  });

  it('answers OpenMetrics 1.0.0 when Prometheus asks for it: counters’ families without _total, units, # EOF', async () => {
    const { contentType, text } = await scrape({ accept: PROMETHEUS_ACCEPT });
    expect(contentType).toBe(OPENMETRICS);
    expect(text.endsWith('\n# EOF\n')).toBe(true);
    expect(text).toContain('# TYPE janitor_http_requests counter\n');
    expect(text).toMatch(/\njanitor_http_requests_total\{method="POST",route="\/sysinfo",status="200"\} 5\n/);
    expect(text).toContain(
      '# TYPE janitor_ingest_duration_seconds histogram\n# UNIT janitor_ingest_duration_seconds seconds\n',
    );
    expect(text).toContain('janitor_ingest_duration_seconds_bucket{le="1.0"} 5\n');
    expect(text).not.toContain('# TYPE janitor_http_requests_total');
  });

  it.each([
    ['a type it does not write', 'application/json'],
    ['garbage', ';;q=x,,'],
    ['only the OpenMetrics draft', 'application/openmetrics-text; version=0.0.1'],
  ])('answers 200 in the text format to an Accept header with %s', async (_, accept) => {
    const { contentType, text } = await scrape({ accept });
    expect(contentType).toBe(TEXT);
    expect(text).toContain('# TYPE janitor_http_requests_total counter\n');
  });
});

describe('GET /metrics, who may read it', () => {
  const READ = 'metrics-read-token-0123456789';
  const WRITE = 'metrics-write-token-0123456789';
  const WEB = 'metrics-web-token-0123456789ab';
  const hub = startHub({
    service: {
      tokens: [
        { name: 'prometheus', token: READ, scopes: ['read'] },
        { name: 'agents', token: WRITE, scopes: ['write'] },
        { name: 'web', token: WEB, hosts: ['web1'], scopes: ['read', 'write'] },
      ],
    },
  });
  afterAll(() => hub.close());
  const get = (authorization?: string, from = '8.8.8.8') =>
    hub.request('/metrics', authorization ? { headers: { authorization } } : {}, from);

  beforeAll(async () => {
    for (const hostname of ['web1', 'pi1']) {
      const res = await hub.request(
        '/sysinfo',
        {
          ...json({ sys_data: { hostname, cpu_percent: 95 } }),
          headers: { authorization: `Bearer ${WRITE}`, 'content-type': 'application/json' },
        },
        '8.8.8.8',
      );
      expect(res.status).toBe(200);
    }
  });

  it('refuses a request without a token (401) and a token without the read scope (403)', async () => {
    expect((await get()).status).toBe(401);
    expect((await get(undefined, '127.0.0.1')).status).toBe(401);
    const refused = await get(`Bearer ${WRITE}`);
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain('janitor_');
  });

  it('serves a read token every host, and a token limited to hosts those hosts only', async () => {
    const all = await (await get(`Bearer ${READ}`)).text();
    expect(all).toContain('janitor_host_cpu_percent{host="pi1"} 95');
    expect(all).toContain('janitor_host_cpu_percent{host="web1"} 95');
    const limited = await get(`Bearer ${WEB}`);
    expect(limited.status).toBe(200);
    const text = await limited.text();
    expect(text).toContain('janitor_host_cpu_percent{host="web1"} 95');
    expect(text).toContain('janitor_alert_state{host="web1",rule="cpu_percent",level="warning",state="firing"} 1');
    expect(text).not.toContain('host="pi1"');
  });
});

describe('GET /metrics on the hub as main.ts wires it: posts made and failed, by reason', () => {
  let fake: FakeMastodon;
  let hub: HubService;
  const dir = tempDir();
  afterEach(async () => {
    await hub?.close({ graceMs: 500 });
    await fake?.close();
    dir.remove();
  });

  it('counts a post the server refused as a dead letter with its reason, and a post made', async () => {
    fake = await startFakeMastodon({ accessTokens: ['test-token'] });
    const config = hubConfig({ ...goldenConfigData(dir.path, fake.url) }, dir.path);
    hub = createHubService({
      config,
      logger: captureLogger(),
      dryRun: false,
      remoteAddress: remoteFromEnv,
      env: { JANITOR_MASTODON_ACCESS_TOKEN: 'test-token' },
      checkIntervalMs: 0,
      storeCheckIntervalMs: 0,
    });
    await hub.start();
    const scrape = async () => samplesOf(await (await hub.app.request('/metrics', {}, { remote: '127.0.0.1' })).text());
    const report = async (hostname: string) => {
      const res = await hub.app.request('/sysinfo', json({ sys_data: { hostname, cpu_percent: 97 } }), {
        remote: '127.0.0.1',
      });
      expect(res.status).toBe(200);
    };

    fake.failNext({ kind: 'status', status: 422, body: { error: 'Validation failed' } }, { path: '/api/v1/statuses' });
    await report('pi1');
    await until(() => hub.store.outbox.counts().dead === 1, 'the refused post to be a dead letter');
    let samples = await scrape();
    expect(samples.get('janitor_post_failures_total{reason="rejected",fate="dead"}')).toBe(1);
    expect(samples.get('janitor_outbox_dead')).toBe(1);
    expect(samples.get('janitor_posts_total')).toBe(0);

    await report('pi2');
    await until(() => fake.statuses.length === 1, 'the second post');
    await until(() => hub.store.outbox.counts().pending === 0, 'the outbox to empty');
    samples = await scrape();
    expect(samples.get('janitor_posts_total')).toBe(1);
    expect(samples.get('janitor_posts_dry_run_total')).toBe(0);
    expect(samples.get('process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});

describe('GET /metrics over node:http', () => {
  const hub = startHub();
  const servers: ServerType[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    hub.close();
  });
  /** Serves `app` on loopback: its URL. */
  const listen = (app: HubApp) =>
    new Promise<string>((resolve) => {
      const server = serve(
        {
          fetch: (req, env) =>
            app.fetch(req, { ...env, remote: (env.incoming as IncomingMessage).socket.remoteAddress }),
          hostname: '127.0.0.1',
          port: 0,
        },
        () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
      );
      servers.push(server);
    });
  /**
   * A scrape's response with its body not read yet (paused: the server cannot send more than the kernel holds), and a
   * function that reads it to the end.
   */
  const open = (url: string) =>
    new Promise<{ res: IncomingMessage; text: () => Promise<string> }>((resolve, reject) => {
      httpGet(`${url}/metrics`, (res) => {
        res.pause();
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        const ended = new Promise<string>((done) => res.on('end', () => done(Buffer.concat(chunks).toString('utf8'))));
        resolve({
          res,
          text: () => {
            res.resume();
            return ended;
          },
        });
      }).on('error', reject);
    });
  const report = async (hostname: string, cpu: number) => {
    const res = await hub.request('/sysinfo', json({ sys_data: { hostname, cpu_percent: cpu, memory_percent: 50 } }));
    expect(res.status).toBe(200);
  };

  it('gives each answer with the values of its scrape, the buffer of one sent written again by the next', async () => {
    for (let i = 0; i < 300; i++) await report(`host-${String(i).padStart(4, '0')}`, i % 100);
    const url = await listen(hub.app);
    const first = await (await open(url)).text();
    await report('host-0007', 99.5);
    const second = await (await open(url)).text();
    const hosts = (text: string) => [...samplesOf(text)].filter(([series]) => series.startsWith('janitor_host_'));
    expect(hosts(first)).toHaveLength(300 * 3);
    expect(samplesOf(first).get('janitor_host_cpu_percent{host="host-0007"}')).toBe(7);
    expect(samplesOf(second).get('janitor_host_cpu_percent{host="host-0007"}')).toBe(99.5);
    // The same hosts' lines as app.request gets, written into a buffer of its own.
    expect(hosts(second)).toEqual(hosts(await (await hub.request('/metrics')).text()));
  });

  it('leaves an answer still being sent untouched while the next ones are written', async () => {
    // 300 000 samples (some 12 MB): more than loopback's socket buffers hold while the client reads nothing.
    let value = 1;
    const samples = 300_000;
    const labels = encodeLabels(Array.from({ length: 1000 }, (_, i) => renderLabels({ i: String(i) })));
    const families = (): MetricFamily[] => {
      const values = new Float64Array(samples).fill(value);
      const samplesOfValue: SampleSource = {
        sampleName: 'big',
        sizeHint: () => samples * 40,
        write(out) {
          for (let i = 0; i < samples; i++) out.sample(labels[i % 1000]!, values, i);
        },
      };
      return [{ type: 'gauge', name: 'big', help: 'Many samples.', samples: samplesOfValue }];
    };
    const routes = createMetricsRoutes({
      metrics: { families },
      access: { authorize: () => undefined },
      logged: (h) => h,
    });
    const url = await listen(new Hono<HubEnv>().route('/metrics', routes));
    const held = await open(url);
    value = 2;
    const next = await (await open(url)).text();
    value = 3;
    const third = await (await open(url)).text();
    const valuesOf = (text: string) =>
      new Set(
        text
          .split('\n')
          .filter((l) => l.startsWith('big{'))
          .map((l) => l.slice(l.lastIndexOf(' ') + 1)),
      );
    const heldText = await held.text();
    expect(heldText.split('\n').filter((l) => l.startsWith('big{'))).toHaveLength(samples);
    expect(valuesOf(heldText)).toEqual(new Set(['1']));
    expect(valuesOf(next)).toEqual(new Set(['2']));
    expect(valuesOf(third)).toEqual(new Set(['3']));
  });
});
