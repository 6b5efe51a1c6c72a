// What the store costs per call on the hub's busiest paths, on files the size of a large fleet's (issue 14):
//
//   node bench/store-hot-path.ts [--hosts 100000] [--rounds 5] [--dir DIR]
//
// (a) History appends: --hosts hosts each with one report kept (8 metrics), then rounds of 2 000 transactions of 8
//     reports from hosts spread over the fleet, as the hub's spaced group commit writes them at 1 667 reports a second
//     (store.history.appendMany, durability 'background' as the hub opens its store). Wall time per report.
// (b) The thread of a post: notifications.replyTarget (an incident's latest status), what the outbox worker asks before
//     each post, on a log of 6 000 posts about 3 000 hosts. Wall time per call.
// (c) History upkeep: passes of store.history.maintain (in steps of 10 ms, as the hub's upkeep takes them) over the
//     fleet of (a), at a time when nothing is due for tiering: the first pass after the store was opened (which
//     applies the retention to every host once) and the passes after it, what the hub does every minute. Wall time
//     per pass and per host.
// Each round is printed, then the median of the rounds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../packages/store/src/index.ts';

const { values: args } = parseArgs({
  options: {
    hosts: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '5' },
    dir: { type: 'string' },
  },
});
const hosts = Number(args.hosts);
const rounds = Number(args.rounds);
if (!(Number.isInteger(hosts) && hosts >= 1000))
  throw new Error(`--hosts must be an integer >= 1000, got ${args.hosts}`);
if (!(Number.isInteger(rounds) && rounds >= 1)) throw new Error(`--rounds must be an integer >= 1, got ${args.rounds}`);
const dir = args.dir ?? mkdtempSync(join(tmpdir(), 'janitor-hot-path-'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const KEYS = ['cpu_percent', 'memory_percent', 'load_1', 'load_5', 'load_15', 'swap_percent', 'disk_usage_percent@/'];
const samples = (i: number) => [...KEYS, 'cpu_count'].map((key, k) => ({ key, value: (i * 7 + k) % 100 }));

try {
  const store = openStore({ path: join(dir, 'janitor.db'), durability: 'background' });
  let t = Date.now() - 3_600_000;
  for (let first = 0; first < hosts; first += 500) {
    const batch = [];
    for (let h = first; h < Math.min(hosts, first + 500); h++)
      batch.push({ hostname: `h${h}`, atMs: t, samples: samples(h) });
    store.history.appendMany(batch);
  }
  const appendUs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    t += 60_000;
    const started = performance.now();
    for (let b = 0; b < 2000; b++) {
      const batch = [];
      for (let j = 0; j < 8; j++) {
        const h = (b * 8 + j * 12_347 + round * 31) % hosts;
        batch.push({ hostname: `h${h}`, atMs: t + b, samples: samples(h) });
      }
      store.history.appendMany(batch);
    }
    appendUs.push(((performance.now() - started) / 16_000) * 1000);
  }
  console.log(
    `history appends, ${hosts} hosts, 8 reports a transaction: ${appendUs.map((u) => u.toFixed(1)).join(', ')} µs a report (median ${median(appendUs).toFixed(1)})`,
  );

  const passMs: number[] = [];
  for (let round = 0; round <= rounds; round++) {
    const started = performance.now();
    while (store.history.maintain({ nowMs: t + 60_000, maxRows: 1e9, budgetMs: 10 }).more);
    passMs.push(performance.now() - started);
  }
  const [firstMs, ...laterMs] = passMs as [number, ...number[]];
  console.log(
    `history upkeep, ${hosts} hosts: first pass ${firstMs.toFixed(0)} ms (${((firstMs / hosts) * 1000).toFixed(1)} µs a host); later passes ${laterMs.map((ms) => ms.toFixed(0)).join(', ')} ms (median ${((median(laterMs) / hosts) * 1000).toFixed(2)} µs a host)`,
  );

  const t0 = Date.now() - 86_400_000;
  const posts = [];
  for (let i = 0; i < 6000; i++) {
    const host = `h${i % 3000}`;
    posts.push({
      statusId: `s${i}`,
      url: null,
      postedAtMs: t0 + i,
      outboxId: i + 1,
      groupKey: host,
      about: { kind: 'alert' as const, host, key: 'cpu_percent', incidentStartMs: t0 + (i - (i % 3000)) },
    });
  }
  store.notifications.recordMany(posts);
  const replyUs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    for (let i = 0; i < 3000; i++) {
      const about = { kind: 'alert' as const, host: `h${i}`, key: 'cpu_percent', incidentStartMs: t0 + 3000 };
      store.notifications.replyTarget(about, { nowMs: t0, threadWindowMs: 1 });
    }
    replyUs.push(((performance.now() - started) / 3000) * 1000);
  }
  console.log(
    `replyTarget, 6000 posts about 3000 hosts: ${replyUs.map((u) => u.toFixed(1)).join(', ')} µs a call (median ${median(replyUs).toFixed(1)})`,
  );
  store.close();
} finally {
  if (args.dir === undefined) rmSync(dir, { recursive: true, force: true });
}
