// Benchmark of @janitor/metrics: the cost of one collection in a long-running agent (median, p95), the one-shot
// (cron) path on a first run and on warm runs, and the child processes each spawns, for the procfs source (Linux)
// and the systeminformation source (the cross-platform fallback, i.e. systeminformation's mem, fsSize,
// networkStats and cpuTemperature calls) in the same run.
//
//   node bench/metrics.ts [--runs 200] [--si-runs 50]
//
// Child processes are counted in-process from two hooks that see every spawn whatever module did it, and whenever
// it captured its child_process functions: the `child_process` diagnostics channel (published by every
// asynchronous spawn, exec, execFile, fork) and a wrapper around the spawn_sync binding (used by spawnSync,
// execSync, execFileSync). A self-check at start proves both hooks fire.
import { exec, spawnSync } from 'node:child_process';
import { subscribe } from 'node:diagnostics_channel';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect, createCollector } from '../packages/metrics/src/index.ts';
import { fmt, machine, median, percentile } from './stats.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RUNS = option('--runs', 200);
const SI_RUNS = option('--si-runs', 50);
const PROCESS_RUNS = option('--process-runs', 20);

// --- child process counter ---------------------------------------------------------------------------------------
let spawned = 0;
subscribe('child_process', () => {
  spawned++;
});
const spawnSyncBinding = (
  process as unknown as { binding(name: string): { spawn: (...a: unknown[]) => unknown } }
).binding('spawn_sync');
const originalSpawnSync = spawnSyncBinding.spawn;
spawnSyncBinding.spawn = function (this: unknown, ...a: unknown[]) {
  spawned++;
  return originalSpawnSync.apply(this, a);
};

spawnSync('true');
await new Promise((resolve) => exec('true', resolve));
if (spawned !== 2) throw new Error(`child process counter self-check failed: counted ${spawned} of 2`);
spawned = 0;

// --- helpers -----------------------------------------------------------------------------------------------------
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

interface Row {
  label: string;
  procfs: string;
  si: string;
}
const rows: Row[] = [];
const row = (label: string, procfs: string, si: string) => rows.push({ label, procfs, si });
const ms = (n: number) => `${fmt(n, n < 10 ? 2 : 1)} ms`;

// --- long-running collector --------------------------------------------------------------------------------------
async function longRunning(source: 'procfs' | 'systeminformation', runs: number) {
  const collector = createCollector({ source });
  const before = spawned;
  const firstMs = await timed(() => collector.collect());
  const firstSpawned = spawned - before;
  const times: number[] = [];
  const start = spawned;
  for (let i = 0; i < runs; i++) times.push(await timed(() => collector.collect()));
  return { firstMs, firstSpawned, times, perCollection: (spawned - start) / runs };
}

const procfs = await longRunning('procfs', RUNS);
const si = await longRunning('systeminformation', SI_RUNS);
row('long-running: first collection (brief sample)', ms(procfs.firstMs), ms(si.firstMs));
row(`long-running: later collection, median (n=${RUNS} / ${SI_RUNS})`, ms(median(procfs.times)), ms(median(si.times)));
row('long-running: later collection, p95', ms(percentile(procfs.times, 95)), ms(percentile(si.times, 95)));
row('child processes per later collection', fmt(procfs.perCollection, 1), fmt(si.perCollection, 1));
row('child processes in the first collection', String(procfs.firstSpawned), String(si.firstSpawned));

// --- one-shot collect() in-process, with a state file ------------------------------------------------------------
const dir = await mkdtemp(join(tmpdir(), 'janitor-bench-metrics-'));
async function oneShot(source: 'procfs' | 'systeminformation', runs: number) {
  const stateFile = join(dir, `${source}-state.json`);
  const firstMs = await timed(() => collect({ source, stateFile }));
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) warm.push(await timed(() => collect({ source, stateFile })));
  return { firstMs, warm };
}
const shotProcfs = await oneShot('procfs', 20);
const shotSi = await oneShot('systeminformation', 10);
row('one-shot collect(): first run, no state (in-process)', ms(shotProcfs.firstMs), ms(shotSi.firstMs));
row('one-shot collect(): warm run, median (in-process)', ms(median(shotProcfs.warm)), ms(median(shotSi.warm)));

// --- one-shot as a cron job sees it: a fresh node process -------------------------------------------------------
// These spawns are the benchmark's own and happen after the counts above were taken.
const entry = join(import.meta.dirname, '..', 'packages/metrics/src/index.ts');
function processWall(source: 'procfs' | 'systeminformation', stateFile: string): number {
  const script = `const m = await import(${JSON.stringify(entry)}); await m.collect({ source: '${source}', stateFile: ${JSON.stringify(stateFile)} });`;
  const start = performance.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`one-shot process failed with status ${r.status}`);
  return performance.now() - start;
}
async function processRuns(source: 'procfs' | 'systeminformation', runs: number) {
  const stateFile = join(dir, `process-${source}-state.json`);
  await rm(stateFile, { force: true });
  const firstMs = processWall(source, stateFile);
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) warm.push(processWall(source, stateFile));
  return { firstMs, warm };
}
const processProcfs = await processRuns('procfs', PROCESS_RUNS);
const processSi = await processRuns('systeminformation', Math.min(PROCESS_RUNS, 10));
row('node process + import + collect(): first run', ms(processProcfs.firstMs), ms(processSi.firstMs));
row(
  `node process + import + collect(): warm, median (n=${PROCESS_RUNS} / ${Math.min(PROCESS_RUNS, 10)})`,
  ms(median(processProcfs.warm)),
  ms(median(processSi.warm)),
);
row(
  'node process + import + collect(): warm, p95',
  ms(percentile(processProcfs.warm, 95)),
  ms(percentile(processSi.warm, 95)),
);
await rm(dir, { recursive: true, force: true });

// --- report --------------------------------------------------------------------------------------------------------
const width = Math.max(...rows.map((r) => r.label.length));
const col = 18;
console.log(`machine: ${await machine()}`);
console.log(`${'measurement'.padEnd(width)} | ${'procfs'.padStart(col)} | ${'systeminformation'.padStart(col)}`);
console.log(`${'-'.repeat(width)}-|-${'-'.repeat(col)}-|-${'-'.repeat(col)}`);
for (const r of rows) console.log(`${r.label.padEnd(width)} | ${r.procfs.padStart(col)} | ${r.si.padStart(col)}`);
