// Hub messages: `POST /message` (the original's form fields, as curl and its Python client send them) at 32
// connections on loopback. Every 200 means the message is durably in the outbox (SQLite, synchronous FULL, group
// commit), so this measures accepted-to-durable latency as a sender sees it.
//
//   node bench/hub-message.ts [--seconds 10] [--warmup 2] [--rounds 2] [--connections 32] [--hub PATH]
//
// Two hubs, each started as users run it (`node apps/hub/src/main.ts --config ... --port ...`, logger level warn),
// each its own process; the load generator (autocannon) runs in this process:
//   - "dry run, worker draining": app.run_control.dry_run true, so the outbox worker takes every entry out as it
//     comes (one commit per post) while requests keep arriving: a hub with a token, minus the network;
//   - "server down, accumulating": dry_run false, an access token, and a Mastodon server that refuses connections,
//     so the worker's first post fails and waits (backoff) while the outbox grows by every accepted message;
//     afterwards its count must equal the number of 200s. (A hub without credentials runs dry and keeps nothing.)
// Runs alternate between the two (after a warm-up run of their own each) to spread machine drift.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  startServer,
  stopServer,
} from './hub-harness.ts';
import { fmt, formatTable, machine, median } from './stats.ts';

const SECONDS = option('--seconds', 10);
const WARMUP = option('--warmup', 2);
const ROUNDS = option('--rounds', 2);
const CONNECTIONS = option('--connections', 32);
const TARGET_P99_MS = 15;

const dir = mkdtempSync(join(tmpdir(), 'janitor-bench-hub-message-'));
const body = new URLSearchParams({
  hostname: 'backup-host',
  message: 'Nightly backup finished: 1 204 files, 3.2 GB, 4 min 12 s',
  summary: 'Backup',
  message_type: 'info',
}).toString();

/** Starts a hub and waits (10 s at most) until /health answers. */
async function startHub(name: string, dryRun: boolean): Promise<Server> {
  const port = await freePort();
  const config = join(dir, `${dryRun ? 'dry-run' : 'server-down'}.yaml`);
  writeFileSync(
    config,
    [
      `app: { run_control: { dry_run: ${dryRun} }, state_dir: ${JSON.stringify(`${config}-state`)} }`,
      // Outside dry run: a server that refuses connections (the discard port, closed), so the hub only queues; no
      // pacing, so that the backlog is not merged per host under the posting limits.
      'mastodon: { api_base_url: "http://127.0.0.1:9", status_post: { pacing: false } }',
      'logger: { loglevel: warn }',
    ].join('\n'),
  );
  const env = { ...process.env, JANITOR_MASTODON_ACCESS_TOKEN: 'bench-token-never-used' };
  return startServer(name, hubArgs(hubMain, config, port), port, { env });
}

interface Health {
  publisher: string;
  outbox: { pending: number; dead: number };
}
const health = async (hub: Server) => (await (await fetch(`${hub.url}/health`)).json()) as Health;

async function load(hub: Server, seconds: number): Promise<AutocannonResult> {
  return autocannon({
    url: `${hub.url}/message`,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    connections: CONNECTIONS,
    duration: seconds,
    verifyBody: (answer: string) => answer.startsWith('{"status":"queued","id":'),
  });
}

const DRAINING = 'dry run, worker draining';
const ACCUMULATING = 'server down, accumulating';
const hubs: Server[] = [];
const rows: { hub: string; round: number; result: AutocannonResult }[] = [];
const after: Record<string, Health> = {};
let accepted = 0;
try {
  hubs.push(await startHub(DRAINING, true), await startHub(ACCUMULATING, false));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const hub of hubs) {
      const warm = await load(hub, WARMUP);
      const result = await load(hub, SECONDS);
      if (hub.name === ACCUMULATING) accepted += warm['2xx'] + result['2xx'];
      rows.push({ hub: hub.name, round, result });
    }
  }
  for (const hub of hubs) after[hub.name] = await health(hub);
} finally {
  await Promise.all(hubs.map(stopServer));
  rmSync(dir, { recursive: true, force: true });
}

// --- report --------------------------------------------------------------------------------------------------------
const table = [
  ['hub', 'round', ...LOAD_COLUMNS],
  ...rows.map(({ hub, round, result }) => [hub, String(round), ...loadCells(result)]),
];
console.log(`machine: ${await machine()}`);
console.log(loadAverageLine('other processes share the cores'));
console.log(
  `POST /message (form, ${body.length} bytes), ${CONNECTIONS} connections, loopback, ${SECONDS} s per run after ` +
    `${WARMUP} s warm-up, ${ROUNDS} rounds alternating; 200 = durably queued (SQLite WAL, synchronous FULL); ` +
    'each hub and the load generator (autocannon, this process) in separate processes',
);
for (const row of formatTable(table)) console.log(row);
for (const [name, h] of Object.entries(after)) {
  console.log(`${name}: after the runs /health says publisher ${h.publisher}, outbox ${JSON.stringify(h.outbox)}`);
}

let failed = false;
const failures = rows.reduce((sum, { result: r }) => sum + r.errors + r.timeouts + r.non2xx + r.mismatches, 0);
if (failures > 0) {
  failed = true;
  console.log(`FAIL: ${failures} requests failed or were not answered {"status":"queued",...}`);
}
// Requests in flight when a run stops are queued without autocannon counting their answer: at most one per
// connection per run (warm-up runs included).
const queued = after[ACCUMULATING]?.outbox.pending ?? 0;
const inFlight = CONNECTIONS * ROUNDS * 2;
const durable = queued >= accepted && queued <= accepted + inFlight;
failed ||= !durable;
console.log(
  `${ACCUMULATING}: ${accepted} messages answered 200, ${queued} in the outbox (at most ${inFlight} more than ` +
    `answered: cut off in flight): ${durable ? 'PASS' : 'FAIL'} (every acknowledged message is queued)`,
);
for (const name of [DRAINING, ACCUMULATING]) {
  const results = rows.filter((r) => r.hub === name).map((r) => r.result);
  const rate = results.reduce((s, r) => s + r.requests.total, 0) / results.reduce((s, r) => s + r.duration, 0);
  const p99 = Math.max(...results.map((r) => r.latency.p99));
  const pass = p99 < TARGET_P99_MS;
  failed ||= !pass;
  console.log(
    `${name}: ${fmt(rate, 0)} req/s accepted; p99 ${fmt(p99, 0)} ms, worst of ${results.length} runs ` +
      `(median of runs ${fmt(median(results.map((r) => r.latency.p99)), 0)} ms) (target < ${TARGET_P99_MS} ms): ${pass ? 'PASS' : 'FAIL'}`,
  );
}
process.exitCode = failed ? 1 : 0;
