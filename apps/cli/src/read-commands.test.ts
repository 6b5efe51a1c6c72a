// janitor status and janitor history run as a user runs them: against a real hub fed through POST /sysinfo, against a
// stand-in answering as the read API's contract says (for what a real hub is not made to answer: a refused token),
// and on the local store of a local-mode machine.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createJanitorClient, type Sample } from '@janitor/protocol';
import { openStore } from '@janitor/store';
import { afterAll, describe, expect, it } from 'vitest';
import {
  closedPort,
  HUB_TOKEN,
  hasStackTrace,
  JANITOR_MAIN,
  killLeftovers,
  type RecordingHub,
  runNode,
  startRealHub,
  startRecordingHub,
  tempDir,
} from './cli-process.test-support.ts';

afterAll(killLeftovers);

const NOW = Date.now();
const MINUTE = 60_000;

/** GET /api/v1/hosts as the contract shows it: the silent host with an alert first. */
const FLEET = {
  nowMs: NOW,
  hosts: [
    {
      hostname: 'nas',
      state: 'silent',
      lastSeenMs: NOW - 3 * 3_600_000,
      silencedUntilMs: null,
      latest: { atMs: NOW - 3 * 3_600_000, values: { cpu_percent: 3, memory_percent: 61 } },
      worstDisk: { mount: '/srv', percent: 91.5 },
      firing: [
        {
          key: 'host_silent',
          label: 'host silent',
          level: 'critical',
          value: null,
          limit: null,
          sinceMs: NOW - 600_000,
        },
      ],
    },
    {
      hostname: 'pi1',
      state: 'up',
      lastSeenMs: NOW - 12_000,
      silencedUntilMs: null,
      latest: { atMs: NOW - 12_000, values: { cpu_percent: 12.5, memory_percent: 40, 'disk_usage_percent@/': 71 } },
      worstDisk: { mount: '/', percent: 71 },
      firing: [],
    },
  ],
};

/** GET /api/v1/hosts/pi1/series for two hours in 10-minute steps, a gap of 30 minutes in the middle. */
function series(fromMs: number, toMs: number) {
  const stepMs = 10 * MINUTE;
  const first = Math.floor(fromMs / stepMs) * stepMs;
  const t: number[] = [];
  const avg: number[] = [];
  for (let at = first, i = 0; at < toMs; at += stepMs, i++) {
    if (i >= 5 && i < 8) continue;
    t.push(at);
    avg.push(10 + i * 5);
  }
  return {
    hostname: 'pi1',
    tier: 'ten_minutes',
    stepMs,
    fromMs: first,
    toMs,
    t,
    cpu_percent: { avg, min: avg.map((v) => v - 1), max: avg.map((v) => v + 1) },
  };
}

/** A hub stand-in that answers the read API for pi1 and refuses other hosts with a 404 on `hostname`. */
async function readHub(): Promise<RecordingHub> {
  const hub = await startRecordingHub();
  hub.answer((r) => {
    const url = new URL(r.path, 'http://hub');
    if (r.authorization !== `Bearer ${HUB_TOKEN}`) return { status: 401, body: { error: 'a read token is required' } };
    if (url.pathname === '/api/v1/hosts') return { status: 200, body: FLEET };
    if (url.pathname === '/api/v1/hosts/pi1/series') {
      const from = Number(url.searchParams.get('from'));
      return { status: 200, body: series(from, Date.now()) };
    }
    return { status: 404, body: { error: 'unknown host', field: 'hostname' } };
  });
  return hub;
}

