// The whole loop with the real programs (Debian's prometheus 2.42 and prometheus-alertmanager 0.25, which .ci/run
// installs): a real Prometheus scrapes the hub's /metrics, evaluates a rule on it and sends the alert to a real
// Alertmanager, which delivers it to the hub's /webhooks/alertmanager; the post appears on the fake Mastodon server,
// and when the value goes back under the rule the resolution is posted as a reply in the same thread. What
// docs/scale.md describes for fleets beyond one hub.
import { writeFileSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { type FakeMastodon, startFakeMastodon } from '@janitor/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogger, goldenConfigData, hubConfig, json, tempDir, until } from './hub.test-support.ts';
import { freePort, type Program, requirePrograms, startProgram, stopProgram } from './programs.test-support.ts';
import { createHubService, type HubService } from './service.ts';

const PROMETHEUS = process.env.JANITOR_PROMETHEUS ?? '/usr/bin/prometheus';
const ALERTMANAGER = process.env.JANITOR_ALERTMANAGER ?? '/usr/bin/prometheus-alertmanager';
const READ_TOKEN = 'prometheus-read-token-0123456789';
const WRITE_TOKEN = 'alertmanager-write-token-012345';
const AGENT_TOKEN = 'agent-write-token-0123456789abc';

describe('Prometheus -> Alertmanager -> Janitor -> the Fediverse', () => {
  const dir = tempDir('janitor-prometheus-loop-');
  const logger = captureLogger();
  let fake: FakeMastodon;
  let service: HubService;
  let server: Server;
  let prometheus: Program | undefined;
  let alertmanager: Program | undefined;
  let hubUrl: string;

  beforeAll(async () => {
    requirePrograms(PROMETHEUS, ALERTMANAGER);
    fake = await startFakeMastodon({ flavour: 'mastodon', accessTokens: ['test-token'] });
    const raw = goldenConfigData(dir.path, fake.url);
    raw.app = {
      ...(raw.app as object),
      service: {
        tokens: [
          { name: 'prometheus', token: READ_TOKEN, scopes: ['read'] },
          { name: 'alertmanager', token: WRITE_TOKEN, scopes: ['write'] },
          { name: 'agents', token: AGENT_TOKEN, scopes: ['write'] },
        ],
      },
    };
    // The hub's own CPU rule stays out of the way: the alert here is Prometheus'.
    raw.system_info = { thresholds: { cpu_percent: { value: 99.9 } } };
    service = createHubService({
      config: hubConfig(raw, dir.path),
      logger,
      dryRun: false,
      remoteAddress: (c) => (c.env as { incoming: IncomingMessage }).incoming.socket.remoteAddress,
      env: { JANITOR_MASTODON_ACCESS_TOKEN: 'test-token' },
      checkIntervalMs: 0,
      storeCheckIntervalMs: 0,
    });
    await service.start();
    server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: service.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s as Server));
    });
    hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const amPort = await freePort();
    const amConfig = join(dir.path, 'alertmanager.yml');
    writeFileSync(
      amConfig,
      [
        'route:',
        '  receiver: janitor',
        "  group_by: ['alertname', 'host']",
        '  group_wait: 500ms',
        '  group_interval: 1s',
        '  repeat_interval: 1h',
        'receivers:',
        '  - name: janitor',
        '    webhook_configs:',
        `      - url: ${hubUrl}/webhooks/alertmanager`,
        '        send_resolved: true',
        '        max_alerts: 1000',
        '        http_config:',
        '          authorization:',
        `            credentials: ${WRITE_TOKEN}`,
        '',
      ].join('\n'),
    );
    alertmanager = await startProgram(
      ALERTMANAGER,
      [
        `--config.file=${amConfig}`,
        `--storage.path=${join(dir.path, 'alertmanager')}`,
        `--web.listen-address=127.0.0.1:${amPort}`,
        '--cluster.listen-address=',
      ],
      `http://127.0.0.1:${amPort}/-/ready`,
    );

    const promPort = await freePort();
    const rules = join(dir.path, 'rules.yml');
    writeFileSync(
      rules,
      [
        'groups:',
        '  - name: janitor',
        '    interval: 1s',
        '    rules:',
        '      - alert: HostCpuHigh',
        '        expr: janitor_host_cpu_percent > 90',
        '        labels: { severity: critical }',
        '        annotations:',
        '          summary: "CPU on {{ $labels.host }} at {{ $value }} %"',
        '',
      ].join('\n'),
    );
    const promConfig = join(dir.path, 'prometheus.yml');
    writeFileSync(
      promConfig,
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        `rule_files: [${JSON.stringify(rules)}]`,
        'alerting:',
        '  alertmanagers:',
        `    - static_configs: [{ targets: ['127.0.0.1:${amPort}'] }]`,
        'scrape_configs:',
        '  - job_name: janitor',
        '    metrics_path: /metrics',
        '    authorization:',
        `      credentials: ${READ_TOKEN}`,
        `    static_configs: [{ targets: ['${hubUrl.replace('http://', '')}'] }]`,
        '',
      ].join('\n'),
    );
    prometheus = await startProgram(
      PROMETHEUS,
      [
        `--config.file=${promConfig}`,
        `--storage.tsdb.path=${join(dir.path, 'prometheus')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--rules.alert.resend-delay=1s',
      ],
      `http://127.0.0.1:${promPort}/-/ready`,
    );
  }, 60_000);

  afterAll(async () => {
    await stopProgram(prometheus);
    await stopProgram(alertmanager);
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await service?.close({ graceMs: 500 });
    await fake?.close();
    dir.remove();
  });

  const report = async (cpu: number) => {
    const body = json({ sys_data: { hostname: 'pi1', cpu_percent: cpu, memory_percent: 30 } });
    const res = await fetch(`${hubUrl}/sysinfo`, {
      ...body,
      headers: { ...(body.headers as Record<string, string>), authorization: `Bearer ${AGENT_TOKEN}` },
    });
    expect(res.status).toBe(200);
  };

  it('posts the rule’s alert, then its resolution as a reply in the same thread', async () => {
    const output = () => `Prometheus:\n${prometheus?.output()}\nAlertmanager:\n${alertmanager?.output()}`;
    await report(97);
    const firing = await fake
      .waitFor(() => fake.statuses.find((s) => /HostCpuHigh/.test(s.status)), {
        timeoutMs: 30_000,
      })
      .catch((error: Error) => {
        throw new Error(`${error.message}\n${output()}`);
      });
    expect(firing.status).toMatch(/CPU on pi1 at 97 %/);
    expect(firing.mentions).toEqual([]);
    await report(20);
    const resolved = await fake
      .waitFor(() => fake.statuses.find((s) => s.id !== firing.id && /HostCpuHigh/.test(s.status)), {
        timeoutMs: 30_000,
      })
      .catch((error: Error) => {
        throw new Error(`${error.message}\n${output()}`);
      });
    expect(resolved.status).toMatch(/resolved/);
    expect(resolved.inReplyToId).toBe(firing.id);
    await until(() => service.store.outbox.counts().pending === 0, 'the outbox to empty');
    expect(fake.statuses.filter((s) => /HostCpuHigh/.test(s.status))).toHaveLength(2);
  }, 90_000);
});
