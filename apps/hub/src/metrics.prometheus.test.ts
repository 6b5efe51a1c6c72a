// A real Prometheus (Debian's `prometheus` 2.42, which .ci/run installs) scrapes the hub's /metrics on loopback with a
// read token, as the README's scrape config says: it asks for OpenMetrics, and must take the exposition without an
// error and read back what the hub holds. A second target serving a broken OpenMetrics exposition proves that
// Prometheus' complaints reach the test.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubProcess, killLeftoverHubs, startHubProcess, tempDir } from './hub.test-support.ts';
import { freePort } from './programs.test-support.ts';

const PROMETHEUS = process.env.JANITOR_PROMETHEUS ?? '/usr/bin/prometheus';
const READ_TOKEN = 'prometheus-read-token-0123456789';
const WRITE_TOKEN = 'agents-write-token-0123456789ab';
const BROKEN_OPENMETRICS = '# TYPE janitor_broken gauge\njanitor_broken 1\n';

interface Target {
  labels: { job: string };
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

describe('a real Prometheus scraping the hub', { timeout: 60_000 }, () => {
  const dir = tempDir();
  let hub: HubProcess;
  let broken: Server;
  let prometheus: ReturnType<typeof spawn> | undefined;
  let prometheusOutput = '';
  let api: string;

  afterAll(async () => {
    prometheus?.kill('SIGKILL');
    killLeftoverHubs();
    await new Promise<void>((resolve) => (broken ? broken.close(() => resolve()) : resolve()));
    dir.remove();
  });

  beforeAll(async () => {
    if (!existsSync(PROMETHEUS)) {
      throw new Error(
        `prometheus not found at ${PROMETHEUS}: install Debian's prometheus package (.ci/run does), or set JANITOR_PROMETHEUS`,
      );
    }
    hub = await startHubProcess({
      dir: dir.path,
      config: {
        app: {
          state_dir: join(dir.path, 'state'),
          service: {
            tokens: [
              { name: 'prometheus', token: READ_TOKEN, scopes: ['read'] },
              { name: 'agents', token: WRITE_TOKEN, scopes: ['write'] },
            ],
          },
        },
      },
      args: ['--dry-run'],
    });
    for (const [hostname, cpu] of [
      ['pi1', 12.5],
      ['pi2', 97],
    ] as const) {
      const res = await fetch(`${hub.url}/sysinfo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${WRITE_TOKEN}` },
        body: JSON.stringify({ sys_data: { hostname, cpu_percent: cpu, disk_usage_percent: 41 } }),
        signal: AbortSignal.timeout(5000),
      });
      expect(res.status).toBe(200);
    }
    broken = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/openmetrics-text; version=1.0.0; charset=utf-8' });
      res.end(BROKEN_OPENMETRICS);
    });
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));

    const hubAddress = new URL(hub.url).host;
    const brokenAddress = `127.0.0.1:${(broken.address() as AddressInfo).port}`;
    const configFile = join(dir.path, 'prometheus.yml');
    const tokenFile = join(dir.path, 'janitor-read-token');
    writeFileSync(tokenFile, `${READ_TOKEN}\n`, { mode: 0o600 });
    // The README's scrape config, with a 1 s interval for the test.
    writeFileSync(
      configFile,
      [
        'global: { scrape_interval: 1s, scrape_timeout: 1s }',
        'scrape_configs:',
        '  - job_name: janitor',
        '    metrics_path: /metrics',
        `    authorization: { credentials_file: ${JSON.stringify(tokenFile)} }`,
        `    static_configs: [{ targets: ['${hubAddress}'] }]`,
        '  - job_name: broken',
        `    static_configs: [{ targets: ['${brokenAddress}'] }]`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir.path, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout?.on('data', (chunk: Buffer) => {
      prometheusOutput += chunk.toString('utf8');
    });
    prometheus.stderr?.on('data', (chunk: Buffer) => {
      prometheusOutput += chunk.toString('utf8');
    });
  });

  /** The targets once both have been scraped (health no longer `unknown`); fails at the deadline with what it saw. */
  async function scrapedTargets(timeoutMs = 30_000): Promise<Map<string, Target>> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      try {
        const res = await fetch(`${api}/api/v1/targets`, { signal: AbortSignal.timeout(2000) });
        last = await res.text();
        const targets = (JSON.parse(last) as { data: { activeTargets: Target[] } }).data.activeTargets;
        if (targets.length === 2 && targets.every((t) => t.health !== 'unknown')) {
          return new Map(targets.map((t) => [t.labels.job, t]));
        }
      } catch (error) {
        last = String(error);
      }
      if (Date.now() > deadline) {
        throw new Error(`Prometheus scraped nothing within ${timeoutMs} ms: ${last}\n${prometheusOutput.slice(-2000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async function query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const res = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(promql)}`, {
      signal: AbortSignal.timeout(5000),
    });
    const body = (await res.json()) as { status: string; data: { result: never[] } };
    expect(body.status).toBe('success');
    return body.data.result;
  }

  it('takes the hub’s OpenMetrics exposition with no error, and refuses a broken one', async () => {
    const targets = await scrapedTargets();
    expect(targets.get('broken')).toMatchObject({ health: 'down' });
    expect(targets.get('broken')?.lastError).toMatch(/EOF/);
    expect(targets.get('janitor')?.lastError).toBe('');
    expect(targets.get('janitor')?.health).toBe('up');
    // The hub answers Prometheus' own Accept header in OpenMetrics.
    const answer = await fetch(`${hub.url}/metrics`, {
      headers: {
        authorization: `Bearer ${READ_TOKEN}`,
        accept:
          'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
      },
      signal: AbortSignal.timeout(5000),
    });
    expect(answer.headers.get('content-type')).toMatch(/^application\/openmetrics-text; version=1\.0\.0/);
  });

  it('reads back the hosts’ values, the alerts and the hub’s counters', async () => {
    await scrapedTargets();
    const cpu = await query('janitor_host_cpu_percent');
    expect(Object.fromEntries(cpu.map((r) => [r.metric.host, Number(r.value[1])]))).toEqual({ pi1: 12.5, pi2: 97 });
    const firing = await query('janitor_alert_state{state="firing"}');
    expect(firing.map((r) => `${r.metric.host} ${r.metric.rule} ${r.metric.level}`)).toEqual([
      'pi2 cpu_percent warning',
    ]);
    const reports = await query('janitor_http_requests_total{route="/sysinfo",status="200"}');
    expect(reports.map((r) => Number(r.value[1]))).toEqual([2]);
    const latency = await query('janitor_ingest_duration_seconds_count');
    expect(Number(latency[0]?.value[1])).toBe(2);
  });
});