describe('janitor status and history against a hub', { timeout: 30_000 }, () => {
  it('prints the fleet as a table, and the API’s JSON with --json', async () => {
    await using dir = await tempDir();
    const hub = await readHub();
    try {
      const cli = (args: string[]) =>
        runNode(JANITOR_MAIN, args, { cwd: dir.path, env: { JANITOR_HUB_TOKEN: HUB_TOKEN } });
      // The hub's address from config.yaml, the token from the environment, as for `janitor silence`.
      await writeFile(join(dir.path, 'config.yaml'), `app: { service: { remote_url: "${hub.url}" } }\n`);
      const table = await cli(['status']);
      expect(table.code, table.stderr).toBe(0);
      expect(table.stdout).toBe(
        [
          'HOST  STATE   LAST SEEN  CPU    MEMORY  DISK        ALERTS',
          'nas   silent  3h ago     3%     61%     91.5% /srv  host silent (critical)',
          'pi1   up      12s ago    12.5%  40%     71% /',
          '',
        ].join('\n'),
      );
      const json = await cli(['status', '--json', '--problems']);
      expect(json.code, json.stderr).toBe(0);
      expect(JSON.parse(json.stdout)).toEqual(FLEET);
      expect(hub.received.map((r) => `${r.method} ${r.path}`)).toEqual([
        'GET /api/v1/hosts',
        'GET /api/v1/hosts?problems=1',
      ]);
    } finally {
      await hub.close();
    }
  });

  it('prints a series’ min / avg / max and its sparkline with the gap, and the API’s JSON with --json', async () => {
    await using dir = await tempDir();
    const hub = await readHub();
    try {
      const cli = (args: string[]) => runNode(JANITOR_MAIN, args, { cwd: dir.path });
      const run = await cli(['history', 'pi1', 'cpu_percent', '--since', '2h', '--hub', hub.url, '--token', HUB_TOKEN]);
      expect(run.code, run.stderr).toBe(0);
      const [range, summary, spark, ...rest] = run.stdout.split('\n');
      expect(range).toMatch(
        /^pi1 cpu_percent, \d{4}-\d\d-\d\d \d\d:\d0 to \d{4}-\d\d-\d\d \d\d:\d\d UTC \(2h, 10m steps\)$/,
      );
      expect(summary).toMatch(/^min 9% {2}avg \d+(\.\d)?% {2}max \d+% {2}latest \d+% {2}\(\d+ points\)$/);
      // A block a step (fewer steps than 60 columns), rising, with three spaces where no report came.
      expect(spark).toMatch(/^▁[▁-█]{4} {3}[▁-█]+█$/u);
      expect(rest).toEqual(['']);
      const from = Number(new URL(hub.received[0]?.path ?? '', 'http://hub').searchParams.get('from'));
      expect(Math.abs(from - (Date.now() - 2 * 3_600_000))).toBeLessThan(60_000);

      const json = await cli(['history', 'pi1', 'cpu_percent', '--json', '--hub', hub.url, '--token', HUB_TOKEN]);
      expect(json.code, json.stderr).toBe(0);
      const body = JSON.parse(json.stdout) as {
        hostname: string;
        tier: string;
        t: number[];
        cpu_percent: { avg: number[] };
      };
      expect([body.hostname, body.tier, body.cpu_percent.avg.length]).toEqual(['pi1', 'ten_minutes', body.t.length]);
    } finally {
      await hub.close();
    }
  });

  it('says which host it does not know, which --since is wrong, and which token it refused, without a stack trace', async () => {
    await using dir = await tempDir();
    const hub = await readHub();
    try {
      const cli = (args: string[]) =>
        runNode(JANITOR_MAIN, [...args, '--hub', hub.url], { cwd: dir.path, env: { JANITOR_HUB_TOKEN: HUB_TOKEN } });
      const unknown = await cli(['history', 'pi9', 'cpu_percent']);
      expect([unknown.code, unknown.stderr]).toEqual([
        1,
        `janitor: the hub at ${hub.url} knows no host "pi9" ('janitor status' lists them)\n`,
      ]);
      const since = await cli(['history', 'pi1', 'cpu_percent', '--since', 'yesterday']);
      expect(since.code).toBe(2);
      expect(since.stderr).toMatch(
        /^janitor: --since: expected a duration such as "30s", "5m", "1h" .*got "yesterday"\n$/,
      );
      const token = await runNode(JANITOR_MAIN, ['status', '--hub', hub.url, '--token', 'not-the-read-token-0'], {
        cwd: dir.path,
      });
      expect(token.code).toBe(4);
      expect(token.stderr).toMatch(
        /refused the token .*401 a read token is required.*--token, JANITOR_HUB_TOKEN or app\.service\.remote_token\n$/,
      );
      for (const run of [unknown, since, token]) expect(hasStackTrace(run.stderr)).toBe(false);
      // The bad --since never reached the hub.
      expect(hub.received.map((r) => r.path.split('?')[0])).toEqual(['/api/v1/hosts/pi9/series', '/api/v1/hosts']);
    } finally {
      await hub.close();
    }
  });

  it('says when the hub cannot be reached', async () => {
    await using dir = await tempDir();
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await runNode(JANITOR_MAIN, ['status', '--hub', url], { cwd: dir.path });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `janitor: cannot reach the hub at ${url}: GET ${url}/api/v1/hosts network error: fetch failed (ECONNREFUSED); give its address with --hub URL or app.service.remote_url\n`,
    );
  });
});

