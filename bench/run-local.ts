// `janitor run local --dry-run` as cron runs it: a fresh process each time, thresholds not crossed.
// Prints the median wall time over 20 runs (after one run that creates the counters file), CPU time and peak RSS.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, machine, median, percentile } from './stats.ts';

const root = join(import.meta.dirname, '..');
const runs = Number(process.env.RUNS ?? 20);
const dir = mkdtempSync(join(tmpdir(), 'janitor-bench-local-'));
const config = join(dir, 'config.yaml');
// Limits that this machine will not cross, so the run does what most cron runs do: collect, check, log, exit.
writeFileSync(
  config,
  [
    'app: { run_control: { dry_run: true }, state_dir: state }',
    'system_info:',
    '  thresholds:',
    '    cpu_percent: { value: 100, operator: ">" }',
    '    memory_percent: { value: 100 }',
    '    disk_usage_percent: { value: 100 }',
    'logger: { loglevel: warn }',
  ].join('\n'),
);
const rusage = join(dir, 'rusage.jsonl');
const env = { ...process.env, JANITOR_BENCH_RUSAGE: rusage, NODE_COMPILE_CACHE: join(dir, 'compile-cache') };
const args = [
  '--import',
  join(root, 'bench/rusage-hook.ts'),
  join(root, 'apps/cli/src/main.ts'),
  'run',
  'local',
  '--dry-run',
  '--config',
  config,
];

function once(): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`janitor run local failed (${r.status}): ${r.stderr}`);
  return ms;
}

const first = once(); // no counters yet: samples the CPU briefly, fills the compile cache
rmSync(rusage, { force: true });
const walls = Array.from({ length: runs }, once);
const usage = readFileSync(rusage, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { userMs: number; systemMs: number; maxRssKb: number });
const cpu = usage.map((u) => u.userMs + u.systemMs);
const rss = usage.map((u) => u.maxRssKb / 1024);

console.log(`janitor run local --dry-run, ${runs} runs (${await machine()})`);
console.log(`  first run (no saved counters, brief CPU sample): ${fmt(first)} ms`);
console.log(`  wall     median ${fmt(median(walls))} ms   p95 ${fmt(percentile(walls, 95))} ms   (target <= 400 ms)`);
console.log(`  cpu      median ${fmt(median(cpu))} ms (user+system)`);
console.log(`  peak RSS median ${fmt(median(rss))} MiB   max ${fmt(Math.max(...rss))} MiB`);
rmSync(dir, { recursive: true, force: true });
