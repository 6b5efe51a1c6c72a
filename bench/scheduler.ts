// Benchmark of @janitor/scheduler, the two numbers the issue asks for.
//
//   node bench/scheduler.ts [--runs 20] [--seconds 60] [--only once|idle|cli]
//
// (a) `janitor scheduler` with nothing due, as cron starts it every minute: a fresh `node` process imports the
//     package, parses a 10-task schedule, opens the file lock and finds nothing due. Median and p90 wall time over
//     --runs runs, with NODE_COMPILE_CACHE set to a temporary folder (after one run that fills it), and without.
//     Target: median <= 200 ms.
// (c) The same through the real command, `janitor scheduler` (apps/cli/src/main.ts), as the crontab line runs it: a
//     config.yaml with the same ten tasks, nothing due; the config is loaded and validated, the locks opened.
//     Median and p90 over --runs runs with NODE_COMPILE_CACHE (after one run that fills it). Target: median <= 200 ms.
// (b) `janitor scheduler --daemon` idle: a child process runs the daemon with tasks due far in the future for
//     --seconds seconds; it reports its CPU time over that period (process.cpuUsage, after start-up) and its memory
//     (VmRSS, VmHWM), and the CPU time extrapolated to 10 minutes. Target: no measurable CPU.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fmt, machine, median, percentile } from './stats.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const packageUrl = pathToFileURL(join(import.meta.dirname, '../packages/scheduler/src/index.ts')).href;

// --- (b) child: the idle daemon ------------------------------------------------------------------------------------
if (args[0] === '--child-idle') {
  const seconds = Number(args[1]);
  const lockDir = args[2]!;
  const { createDaemon, createFileLock, parseSchedules } = await import(packageUrl);
  const { tasks, problems } = parseSchedules([
    { name: 'new year', when: '0 0 1 1 *', action: 'sysinfo_local', timezone: 'Pacific/Kiritimati' },
    { name: 'leap day', when: '0 12 29 2 *', action: 'publish_queue' },
    { name: 'backup', when: '30 3 1 1 *', action: 'exec', command: ['true'], timezone: 'Europe/Madrid' },
  ]);
  if (problems.length > 0) throw new Error(JSON.stringify(problems));
  let runs = 0;
  const daemon = createDaemon({
    tasks,
    lock: createFileLock(lockDir),
    run: async () => {
      runs++;
    },
  });
  const done = daemon.start();
  const statusKb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
  // Let start-up settle (module loading, the first next-run computation) before measuring.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const startCpu = process.cpuUsage();
  const startWall = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const cpu = process.cpuUsage(startCpu);
  const wallMs = performance.now() - startWall;
  const rssKb = statusKb('VmRSS');
  const hwmKb = statusKb('VmHWM');
  await daemon.stop();
  await done;
  process.stdout.write(`${JSON.stringify({ wallMs, userUs: cpu.user, systemUs: cpu.system, rssKb, hwmKb, runs })}\n`);
  process.exit(0);
}

const RUNS = Number(option('--runs', '20'));
const SECONDS = Number(option('--seconds', '60'));
const only = option('--only', '');
const root = mkdtempSync(join(tmpdir(), 'janitor-bench-scheduler-'));

// --- (a) cron-run process, nothing due -----------------------------------------------------------------------------
/** Ten tasks whose minute is 20-29 minutes away from now: none is due while the benchmark runs. */
function tenTasks() {
  const minute = new Date().getUTCMinutes();
  const at = (k: number) => (minute + 20 + k) % 60;
  return [
    { name: 'check', when: `${at(0)} * * * *`, action: 'sysinfo_local' },
    { name: 'report', when: `${at(1)} * * * *`, action: 'sysinfo_remote' },
    { name: 'flush', when: `${at(2)} * * * *`, action: 'publish_queue' },
    { name: 'silent', when: `${at(3)} * * * *`, action: 'silent_hosts' },
    { name: 'backup', when: `${at(4)} 3 * * *`, action: 'exec', command: ['/usr/local/bin/backup'], timeout: '1h' },
    { name: 'weekday', when: `${at(5)} 8-18 * * 1-5`, action: 'exec', command: 'df -h', timezone: 'Europe/Madrid' },
    { name: 'month end', when: `${at(6)} 23 L * *`, action: 'exec', command: ['true'] },
    { name: 'new york', when: `${at(7)} * * * *`, action: 'sysinfo_local', timezone: 'America/New_York' },
    { name: 'quarterly', when: `${at(8)} 0 1 1,4,7,10 *`, action: 'publish_queue', timezone: 'UTC' },
    { name: 'disabled', when: `${at(9)} * * * *`, action: 'sysinfo_local', enabled: false },
  ];
}

