// Child Node processes for tests that run a command the way a user does: `node script ...args` in its own working
// directory, with an environment free of the parent's JANITOR_* variables, its output collected as it arrives, and a
// deadline on every run. Plus the small things such tests need around them: a temporary folder, a closed port.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How a run ended and everything it printed. */
export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running process: its output so far, ways to wait for a line, its stdin (`child.stdin`), and its end. */
export interface NodeProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything printed so far. */
  output(): { stdout: string; stderr: string };
  /**
   * Resolves with the first match of `pattern` in stdout or, failing that, stderr (checked as output arrives);
   * rejects at the deadline (10 s by default) or when the process ends without it.
   */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves with the first match of `pattern` in stdout; rejects at the deadline or when the process ends. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves with the first match of `pattern` in stderr; rejects at the deadline or when the process ends. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves when the process exits; rejects (after killing it) when it outlives its deadline. */
  readonly exited: Promise<Finished>;
}

/** Where and how long a process runs. */
export interface NodeProcessOptions {
  cwd: string;
  /**
   * Added to the parent's environment, from which every JANITOR_* and XDG_* variable and NODE_OPTIONS are removed;
   * HOME is the working directory.
   */
  env?: Record<string, string>;
  /** How long the process may live. @default 15000 */
  timeoutMs?: number;
}

/** Starts and runs processes, and kills those of them that a failed test left running. */
export interface NodeProcesses {
  /** Starts `node script ...args`; stdin stays open (write to `child.stdin`, then end it). */
  start(script: string, args: readonly string[], options: NodeProcessOptions): NodeProcess;
  /** Runs `node script ...args` to its end, with `input` (or nothing) on stdin. */
  run(script: string, args: readonly string[], options: NodeProcessOptions & { input?: string }): Promise<Finished>;
  /** Kills every process started here that is still running (for `afterAll`, since tests run concurrently). */
  killLeftovers(): void;
}

/** A fresh set of processes: `killLeftovers` ends only those started through it. */
export function nodeProcesses(): NodeProcesses {
  const live = new Set<ChildProcessWithoutNullStreams>();
  const start = (script: string, args: readonly string[], options: NodeProcessOptions): NodeProcess => {
    const started = startNodeProcess(script, args, options);
    live.add(started.child);
    started.child.on('close', () => live.delete(started.child));
    return started;
  };
  return {
    start,
    run(script, args, options) {
      const started = start(script, args, options);
      started.child.stdin.end(options.input ?? '');
      return started.exited;
    },
    killLeftovers() {
      for (const child of live) child.kill('SIGKILL');
      live.clear();
    },
  };
}

function startNodeProcess(script: string, args: readonly string[], options: NodeProcessOptions): NodeProcess {
  const { cwd, env = {}, timeoutMs = 15_000 } = options;
  const child = spawn(process.execPath, [script, ...args], { cwd, env: cleanEnv(cwd, env), stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of listeners) l();
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    notify();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    notify();
  });
  // A process that exits before reading its stdin must not fail the test with EPIPE.
  child.stdin.on('error', () => {});

  const exited = new Promise<Finished>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')}: still running after ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      notify();
      resolve({ code, signal, stdout, stderr });
    });
  });
  // Keep an early rejection from being unhandled while a test is still waiting for output.
  exited.catch(() => {});

  /** Waits for `find` to match; `where` (` on stdout`, or nothing) goes into the error messages. */
  const waitFor =
    (find: (pattern: RegExp) => RegExpExecArray | null, where: string) =>
    (pattern: RegExp, wait = 10_000) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const check = () => {
          const match = find(pattern);
          if (match) {
            done();
            resolve(match);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`exited without ${pattern}${where}\nstdout: ${stdout}\nstderr: ${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${pattern}${where} within ${wait} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
        }, wait);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });

  return {
    child,
    output: () => ({ stdout, stderr }),
    waitFor: waitFor((pattern) => pattern.exec(stdout) ?? pattern.exec(stderr), ''),
    waitForStdout: waitFor((pattern) => pattern.exec(stdout), ' on stdout'),
    waitForStderr: waitFor((pattern) => pattern.exec(stderr), ' on stderr'),
    exited,
  };
}

/**
 * The parent's environment without JANITOR_* (and nothing read or written outside the test's folder: HOME is the
 * working directory, no XDG_* folders, no NODE_OPTIONS), plus Node's compile cache in its usual place, which halves
 * the start-up of each run; then `extra`.
 */
function cleanEnv(cwd: string, extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith('JANITOR_') || key.startsWith('XDG_') || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return { ...env, HOME: cwd, NODE_COMPILE_CACHE: join(tmpdir(), 'node-compile-cache'), ...extra };
}

/** A fresh temporary folder named `prefix` + random characters, removed on dispose (`await using dir = ...`). */
export async function tempDir(prefix: string): Promise<{ path: string; [Symbol.asyncDispose](): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

/** A loopback port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** What {@link runToEnd} returns. */
export interface RanToEnd {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs any command (not only node) to its end, stdin closed, with a deadline: a command still running then is killed
 * and the promise rejects saying `what` did not finish, with its stderr so far.
 */
export async function runToEnd(
  command: string,
  args: readonly string[],
  options: { what: string; cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<RanToEnd> {
  const { what, timeoutMs = 15_000 } = options;
  const child = spawn(command, args, {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.env ? { env: options.env } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not finish within ${timeoutMs / 1000} s: ${stderr}`));
    }, timeoutMs);
    child.on('exit', (status) => {
      clearTimeout(deadline);
      resolve(status);
    });
  });
  return { code, stdout, stderr };
}
