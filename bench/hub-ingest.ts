// Hub ingest: the original client's `POST /sysinfo` payload (under the default thresholds, so nothing is queued)
// at 32 connections on loopback, against the hub started as users run it (`node apps/hub/src/main.ts --config ...
// --port ...`, dry run), compared with a bare Hono JSON echo served by @hono/node-server IN THE SAME RUN.
//
//   node bench/hub-ingest.ts [--seconds 10] [--warmup 2] [--rounds 2] [--connections 32] [--hosts 1] [--no-history] [--hub PATH]
//
// --hosts N sends the payload under N hostnames in turn (host-1 ... host-N): every report then becomes a history
// row of its own (one host's reports in the same millisecond are one point), as from a fleet.
// --hub runs another copy of the hub's main.ts (e.g. a patched one), to measure a change against the same baseline.
//
// Three servers, each its own process: the bare Hono echo, the hub with logger level warn (no per-request lines),
// and the hub with the default info level writing one line per request to a file (to_stdout false, to_file true).
// The load generator (autocannon) runs in this process, so it and the server under test each have a core of the
// two. Runs alternate (bare, hub warn, hub info, bare, ...) to spread machine drift over all three; each measured
// run follows a warm-up run of its own that is discarded.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goldens } from '../packages/testkit/src/index.ts';
import {
  type AutocannonResult,
  args,
  autocannon,
  freePort,
  hubArgs,
  hubMain,
  LOAD_COLUMNS,
  loadAverageLine,
  loadCells,
  option,
  type Server,
  startBareEcho,
  startServer,
  stopServer,
} from './hub-harness.ts';
import { fmt, formatTable, machine, median } from './stats.ts';

const SECONDS = option('--seconds', 10);
const WARMUP = option('--warmup', 2);
const ROUNDS = option('--rounds', 2);
const CONNECTIONS = option('--connections', 32);
const HOSTS = option('--hosts', 1);
const TARGET_RATIO = 0.7;
const TARGET_P99_MS = 15;

const dir = mkdtempSync(join(tmpdir(), 'janitor-bench-hub-ingest-'));
const body = goldens.remote_client_request.body;
const hostname = (JSON.parse(body) as { sys_data: { hostname: string } }).sys_data.hostname;
const bodies = Array.from({ length: HOSTS }, (_, i) =>
  HOSTS === 1 ? body : body.replace(JSON.stringify(hostname), JSON.stringify(`host-${i + 1}`)),
);
let sent = 0;
const headers = { 'content-type': 'application/json' };

interface Target extends Server {
  /** What a successful answer must be, when known. */
  expectBody?: string;
}

function hubConfig(name: string, logger: string): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(
    path,
    [
      `app: { run_control: { dry_run: true }, state_dir: ${JSON.stringify(join(dir, `${name}-state`))} }`,
      `logger: ${logger}`,
      // --no-history: the same hub keeping no history, to see the history's share.
      ...(args.includes('--no-history') ? ['history: { enabled: false }'] : []),
    ].join('\n'),
  );
  return path;
}

async function load(server: Target, seconds: number): Promise<AutocannonResult> {
  return autocannon({
    url: `${server.url}/sysinfo`,
    method: 'POST',
    headers,
    body,
    ...(HOSTS > 1 && server.name !== 'bare Hono echo'
      ? { requests: [{ setupRequest: (req: object) => ({ ...req, body: bodies[sent++ % HOSTS] }) }] }
      : {}),
    connections: CONNECTIONS,
    duration: seconds,
    // autocannon checks answers only of a fixed request; with many hosts the non-2xx count is the check.
    ...(server.expectBody && HOSTS === 1 ? { expectBody: server.expectBody } : {}),
  });
}

