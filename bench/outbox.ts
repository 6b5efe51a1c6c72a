// Benchmark of @janitor/store's outbox: accepted-to-durable throughput, i.e. how many posts per second can be written
// to the outbox and committed (so that the sender may be answered 200), and the latency of one enqueue.
//
//   node bench/outbox.ts [--messages 3000] [--seconds 3] [--dir DIR]
//
// (a) one enqueue per transaction (what POST /message does for a lone request), synchronous FULL and NORMAL;
// (b) group commit: enqueueMany in batches of 32 and 256 (a burst accepted together), FULL and NORMAL;
// (c) the worker's side: next() + complete() per message, each complete its own commit.
// Each case stops at --messages or after --seconds, whichever comes first. The database lives in a temporary folder
// under --dir (default: the OS temp folder), so the figures are those of that disk's fsync.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EnqueueInput, openStore, type Store } from '../packages/store/src/index.ts';
import { fmt, formatTable, machine, median, percentile } from './stats.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const MESSAGES = Number(option('--messages', '3000'));
const SECONDS = Number(option('--seconds', '3'));
const root = mkdtempSync(join(option('--dir', tmpdir()), 'janitor-bench-outbox-'));

// A post as the hub would queue it: a rendered status of a few hundred characters, grouped by host.
const input = (n: number): EnqueueInput => ({
  payload: {
    status: `⚠️ pi-${n % 10}: disk /data is 91.4 % full (threshold 90 %). ${'Details of the breach. '.repeat(10)}`,
    spoilerText: `warning on pi-${n % 10}`,
    visibility: 'unlisted',
    language: 'en',
  },
  groupKey: `pi-${n % 10}`,
});

interface Row {
  label: string;
  messages: number;
  perSecond: number;
  latencyLabel: string;
  p50Ms: number;
  p99Ms: number;
}
const rows: Row[] = [];
let caseNumber = 0;

function withStore<T>(synchronous: 'FULL' | 'NORMAL', fn: (store: Store) => T): T {
  const store = openStore({ path: join(root, `case-${++caseNumber}.db`), synchronous });
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

function singleEnqueues(synchronous: 'FULL' | 'NORMAL'): void {
  withStore(synchronous, (store) => {
    store.outbox.enqueue(input(-1)); // warm-up: statement caches, first WAL frames
    const latencies: number[] = [];
    const deadline = performance.now() + SECONDS * 1000;
    const start = performance.now();
    for (let n = 0; n < MESSAGES && performance.now() < deadline; n++) {
      const t = performance.now();
      store.outbox.enqueue(input(n));
      latencies.push(performance.now() - t);
    }
    const elapsedS = (performance.now() - start) / 1000;
    rows.push({
      label: `(a) enqueue, 1 per transaction, synchronous ${synchronous}`,
      messages: latencies.length,
      perSecond: latencies.length / elapsedS,
      latencyLabel: 'per enqueue',
      p50Ms: median(latencies),
      p99Ms: percentile(latencies, 99),
    });
  });
}

function batches(synchronous: 'FULL' | 'NORMAL', size: number): void {
  withStore(synchronous, (store) => {
    store.outbox.enqueueMany([input(-1)]);
    const latencies: number[] = [];
    let messages = 0;
    const deadline = performance.now() + SECONDS * 1000;
    const start = performance.now();
    // At least 20 batches, so that the percentiles mean something even for large batches.
    while ((messages < MESSAGES * 4 || latencies.length < 20) && performance.now() < deadline) {
      const batch = Array.from({ length: size }, (_, i) => input(messages + i));
      const t = performance.now();
      store.outbox.enqueueMany(batch);
      latencies.push(performance.now() - t);
      messages += size;
    }
    const elapsedS = (performance.now() - start) / 1000;
    rows.push({
      label: `(b) enqueueMany, batches of ${size}, synchronous ${synchronous}`,
      messages,
      perSecond: messages / elapsedS,
      latencyLabel: 'per batch',
      p50Ms: median(latencies),
      p99Ms: percentile(latencies, 99),
    });
  });
}

function drain(synchronous: 'FULL' | 'NORMAL'): void {
  withStore(synchronous, (store) => {
    store.outbox.enqueueMany(Array.from({ length: MESSAGES }, (_, n) => input(n)));
    const latencies: number[] = [];
    const deadline = performance.now() + SECONDS * 1000;
    const start = performance.now();
    for (let entry = store.outbox.next(); entry && performance.now() < deadline; entry = store.outbox.next()) {
      const t = performance.now();
      store.outbox.complete(entry.id, entry.idempotencyKey);
      latencies.push(performance.now() - t);
    }
    const elapsedS = (performance.now() - start) / 1000;
    rows.push({
      label: `(c) next + complete, synchronous ${synchronous}`,
      messages: latencies.length,
      perSecond: latencies.length / elapsedS,
      latencyLabel: 'per complete',
      p50Ms: median(latencies),
      p99Ms: percentile(latencies, 99),
    });
  });
}

try {
  for (const mode of ['FULL', 'NORMAL'] as const) singleEnqueues(mode);
  for (const mode of ['FULL', 'NORMAL'] as const) for (const size of [32, 256]) batches(mode, size);
  for (const mode of ['FULL', 'NORMAL'] as const) drain(mode);
} finally {
  rmSync(root, { recursive: true, force: true });
}

// --- report --------------------------------------------------------------------------------------------------------
const ms = (n: number) => `${fmt(n, n < 1 ? 3 : 2)} ms`;
const table = [
  ['case', 'messages', 'messages/s', 'latency', 'p50', 'p99'],
  ...rows.map((r) => [r.label, String(r.messages), fmt(r.perSecond, 0), r.latencyLabel, ms(r.p50Ms), ms(r.p99Ms)]),
];
console.log(`machine: ${await machine()}`);
console.log(`database folder: ${option('--dir', tmpdir())}; target: >= 5000 messages/s accepted-to-durable`);
for (const row of formatTable(table)) console.log(row);
