// Benchmark of @janitor/thresholds' alert lifecycle: rule evaluation per report, for a fleet.
//
//   node bench/rules.ts [--hosts 1000] [--rounds 20]
//
// Each round, every host sends one report (a v2 sample through fromSample: the original's 11 keys, 11 more metrics,
// 3 filesystems) and evaluateHost runs over it with the host's states from the round before, as the hub does on
// POST /sysinfo. "churning": values swing widely every round, so that alerts go pending, fire, escalate and resolve
// all the time (more than one post per report: a worst case); "steady": the same values every round (what a healthy
// fleet sends: a few alerts firing, nothing changing, no post).
// Two rule sets: 20 rules (levels, `*` mounts, low-value rules, `for`, a per-host override on one host in ten) and
// the original's 3 defaults. Reported: time per report (evaluateHost alone, and with formatNotifications for the
// reports that post), and the time of a whole round of --hosts reports. Target: far below the hub's ingest cost
// per report (about 100 µs at ~10k req/s for a bare JSON echo).
import type { Sample } from '../packages/protocol/src/index.ts';
import {
  type AlertState,
  createAlertPlan,
  DEFAULT_THRESHOLDS,
  evaluateHost,
  formatNotifications,
  fromSample,
  parseAlerting,
  parseThresholds,
  type Rule,
} from '../packages/thresholds/src/index.ts';
import { fmt, formatTable, machine, median, percentile } from './stats.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const HOSTS = Number(option('--hosts', '1000'));
const ROUNDS = Number(option('--rounds', '20'));
const GiB = 1024 ** 3;

const twenty = parseThresholds({
  cpu_percent: { levels: { warning: 80, alarm: 95 }, for: '2m', clear: 70 },
  memory_percent: [{ value: 85 }, { value: 95, message_type: 'alarm' }],
  disk_usage_percent: [
    { value: 80, message_type: 'warning', mount: '*' },
    { value: 95, message_type: 'alarm', mount: '*' },
    { value: 90, message_type: 'alarm', mount: '/data' },
  ],
  disk_usage_free: { value: GiB, operator: '<', mount: '*', message_type: 'error' },
  load_1: { levels: { warning: 2, alarm: 4 } },
  load_5: { value: 2 },
  load_15: { value: 1.5 },
  swap_percent: { value: 50 },
  cpu_temperature: [{ levels: { warning: 70, alarm: 85 } }, { value: 5, operator: '<', message_type: 'warning' }],
  net_rx_bytes_per_second: { value: 50 * 1024 ** 2 },
  net_tx_bytes_per_second: { value: 50 * 1024 ** 2 },
  uptime_seconds: { value: 600, operator: '<', message_type: 'info', repeat: 'never' },
  memory_avail: { value: 100 * 1024 ** 2, operator: '<', message_type: 'error' },
});
if (twenty.problems.length > 0 || twenty.rules.length !== 20) {
  throw new Error(`bench rules: ${twenty.rules.length} rules, ${JSON.stringify(twenty.problems)}`);
}
const overrides: Record<string, unknown> = {};
for (let h = 0; h < HOSTS; h += 10) overrides[`host-${h}`] = { thresholds: { cpu_percent: { value: 98 } } };
const alerting = parseAlerting({ hosts: overrides });
if (alerting.problems.length > 0) throw new Error(JSON.stringify(alerting.problems));