/** A v2 sample of pi1 at `atMs`: CPU as given, memory 40 %, `/` at 71 % and `/data` as given. */
function sampleOf(atMs: number, cpu: number, dataPercent = 50): Sample {
  const disk = (mount: string, usedPercent: number) => ({
    mount,
    device: '/dev/sda1',
    fsType: 'ext4',
    totalBytes: 1000,
    usedBytes: usedPercent * 10,
    freeBytes: 1000 - usedPercent * 10,
    usedPercent,
  });
  return {
    hostname: 'pi1',
    collectedAtMs: atMs,
    metrics: { cpu_percent: cpu, memory_percent: 40 },
    disks: [disk('/', 71), disk('/data', dataPercent)],
    network: [],
  };
}

describe('janitor status and history against a real hub', { timeout: 60_000 }, () => {
  it('prints what the hub took through /sysinfo: the fleet with its firing alert, and a series with its gap', async () => {
    await using dir = await tempDir();
    const hub = await startRealHub(dir.path);
    try {
      // Reports of the last 40 minutes, one a minute, none from minute 10 to 19; the last one with CPU at 95 % (over
      // the default rule's 80) and /data at 91 %.
      const janitor = createJanitorClient({ url: hub.url, token: HUB_TOKEN });
      const now = Date.now();
      for (let i = 0; i < 40; i++) {
        if (i >= 10 && i < 20) continue;
        await janitor.report(i === 39 ? sampleOf(now - MINUTE, 95, 91) : sampleOf(now - (40 - i) * MINUTE, 10 + i));
      }
      const cli = (args: string[]) =>
        runNode(JANITOR_MAIN, [...args, '--hub', hub.url], { cwd: dir.path, env: { JANITOR_HUB_TOKEN: HUB_TOKEN } });

      const status = await cli(['status']);
      expect(status.code, status.stderr).toBe(0);
      const [header, row, ...more] = status.stdout.split('\n');
      expect(header).toMatch(/^HOST\s+STATE\s+LAST SEEN\s+CPU\s+MEMORY\s+DISK\s+ALERTS$/);
      expect(row).toMatch(/^pi1\s+up\s+(1m ago|just now|\d+s ago)\s+95%\s+40%\s+91% \/data\s+CPU %: 95% \(warning\)$/);
      expect(more).toEqual(['']);

      const history = await cli(['history', 'pi1', 'cpu_percent', '--since', '1h']);
      expect(history.code, history.stderr).toBe(0);
      const [range, summary, spark] = history.stdout.split('\n');
      expect(range).toMatch(/^pi1 cpu_percent, .* UTC \(1h, every report\)$/);
      expect(summary).toBe('min 10%  avg 32.7%  max 95%  latest 95%  (30 points)');
      // An hour in 60 characters: 20 minutes with no report first, then 10 of them, a gap of 10, then 20 rising to 95.
      // (A space at the end: the minute now began has no report yet.)
      expect(spark).toMatch(/^ {18,21}▁[▁▂]{8,10} {9,11}[▂-▄]{18,20}█ ?$/u);

      const json = await cli(['status', '--json']);
      expect(JSON.parse(json.stdout)).toMatchObject({
        hosts: [{ hostname: 'pi1', state: 'up', worstDisk: { mount: '/data', percent: 91 } }],
      });
      const unknown = await cli(['history', 'pi9', 'cpu_percent']);
      expect([unknown.code, unknown.stderr]).toEqual([
        1,
        `janitor: the hub at ${hub.url} knows no host "pi9" ('janitor status' lists them)\n`,
      ]);
      const metric = await cli(['history', 'pi1', 'gpu_percent']);
      expect(metric.code).toBe(1);
      expect(metric.stderr).toMatch(
        /^janitor: pi1 has no series gpu_percent in the hub at .*\(field metrics\); it has cpu_percent, disk_usage_free@\/, /,
      );
      // The hub logs paths without their query.
      expect(hub.requests().filter((r) => r.startsWith('GET'))).toEqual([
        'GET /api/v1/hosts 200',
        'GET /api/v1/hosts/pi1/series 200',
        'GET /api/v1/hosts 200',
        'GET /api/v1/hosts/pi9/series 404',
        'GET /api/v1/hosts/pi1/series 400',
        'GET /api/v1/hosts/pi1 200',
      ]);
    } finally {
      await hub.stop();
    }
  });
});

