// Hub memory: the resident size of a hub process after 100 000 reports from 1 000 distinct hosts.
//
//   node bench/hub-memory.ts [--reports 100000] [--hosts 1000] [--connections 32] [--idle 5] [--hub PATH]
//                            [--mode every_report|lifecycle] [--no-history]
//
// The hub is started as users run it (`node apps/hub/src/main.ts --config ... --port ...`, logger level warn), with
// dry_run false, an access token and a Mastodon server that refuses connections: the worker's first post fails and
// waits, and everything that crosses a threshold stays in the outbox, so the store grows during the run (the worst
// case for a hub whose server is unreachable). Host n sends, in turn, the
// original client's legacy payload (`{"sys_data": ...}` with its own hostname) and a v2 report with one disk and one
// interface; every 50th report has cpu_percent 95 (over the default 80) and is queued, the rest are under the
// default thresholds. The load generator (autocannon, 32 connections) runs in this process, the hub in its own.
// VmRSS and VmHWM come from /proc/<hub pid>/status: before the load, and after it plus a short idle.
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

const REPORTS = option('--reports', 100_000);
const HOSTS = option('--hosts', 1000);
const CONNECTIONS = option('--connections', 32);
const IDLE_S = option('--idle', 5);
const CROSS_EVERY = 50;
/** 150 MB, in MiB (the figures /proc gives are KiB). */
const TARGET_RSS_MIB = 150e6 / 2 ** 20;

const MODE = args.includes('--mode') ? args[args.indexOf('--mode') + 1] : 'every_report';
if (MODE !== 'every_report' && MODE !== 'lifecycle') throw new Error('--mode must be every_report or lifecycle');
const hubMain = args.includes('--hub') ? args[args.indexOf('--hub') + 1]! : join(root, 'apps/hub/src/main.ts');
const dir = mkdtempSync(join(tmpdir(), 'janitor-bench-hub-memory-'));
const legacy = (JSON.parse(goldens.remote_client_request.body) as { sys_data: Record<string, number | string> })
  .sys_data;

/** Report number n: host n % HOSTS, legacy and v2 in turn for each host, every CROSS_EVERY-th over a threshold. */
function report(n: number): string {
  const hostname = `host-${String(n % HOSTS).padStart(4, '0')}`;
  const cpu = n % CROSS_EVERY === 0 ? 95 : 10 + (n % 600) / 10;
  if (Math.floor(n / HOSTS) % 2 === 0) return JSON.stringify({ sys_data: { ...legacy, hostname, cpu_percent: cpu } });
  return JSON.stringify({
    version: 2,
    sample: {
      hostname,
      collectedAtMs: Date.now(),
      metrics: {
        cpu_percent: cpu,
        cpu_count: 4,
        memory_total: 8_000_000_000,
        memory_used: 2_000_000_000,
        memory_avail: 6_000_000_000,
        memory_free: 5_000_000_000,
        memory_percent: 25,
        load_1: 0.4,
        uptime_seconds: 86_400 + n,
      },
      disks: [
        {
          mount: '/',
          device: '/dev/sda1',
          fsType: 'ext4',
          totalBytes: 100e9,
          usedBytes: 30e9,
          freeBytes: 70e9,
          usedPercent: 30,
        },
      ],
      network: [{ iface: 'eth0', rxBytesPerSecond: 1200 + n, txBytesPerSecond: 800 }],
    },
  });
}

/** VmRSS and VmHWM of a process, in MiB, and VmRSS's parts (anonymous memory, mapped files, shared memory). */
function memory(pid: number): { rssMiB: number; hwmMiB: number; parts: string } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  const parts = `anon ${fmt(kb('RssAnon') / 1024)}, file ${fmt(kb('RssFile') / 1024)}, shmem ${fmt(kb('RssShmem') / 1024)}`;
  return { rssMiB: kb('VmRSS') / 1024, hwmMiB: kb('VmHWM') / 1024, parts };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let hub: Server | undefined;
