// The hub's /metrics linted by the real promtool (Debian's `prometheus` package, which .ci/run installs): the hub runs
// as users run it (main.ts, a dry run), 50 hosts report over HTTP with limits crossed, and `promtool check metrics`
// must exit 0 and say nothing. A known-bad exposition first proves that the harness sees promtool's complaints.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubProcess, killLeftoverHubs, startHubProcess, tempDir } from './hub.test-support.ts';

const PROMTOOL = process.env.JANITOR_PROMTOOL ?? '/usr/bin/promtool';
const HOSTS = 50;

/** `promtool check metrics` with `exposition` on its stdin: its exit code and everything it printed. */
function promtoolCheck(exposition: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`promtool did not finish within 10 s: ${output}`));
    }, 10_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
    child.stdin.end(exposition);
  });
}

/** A v2 report of host `i`: one to three filesystems, one or two interfaces, the CPU over its limit. */
function report(i: number, atMs: number) {
  const disks = ['/', '/data', `/mnt/disk ${i} "usb"`].slice(0, 1 + (i % 3)).map((mount, d) => ({
    mount,
    device: `/dev/sd${'abc'[d]}1`,
    fsType: 'ext4',
    totalBytes: 64e9,
    usedBytes: (40 + d * 20) * 0.64e9,
    freeBytes: (60 - d * 20) * 0.64e9,
    usedPercent: 40 + d * 20,
  }));
  const network = ['eth0', 'wlan0'].slice(0, 1 + (i % 2)).map((iface) => ({
    iface,
    rxBytesPerSecond: 1000 + i,
    txBytesPerSecond: 200 + i,
  }));
  return {
    version: 2,
    sample: {
      hostname: `pi-${String(i).padStart(2, '0')}`,
      collectedAtMs: atMs,
      metrics: {
        cpu_percent: 85 + (i % 10),
        cpu_count: 4,
        memory_total: 8e9,
        memory_avail: 3e9,
        memory_used: 5e9,
        memory_free: 1e9,
        memory_percent: 62.5,
        disk_usage_total: 64e9,
        disk_usage_used: 25.6e9,
        disk_usage_free: 38.4e9,
        disk_usage_percent: 40,
        load_1: i % 5 === 0 ? 9 : 0.5,
        load_5: 0.4,
        load_15: 0.3,
        swap_total: 1e9,
        swap_used: 0,
        swap_free: 1e9,
        swap_percent: 0,
        uptime_seconds: 86_400 + i,
        cpu_temperature: 51.5,
        net_rx_bytes_per_second: 1000 + i,
        net_tx_bytes_per_second: 200 + i,
        backup_age_seconds: 3600,
      },
      disks,
      network,
    },
  };
}

beforeAll(() => {
  if (!existsSync(PROMTOOL)) {
    throw new Error(
      `promtool not found at ${PROMTOOL}: install Debian's prometheus package (.ci/run does), or set JANITOR_PROMTOOL`,
    );
  }
});

describe('promtool check metrics', () => {
  it('complains about a known-bad exposition, so that the harness can fail', async () => {
    const bad = [
      '# TYPE janitor_requests counter',
      'janitor_requests 3',
      '# HELP hostCpuPercent CPU',
      '# TYPE hostCpuPercent gauge',
      'hostCpuPercent{host="pi"} 12',
      '',
    ].join('\n');
    const { code, output } = await promtoolCheck(bad);
    expect(code).not.toBe(0);
    expect(output).toMatch(/janitor_requests counter metrics should have "_total" suffix/);
    expect(output).toMatch(/janitor_requests no help text/);
    expect(output).toMatch(/hostCpuPercent metric names should be written in 'snake_case' not 'camelCase'/);
    // An exposition it cannot parse at all.
    const unreadable = await promtoolCheck('janitor_x{host="unterminated} 1\n');
    expect(unreadable.code).not.toBe(0);
    expect(unreadable.output).toMatch(/pars/i);
  });
});

describe(`the hub's /metrics with ${HOSTS} hosts and firing alerts`, { timeout: 60_000 }, () => {
  const dir = tempDir();
  let hub: HubProcess;
  afterAll(() => {
    killLeftoverHubs();
    dir.remove();
  });

  beforeAll(async () => {
    hub = await startHubProcess({
      dir: dir.path,
      config: {
        app: { state_dir: join(dir.path, 'state') },
        system_info: {
          thresholds: {
            cpu_percent: { levels: { warning: 80, alarm: 93 } },
            disk_usage_percent: { value: 70, message_type: 'alarm', mount: '*' },
            load_1: { value: 4, message_type: 'warning', for: '10m' },
          },
        },
      },
      args: ['--dry-run'],
    });
    const send = (path: string, init: RequestInit) =>
      fetch(`${hub.url}${path}`, { ...init, signal: AbortSignal.timeout(5000) });
    const now = Date.now();
    for (let i = 1; i <= HOSTS; i++) {
      const res = await send('/sysinfo', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(report(i, now - 1000)),
      });
      expect(res.status, await res.clone().text()).toBe(200);
    }
    // The original's report from a script with a hostname to escape; a silence; requests no route takes.
    const legacy = await send('/sysinfo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        sys_data: { hostname: 'Auto "Git" Pull at C:\\pi', cpu_percent: 99, disk_usage_percent: 91 },
      }),
    });
    expect(legacy.status).toBe(200);
    const silence = await send('/silences', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ host: 'pi-07', for: '1h' }),
    });
    expect(silence.status).toBe(200);
    expect((await send('/nowhere', {})).status).toBe(404);
    const bad = await send('/sysinfo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(bad.status).toBe(400);
  });

  it('passes with no complaint, in the text format a plain scrape gets', async () => {
    const res = await fetch(`${hub.url}/metrics`, { signal: AbortSignal.timeout(5000) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    // What it is checked on: every host, the alerts firing, pending and silenced, the hub's own counters.
    expect(text.match(/^janitor_host_last_report_timestamp_seconds\{/gm)).toHaveLength(HOSTS + 1);
    expect(text.match(/^janitor_alert_state\{.*state="firing"\} 1$/gm)!.length).toBeGreaterThanOrEqual(HOSTS);
    expect(text).toMatch(/^janitor_alert_state\{host="pi-05",rule="load_1",level="warning",state="pending"\} 1$/m);
    expect(text).toMatch(/^janitor_alert_state\{host="pi-07",rule="cpu_percent",level="\w+",state="silenced"\} 1$/m);
    expect(text).toContain('host="Auto \\"Git\\" Pull at C:\\\\pi"');
    expect(text).toMatch(/^janitor_host_filesystem_used_percent\{host="pi-05",mount="\/mnt\/disk 5 \\"usb\\""\} 80$/m);
    expect(text).toMatch(/^janitor_http_requests_total\{method="POST",route="\/sysinfo",status="200"\} 51$/m);
    expect(text).toMatch(/^janitor_ingest_duration_seconds_count 52$/m);
    expect(text).toMatch(/^janitor_posts_dry_run_total \d+$/m);
    expect(text).toMatch(/^process_cpu_seconds_total /m);

    const { code, output } = await promtoolCheck(text);
    expect(output).toBe('');
    expect(code).toBe(0);
  });
});
