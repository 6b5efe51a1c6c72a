// Cron-run starts (issue 9's "Numbers"): how long `janitor scheduler` with nothing due and `janitor run local
// --dry-run` take, as multiples of a bare `node -e 0` of the same Node IN THE SAME RUN (these machines drift too much
// for absolute times to compare from one day to the next).
//
//   node bench/startup.ts [--runs 20] [--entry [LABEL=]PATH]... [--no-clone]
//
// Each command is run as a user runs it: a fresh `node` process, in a temporary folder with its own config.yaml,
// NODE_COMPILE_CACHE on (as ./dev sets it; filled by one warm-up run of each command that is not counted):
//
//   node -e 0                                    the floor: Node itself
//   janitor scheduler                            app.schedules has tasks, none due this minute (their minutes are
//                                                picked from the clock, 20-30 minutes away): load and validate the
//                                                config, find nothing due, exit; it must print nothing
//   janitor run local --dry-run                  limits this machine does not cross: collect, check, exit
//
// The janitor commands are timed from the clone (`node apps/cli/src/main.ts`) and from every `--entry PATH` given (a
// built `main.js`, e.g. from a packed and installed tarball, or another clone's main.ts to compare with); LABEL names it
// in the table (default: its path). apps/cli/dist/main.js is added when it exists.
// `--no-clone` leaves the clone out. The commands take turns (one run of each, then the next round), so drift
// spreads over all of them. Prints median and p90 wall time per command, and the ratio of medians to the bare start
// against the targets (scheduler <= 5x, run local <= 8x).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fmt, formatTable, machine, median, percentile } from './stats.ts';

const args = process.argv.slice(2);
const root = join(import.meta.dirname, '..');
const RUNS = Number(args.includes('--runs') ? args[args.indexOf('--runs') + 1] : 20);
const entries: { label: string; main: string }[] = [];
if (!args.includes('--no-clone')) entries.push({ label: 'clone', main: join(root, 'apps/cli/src/main.ts') });
const built = join(root, 'apps/cli/dist/main.js');
if (existsSync(built)) entries.push({ label: 'dist', main: built });
args.forEach((arg, i) => {
  const value = args[i + 1];
  if (arg !== '--entry' || value === undefined) return;
  const named = /^([\w.-]+)=(.+)$/.exec(value);
  entries.push(named ? { label: named[1]!, main: named[2]! } : { label: relative(root, value), main: value });
});
const TARGETS = { scheduler: 5, local: 8 } as const;

const dir = mkdtempSync(join(tmpdir(), 'janitor-bench-startup-'));
const loadBefore = loadavg()[0]!;

// The scheduler's folder: tasks as a crontab of a small machine has them, every one of them 20-29 minutes away
// from now (the whole run takes well under 20 minutes). JSON is YAML.
const minute = new Date().getMinutes();
const at = (k: number) => (minute + 20 + k) % 60;
const schedulerDir = join(dir, 'scheduler');
mkdirSync(schedulerDir);
writeFileSync(
  join(schedulerDir, 'config.yaml'),
  JSON.stringify({
    app: {
      schedules: [
        { name: 'check', when: `${at(0)} * * * *`, action: 'sysinfo_local' },
        { name: 'flush', when: `${at(1)} */6 * * *`, action: 'publish_queue' },
        { name: 'backup', when: `${at(2)} 3 * * *`, action: 'exec', command: ['/usr/local/bin/backup'], timeout: '1h' },
        { name: 'weekdays', when: `${at(3)} 8-18 * * 1-5`, action: 'exec', command: 'df -h' },
        { name: 'monthly', when: `${at(4)} 0 1 * *`, action: 'exec', command: ['true'] },
      ],
    },
    logger: { loglevel: 'info' },
  }),
);

// The local check's folder: limits this machine will not cross, so the run does what most cron runs do.
const localDir = join(dir, 'local');
mkdirSync(localDir);
writeFileSync(
  join(localDir, 'config.yaml'),
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

const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: dir,
  XDG_STATE_HOME: join(dir, 'xdg-state'),
  NODE_COMPILE_CACHE: join(dir, 'compile-cache'),
  ...(process.env.TZ ? { TZ: process.env.TZ } : {}),
};

interface Subject {
  name: string;
  kind: 'bare' | keyof typeof TARGETS;
  argv: string[];
  cwd: string;
  /** Throws when the run did something else than it should. */
  check: (status: number | null, stdout: string, stderr: string) => void;
}

const quiet = (what: string) => (status: number | null, stdout: string, stderr: string) => {
  if (status !== 0 || stdout !== '' || stderr !== '') {
    throw new Error(`${what}: exit ${status}, expected 0 and no output:\n${stdout}${stderr}`);
  }
};

const subjects: Subject[] = [{ name: 'node -e 0', kind: 'bare', argv: ['-e', '0'], cwd: dir, check: quiet('node') }];
for (const { label, main } of entries) {
  subjects.push(
    {
      name: `janitor scheduler (${label})`,
      kind: 'scheduler',
      argv: [main, 'scheduler'],
      cwd: schedulerDir,
      check: quiet(`${label}: janitor scheduler`),
    },
    {
      name: `janitor run local --dry-run (${label})`,
      kind: 'local',
      argv: [main, 'run', 'local', '--dry-run'],
      cwd: localDir,
      check: quiet(`${label}: janitor run local --dry-run`),
    },
  );
}

function timeOnce(subject: Subject): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, subject.argv, { cwd: subject.cwd, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  subject.check(r.status, r.stdout, r.stderr);
  return ms;
}

try {
  // Warm-up: fills the compile cache, and the local check's saved counters (its first run samples the CPU).
  for (const subject of subjects) timeOnce(subject);
  const walls = new Map<Subject, number[]>(subjects.map((s) => [s, []]));
  for (let round = 0; round < RUNS; round++) {
    for (const subject of subjects) walls.get(subject)!.push(timeOnce(subject));
  }
  const bare = median(walls.get(subjects[0]!)!);
  const table = [['command', 'median ms', 'p90 ms', 'ratio to bare', 'target', '']];
  let failed = 0;
  for (const subject of subjects) {
    const w = walls.get(subject)!;
    const ratio = median(w) / bare;
    const target = subject.kind === 'bare' ? undefined : TARGETS[subject.kind];
    const pass = target === undefined ? '' : ratio <= target ? 'PASS' : 'FAIL';
    if (pass === 'FAIL') failed++;
    table.push([
      subject.name,
      fmt(median(w)),
      fmt(percentile(w, 90)),
      `${fmt(ratio, 2)}x`,
      target === undefined ? '' : `<= ${target}x`,
      pass,
    ]);
  }
  console.log(`machine: ${await machine()}`);
  console.log(`${RUNS} runs of each, in turns, NODE_COMPILE_CACHE on (after one warm-up run of each)`);
  console.log(`load average (1 min): ${fmt(loadBefore, 2)} before, ${fmt(loadavg()[0]!, 2)} after`);
  for (const line of formatTable(table)) console.log(line);
  process.exitCode = failed === 0 ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
