// The real Alertmanager (Debian's prometheus-alertmanager 0.25, installed by .ci/run) sending to a real hub on
// loopback, driven by amtool: the alert's post appears on the fake Mastodon server, Alertmanager's re-send of the
// unchanged group posts nothing, and the alert's end is posted as a reply in the same thread. Alertmanager runs with
// temporary storage, clustering off, and short group intervals.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { serve } from '@hono/node-server';
import { type FakeMastodon, startFakeMastodon } from '@janitor/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogger, goldenConfigData, hubConfig, tempDir, until } from './hub.test-support.ts';
import { freePort } from './programs.test-support.ts';
import { createHubService, type HubService } from './service.ts';

const ALERTMANAGER = process.env.JANITOR_ALERTMANAGER ?? '/usr/bin/prometheus-alertmanager';
const AMTOOL = process.env.JANITOR_AMTOOL ?? '/usr/bin/amtool';
const TOKEN = 'alertmanager-token-0123456789';
const run = promisify(execFile);

describe('the real Alertmanager sending to /webhooks/alertmanager', () => {
  const dir = tempDir('janitor-alertmanager-');
  const logger = captureLogger();
  let fake: FakeMastodon;
  let service: HubService;
  let server: Server;
  let alertmanager: ChildProcess | undefined;
  let amOutput = '';
  let amUrl: string;

  const amtool = (...args: string[]) => run(AMTOOL, [...args, `--alertmanager.url=${amUrl}`], { timeout: 10_000 });
  const deliveries = () =>
    logger.lines.filter((l) => l.message === 'request' && l.fields.path === '/webhooks/alertmanager').length;

  beforeAll(async () => {
    for (const program of [ALERTMANAGER, AMTOOL]) {
      if (!existsSync(program)) {
        throw new Error(`${program} is missing: apt-get install -y prometheus-alertmanager (.ci/run installs it)`);
      }
    }
    fake = await startFakeMastodon({ flavour: 'mastodon', accessTokens: ['test-token'] });
    const raw = goldenConfigData(dir.path, fake.url);
    raw.app = {
      ...(raw.app as object),
      service: { tokens: [{ name: 'alertmanager', token: TOKEN, scopes: ['write'] }] },
    };
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
    const hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    // Exactly the lines the README gives, with intervals short enough for a test.
    const config = join(dir.path, 'alertmanager.yml');
    writeFileSync(
      config,
      [
        'route:',
        '  receiver: janitor',
        "  group_by: ['alertname']",
        '  group_wait: 500ms',
        '  group_interval: 1s',
        '  repeat_interval: 2s',
        'receivers:',
        '  - name: janitor',
        '    webhook_configs:',
        `      - url: ${hubUrl}/webhooks/alertmanager`,
        '        send_resolved: true',
        '        max_alerts: 1000',
        '        http_config:',
        '          authorization:',
        `            credentials: ${TOKEN}`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    amUrl = `http://127.0.0.1:${port}`;
    alertmanager = spawn(
      ALERTMANAGER,
      [
        `--config.file=${config}`,
        `--storage.path=${join(dir.path, 'alertmanager')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    alertmanager.stdout?.on('data', (chunk: Buffer) => (amOutput += chunk.toString()));
    alertmanager.stderr?.on('data', (chunk: Buffer) => (amOutput += chunk.toString()));
    const deadline = Date.now() + 15_000;
    for (;;) {
      const ready = await fetch(`${amUrl}/-/ready`).then(
        (res) => res.ok,
        () => false,
      );
      if (ready) break;
      if (alertmanager.exitCode !== null || Date.now() > deadline) {
        throw new Error(`Alertmanager did not start:\n${amOutput}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 30_000);

  afterAll(async () => {
    if (alertmanager && alertmanager.exitCode === null) {
      const ended = new Promise((resolve) => alertmanager?.once('exit', resolve));
      alertmanager.kill('SIGTERM');
      await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (alertmanager.exitCode === null) alertmanager.kill('SIGKILL');
    }
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await service?.close({ graceMs: 500 });
    await fake?.close();
    dir.remove();
  });

  it('posts the alert once, nothing at its re-send, and its end as a reply in the same thread', async () => {
    const labels = ['HighCPU', 'severity=critical', 'instance=pi1:9100', 'job=node'];
    await amtool(
      'alert',
      'add',
      ...labels,
      '--annotation=summary=CPU at 97% on pi1, ping @ops@example.social',
      '--annotation=description=The load stays high',
    );
    await until(() => fake.statuses.length === 1, `the firing post (Alertmanager said:\n${amOutput})`, 15_000);
    const [firing] = fake.statuses;
    expect(firing!.status).toContain('HighCPU on pi1 is firing');
    expect(firing!.status).toContain('CPU at 97% on pi1');
    expect(firing!.mentions).toEqual([]);
    expect(firing!.visibility).toBe('public');

    // repeat_interval (2s) has Alertmanager send the unchanged group again: it is taken, and posts nothing.
    const before = deliveries();
    await until(() => deliveries() > before, 'Alertmanager’s re-send of the unchanged group', 15_000);
    await until(() => service.store.outbox.counts().pending === 0, 'the outbox to empty');
    expect(fake.statuses).toHaveLength(1);

    const ended = new Date(Date.now() - 60_000).toISOString();
    await amtool('alert', 'add', ...labels, `--end=${ended}`);
    await until(() => fake.statuses.length === 2, 'the resolution', 15_000);
    const resolved = fake.statuses[1]!;
    expect(resolved.status).toContain('HighCPU on pi1 resolved after');
    expect(resolved.inReplyToId).toBe(firing!.id);
    const statuses = logger.lines
      .filter((l) => l.message === 'request' && l.fields.path === '/webhooks/alertmanager')
      .map((l) => l.fields.status);
    expect(new Set(statuses)).toEqual(new Set([200]));
    const log = service.store.alertLog.list().entries.map((e) => e.transition);
    expect(log).toEqual(['resolved', 'firing']);
  }, 60_000);
});