function onceScript(): string {
  const schedule = tenTasks();
  return `
import { createFileLock, parseSchedules, runDue } from ${JSON.stringify(packageUrl)};
const { tasks, problems } = parseSchedules(${JSON.stringify(schedule)});
if (problems.length > 0 || tasks.length !== 10) { console.error(problems); process.exit(2); }
const summary = await runDue({ tasks, lock: createFileLock(${JSON.stringify(join(root, 'locks'))}), run: async () => {} });
if (summary.outcomes.length !== 0) { console.error('something was due', summary); process.exit(3); }
`;
}

function timeOnce(env: NodeJS.ProcessEnv, runs = RUNS): number[] {
  const script = join(root, 'once.mjs');
  writeFileSync(script, onceScript());
  const walls: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, [script], { env, encoding: 'utf8' });
    const wall = performance.now() - t;
    if (r.status !== 0) throw new Error(`run failed (${r.status}): ${r.stderr}`);
    walls.push(wall);
  }
  return walls;
}

const lines: string[] = [];
if (only === '' || only === 'once') {
  const cacheDir = join(root, 'compile-cache');
  const baseEnv = { ...process.env };
  delete baseEnv.NODE_COMPILE_CACHE;
  const cachedEnv = { ...baseEnv, NODE_COMPILE_CACHE: cacheDir };
  spawnSync(process.execPath, ['-e', '0'], { env: baseEnv }); // page cache warm for node itself
  timeOnce(cachedEnv, 1); // fills the compile cache
  const cached = timeOnce(cachedEnv);
  const uncached = timeOnce(baseEnv);
  const bare: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    spawnSync(process.execPath, ['-e', '0'], { env: baseEnv });
    bare.push(performance.now() - t);
  }
  lines.push(
    `(a) janitor scheduler, 10 tasks, nothing due, ${RUNS} fresh processes:`,
    `    NODE_COMPILE_CACHE set:  median ${fmt(median(cached))} ms, p90 ${fmt(percentile(cached, 90))} ms (target <= 200 ms)`,
    `    without compile cache:   median ${fmt(median(uncached))} ms, p90 ${fmt(percentile(uncached, 90))} ms`,
    `    bare \`node -e 0\`:        median ${fmt(median(bare))} ms (the floor)`,
  );
}

if (only === '' || only === 'cli') {
  const janitor = join(import.meta.dirname, '../apps/cli/src/main.ts');
  const cwd = join(root, 'cli');
  mkdirSync(cwd, { recursive: true });
  // JSON is YAML: the ten tasks as app.schedules of a config.yaml found in the working directory.
  writeFileSync(join(cwd, 'config.yaml'), JSON.stringify({ app: { schedules: tenTasks() } }));
  const env: NodeJS.ProcessEnv = { HOME: cwd, PATH: process.env.PATH, NODE_COMPILE_CACHE: join(root, 'cli-cache') };
  const runCli = () => {
    const t = performance.now();
    const r = spawnSync(process.execPath, [janitor, 'scheduler'], { cwd, env, encoding: 'utf8' });
    const wall = performance.now() - t;
    if (r.status !== 0 || r.stdout !== '' || r.stderr !== '') {
      throw new Error(`janitor scheduler: exit ${r.status}, something ran or was logged:\n${r.stdout}${r.stderr}`);
    }
    return wall;
  };
  runCli(); // fills the compile cache
  const walls = Array.from({ length: RUNS }, runCli);
  lines.push(
    `(c) the real \`janitor scheduler\` (config.yaml with the 10 tasks, nothing due), ${RUNS} fresh processes:`,
    `    NODE_COMPILE_CACHE set:  median ${fmt(median(walls))} ms, p90 ${fmt(percentile(walls, 90))} ms (target <= 200 ms)`,
  );
}

if (only === '' || only === 'idle') {
  const child = spawn(
    process.execPath,
    [import.meta.filename, '--child-idle', String(SECONDS), join(root, 'idle-locks')],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`idle daemon exited with ${code}`);
  const r = JSON.parse(out) as { wallMs: number; userUs: number; systemUs: number; rssKb: number; hwmKb: number };
  const cpuMs = (r.userUs + r.systemUs) / 1000;
  const per10MinMs = cpuMs * (600_000 / r.wallMs);
  lines.push(
    `(b) janitor scheduler --daemon, idle (next task months away), measured over ${fmt(r.wallMs / 1000, 0)} s:`,
    `    CPU ${fmt(cpuMs, 2)} ms (user ${fmt(r.userUs / 1000, 2)}, system ${fmt(r.systemUs / 1000, 2)}) = ${fmt((cpuMs / r.wallMs) * 100, 4)} % of one core`,
    `    extrapolated to 10 minutes: ${fmt(per10MinMs, 1)} ms of CPU`,
    `    memory: VmRSS ${fmt(r.rssKb / 1024, 1)} MiB, VmHWM ${fmt(r.hwmKb / 1024, 1)} MiB`,
  );
}

rmSync(root, { recursive: true, force: true });
console.log(`machine: ${await machine()}`);
for (const line of lines) console.log(line);
