// Hub ingest with many rules: `POST /sysinfo` (the original client's payload) against two hubs started as users run
// them (`node apps/hub/src/main.ts --config ... --port ...`, dry run, log level warn), one with the 3 default rules,
// one with 20 rules (levels, `for`, `clear`, `<` rules, per-mount rules, metrics the payload does not carry), IN THE
// SAME RUN, alternating. Every report goes through the alert lifecycle (evaluateHost against the host's states).
//
//   node bench/hub-rules.ts [--seconds 8] [--warmup 2] [--rounds 3] [--connections 32] [--crossing]
//
// --crossing: the CPU in the payload is over its limit (91.2), so every report after the first meets a firing
// alert (its state changes at every report, its post is due once): the lifecycle's steady state of a real alert.
//
// Target: ingest throughput with 20 rules at least 0.9 of the throughput with 3. Two figures say it: the measured
// req/s (all rounds together), and the server's capacity, requests per CPU second of the hub process (from
// /proc/PID/stat around each run). Throughput at 32 connections is what one core of the hub can do, so the two agree
// on a quiet machine; on this shared 2-core VM req/s moves by +-30 % between runs (see BENCHMARKS.md) while CPU time
// per request hardly does, so the exit code follows the capacity ratio and both are printed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goldens } from '../packages/testkit/src/index.ts';
import {
  type AutocannonResult,
  args,
  autocannon,
  freePort,
  hubArgs,
  loadAverageLine,
  option,
  root,
  type Server,
  startServer,
  stopServer,
} from './hub-harness.ts';
import { fmt, formatTable, machine } from './stats.ts';

const SECONDS = option('--seconds', 8);
const WARMUP = option('--warmup', 2);
const ROUNDS = option('--rounds', 3);
const CONNECTIONS = option('--connections', 32);
const CROSSING = args.includes('--crossing');
const TARGET_RATIO = 0.9;
const hubMain = join(root, 'apps/hub/src/main.ts');

const body = CROSSING
  ? goldens.remote_client_request.body.replace('"cpu_percent": 26.8', '"cpu_percent": 91.2')
  : goldens.remote_client_request.body;
if (CROSSING && body === goldens.remote_client_request.body) throw new Error('the payload has no cpu_percent 26.8');

/** 20 rules in config.yaml form; none crossed by the original client's payload (CPU 26.8 %, disk 23.1 %). */
const TWENTY_RULES = {
  cpu_percent: { levels: { warning: 80, alarm: 95 }, for: '2m', repeat: '2h' }, // 2
  cpu_count: { value: 64, message_type: 'info' }, // 1
  memory_percent: [
    { value: 85, message_type: 'warning', for: '5m' },
    { value: 95, message_type: 'alarm' },
  ], // 2
  memory_avail: { value: 104857600, operator: '<', message_type: 'error' }, // 1
  memory_free: { value: 52428800, operator: '<', message_type: 'warning', clear: 104857600 }, // 1
  memory_used: { value: 32212254720, message_type: 'warning' }, // 1
  memory_total: { value: 1073741824, operator: '<', message_type: 'info' }, // 1
  disk_usage_percent: [
    { value: 80, message_type: 'warning', mount: '*' },
    { value: 95, message_type: 'alarm', mount: '*' },
    { value: 90, message_type: 'alarm', clear: 85 },
  ], // 3
  disk_usage_free: [
    { value: 1073741824, operator: '<', message_type: 'error' },
    { value: 5368709120, operator: '<', message_type: 'warning' },
  ], // 2
  disk_usage_used: { value: 966367641600, message_type: 'warning' }, // 1
  disk_usage_total: { value: 10737418240, operator: '<', message_type: 'info' }, // 1
  load_1: { value: 4, message_type: 'warning', for: '10m' }, // 1
  swap_percent: { value: 50, message_type: 'warning' }, // 1
  cpu_temperature: { value: 80, message_type: 'error' }, // 1
  net_rx_bytes_per_second: { value: 104857600, message_type: 'info' }, // 1
};

const dir = mkdtempSync(join(tmpdir(), 'janitor-bench-hub-rules-'));

async function startHub(name: string, thresholds: unknown): Promise<Server> {
  const port = await freePort();
  const config = join(dir, `${name.replace(/\W+/g, '-')}.yaml`);
  // JSON is YAML.
  writeFileSync(
    config,
    JSON.stringify({
      app: { run_control: { dry_run: true }, state_dir: join(dir, `${port}-state`) },
      logger: { loglevel: 'warn' },
      ...(thresholds === undefined ? {} : { system_info: { thresholds } }),
    }),
  );
  return startServer(name, hubArgs(hubMain, config, port), port);
}

