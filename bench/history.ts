// The metric history of @janitor/store: what it costs on disk, and how fast a series is read back.
//
//   node bench/history.ts [--hosts 20] [--days 420] [--query-hosts 1000] [--queries 400] [--log-rows 100000]
//                         [--only storage|query|ingest|conversion] [--dir DIR]
//
// (a) Storage: --hosts hosts report once a minute for --days simulated days (default 420: the 400 days of the hour tier
//     and a little more, so the file has reached its full default retention and its steady size). Every report goes
//     through store.history.appendMany and store.history.maintain runs every simulated 10 minutes until it says
//     nothing remains (each call with budgetMs 10, as a hub's timer would), with an injected clock. No shortcut: every raw point is written,
//     tiered and deleted. To run in minutes, the reports of 10 minutes go in one transaction (a hub commits each
//     turn's reports: the rows and the pages are the same, only the number of commits differs) and the store runs
//     with synchronous NORMAL (durability does not change the size, only the time). Each report is what
//     janitor-agent sends for a Raspberry Pi with two filesystems and two interfaces (22 flat metrics, 4 per
//     filesystem, 2 per interface: 34 series), with synthetic values: CPU, load and traffic noisy around a daily
//     cycle, memory and disk drifting, swap, totals and cpu_count constant, uptime counting, values rounded as the
//     agent rounds them. Prints the file's size per host at some days (after a checkpoint, -wal included).
// (b) Query: a store with --query-hosts hosts holding 40 days of history each (so that a 30-day range is read from the
//     10-minute tier, its newest hours from raw points). Building that through append and maintain would take an
//     hour, so 20 hosts are built that way (a report a minute for 40 days) and their rows copied under new host and
//     series ids until there are --query-hosts (SQL INSERT ... SELECT on the history tables: the bench knows the
//     schema). Then --queries series queries of a random host, timed one by one: the dashboard's 30-day chart of one
//     metric, of four, and of all 34; and a 24-hour chart (raw points) for comparison.
// (c) Ingest: what appending costs the hub, synchronous FULL as the hub runs: a lone report per transaction (a quiet
//     turn of the event loop), and 32 reports per appendMany (a busy turn's group commit), from one host (the
//     hub-ingest benchmark's single sender) or from 32 hosts; wall time per transaction and CPU time per report.
//     Then the hub itself (`node apps/hub/src/main.ts`, dry run) is started on that file and asked over HTTP, as the
//     dashboard asks it: GET /api/v1/hosts (the fleet: every host with its state, latest values and firing alerts)
//     and a 30-day series of one host; GET /health timed alongside as the reference of the same run.
// (d) Conversion: a store file from before the history (schema step 3, no auto_vacuum) holding a notification log of
//     --log-rows posts (a busy hub's 400 days) is opened by this version, which adds the history tables and converts
//     the file to incremental vacuum with one VACUUM: how long the open takes.
import { mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { type HistorySample, samplesOfSample } from '../packages/history/src/index.ts';
import type { Sample } from '../packages/protocol/src/index.ts';
import { openStore, type Store } from '../packages/store/src/index.ts';
import { MIGRATIONS, migrate } from '../packages/store/src/migrations.ts';
import { freePort, hubArgs, root as repoRoot, startServer, stopServer } from './hub-harness.ts';
import { fmt, formatTable, machine, median, percentile } from './stats.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const HOSTS = Number(option('--hosts', '20'));
const DAYS = Number(option('--days', '420'));
const QUERY_HOSTS = Number(option('--query-hosts', '1000'));
const QUERIES = Number(option('--queries', '400'));
const ONLY = option('--only', '');
const LOG_ROWS = Number(option('--log-rows', '100000'));
const root = mkdtempSync(join(option('--dir', tmpdir()), 'janitor-bench-history-'));

const MINUTE = 60_000;
const DAY = 86_400_000;
const T0 = Date.parse('2025-01-01T00:00:00Z');
const TARGET_MB_PER_HOST = 8;
const TARGET_P99_MS = 50;
const TARGET_FLEET_MS = 100;
/** What a hub's timer would give each maintain call. */
const MAINTAIN_BUDGET_MS = 10;
/** Minutes of reports per appendMany: one transaction each (see the header). */
const APPEND_MINUTES = 10;

// --- synthetic reports ---------------------------------------------------------------------------------------------

/** A small seeded random generator (mulberry32), so every run writes the same values. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * A Raspberry Pi as janitor-agent reports it, minute after minute. `next(atMs)` moves its state on and returns the
 * report's samples (the same keys, in the same order, every time: the objects are reused).
 */
function syntheticHost(h: number) {
  const rnd = random(h + 1);
  const memTotal = 3_978_358_784;
  const rootTotal = 31_268_536_320;
  const dataTotal = 983_351_418_880;
  const swapTotal = 104_853_504;
  let memUsed = 900e6 + rnd() * 600e6;
  let rootUsed = 9e9 + rnd() * 4e9;
  let dataUsed = 300e9 + rnd() * 200e9;
  let swapUsed = 20e6;
  let uptime = Math.floor(rnd() * 20 * 86_400);
  let load = 0.3;
  const sample: Sample = { hostname: `pi-${h}`, collectedAtMs: 0, metrics: {}, disks: [], network: [] };
  let samples: HistorySample[] | undefined;
  return (atMs: number): HistorySample[] => {
    const dayPart = Math.sin(((atMs % DAY) / DAY) * 2 * Math.PI);
    const cpu = Math.min(100, Math.max(0, 12 + 8 * dayPart + (rnd() < 0.02 ? 60 * rnd() : 6 * (rnd() - 0.5))));
    memUsed = Math.min(memTotal * 0.9, Math.max(300e6, memUsed + (rnd() - 0.5) * 4e6));
    rootUsed += (rnd() - 0.45) * 2e5;
    dataUsed += (rnd() - 0.4) * 1e6;
    if (rnd() < 0.001) swapUsed = Math.round(rnd() * 60e6);
    uptime = rnd() < 1 / 43_200 ? 60 : uptime + 60;
    load = Math.max(0, load * 0.8 + (cpu / 100) * 4 * 0.2 + (rnd() - 0.5) * 0.1);
    const rx = Math.round(2000 + 1500 * dayPart + (rnd() < 0.01 ? 5e6 * rnd() : 800 * rnd()));
    const tx = Math.round(800 + 500 * dayPart + 400 * rnd());
    const memAvail = memTotal - memUsed - 200e6;
    const disk = (mount: string, device: string, total: number, used: number) => {
      const free = total - used - total * 0.05;
      return {
        mount,
        device,
        fsType: 'ext4',
        totalBytes: total,
        usedBytes: Math.round(used),
        freeBytes: Math.round(free),
        usedPercent: round((used / (used + free)) * 100, 1),
      };
    };
    sample.collectedAtMs = atMs;
    sample.metrics = {
      cpu_percent: round(cpu, 1),
      cpu_count: 4,
      memory_total: memTotal,
      memory_avail: Math.round(memAvail),
      memory_used: Math.round(memUsed),
      memory_free: Math.round(memAvail - 150e6),
      memory_percent: round((memUsed / memTotal) * 100, 2),
      disk_usage_total: rootTotal,
      disk_usage_used: Math.round(rootUsed),
      disk_usage_free: Math.round(rootTotal * 0.95 - rootUsed),
      disk_usage_percent: round((rootUsed / (rootTotal * 0.95)) * 100, 1),
      load_1: round(load, 2),
      load_5: round(load * 0.9 + 0.05, 2),
      load_15: round(load * 0.8 + 0.1, 2),
      swap_total: swapTotal,
      swap_used: swapUsed,
      swap_free: swapTotal - swapUsed,
      swap_percent: round((swapUsed / swapTotal) * 100, 2),
      uptime_seconds: uptime,
      cpu_temperature: round(45 + cpu * 0.25 + (rnd() - 0.5) * 2, 1),
      net_rx_bytes_per_second: rx,
      net_tx_bytes_per_second: tx,
    };
    sample.disks = [disk('/', '/dev/mmcblk0p2', rootTotal, rootUsed), disk('/data', '/dev/sda1', dataTotal, dataUsed)];
    sample.network = [
      { iface: 'eth0', rxBytesPerSecond: rx, txBytesPerSecond: tx },
      { iface: 'wlan0', rxBytesPerSecond: 0, txBytesPerSecond: 0 },
    ];
    const fresh = samplesOfSample(sample);
    if (samples === undefined) samples = fresh;
    else for (let i = 0; i < fresh.length; i++) samples[i]!.value = fresh[i]!.value;
    return samples;
  };
}

// --- (a) storage ---------------------------------------------------------------------------------------------------

interface Simulation {
  store: Store;
  path: string;
  appendUs: number[];
  maintainMs: number[];
  /** The duration of every maintain call. */
  maintainCallsMs: number[];
  reports: number;
}

/** Runs `hosts` hosts for `days` days through appendMany and maintain; calls `onDay` at the end of every day. */
function simulate(
  path: string,
  hosts: number,
  days: number,
  onDay: (day: number, sim: Simulation) => void,
): Simulation {
  let now = T0;
  const store = openStore({ path, now: () => now, synchronous: 'NORMAL' });
  const generators = Array.from({ length: hosts }, (_, h) => syntheticHost(h));
  const sim: Simulation = { store, path, appendUs: [], maintainMs: [], maintainCallsMs: [], reports: 0 };
  let appendTime = 0;
  let maintainTime = 0;
  for (let minute = 0; minute < days * 1440; minute += APPEND_MINUTES) {
    // The reports of APPEND_MINUTES minutes in one transaction (see the header), each host at its own second.
    const batch: { hostname: string; atMs: number; samples: HistorySample[] }[] = [];
    for (let m = minute; m < minute + APPEND_MINUTES; m++) {
      for (let h = 0; h < hosts; h++) {
        const atMs = T0 + m * MINUTE + ((h * 7919) % 60_000);
        batch.push({ hostname: `pi-${h}`, atMs, samples: generators[h]!(atMs).map((s) => ({ ...s })) });
      }
    }
    now = T0 + (minute + APPEND_MINUTES) * MINUTE;
    let t = performance.now();
    store.history.appendMany(batch);
    appendTime += performance.now() - t;
    sim.reports += batch.length;
    for (;;) {
      t = performance.now();
      const r = store.history.maintain({ budgetMs: MAINTAIN_BUDGET_MS });
      const took = performance.now() - t;
      maintainTime += took;
      sim.maintainCallsMs.push(took);
      if (process.env.DEBUG_MAINTAIN && took > 30) {
        process.stderr.write(`day ${fmt((now - T0) / DAY, 2)}: ${took.toFixed(1)} ms ${JSON.stringify(r)}\n`);
      }
      if (!r.more) break;
    }
    if ((minute + APPEND_MINUTES) % 1440 === 0) {
      sim.appendUs.push((appendTime * 1000) / (hosts * 1440));
      sim.maintainMs.push(maintainTime);
      appendTime = 0;
      maintainTime = 0;
      const day = (minute + APPEND_MINUTES) / 1440;
      if (day % 30 === 0) process.stderr.write(`history bench: day ${day} of ${days}\n`);
      onDay(day, sim);
    }
  }
  return sim;
}

/** The file's size: the database and its WAL, after a checkpoint. */
function fileBytes(store: Store): number {
  store.history.stats(); // a read: nothing to do with the size, but it proves the store is open
  const db = new DatabaseSync(store.path);
  try {
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  const size = (p: string) => {
    try {
      return statSync(p).size;
    } catch {
      return 0;
    }
  };
  return size(store.path) + size(`${store.path}-wal`);
}

const mb = (bytes: number) => bytes / 1e6;

async function storage(): Promise<string[]> {
  const out: string[] = [];
  const checkpoints = new Set([1, 2, 7, 35, 100, 200, 365, 400, DAYS]);
  const rows: string[][] = [['day', 'MB per host', 'pages free', 'raw rows', '10-min blocks', 'hour blocks']];
  const started = performance.now();
  const sim = simulate(join(root, 'storage.db'), HOSTS, DAYS, (day, s) => {
    if (!checkpoints.has(day)) return;
    const stats = s.store.history.stats();
    const bytes = fileBytes(s.store);
    rows.push([
      String(day),
      fmt(mb(bytes) / HOSTS, 2),
      `${fmt((stats.freePages / stats.pageCount) * 100, 0)} %`,
      String(stats.rawRows),
      String(stats.tenMinuteBlocks),
      String(stats.hourBlocks),
    ]);
    if (day === 365 || day === DAYS) {
      process.stderr.write(`day ${day}: ${fmt(mb(bytes) / HOSTS, 2)} MB per host\n`);
    }
  });
  const elapsedS = (performance.now() - started) / 1000;
  const stats = sim.store.history.stats();
  const finalBytes = fileBytes(sim.store);
  // Where the bytes are, per table and index (SQLite's dbstat), per host.
  const db = new DatabaseSync(sim.path);
  const tables = db
    .prepare(
      `SELECT name, sum(pgsize) AS bytes FROM dbstat WHERE name LIKE 'history%' OR name LIKE 'sqlite_autoindex_history%' GROUP BY name ORDER BY bytes DESC`,
    )
    .all() as { name: string; bytes: number }[];
  db.close();
  sim.store.close();
  const series = stats.series / HOSTS;
  out.push(
    `(a) storage: ${HOSTS} hosts x 1 report a minute x ${DAYS} days (${sim.reports} reports, ${series} series per host), ` +
      `appendMany + maintain every 10 minutes, ${fmt(elapsedS, 0)} s; auto_vacuum ${stats.autoVacuum}`,
  );
  out.push(...formatTable(rows));
  out.push(
    `bytes per host by table at day ${DAYS}: ${tables.map((t) => `${t.name} ${fmt(mb(t.bytes) / HOSTS, 2)} MB`).join(', ')}`,
  );
  out.push(
    `cost: append ${fmt(median(sim.appendUs), 1)} µs per report (median of the days, in batches of ${HOSTS * APPEND_MINUTES}); ` +
      `maintain ${fmt(median(sim.maintainMs) / HOSTS, 1)} ms per host per day, in ${sim.maintainCallsMs.length} calls ` +
      `(budgetMs ${MAINTAIN_BUDGET_MS}) of p50 ${fmt(median(sim.maintainCallsMs), 1)} ms, p99 ${fmt(percentile(sim.maintainCallsMs, 99), 1)} ms, ` +
      `max ${fmt(Math.max(...sim.maintainCallsMs), 1)} ms`,
  );
  const perHost = mb(finalBytes) / HOSTS;
  out.push(
    `file size per host at day ${DAYS} (full default retention): ${fmt(perHost, 2)} MB ` +
      `(target <= ${TARGET_MB_PER_HOST} MB): ${perHost <= TARGET_MB_PER_HOST ? 'PASS' : 'FAIL'}`,
  );
  return out;
}

// --- (b) query -----------------------------------------------------------------------------------------------------

/** Copies the history of hosts 1..base under new ids until there are `total` hosts (see the header). */
function cloneHosts(path: string, base: number, total: number): void {
  const db = new DatabaseSync(path);
  try {
    const max = (sql: string) => Number(Object.values(db.prepare(sql).get() as object)[0]);
    const hostSpan = max('SELECT max(id) FROM history_host');
    const seriesSpan = max('SELECT max(id) FROM history_series');
    const layoutSpan = max('SELECT max(id) FROM history_layout');
    const layouts = db.prepare('SELECT id, host_id AS host, series FROM history_layout').all() as {
      id: number;
      host: number;
      series: Uint8Array;
    }[];
    const insertLayout = db.prepare('INSERT INTO history_layout (id, host_id, series) VALUES (?, ?, ?)');
    for (let c = 1; c * base < total; c++) {
      const copies = Math.min(base, total - c * base);
      db.exec('BEGIN');
      db.prepare(
        `INSERT INTO history_host (id, hostname, ten_until_ms, hour_until_ms)
         SELECT id + ?, hostname || '-copy-' || ?, ten_until_ms, hour_until_ms FROM history_host WHERE id <= ?`,
      ).run(c * hostSpan, c, copies);
      db.prepare(
        `INSERT INTO history_series (id, host_id, key) SELECT id + ?, host_id + ?, key FROM history_series WHERE host_id <= ?`,
      ).run(c * seriesSpan, c * hostSpan, copies);
      for (const layout of layouts) {
        if (layout.host > copies) continue;
        const view = new DataView(layout.series.buffer, layout.series.byteOffset, layout.series.byteLength);
        const shifted = Buffer.alloc(layout.series.byteLength);
        for (let i = 0; i < shifted.length; i += 4) shifted.writeInt32LE(view.getInt32(i, true) + c * seriesSpan, i);
        insertLayout.run(layout.id + c * layoutSpan, layout.host + c * hostSpan, shifted);
      }
      db.prepare(
        `INSERT INTO history_raw (host_id, t_ms, layout_id, vals)
         SELECT host_id + ?, t_ms, layout_id + ?, vals FROM history_raw WHERE host_id <= ?`,
      ).run(c * hostSpan, c * layoutSpan, copies);
      db.prepare(
        `INSERT INTO history_block (series_id, tier, start_ms, data)
         SELECT b.series_id + ?, b.tier, b.start_ms, b.data FROM history_block b
         JOIN history_series s ON s.id = b.series_id WHERE s.host_id <= ?`,
      ).run(c * seriesSpan, copies);
      db.exec('COMMIT');
    }
  } finally {
    db.close();
  }
}

async function query(): Promise<string[]> {
  const out: string[] = [];
  const base = Math.min(20, QUERY_HOSTS);
  const days = 40;
  const path = join(root, 'query.db');
  let started = performance.now();
  simulate(path, base, days, () => {}).store.close();
  const builtS = (performance.now() - started) / 1000;
  started = performance.now();
  cloneHosts(path, base, QUERY_HOSTS);
  const clonedS = (performance.now() - started) / 1000;
  const nowMs = T0 + days * DAY;
  const store = openStore({ path, now: () => nowMs });
  const hosts = store.history.hosts();
  const stats = store.history.stats();
  const all = store.history.keys(hosts[0]!);
  const rnd = random(42);
  const cases: { label: string; metrics: string[]; rangeMs: number }[] = [
    { label: '30 days, 1 metric (cpu_percent)', metrics: ['cpu_percent'], rangeMs: 30 * DAY },
    {
      label: '30 days, 4 metrics (cpu, memory, load, disk /data)',
      metrics: ['cpu_percent', 'memory_percent', 'load_1', 'disk_usage_percent@/data'],
      rangeMs: 30 * DAY,
    },
    { label: `30 days, all ${all.length} series`, metrics: all, rangeMs: 30 * DAY },
    {
      label: '24 hours, 4 metrics (raw points)',
      metrics: ['cpu_percent', 'memory_percent', 'load_1', 'disk_usage_percent@/data'],
      rangeMs: DAY,
    },
  ];
  const rows: string[][] = [['query (a random host each time)', 'tier, step', 'points', 'p50', 'p99', 'max']];
  let p99Of30Days = 0;
  for (const c of cases) {
    const times: number[] = [];
    let shape = '';
    let points = 0;
    for (let i = 0; i < QUERIES; i++) {
      const hostname = hosts[Math.floor(rnd() * hosts.length)]!;
      const t = performance.now();
      const s = store.history.series({ hostname, metrics: c.metrics, fromMs: nowMs - c.rangeMs, toMs: nowMs });
      times.push(performance.now() - t);
      shape = `${s.tier}, ${s.stepMs / MINUTE} min`;
      points = s.t.length;
    }
    if (c.rangeMs === 30 * DAY && c.metrics.length <= 4) p99Of30Days = Math.max(p99Of30Days, percentile(times, 99));
    rows.push([
      c.label,
      shape,
      String(points),
      `${fmt(median(times), 2)} ms`,
      `${fmt(percentile(times, 99), 2)} ms`,
      `${fmt(Math.max(...times), 2)} ms`,
    ]);
  }
  store.close();
  const fileMb = mb(statSync(path).size);
  const api = await readApi(path, hosts, nowMs);
  out.push(
    `(b) query: ${hosts.length} hosts in the store, each with ${days} days of history (${base} built through append + ` +
      `maintain in ${fmt(builtS, 0)} s, copied to ${hosts.length} in ${fmt(clonedS, 0)} s); file ${fmt(fileMb, 0)} MB, ` +
      `${stats.rawRows} raw rows, ${stats.tenMinuteBlocks} 10-minute and ${stats.hourBlocks} hour blocks; ${QUERIES} queries per line`,
  );
  out.push(...formatTable(rows));
  out.push(
    `30-day series of one host (1 or 4 metrics), p99 ${fmt(p99Of30Days, 2)} ms (target <= ${TARGET_P99_MS} ms): ` +
      `${p99Of30Days <= TARGET_P99_MS ? 'PASS' : 'FAIL'}`,
  );
  out.push(...api);
  return out;
}

/** The hub started on the query store, asked over HTTP: the fleet, a 30-day series, and /health for reference. */
async function readApi(path: string, hosts: readonly string[], nowMs: number): Promise<string[]> {
  const stateDir = join(root, 'hub-state');
  mkdirSync(stateDir, { recursive: true });
  renameSync(path, join(stateDir, 'janitor.db'));
  const config = join(root, 'hub.yaml');
  // Retention longer than the simulated past (the hub's clock is today's): its upkeep must not expire the data.
  writeFileSync(
    config,
    [
      `app: { run_control: { dry_run: true }, state_dir: ${JSON.stringify(stateDir)} }`,
      'logger: { loglevel: warn }',
      'history: { retention: { raw: "3000d", ten_minutes: "3000d", hour: "3000d" } }',
    ].join('\n'),
  );
  const port = await freePort();
  const hub = await startServer('hub', hubArgs(join(repoRoot, 'apps/hub/src/main.ts'), config, port), port);
  try {
    const rnd = random(7);
    const from = new Date(nowMs - 30 * DAY).toISOString();
    const to = new Date(nowMs).toISOString();
    const cases: { label: string; path: () => string; times: number[]; bytes: number }[] = [
      { label: 'GET /health (reference)', path: () => '/health', times: [], bytes: 0 },
      { label: `GET /api/v1/hosts (${hosts.length} hosts)`, path: () => '/api/v1/hosts', times: [], bytes: 0 },
      {
        label: 'GET /api/v1/hosts/{h}/series, 30 days, cpu_percent',
        path: () =>
          `/api/v1/hosts/${hosts[Math.floor(rnd() * hosts.length)]}/series?metrics=cpu_percent&from=${from}&to=${to}`,
        times: [],
        bytes: 0,
      },
    ];
    const rounds = 60;
    for (let i = 0; i < rounds + 5; i++) {
      for (const c of cases) {
        const t = performance.now();
        const res = await fetch(`${hub.url}${c.path()}`);
        const body = await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${c.label}: ${res.status} ${Buffer.from(body).toString()}`);
        // The first five rounds warm the hub up.
        if (i >= 5) c.times.push(performance.now() - t);
        c.bytes = body.byteLength;
      }
    }
    const rows = [
      ['request (the hub over loopback, one at a time)', 'bytes', 'p50', 'p99', 'max'],
      ...cases.map((c) => [
        c.label,
        String(c.bytes),
        `${fmt(median(c.times), 2)} ms`,
        `${fmt(percentile(c.times, 99), 2)} ms`,
        `${fmt(Math.max(...c.times), 2)} ms`,
      ]),
    ];
    const fleetP99 = percentile(cases[1]!.times, 99);
    return [
      `the hub on that file (dry run), ${rounds} requests of each after 5 warm-up rounds:`,
      ...formatTable(rows),
      `fleet API with ${hosts.length} hosts, p99 ${fmt(fleetP99, 1)} ms (target <= ${TARGET_FLEET_MS} ms): ` +
        `${fleetP99 <= TARGET_FLEET_MS ? 'PASS' : 'FAIL'}`,
    ];
  } finally {
    await stopServer(hub);
  }
}

// --- (c) ingest ----------------------------------------------------------------------------------------------------

function ingest(): string[] {
  const rows: string[][] = [['case', 'reports', 'per transaction p50', 'p99', 'CPU per report']];
  const cases = [
    { label: 'a lone report per transaction', batch: 1, hosts: 1 },
    { label: '32 reports of one host per appendMany', batch: 32, hosts: 1 },
    { label: '32 reports of 32 hosts per appendMany', batch: 32, hosts: 32 },
    { label: '32 reports of 1000 hosts (in turn) per appendMany', batch: 32, hosts: 1000 },
  ];
  for (const c of cases) {
    const store = openStore({ path: join(root, `ingest-${c.batch}-${c.hosts}.db`) });
    const generators = Array.from({ length: Math.min(c.hosts, 1000) }, (_, h) => syntheticHost(h));
    let n = 0;
    const next = () => {
      const h = n % c.hosts;
      const atMs = T0 + n * 1000;
      n++;
      return { hostname: `pi-${h}`, atMs, samples: generators[h]!(atMs).map((s) => ({ ...s })) };
    };
    const times: number[] = [];
    let cpu = 0;
    const deadline = performance.now() + 5000;
    for (let i = 0; i < 20_000 && performance.now() < deadline; i++) {
      const batch = Array.from({ length: c.batch }, next);
      const c0 = process.cpuUsage();
      const t = performance.now();
      store.history.appendMany(batch);
      times.push(performance.now() - t);
      const used = process.cpuUsage(c0);
      cpu += used.user + used.system;
    }
    store.close();
    const reports = times.length * c.batch;
    rows.push([
      c.label,
      String(reports),
      `${fmt(median(times), 2)} ms`,
      `${fmt(percentile(times, 99), 2)} ms`,
      `${fmt(cpu / reports, 1)} µs`,
    ]);
  }
  return [
    '(c) ingest: appendMany of 34-series reports, synchronous FULL, for up to 5 s per case (the file grows meanwhile)',
    ...formatTable(rows),
  ];
}

// --- (d) conversion ------------------------------------------------------------------------------------------------

function conversion(): string[] {
  const path = join(root, 'old.db');
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL');
  migrate(db, MIGRATIONS.slice(0, 3));
  const insert = db.prepare(
    `INSERT INTO notification (status_id, url, posted_at_ms, part, outbox_id, group_key, kind, host, alert_key,
       incident_start_ms, about) VALUES (?, ?, ?, 0, ?, ?, 'alert', ?, 'disk_usage_percent@/data', ?, ?)`,
  );
  db.exec('BEGIN');
  for (let n = 0; n < LOG_ROWS; n++) {
    const host = `pi-${n % 50}`;
    const about = JSON.stringify({
      kind: 'alert',
      host,
      key: 'disk_usage_percent@/data',
      incidentStartMs: T0 + n * 1000,
      reason: 'firing',
    });
    insert.run(
      String(113530000000000000n + BigInt(n)),
      `https://social.example/@janitor/${113530000000000000n + BigInt(n)}`,
      T0 + n * 60_000,
      n,
      host,
      host,
      T0 + n * 1000,
      about,
    );
  }
  db.exec('COMMIT');
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  db.close();
  const before = statSync(path).size;
  const started = performance.now();
  const store = openStore({ path });
  const openMs = performance.now() - started;
  const mode = store.history.stats().autoVacuum;
  const first = String(113530000000000000n);
  const last = String(113530000000000000n + BigInt(LOG_ROWS - 1));
  const intact =
    store.notifications.about(first)?.about.kind === 'alert' && store.notifications.about(last) !== undefined;
  store.close();
  return [
    `(d) conversion: a file from before the history, ${fmt(mb(before), 1)} MB (a notification log of ${LOG_ROWS} posts), ` +
      `opened by this version (history tables added, VACUUM to incremental): ${fmt(openMs, 0)} ms; auto_vacuum now ` +
      `${mode}; first and last post of the log ${intact ? 'found' : 'MISSING'}`,
  ];
}

let report: string[] = [];
try {
  if (ONLY === '' || ONLY === 'storage') report = report.concat(await storage(), ['']);
  if (ONLY === '' || ONLY === 'query') report = report.concat(await query(), ['']);
  if (ONLY === '' || ONLY === 'ingest') report = report.concat(ingest(), ['']);
  if (ONLY === '' || ONLY === 'conversion') report = report.concat(conversion());
} finally {
  rmSync(root, { recursive: true, force: true });
}
console.log(`machine: ${await machine()}`);
for (const line of report) console.log(line);
