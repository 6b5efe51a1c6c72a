// janitor status and janitor history run as a user runs them: against a hub (a stand-in on loopback answering as the
// read API's contract says) and on the local store of a local-mode machine.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  closedPort,
  HUB_TOKEN,
  hasStackTrace,
  JANITOR_MAIN,
  killLeftovers,
  type RecordingHub,
  runNode,
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
        /^pi1 cpu_percent, \d{4}-\d\d-\d\d \d\d:\d0 to \d{4}-\d\d-\d\d \d\d:\d\d UTC \(2h( 10m)? in 10m steps\)$/,
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
