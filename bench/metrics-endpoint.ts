// GET /metrics on a hub with many hosts: how long a scrape takes, and what a scrape every second costs the ingest.
//
//   node bench/metrics-endpoint.ts [--hosts 1000] [--scrapes 200] [--gap-ms 0] [--seconds 10] [--warmup 2]
//                                  [--rounds 2] [--connections 32] [--hub PATH]
//
// The hub runs as users run it (`node apps/hub/src/main.ts --config ... --port ...`, dry run, log level warn, the
// history on). It is filled with one v2 report per host (20 series each: 14 flat metrics, one filesystem, one
// interface; one host in ten over its CPU limit, so that alerts fire), then:
// (a) scrape latency: `GET /metrics` one at a time, `--scrapes` times after 10 discarded, in the text format, then a
//     quarter as many in OpenMetrics; times are the client's (`node:http`), from the request to the last byte;
// (b) ingest with scrapes: the original client's `POST /sysinfo` payload at 32 connections (as hub-ingest), against
//     the bare Hono JSON echo of the same run, the hub once without scrapes and once with a scrape every second
//     running; the runs alternate (bare, hub, hub + scrapes, ...), each after a warm-up run of its own.
// The load generator and the scraper run in this process; each server is its own process.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goldens } from '../packages/testkit/src/index.ts';
import {
  type AutocannonResult,
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
  writeHubConfig,
} from './hub-harness.ts';
import { fmt, formatTable, machine, median, percentile } from './stats.ts';

const HOSTS = option('--hosts', 1000);
const SCRAPES = option('--scrapes', 200);
const SECONDS = option('--seconds', 10);
const WARMUP = option('--warmup', 2);
const ROUNDS = option('--rounds', 2);
const CONNECTIONS = option('--connections', 32);
/** A pause between two scrapes of (a), as between a scraper's periodic scrapes; 0: back to back. */
const GAP_MS = option('--gap-ms', 0);
const TARGET_P99_MS = 50;
const TARGET_RATIO = 0.7;
const OPENMETRICS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

const dir = mkdtempSync(join(tmpdir(), 'janitor-bench-metrics-endpoint-'));
const body = goldens.remote_client_request.body;

/** Host i's report: 20 series (14 flat metrics, 4 of the filesystem, 2 of the interface). */
function report(i: number, atMs: number): string {
  return JSON.stringify({
    version: 2,
    sample: {
      hostname: `host-${String(i).padStart(4, '0')}`,
      collectedAtMs: atMs,
      metrics: {
        cpu_percent: i % 10 === 0 ? 91 : 5 + (i % 50),
        cpu_count: 4,
        memory_total: 8e9,
        memory_avail: 3e9,
        memory_used: 5e9,
        memory_percent: 62.5,
        disk_usage_percent: 41,
        load_1: 0.5,
        load_5: 0.4,
        load_15: 0.3,
        swap_percent: 0,
        uptime_seconds: 86_400 + i,
        net_rx_bytes_per_second: 1000 + i,
        net_tx_bytes_per_second: 200 + i,
      },
      disks: [
        {
          mount: '/',
          device: '/dev/mmcblk0p2',
          fsType: 'ext4',
          totalBytes: 64e9,
          usedBytes: 26e9,
          freeBytes: 38e9,
          usedPercent: 41,
        },
      ],
      network: [{ iface: 'eth0', rxBytesPerSecond: 1000 + i, txBytesPerSecond: 200 + i }],
    },
  });
}

/**
 * One scrape over `node:http` (a light client, as Prometheus' is: undici's fetch and its text decoding would add
 * their own milliseconds): the time from the request to the last byte, the body's size, and the body when `keep`.
 */
function scrape(url: string, options: { accept?: string; keep?: boolean } = {}): Promise<ScrapeResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      `${url}/metrics`,
      { headers: options.accept ? { accept: options.accept } : {}, timeout: 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (options.keep) chunks.push(chunk);
        });
        res.on('end', () => {
          const ms = performance.now() - started;
          if (res.statusCode !== 200) reject(new Error(`GET /metrics: ${res.statusCode}`));
          else resolve({ ms, bytes, text: options.keep ? Buffer.concat(chunks).toString('utf8') : '' });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('GET /metrics: no answer within 10 s')));
    req.on('error', reject);
    req.end();
  });
}

interface ScrapeResult {
  ms: number;
  bytes: number;
  text: string;
}

function load(server: Server, seconds: number): Promise<AutocannonResult> {
  return autocannon({
    url: `${server.url}/sysinfo`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: CONNECTIONS,
    duration: seconds,
  });
}

/** Scrapes `url` every second until stopped; the scrapes' times. */
function scrapeEverySecond(url: string): { stop(): Promise<number[]> } {
  const times: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const next = performance.now() + 1000;
      times.push((await scrape(url)).ms);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return times;
    },
  };
}

