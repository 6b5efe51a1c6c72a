// Benchmark of accepted-to-durable as the hub does it: N concurrent producers (requests in flight) each hand one
// post to the hub's group commit (createGroupCommit of @janitor/store), which writes everything that arrived together in
// one enqueueMany transaction; a producer's promise resolves only once its entry is committed, which is when the hub
// answers 200. Synchronous FULL (the store's default: a committed entry survives a power loss).
//
//   node bench/outbox-accept.ts [--producers 1,8,32,128] [--seconds 3] [--synchronous FULL|NORMAL] [--dir DIR]
//
// Reports messages/s and the latency of one accept (p50, p99, max), per number of producers. Target: >= 5 000
// messages/s with 32 producers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutboxPayload } from '../packages/publisher/src/index.ts';
import { createGroupCommit, openStore } from '../packages/store/src/index.ts';
import { fmt, formatTable, machine, median, percentile } from './stats.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const PRODUCERS = option('--producers', '1,8,32,128').split(',').map(Number);
const SECONDS = Number(option('--seconds', '3'));
const SYNCHRONOUS = option('--synchronous', 'FULL') as 'FULL' | 'NORMAL';
const dirOption = option('--dir', tmpdir());
const root = mkdtempSync(join(dirOption, 'janitor-bench-accept-'));

// What POST /message queues: a script's message, grouped by host.
const input = (n: number): { payload: OutboxPayload; groupKey: string } => ({
  payload: {
    kind: 'message',
    message: {
      type: 'warning',
      hostname: `pi-${n % 50}`,
      summary: 'Backup finished with warnings',
      text: `run ${n}: ${'3 files were skipped because they changed while being read. '.repeat(3)}`,
    },
  },
  groupKey: `pi-${n % 50}`,
});

interface Row {
  producers: number;
  messages: number;
  perSecond: number;
  batches: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

async function run(producers: number): Promise<Row> {
  const store = openStore({ path: join(root, `accept-${producers}.db`), synchronous: SYNCHRONOUS });
  let batches = 0;
  const enqueue = createGroupCommit((inputs: readonly ReturnType<typeof input>[]) => {
    batches++;
    return store.outbox.enqueueMany(inputs);
  });
  try {
    await enqueue(input(-1)); // warm-up: statement caches, first WAL frames
    batches = 0;
    const latencies: number[] = [];
    let n = 0;
    const deadline = performance.now() + SECONDS * 1000;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: producers }, async () => {
        while (performance.now() < deadline) {
          const t = performance.now();
          await enqueue(input(n++));
          latencies.push(performance.now() - t);
        }
      }),
    );
    const elapsedS = (performance.now() - start) / 1000;
    const counted = store.outbox.counts().pending - 1;
    if (counted !== latencies.length) throw new Error(`accepted ${latencies.length} but the outbox holds ${counted}`);
    return {
      producers,
      messages: latencies.length,
      perSecond: latencies.length / elapsedS,
      batches,
      p50Ms: median(latencies),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies.reduce((a, b) => Math.max(a, b), 0),
    };
  } finally {
    store.close();
  }
}

const rows: Row[] = [];
try {
  for (const producers of PRODUCERS) rows.push(await run(producers));
} finally {
  rmSync(root, { recursive: true, force: true });
}

const ms = (n: number) => `${fmt(n, n < 1 ? 3 : 2)} ms`;
const table = [
  ['producers', 'messages', 'messages/s', 'commits', 'per commit', 'p50', 'p99', 'max'],
  ...rows.map((r) => [
    String(r.producers),
    String(r.messages),
    fmt(r.perSecond, 0),
    String(r.batches),
    fmt(r.messages / Math.max(1, r.batches), 1),
    ms(r.p50Ms),
    ms(r.p99Ms),
    ms(r.maxMs),
  ]),
];
console.log(`machine: ${await machine()}`);
console.log(
  `accepted-to-durable through the hub's group commit, synchronous ${SYNCHRONOUS}, database folder ${dirOption}; target: >= 5000 messages/s with 32 producers`,
);
for (const row of formatTable(table, { firstColumnLeft: false })) console.log(row);
