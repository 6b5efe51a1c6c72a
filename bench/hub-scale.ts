// Hub scale: the hub driven the way a real fleet loads it, at a FIXED rate from many distinct hostnames (keep-alive,
// dry run, log level warn, history on), long enough to include the silent-host checks (every 30 s) and the history
// upkeep (every minute). Reports hub CPU per report (and by thread), latency p50/p99/p99.9/max, the event loop's
// longest stall and the garbage collections (measured in the hub by a preloaded probe, over the measured window only),
// RSS, and the store's size per host.
//
//   node bench/hub-scale.ts [--hosts 10000] [--rate 167] [--seconds 150] [--warmup 20] [--connections 64] [--hub PATH]
//                           [--restart] [--echo] [--pin-load] [--same-priority]
//
// The load is paced and open loop (bench/paced-load.ts): report n is due at start + n / rate, evenly spaced, and
// sent when due whatever the hub did with the earlier ones, as agents reporting on their own clocks do; its latency
// counts from that due time. autocannon's `overallRate` is not used: it lets each connection send as fast as it can
// until its quota for the current second is used and then idle until the next second, so "167/s" arrives as a burst
// at the start of every second; and its coordinated-omission correction records each answer with an expected
// interval of ceil(1 / rate) = 1 ms, i.e. an answer that took T ms adds T - 1 synthetic samples (hundreds per slow
// answer), which swamps p99. The generator's own lateness (a send behind its due time) and its achieved send rate
// are printed, so a run where the client, not the hub, was the limit shows.
//
// Hosts report in turn (host i at every HOSTS/rate seconds); even hosts send the original's {"sys_data": ...}, odd
// ones the v2 report. 3 % of the hosts cross the CPU limit on every other pass, so alerts fire and resolve. A bare
// `node -e 0` start is timed in the same run as the reference for the restart figure: `--restart` then restarts the
// hub on the store it filled and times how long until it listens. `--echo` then runs the same load against the bare
// Hono echo (the reference of the hub's benchmarks) and reports its CPU: what HTTP alone costs at this rate.
// Once the hub (and the echo) run, the bench's own threads, the load generator's, take the lowest priority (nice 19):
// on this 2-core machine the generator's thread, woken by every answer, would otherwise take the core the hub's main
// thread waits for (a hub's agents are other machines). The servers started later (`--restart`'s hub and its
// reference, the bare `node -e 0`) inherit it. `--same-priority` leaves every thread at the priority it started with.
// `--pin-load` pins the load generator (this process's main thread) to the first CPU and starts the hub (and the echo)
// on all of them, to see what the generator's thread, woken by every answer, costs the hub on a 2-core machine.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goldens } from '../packages/testkit/src/index.ts';
import {
  args,
  freePort,
  hubArgs,
  hubMain,
  loadAverageLine,
  nodeCommand,
  option,
  pinLoadGenerator,
  type Server,
  startBareEcho,
  startServer,
  stopServer,
  writeHubConfig,
  yieldToServers,
} from './hub-harness.ts';
import { type PacedLoadResult, pacedLoad } from './paced-load.ts';
import { fmt, machine } from './stats.ts';

const HOSTS = option('--hosts', 10_000);
const RATE = option('--rate', 167);
const SECONDS = option('--seconds', 150);
const WARMUP = option('--warmup', 20);
const CONNECTIONS = option('--connections', 64);
const CROSSING_SHARE = 0.03;
const dir = mkdtempSync(join(tmpdir(), 'janitor-bench-hub-scale-'));
const probeOut = join(dir, 'probe.jsonl');
const probe = join(dir, 'stall-probe.mjs');
writeFileSync(
  probe,
  `import { monitorEventLoopDelay, PerformanceObserver, constants } from 'node:perf_hooks';
import { appendFileSync } from 'node:fs';
const h = monitorEventLoopDelay({ resolution: 5 });
h.enable();
// Garbage collections, by kind: how many, their total and longest pause.
const kinds = { [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major', [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak' };
let gc = {};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = kinds[e.detail?.kind] ?? 'other';
    const g = (gc[kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
    g.count++; g.totalMs += e.duration; g.maxMs = Math.max(g.maxMs, e.duration);
  }
}).observe({ entryTypes: ['gc'] });
// The first SIGUSR2 starts the measured window, the second ends it (the figures are written then, not at exit: the
// hub's shutdown writes what it kept in memory, which is not what a running hub makes a report wait for).
let signals = 0;
const write = () => appendFileSync(${JSON.stringify(probeOut)},
  JSON.stringify({ maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6, meanMs: h.mean / 1e6, gc }) + '\\n');
process.on('SIGUSR2', () => {
  if (++signals === 1) { h.reset(); gc = {}; } else write();
});
process.on('exit', () => { if (signals < 2) write(); });
`,
);