const servers: Server[] = [];
const rows: { server: string; round: number; result: AutocannonResult; scrapesMs?: number[] }[] = [];
const textTimes: number[] = [];
const omTimes: number[] = [];
let textBytes = 0;
let omBytes = 0;
let series = 0;
let firing = 0;
let fillSeconds = 0;
try {
  const [barePort, hubPort] = [await freePort(), await freePort()];
  const bare = await startBareEcho(barePort!);
  servers.push(bare);
  const config = writeHubConfig(dir, [], 'hub.yaml');
  const hub = await startServer('hub', hubArgs(hubMain, config, hubPort!), hubPort!);
  servers.push(hub);

  // Fill: one report per host, 16 at a time.
  const fillStarted = performance.now();
  const now = Date.now();
  let next = 1;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next <= HOSTS) {
        const i = next++;
        const res = await fetch(`${hub.url}/sysinfo`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: report(i, now - 1000),
        });
        if (res.status !== 200) throw new Error(`report of host ${i}: ${res.status} ${await res.text()}`);
      }
    }),
  );
  fillSeconds = (performance.now() - fillStarted) / 1000;

  // (a) scrape latency, one at a time.
  for (let i = 0; i < 10; i++) await scrape(hub.url);
  const gap = () => (GAP_MS > 0 ? new Promise((resolve) => setTimeout(resolve, GAP_MS)) : undefined);
  for (let i = 0; i < SCRAPES; i++) {
    await gap();
    const s = await scrape(hub.url, { keep: i === 0 });
    textTimes.push(s.ms);
    textBytes = s.bytes;
    if (i === 0) {
      series = s.text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
      firing = (s.text.match(/^janitor_alert_state\{.*state="firing"\} 1$/gm) ?? []).length;
    }
  }
  for (let i = 0; i < Math.ceil(SCRAPES / 4); i++) {
    await gap();
    const s = await scrape(hub.url, { accept: OPENMETRICS_ACCEPT, keep: i === 0 });
    if (i === 0 && !s.text.endsWith('# EOF\n')) throw new Error('the OpenMetrics answer does not end with # EOF');
    omTimes.push(s.ms);
    omBytes = s.bytes;
  }

  // (b) ingest, with and without a scrape every second.
  for (let round = 1; round <= ROUNDS; round++) {
    await load(bare, WARMUP);
    rows.push({ server: 'bare Hono echo', round, result: await load(bare, SECONDS) });
    await load(hub, WARMUP);
    rows.push({ server: 'hub', round, result: await load(hub, SECONDS) });
    await load(hub, WARMUP);
    const scraper = scrapeEverySecond(hub.url);
    const result = await load(hub, SECONDS);
    rows.push({ server: 'hub + a scrape every second', round, result, scrapesMs: await scraper.stop() });
  }
} finally {
  await Promise.all(servers.map(stopServer));
  rmSync(dir, { recursive: true, force: true });
}

// --- report --------------------------------------------------------------------------------------------------------
console.log(`machine: ${await machine()}`);
console.log(loadAverageLine('other processes share the cores'));
console.log(
  `hub filled with ${HOSTS} hosts (20 series each, one in ten over its CPU limit) in ${fmt(fillSeconds, 1)} s; ` +
    `/metrics holds ${series} samples, ${firing} alerts firing`,
);
const scrapeTable = [
  [
    `GET /metrics (${GAP_MS > 0 ? `${GAP_MS} ms apart` : 'back to back'})`,
    'scrapes',
    'bytes',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'max ms',
  ],
  ...(
    [
      ['text 0.0.4', textTimes, textBytes],
      ['OpenMetrics 1.0.0', omTimes, omBytes],
    ] as const
  ).map(([name, times, bytes]) => [
    name,
    String(times.length),
    String(bytes),
    fmt(median(times), 1),
    fmt(percentile(times, 95), 1),
    fmt(percentile(times, 99), 1),
    fmt(Math.max(...times), 1),
  ]),
];
for (const row of formatTable(scrapeTable)) console.log(row);
const p99 = percentile(textTimes, 99);
const p99Pass = p99 <= TARGET_P99_MS;
console.log(`scrape p99 ${fmt(p99, 1)} ms (target <= ${TARGET_P99_MS} ms): ${p99Pass ? 'PASS' : 'FAIL'}`);

console.log(
  `POST /sysinfo (original client payload, ${body.length} bytes), ${CONNECTIONS} connections, loopback, ${SECONDS} s per ` +
    `run after ${WARMUP} s warm-up, ${ROUNDS} rounds alternating`,
);
const table = [
  ['server', 'round', ...LOAD_COLUMNS, 'scrapes', 'scrape p99 ms'],
  ...rows.map(({ server, round, result, scrapesMs }) => [
    server,
    String(round),
    ...loadCells(result),
    scrapesMs ? String(scrapesMs.length) : '',
    scrapesMs ? fmt(percentile(scrapesMs, 99), 1) : '',
  ]),
];
for (const row of formatTable(table)) console.log(row);
const of = (name: string) => rows.filter((r) => r.server === name).map((r) => r.result);
const rate = (results: AutocannonResult[]) =>
  results.reduce((sum, r) => sum + r.requests.total, 0) / results.reduce((sum, r) => sum + r.duration, 0);
const bareRate = rate(of('bare Hono echo'));
const failures = rows.reduce((sum, { result: r }) => sum + r.errors + r.timeouts + r.non2xx, 0);
if (failures > 0) console.log(`FAIL: ${failures} requests failed`);
let ratioPass = false;
for (const name of ['hub', 'hub + a scrape every second']) {
  const ratio = rate(of(name)) / bareRate;
  const scored = name !== 'hub';
  if (scored) ratioPass = ratio >= TARGET_RATIO;
  console.log(
    `${name}: ${fmt(rate(of(name)), 0)} req/s vs bare ${fmt(bareRate, 0)} req/s, ratio ${fmt(ratio, 2)}` +
      (scored ? ` (target >= ${TARGET_RATIO}): ${ratioPass ? 'PASS' : 'FAIL'}` : ' (reference)'),
  );
}
process.exitCode = p99Pass && ratioPass && failures === 0 ? 0 : 1;