/** CPU time (user + system) of a process so far, in ms, from /proc; undefined where there is no /proc. */
function cpuMs(pid: number | undefined): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, inside parentheses): utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10 : undefined; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

const load = (server: Server, seconds: number) =>
  autocannon({
    url: `${server.url}/sysinfo`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: CONNECTIONS,
    duration: seconds,
  });

const servers: Server[] = [];
const rows: { server: string; round: number; result: AutocannonResult; cpuMs: number | undefined }[] = [];
const queued: Record<string, number> = {};
try {
  servers.push(await startHub('3 default rules', undefined));
  servers.push(await startHub('20 rules', TWENTY_RULES));
  for (let round = 1; round <= ROUNDS; round++) {
    // Alternate which goes first, so that machine drift does not favour one.
    const order = round % 2 === 1 ? servers : [...servers].reverse();
    for (const server of order) {
      await load(server, WARMUP);
      const before = cpuMs(server.child.pid);
      const result = await load(server, SECONDS);
      const after = cpuMs(server.child.pid);
      rows.push({
        server: server.name,
        round,
        result,
        cpuMs: before === undefined || after === undefined ? undefined : after - before,
      });
    }
  }
  for (const server of servers) {
    const health = (await (await fetch(`${server.url}/health`)).json()) as { outbox: { pending: number } };
    queued[server.name] = health.outbox.pending;
  }
} finally {
  await Promise.all(servers.map(stopServer));
  rmSync(dir, { recursive: true, force: true });
}

const table = [
  ['hub', 'round', 'req/s', 'CPU µs/req', 'p50 ms', 'p99 ms', 'errors', 'non-2xx'],
  ...rows.map(({ server, round, result: r, cpuMs: cpu }) => [
    server,
    String(round),
    fmt(r.requests.total / r.duration, 0),
    cpu === undefined ? 'n/a' : fmt((cpu * 1000) / r.requests.total, 1),
    fmt(r.latency.p50, 0),
    fmt(r.latency.p99, 0),
    String(r.errors + r.timeouts),
    String(r.non2xx),
  ]),
];
console.log(`machine: ${await machine()}`);
console.log(loadAverageLine());
console.log(
  `POST /sysinfo (original client payload${CROSSING ? ', CPU over its limit' : ', under every limit'}), ` +
    `${CONNECTIONS} connections, loopback, ${SECONDS} s per run after ${WARMUP} s warm-up, ${ROUNDS} rounds alternating`,
);
for (const row of formatTable(table)) console.log(row);
console.log(
  `posts queued: ${Object.entries(queued)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ')}`,
);

const rate = (name: string) => {
  const results = rows.filter((r) => r.server === name).map((r) => r.result);
  return results.reduce((sum, r) => sum + r.requests.total, 0) / results.reduce((sum, r) => sum + r.duration, 0);
};
/** Requests per CPU second of the hub process, over every round. */
const capacity = (name: string) => {
  const mine = rows.filter((r) => r.server === name);
  if (mine.some((r) => r.cpuMs === undefined)) return Number.NaN;
  return (
    mine.reduce((sum, r) => sum + r.result.requests.total, 0) / (mine.reduce((sum, r) => sum + r.cpuMs!, 0) / 1000)
  );
};
const failures = rows.reduce((sum, { result: r }) => sum + r.errors + r.timeouts + r.non2xx, 0);
if (failures > 0) console.log(`FAIL: ${failures} requests failed`);
const ratio = rate('20 rules') / rate('3 default rules');
console.log(
  `throughput: 20 rules ${fmt(rate('20 rules'), 0)} req/s vs 3 rules ${fmt(rate('3 default rules'), 0)} req/s, ` +
    `ratio ${fmt(ratio, 3)} (target >= ${TARGET_RATIO}): ${ratio >= TARGET_RATIO ? 'PASS' : 'FAIL'}`,
);
const capacityRatio = capacity('20 rules') / capacity('3 default rules');
const capacityPass = Number.isNaN(capacityRatio) ? ratio >= TARGET_RATIO : capacityRatio >= TARGET_RATIO;
console.log(
  `capacity (requests per CPU second of the hub): 20 rules ${fmt(capacity('20 rules'), 0)} vs 3 rules ` +
    `${fmt(capacity('3 default rules'), 0)}, ratio ${fmt(capacityRatio, 3)} (target >= ${TARGET_RATIO}): ` +
    `${capacityPass ? 'PASS' : 'FAIL'}`,
);
process.exitCode = capacityPass && failures === 0 ? 0 : 1;
