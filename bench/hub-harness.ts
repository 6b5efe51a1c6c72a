// What the hub benchmarks (hub-ingest, hub-message, hub-memory, hub-rules) share: their command-line options, the
// load generator (autocannon, typed), starting a server process and waiting until it answers, stopping it, and the
// machine's load average around the run. Not a benchmark itself (bench/run.ts skips it).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, constants, loadavg, setPriority } from 'node:os';
import { join } from 'node:path';
import { HUB_NODE_FLAGS } from '@janitor/runtime';
// @ts-expect-error autocannon 9 ships no type declarations (the part used here is typed below).
import untypedAutocannon from 'autocannon';
import { fmt } from './stats.ts';

/** The repository's root folder. */
export const root = join(import.meta.dirname, '..');

/** The part of autocannon's result the hub benchmarks read. */
export interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  mismatches: number;
  duration: number;
  '2xx': number;
}

/** autocannon's promise form: runs the load described by `options` and resolves with its figures. */
export const autocannon = untypedAutocannon as (options: Record<string, unknown>) => Promise<AutocannonResult>;

/** The benchmark's command-line arguments (after `node bench/NAME.ts`). */
export const args = process.argv.slice(2);

/** The number after `name` on the command line (`--seconds 5`), or `fallback` when there is none. */
export function option(name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
}

/** The hub's entry point the bench starts: `--hub PATH` runs another copy (e.g. a patched one) against the same baseline. */
export const hubMain = args.includes('--hub') ? args[args.indexOf('--hub') + 1]! : join(root, 'apps/hub/src/main.ts');

/**
 * The machine's 1-minute load average when the bench began (when this module was loaded, before the bench's own
 * code ran): other work on its 2 cores skews every figure.
 */
export const loadBefore = loadavg()[0]!;

/** `load average (1 min): BEFORE before, NOW after`, followed by ` (note)` when a note is given. */
export function loadAverageLine(note?: string): string {
  const line = `load average (1 min): ${fmt(loadBefore, 2)} before, ${fmt(loadavg()[0]!, 2)} after`;
  return note === undefined ? line : `${line} (${note})`;
}

/** A port nobody listens on now (the server under test takes it a moment later). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Writes `dir/name` (`config.yaml` unless named): a hub that runs dry, keeps its state in `dir/state` and logs at level
 * warn, with `extra` lines of config.yaml after. @returns its path
 */
export function writeHubConfig(dir: string, extra: readonly string[] = [], name = 'config.yaml'): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    [
      `app: { run_control: { dry_run: true }, state_dir: ${JSON.stringify(join(dir, 'state'))} }`,
      'logger: { loglevel: warn }',
      ...extra,
    ].join('\n'),
  );
  return path;
}

/** The node arguments that run a hub as users run it: `[...HUB_NODE_FLAGS, main, '--config', config, '--port', port]`. */
export function hubArgs(main: string, config: string, port: number): string[] {
  return [...HUB_NODE_FLAGS, main, '--config', config, '--port', String(port)];
}

/** A server process under test. */
export interface Server {
  name: string;
  /** `http://127.0.0.1:PORT`. */
  url: string;
  child: ChildProcess;
}

/** The CPUs servers are started on when the load generator is pinned ({@link pinLoadGenerator}): all of them. */
let serverCpus: string | undefined;

/**
 * Pins this process's main thread, where the load generator runs, to the first CPU (`taskset`, from util-linux), and
 * starts the servers after it on every CPU: a diagnostic, to see what the generator's thread (woken by every answer)
 * costs the server it shares a 2-core machine with. Agents are other machines in a real fleet.
 */
export function pinLoadGenerator(): void {
  // Counted before the pinning: it counts the CPUs this thread may run on.
  serverCpus = `0-${availableParallelism() - 1}`;
  execFileSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
}

/**
 * Gives every thread of this process (the load generator's, its collector's and thread pool's) the lowest scheduling
 * priority (nice 19; threads started later inherit it), so that on a machine with few cores the scheduler runs the
 * server's threads first whenever both want a core: the server is measured as on a machine of its own, the way a hub
 * runs with its agents on other machines. Servers started before the call keep their priority; those started after
 * it, and the commands they are compared with, inherit the lowest one. On Linux a priority belongs to a thread (the
 * call sets each one, from `/proc/self/task`); elsewhere it sets the process's.
 */
export function yieldToServers(): void {
  let threads: number[];
  try {
    threads = readdirSync('/proc/self/task').map(Number);
  } catch {
    threads = [process.pid];
  }
  for (const tid of threads) setPriority(tid, constants.priority.PRIORITY_LOW);
}

/**
 * The program and arguments that run `node ...command` as a server (or its reference) is run: under `taskset` on
 * every CPU once the load generator is pinned, so that it does not inherit the generator's CPU.
 */
export function nodeCommand(command: readonly string[]): [string, ...string[]] {
  return serverCpus === undefined
    ? [process.execPath, ...command]
    : ['taskset', '-c', serverCpus, process.execPath, ...command];
}

export interface StartServerOptions {
  /** @default the repository's root */
  cwd?: string;
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts `node ...command` (stdin and stdout ignored, stderr kept for the error message) and waits (10 s at most)
 * until `GET /health` on `port` answers; throws, with the process's stderr, when it exits first or does not answer
 * in time (killing it then).
 */
export async function startServer(
  name: string,
  command: readonly string[],
  port: number,
  options: StartServerOptions = {},
): Promise<Server> {
  const [file, ...argv] = nodeCommand(command);
  const child = spawn(file, argv, {
    cwd: options.cwd ?? root,
    env: options.env ?? process.env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${stderr}`);
    try {
      await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      return { name, url, child };
    } catch {
      if (Date.now() > deadline) {
        child.kill();
        throw new Error(`${name} did not listen on ${url} within 10 s: ${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * Starts the reference of the hub's benchmarks: a bare Hono JSON echo (`POST /sysinfo` answers the body it got)
 * served by @hono/node-server, in its own process, from apps/hub (where both resolve). Its `/health` is a 404, which
 * is an answer.
 */
export function startBareEcho(port: number): Promise<Server> {
  const source = `import { serve } from '@hono/node-server';
import { Hono } from 'hono';
const app = new Hono().post('/sysinfo', async (c) => c.json(await c.req.json()));
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT) });`;
  return startServer('bare Hono echo', ['--input-type=module', '-e', source], port, {
    cwd: join(root, 'apps/hub'),
    env: { ...process.env, PORT: String(port) },
  });
}

/** Stops a server: SIGTERM, then SIGKILL if it is still running 8 s later; resolves when it has exited. */
export async function stopServer(server: Server): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => server.child.once('exit', () => resolve()));
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 8000);
  await exited;
  clearTimeout(timer);
}

/** The columns of a load run in a report table, after the server's name and the round: see {@link loadCells}. */
export const LOAD_COLUMNS = ['req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'non-2xx', 'mismatches'];

/** A load run's cells under {@link LOAD_COLUMNS}. */
export function loadCells(r: AutocannonResult): string[] {
  return [
    fmt(r.requests.total / r.duration, 0),
    fmt(r.latency.p50, 0),
    fmt(r.latency.p99, 0),
    fmt(r.latency.max, 0),
    String(r.errors + r.timeouts),
    String(r.non2xx),
    String(r.mismatches),
  ];
}