const legacy = (JSON.parse(goldens.remote_client_request.body) as { sys_data: Record<string, number | string> })
  .sys_data;
const crossing = (host: number) => host % Math.round(1 / CROSSING_SHARE) === 0;

let sent = 0;
/** The n-th report: host n % HOSTS; pass n / HOSTS decides whether a crossing host is over its limit. */
function report(n: number): string {
  const host = n % HOSTS;
  const hostname = `host-${String(host).padStart(6, '0')}`;
  const pass = Math.floor(n / HOSTS);
  const cpu = crossing(host) && pass % 2 === 0 ? 95 : 10 + (n % 300) / 10;
  if (host % 2 === 0) return JSON.stringify({ sys_data: { ...legacy, hostname, cpu_percent: cpu } });
  return JSON.stringify({
    version: 2,
    sample: {
      hostname,
      collectedAtMs: Date.now(),
      metrics: { cpu_percent: cpu, memory_percent: 25, memory_total: 8e9, memory_used: 2e9, load_1: 0.4 },
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
      network: [{ iface: 'eth0', rxBytesPerSecond: 1200, txBytesPerSecond: 800 }],
    },
  });
}

/** user + system CPU ticks of a process (in all, and by thread name: `MainThread`, `V8Worker`, `libuv-worker`...), and its VmRSS in MiB. */
function usage(pid: number): { ticks: number; byThread: Map<string, number>; rssMiB: number } {
  const ticksOf = (stat: string) => {
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  };
  const byThread = new Map<string, number>();
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${task}/comm`, 'utf8').trim();
      const ticks = ticksOf(readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8'));
      byThread.set(name, (byThread.get(name) ?? 0) + ticks);
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN);
  return { ticks: ticksOf(readFileSync(`/proc/${pid}/stat`, 'utf8')), byThread, rssMiB: rssKb / 1024 };
}

/** `MainThread 12.1 %, V8Worker 3.2 %, ...`: each kind of thread's share of one core between two usages. */
function threadShares(before: Map<string, number>, after: Map<string, number>, seconds: number): string {
  return [...after]
    .map(([name, ticks]) => [name, (ticks - (before.get(name) ?? 0)) / TICKS_PER_S / seconds] as const)
    .filter(([, share]) => share >= 0.001)
    .sort((a, b) => b[1] - a[1])
    .map(([name, share]) => `${name} ${fmt(share * 100)} %`)
    .join(', ');
}
const TICKS_PER_S = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** Paced open-loop load for `seconds`; report numbers go on from the previous run's. */
async function load(server: Server, seconds: number): Promise<PacedLoadResult> {
  const first = sent;
  const result = await pacedLoad({
    url: `${server.url}/sysinfo`,
    rate: RATE,
    seconds,
    connections: CONNECTIONS,
    timeoutMs: 10_000,
    body: (n) => report(first + n),
  });
  sent += result.sent;
  return result;
}

const storeBytes = () =>
  ['janitor.db', 'janitor.db-wal'].reduce((n, f) => {
    try {
      return n + statSync(join(dir, 'state', f)).size;
    } catch {
      return n;
    }
  }, 0);

const PIN_LOAD = args.includes('--pin-load');
if (PIN_LOAD) pinLoadGenerator();

const SAME_PRIORITY = args.includes('--same-priority');

let hub: Server | undefined;
// --echo: the reference, the bare Hono echo, started with the hub (so that both keep the normal priority) and loaded
// after it.
let echo: Server | undefined;
try {
  const port = await freePort();
  const config = writeHubConfig(dir, ['alerting: { default_for: 0 }']);
  hub = await startServer('hub', ['--import', probe, ...hubArgs(hubMain, config, port)], port);
  if (args.includes('--echo')) echo = await startBareEcho(await freePort());
  if (!SAME_PRIORITY) yieldToServers();
  const pid = hub.child.pid!;
  const warm = await load(hub, WARMUP);
  hub.child.kill('SIGUSR2');
  const before = usage(pid);
  const result = await load(hub, SECONDS);
  const after = usage(pid);
  hub.child.kill('SIGUSR2');
  const cpuS = (after.ticks - before.ticks) / TICKS_PER_S;
  const reports = result.answered;
  const durationS = result.durationS;
  const hostsSeen = Math.min(HOSTS, sent);
  const bytes = storeBytes();
  await stopServer(hub);
  const stall = JSON.parse(readFileSync(probeOut, 'utf8').trim().split('\n')[0]!) as {
    maxMs: number;
    p99Ms: number;
    gc: Record<string, { count: number; totalMs: number; maxMs: number }>;
  };
  hub = undefined;

  let restart = '';
  if (args.includes('--restart')) {
    const bare = timeStart(...nodeCommand(['-e', '0']));
    const port2 = await freePort();
    const t0 = performance.now();
    const again = await startServer('hub (restart)', hubArgs(hubMain, config, port2), port2);
    const listenMs = performance.now() - t0;
    await stopServer(again);
    restart = `restart on the filled store (${hostsSeen} hosts): listening after ${fmt(listenMs)} ms (bare node start ${fmt(await bare)} ms)`;
  }

  // --echo: the reference, the bare Hono echo under the same paced load (its warm-up, then its measured window).
  let reference = '';
  if (echo) {
    await load(echo, Math.min(WARMUP, 20));
    const echoBefore = usage(echo.child.pid!);
    const echoResult = await load(echo, SECONDS);
    const echoS = (usage(echo.child.pid!).ticks - echoBefore.ticks) / TICKS_PER_S;
    reference = `reference, the bare Hono echo under the same load: CPU ${fmt((echoS / echoResult.durationS) * 100)} % of one core, ${fmt((echoS * 1e6) / Math.max(1, echoResult.answered))} µs per report, latency p99 ${echoResult.latency.p99} ms`;
    await stopServer(echo);
    echo = undefined;
  }

  console.log(`machine: ${await machine()}`);
  console.log(loadAverageLine());
  console.log(
    `${HOSTS} hosts at ${RATE} reports/s (paced open-loop load, evenly spaced), ${CONNECTIONS} connections, ${SECONDS} s measured after ${WARMUP} s of warm-up; legacy and v2 in turn, ${CROSSING_SHARE * 100} % of hosts crossing on every other pass; dry run, log level warn, history on${PIN_LOAD ? '; the load generator pinned to CPU 0, the hub on all CPUs' : ''}; ${SAME_PRIORITY ? 'the load generator at the priority of the hub' : 'the load generator at the lowest priority (nice 19)'}`,
  );
  console.log(
    [
      `reports answered: ${reports} (${fmt(reports / durationS)}/s over ${fmt(durationS, 2)} s, last answer included), non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}${result.firstError ? ` (first error: ${result.firstError})` : ''}`,
      `load generator: sent ${result.sent} at ${fmt(result.sendRate)}/s (target ${RATE}/s); a send's lateness behind its due time p50 ${result.lag.p50} ms, p99 ${result.lag.p99} ms, max ${result.lag.max} ms`,
      `latency (due time to response end): p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, p99.9 ${result.latency.p999} ms, max ${result.latency.max} ms`,
      `service (socket assigned to response end): p50 ${result.service.p50} ms, p99 ${result.service.p99} ms, p99.9 ${result.service.p999} ms, max ${result.service.max} ms`,
      `hub CPU: ${fmt((cpuS / durationS) * 100)} % of one core, ${fmt((cpuS * 1e6) / Math.max(1, reports))} µs per report (by thread: ${threadShares(before.byThread, after.byThread, durationS)})`,
      `event loop: longest stall ${fmt(stall.maxMs)} ms, p99 delay ${fmt(stall.p99Ms)} ms (monitorEventLoopDelay, 5 ms resolution)`,
      `garbage collection: ${Object.entries(stall.gc)
        .map(([kind, g]) => `${kind} ${g.count}×, ${fmt(g.totalMs)} ms in all, longest ${fmt(g.maxMs)} ms`)
        .join('; ')}`,
      `RSS after the load: ${fmt(after.rssMiB)} MiB`,
      `store: ${fmt(bytes / 2 ** 20)} MiB for ${hostsSeen} hosts (${fmt(bytes / hostsSeen / 1024)} KiB per host after ${fmt((reports + warm.answered) / hostsSeen)} reports each)`,
      ...(restart ? [restart] : []),
      ...(reference ? [reference] : []),
    ].join('\n'),
  );
} finally {
  if (hub) await stopServer(hub);
  if (echo) await stopServer(echo);
  rmSync(dir, { recursive: true, force: true });
}

/** How long `command args` takes from spawn to exit, in ms. */
function timeStart(command: string, ...commandArgs: string[]): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', () => resolve(performance.now() - t0));
  });
}