let before: ReturnType<typeof memory>;
let afterLoad: ReturnType<typeof memory>;
let result: AutocannonResult;
let queuedAnswers = 0;
let outbox: { pending: number; dead: number };
let publisher: string;
try {
  const port = await freePort();
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      `app: { run_control: { dry_run: false }, state_dir: ${JSON.stringify(join(dir, 'state'))} }`,
      // A server that refuses connections (the discard port, closed): the posts wait in the outbox. (Without
      // credentials the hub would run dry and keep none of them.) No pacing: the backlog is not merged per host.
      'mastodon: { api_base_url: "http://127.0.0.1:9", status_post: { pacing: false } }',
      'logger: { loglevel: warn }',
      // every_report (the default here): the original's behaviour, a post for every report over a limit, the most
      // the outbox can be asked to hold; lifecycle: the hub's own default, a post when an alert starts or ends.
      `alerting: { mode: ${MODE} }`,
      // --no-history: the same hub keeping no history, to see the history's share.
      ...(args.includes('--no-history') ? ['history: { enabled: false }'] : []),
    ].join('\n'),
  );
  const env = { ...process.env, JANITOR_MASTODON_ACCESS_TOKEN: 'bench-token-never-used' };
  hub = await startServer('the hub', hubArgs(hubMain, config, port), port, { env });
  await sleep(1000);
  before = memory(hub.child.pid!);

  let next = 0;
  result = await autocannon({
    url: `${hub.url}/sysinfo`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections: CONNECTIONS,
    amount: REPORTS,
    timeout: 30,
    requests: [
      {
        setupRequest: (request: { body?: string }) => {
          request.body = report(next++);
          return request;
        },
        onResponse: (status: number, body: string) => {
          if (status === 200 && body.startsWith('{"status":"queued"')) queuedAnswers++;
        },
      },
    ],
  });
  await sleep(IDLE_S * 1000);
  afterLoad = memory(hub.child.pid!);
  const health = (await (await fetch(`${hub.url}/health`)).json()) as {
    publisher: string;
    outbox: { pending: number; dead: number };
  };
  outbox = health.outbox;
  publisher = health.publisher;
} finally {
  if (hub) await stopServer(hub);
  rmSync(dir, { recursive: true, force: true });
}

// --- report --------------------------------------------------------------------------------------------------------
const table = [
  ['when', 'VmRSS MiB', 'VmHWM MiB', 'VmRSS parts, MiB'],
  ['started, 1 s idle', fmt(before.rssMiB), fmt(before.hwmMiB), before.parts],
  [
    `after ${result.requests.total} reports, ${IDLE_S} s idle`,
    fmt(afterLoad.rssMiB),
    fmt(afterLoad.hwmMiB),
    afterLoad.parts,
  ],
];
console.log(`machine: ${await machine()}`);
console.log(loadAverageLine('other processes share the cores'));
console.log(
  `POST /sysinfo: ${REPORTS} reports from ${HOSTS} hosts (legacy and v2 in turn), 1 in ${CROSS_EVERY} over a ` +
    `threshold; alerting mode ${MODE}; its Mastodon server refusing connections (publisher ${publisher}), so queued reports stay in the outbox; ${CONNECTIONS} ` +
    'connections; the hub and the load generator (autocannon, this process) in separate processes',
);
console.log(
  `load: ${fmt(result.requests.total / result.duration, 0)} req/s, p50 ${fmt(result.latency.p50, 0)} ms, ` +
    `p99 ${fmt(result.latency.p99, 0)} ms, errors ${result.errors + result.timeouts}, non-2xx ${result.non2xx}; ` +
    `${queuedAnswers} answered queued, outbox ${JSON.stringify(outbox)}`,
);
for (const row of formatTable(table)) console.log(row);

const complete =
  result.requests.total === REPORTS &&
  result.errors + result.timeouts + result.non2xx === 0 &&
  // every_report: each crossing report is a post. lifecycle: the hosts whose reports cross fire once each.
  (MODE === 'every_report' ? queuedAnswers === REPORTS / CROSS_EVERY : queuedAnswers > 0) &&
  outbox.pending === queuedAnswers;
const pass = afterLoad.rssMiB < TARGET_RSS_MIB;
console.log(
  `every report answered 200 and every crossing one queued: ${complete ? 'PASS' : 'FAIL'} ` +
    `(${queuedAnswers} queued, ${outbox.pending} pending, expected ${MODE === 'every_report' ? REPORTS / CROSS_EVERY : 'some'})`,
);
console.log(
  `hub VmRSS after the load ${fmt(afterLoad.rssMiB)} MiB (peak VmHWM ${fmt(afterLoad.hwmMiB)} MiB) ` +
    `(target < 150 MB = ${fmt(TARGET_RSS_MIB)} MiB): ${pass ? 'PASS' : 'FAIL'}`,
);
process.exitCode = complete && pass ? 0 : 1;