describe('janitor status and history on the local store', { timeout: 30_000 }, () => {
  it('reads <state_dir>/janitor.db of a local-mode machine, with no hub anywhere', async () => {
    await using dir = await tempDir();
    const stateDir = join(dir.path, 'state');
    await mkdir(stateDir);
    const now = Date.now();
    const store = openStore({ path: join(stateDir, 'janitor.db') });
    try {
      // What local mode keeps: the last half hour, one check a minute, none from minute 10 to 19 (half a minute
      // later than the minute, so the first is still in the half hour the command asks for a few seconds later).
      for (let i = 0; i < 30; i++) {
        if (i >= 10 && i < 20) continue;
        store.history.append('pi1', now - (30 - i) * MINUTE + 30_000, [
          { key: 'cpu_percent', value: 10 + i },
          { key: 'memory_percent', value: 40 },
          { key: 'disk_usage_percent@/', value: 71 },
        ]);
      }
    } finally {
      store.close();
    }
    // remote_url names a port nothing listens on: the store is read, not the hub.
    const port = await closedPort();
    await writeFile(
      join(dir.path, 'config.yaml'),
      `app: { state_dir: state, service: { remote_url: "http://127.0.0.1:${port}" } }\n`,
    );
    const cli = (args: string[]) => runNode(JANITOR_MAIN, args, { cwd: dir.path });

    const status = await cli(['status']);
    expect(status.code, status.stderr).toBe(0);
    const [header, row, ...more] = status.stdout.split('\n');
    expect(header).toBe('HOST  STATE  LAST SEEN  CPU  MEMORY  DISK   ALERTS');
    expect(row).toMatch(/^pi1 {3}up {5}\d\ds ago +39% {2}40% {5}71% \/$/);
    expect(more).toEqual(['']);
    const history = await cli(['history', 'pi1', 'cpu_percent', '--since', '30m']);
    expect(history.code, history.stderr).toBe(0);
    const [range, summary, spark, ...rest] = history.stdout.split('\n');
    expect(range).toMatch(/^pi1 cpu_percent, .* UTC \(30m, every report\)$/);
    expect(summary).toBe('min 10%  avg 24.5%  max 39%  latest 39%  (20 points)');
    // A character a minute (fewer minutes than 60 characters), the 10 minutes without a check as spaces.
    expect(spark).toMatch(/^▁[▁-▄]{8,10} {9,11}[▄-█]{9,11} ?$/u);
    expect(rest).toEqual(['']);
    const json = await cli(['status', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ hosts: [{ hostname: 'pi1', state: 'up', firing: [] }] });

    const unknown = await cli(['history', 'nas', 'cpu_percent']);
    expect([unknown.code, unknown.stderr]).toEqual([
      1,
      `janitor: the store ${join(stateDir, 'janitor.db')} knows no host "nas" ('janitor status' lists them)\n`,
    ]);
  });
});
