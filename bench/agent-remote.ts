// `janitor-agent --mode remote --once` as cron runs it on a fresh client: a new process each time, no config file,
// `--hub URL --token T`, against a real janitor-hub (dry run) on loopback. Prints the median wall time over 20 runs
// (after one run that creates the counters file), CPU time and peak RSS, and checks the hub took every report.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, machine, median, percentile } from './stats.ts';

const root = join(import.meta.dirname, '..');
const runs = Number(process.env.RUNS ?? 20);
const dir = mkdtempSync(join(tmpdir(), 'janitor-bench-remote-'));
const token = 'bench-token-0123456789abcdef';

// The hub: dry run, limits this machine will not cross (reports are checked and answered, nothing is queued).
const hubConfig = join(dir, 'hub.yaml');
writeFileSync(
  hubConfig,
  [
    'app:',
    '  run_control: { dry_run: true }',
    '  state_dir: hub-state',
    `  service: { tokens: [ { name: bench, token: ${token} } ] }`,
    'system_info:',
    '  thresholds:',
    '    cpu_percent: { value: 100, operator: ">" }',
    '    memory_percent: { value: 100 }',
    '    disk_usage_percent: { value: 100 }',
  ].join('\n'),
);
const hub = spawn(process.execPath, [join(root, 'apps/hub/src/main.ts'), '--config', hubConfig, '--port', '0'], {
  cwd: dir,
  stdio: ['ignore', 'pipe', 'pipe'],
});
let hubLog = '';
const url = await new Promise<string>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`the hub did not start within 15 s:\n${hubLog}`)), 15_000);
  const read = (chunk: Buffer) => {
    hubLog += chunk.toString('utf8');
    const match = /hub listening url=(http:\/\/\S+)/.exec(hubLog);
    if (match) {
      clearTimeout(timer);
      resolve(match[1]!);
    }
  };
  hub.stdout!.on('data', read);
  hub.stderr!.on('data', read);
  hub.once('exit', (code) => reject(new Error(`the hub exited (${code}):\n${hubLog}`)));
});

// The client: a fresh home, a working directory without config.yaml, nothing but --hub and --token.
const home = join(dir, 'home');
const cwd = join(home, 'cron');
mkdirSync(cwd, { recursive: true });
const rusage = join(dir, 'rusage.jsonl');
const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: home,
  JANITOR_BENCH_RUSAGE: rusage,
  NODE_COMPILE_CACHE: join(dir, 'compile-cache'),
};
const args = [
  '--import',
  join(root, 'bench/rusage-hook.ts'),
  join(root, 'apps/agent/src/main.ts'),
  '--mode',
  'remote',
  '--once',
  '--hub',
  url,
  '--token',
  token,
];

function once(): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0 || !r.stderr.includes('report sent')) {
    throw new Error(`janitor-agent --mode remote --once failed (${r.status}): ${r.stderr}`);
  }
  return ms;
}

/** Stops the hub and waits until its output is read to the end. */
function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('close', () => resolve());
    child.kill('SIGTERM');
  });
}

try {
  const first = once(); // no counters yet: samples the CPU briefly, fills the compile cache
  rmSync(rusage, { force: true });
  const walls = Array.from({ length: runs }, once);
  const usage = readFileSync(rusage, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { userMs: number; systemMs: number; maxRssKb: number });
  const cpu = usage.map((u) => u.userMs + u.systemMs);
  const rss = usage.map((u) => u.maxRssKb / 1024);
  // spawnSync kept this process from reading the hub's log meanwhile: stop the hub to read all of it.
  await stop(hub);
  const taken = (hubLog.match(/path=\/sysinfo status=200/g) ?? []).length;
  const spooled = readdirSync(join(home, '.local/state/janitor')).includes('spool')
    ? readdirSync(join(home, '.local/state/janitor/spool')).length
    : 0;

  console.log(`janitor-agent --mode remote --once, ${runs} runs, real hub on loopback (${await machine()})`);
  console.log(`  first run (no saved counters, brief CPU sample): ${fmt(first)} ms`);
  console.log(`  wall     median ${fmt(median(walls))} ms   p95 ${fmt(percentile(walls, 95))} ms   (target <= 300 ms)`);
  console.log(`  cpu      median ${fmt(median(cpu))} ms (user+system)`);
  console.log(`  peak RSS median ${fmt(median(rss))} MiB   max ${fmt(Math.max(...rss))} MiB`);
  console.log(`  hub answered 200 to ${taken} of ${runs + 1} reports; ${spooled} left in the spool`);
  if (taken !== runs + 1 || spooled !== 0) process.exitCode = 1;
} finally {
  await stop(hub);
  rmSync(dir, { recursive: true, force: true });
}