// A deterministic walk per host (mulberry32), so every run does the same work.
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sample(hostname: string, next: () => number, round: number, steady: boolean): Sample {
  const wave = (base: number, spread: number) =>
    steady ? base : base + spread * (next() - 0.5) + spread * Math.sin(round / 3);
  const usedData = Math.min(99, Math.max(1, wave(82, 20)));
  return {
    hostname,
    collectedAtMs: 0,
    metrics: {
      cpu_percent: Math.max(0, wave(75, 40)),
      cpu_count: 4,
      memory_total: 8 * GiB,
      memory_avail: wave(2 * GiB, 2 * GiB),
      memory_used: 5 * GiB,
      memory_free: 1 * GiB,
      memory_percent: wave(80, 30),
      disk_usage_total: 64 * GiB,
      disk_usage_used: 40 * GiB,
      disk_usage_free: 24 * GiB,
      disk_usage_percent: 62.5,
      load_1: wave(1.5, 4),
      load_5: wave(1.2, 2),
      load_15: wave(1, 1),
      swap_total: 2 * GiB,
      swap_used: 0.1 * GiB,
      swap_free: 1.9 * GiB,
      swap_percent: wave(20, 60),
      uptime_seconds: 86_400 + round * 60,
      cpu_temperature: wave(60, 30),
      net_rx_bytes_per_second: wave(10 * 1024 ** 2, 80 * 1024 ** 2),
      net_tx_bytes_per_second: wave(5 * 1024 ** 2, 20 * 1024 ** 2),
    },
    disks: [
      {
        mount: '/',
        device: 'mmcblk0p2',
        fsType: 'ext4',
        totalBytes: 64 * GiB,
        usedBytes: 40 * GiB,
        freeBytes: 24 * GiB,
        usedPercent: 62.5,
      },
      {
        mount: '/boot',
        device: 'mmcblk0p1',
        fsType: 'vfat',
        totalBytes: 0.5 * GiB,
        usedBytes: 0.1 * GiB,
        freeBytes: 0.4 * GiB,
        usedPercent: 20,
      },
      {
        mount: '/data',
        device: 'sda1',
        fsType: 'ext4',
        totalBytes: 2048 * GiB,
        usedBytes: (usedData / 100) * 2048 * GiB,
        freeBytes: ((100 - usedData) / 100) * 2048 * GiB,
        usedPercent: usedData,
      },
    ],
    network: [],
  };
}

interface Row {
  label: string;
  reports: number;
  notifications: number;
  posts: number;
  evalUs: number[];
  withPostsUs: number[];
  roundMs: number[];
}

function run(label: string, rules: readonly Rule[], steady: boolean): Row {
  const plan = createAlertPlan({ rules, settings: alerting.settings });
  const hosts = Array.from({ length: HOSTS }, (_, h) => ({ name: `host-${h}`, next: random(h + 1) }));
  const states = new Map<string, Record<string, AlertState>>();
  const row: Row = { label, reports: 0, notifications: 0, posts: 0, evalUs: [], withPostsUs: [], roundMs: [] };
  // Round 0 warms the JIT up and is not counted.
  for (let round = 0; round <= ROUNDS; round++) {
    const inputs = hosts.map((h) => fromSample(sample(h.name, h.next, round, steady)));
    const now = Date.UTC(2026, 10, 3, 12, 0) + round * 60_000;
    const roundStart = performance.now();
    inputs.forEach((input, i) => {
      const hostname = hosts[i]!.name;
      const hostPlan = plan.host(hostname);
      const t0 = performance.now();
      const result = evaluateHost(input, { plan: hostPlan, states: states.get(hostname) ?? {}, now });
      const t1 = performance.now();
      const posts =
        result.notifications.length === 0
          ? []
          : formatNotifications(result.notifications, { input, rules: hostPlan.rules });
      const t2 = performance.now();
      states.set(hostname, result.states);
      if (round === 0) return;
      row.reports++;
      row.notifications += result.notifications.length;
      row.posts += posts.length;
      row.evalUs.push((t1 - t0) * 1000);
      row.withPostsUs.push((t2 - t0) * 1000);
    });
    if (round > 0) row.roundMs.push(performance.now() - roundStart);
  }
  return row;
}

const rows = [
  run('20 rules, churning', twenty.rules, false),
  run('20 rules, steady', twenty.rules, true),
  run('3 rules (defaults), churning', DEFAULT_THRESHOLDS, false),
  run('3 rules (defaults), steady', DEFAULT_THRESHOLDS, true),
];

const us = (n: number) => `${fmt(n, 1)} µs`;
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const table = [
  ['rules', 'reports', 'posts', 'evaluateHost p50', 'p99', 'mean', '+ texts mean', `round of ${HOSTS} (p50)`],
  ...rows.map((r) => [
    r.label,
    String(r.reports),
    String(r.posts),
    us(median(r.evalUs)),
    us(percentile(r.evalUs, 99)),
    us(mean(r.evalUs)),
    us(mean(r.withPostsUs)),
    `${fmt(median(r.roundMs), 1)} ms`,
  ]),
];
console.log(`machine: ${await machine()}`);
console.log(
  `${HOSTS} hosts x ${ROUNDS} rounds (one report per host per round, states carried over); ` +
    `"round" includes the posts' texts`,
);
for (const row of formatTable(table)) console.log(row);