const servers: Target[] = [];
const rows: { server: string; round: number; result: AutocannonResult }[] = [];
try {
  const logFile = join(dir, 'hub.log');
  const [barePort, warnPort, infoPort] = [await freePort(), await freePort(), await freePort()];
  // The bare server runs from apps/hub, where hono and @hono/node-server resolve.
  const bare = await startBareEcho(barePort!);
  servers.push(bare);
  const warnConfig = hubConfig('warn', '{ loglevel: warn }');
  const infoConfig = hubConfig(
    'info',
    `{ loglevel: info, to_stdout: false, to_file: true, filename: ${JSON.stringify(logFile)} }`,
  );
  const hubWarn: Target = await startServer('hub, log level warn', hubArgs(hubMain, warnConfig, warnPort!), warnPort!);
  servers.push(hubWarn);
  const hubInfo: Target = await startServer(
    'hub, info lines to a file',
    hubArgs(hubMain, infoConfig, infoPort!),
    infoPort!,
  );
  servers.push(hubInfo);
  const ok = '{"status":"ok","crossed":[]}';
  hubWarn.expectBody = ok;
  hubInfo.expectBody = ok;

  for (let round = 1; round <= ROUNDS; round++) {
    for (const server of servers) {
      await load(server, WARMUP);
      rows.push({ server: server.name, round, result: await load(server, SECONDS) });
    }
  }

  // Nothing may have been queued: the payload is under the default thresholds.
  for (const hub of [hubWarn, hubInfo]) {
    const health = (await (await fetch(`${hub.url}/health`)).json()) as { outbox: { pending: number; dead: number } };
    if (health.outbox.pending + health.outbox.dead !== 0) {
      throw new Error(`${hub.name} queued something: ${JSON.stringify(health.outbox)}`);
    }
  }
} finally {
  await Promise.all(servers.map(stopServer));
  rmSync(dir, { recursive: true, force: true });
}

// --- report --------------------------------------------------------------------------------------------------------
const table = [
  ['server', 'round', ...LOAD_COLUMNS],
  ...rows.map(({ server, round, result }) => [server, String(round), ...loadCells(result)]),
];
console.log(`machine: ${await machine()}`);
console.log(loadAverageLine('other processes share the cores'));
console.log(
  `POST /sysinfo (original client payload, ${body.length} bytes, under thresholds, from ${HOSTS} host(s)), ${CONNECTIONS} connections, ` +
    `loopback, ${SECONDS} s per run after ${WARMUP} s warm-up, ${ROUNDS} rounds alternating; ` +
    'each server and the load generator (autocannon, this process) in separate processes',
);
for (const row of formatTable(table)) console.log(row);

const of = (name: string) => rows.filter((r) => r.server === name).map((r) => r.result);
const rate = (results: AutocannonResult[]) =>
  results.reduce((sum, r) => sum + r.requests.total, 0) / results.reduce((sum, r) => sum + r.duration, 0);
const bareRate = rate(of('bare Hono echo'));
const failures = rows.reduce((sum, { result: r }) => sum + r.errors + r.timeouts + r.non2xx + r.mismatches, 0);
let failed = failures > 0;
if (failures > 0) console.log(`FAIL: ${failures} requests failed or answered something else than expected`);
for (const name of ['hub, log level warn', 'hub, info lines to a file']) {
  const results = of(name);
  const ratio = rate(results) / bareRate;
  const p99 = Math.max(...results.map((r) => r.latency.p99));
  const ratioPass = ratio >= TARGET_RATIO;
  const p99Pass = p99 < TARGET_P99_MS;
  failed ||= !ratioPass || !p99Pass;
  console.log(
    `${name}: ${fmt(rate(results), 0)} req/s vs bare ${fmt(bareRate, 0)} req/s, ratio ${fmt(ratio, 2)} ` +
      `(target >= ${TARGET_RATIO}): ${ratioPass ? 'PASS' : 'FAIL'}`,
  );
  console.log(
    `${name}: p99 ${fmt(p99, 0)} ms, worst of ${results.length} runs (median of runs ${fmt(median(results.map((r) => r.latency.p99)), 0)} ms) ` +
      `(target < ${TARGET_P99_MS} ms): ${p99Pass ? 'PASS' : 'FAIL'}`,
  );
}
process.exitCode = failed ? 1 : 0;
