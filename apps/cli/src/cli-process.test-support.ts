// Test support (not a test): runs a command the way a user does (a Node process on the TypeScript source, in its own
// working directory, with an environment free of the parent's JANITOR_* variables) and gives every run a deadline.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `janitor` command's entry point. */
export const JANITOR = fileURLToPath(new URL('./main.ts', import.meta.url));

/** How a run ended and everything it printed. */
export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running process: its output so far, a way to wait for a line, its stdin, and its end. */
export interface Started {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves with the first match of `pattern` in stdout (checked as output arrives); rejects at the deadline. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves with the first match of `pattern` in stderr; rejects at the deadline. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves when the process exits; rejects (after killing it) when it outlives its deadline. */
  readonly exited: Promise<Finished>;
}

export interface StartOptions {
  cwd: string;
  /** Added to the parent's environment (from which every JANITOR_* variable is removed). */
  env?: Record<string, string>;
  /** How long the process may live. @default 15000 */
  timeoutMs?: number;
}

const live = new Set<ChildProcessWithoutNullStreams>();

/** Starts `node script ...args`; stdin stays open (write to `child.stdin`, then end it). */
export function startNode(script: string, args: readonly string[], options: StartOptions): Started {
  const { cwd, env = {}, timeoutMs = 15_000 } = options;
  const child = spawn(process.execPath, [script, ...args], { cwd, env: cleanEnv(cwd, env), stdio: 'pipe' });
  live.add(child);
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const l of listeners) l();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const l of listeners) l();
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
      live.delete(child);
      for (const l of listeners) l();
      resolve({ code, signal, stdout, stderr });
    });
  });
  // Keep an early rejection from being unhandled while a test is still waiting for output.
  exited.catch(() => {});

  const waitFor =
    (read: () => string, what: string) =>
    (pattern: RegExp, wait = 10_000) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(read());
          if (match) {
            done();
            resolve(match);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`exited without ${pattern} on ${what}\nstdout: ${stdout}\nstderr: ${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${pattern} on ${what} within ${wait} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
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
    waitForStdout: waitFor(() => stdout, 'stdout'),
    waitForStderr: waitFor(() => stderr, 'stderr'),
    exited,
  };
}

/** Runs `node script ...args` to its end, with `input` (or nothing) on stdin. */
export function runNode(
  script: string,
  args: readonly string[],
  options: StartOptions & { input?: string },
): Promise<Finished> {
  const started = startNode(script, args, options);
  started.child.stdin.end(options.input ?? '');
  return started.exited;
}

/** Runs `janitor ...args` to its end. */
export function runJanitor(args: readonly string[], options: StartOptions & { input?: string }): Promise<Finished> {
  return runNode(JANITOR, args, options);
}

/** Kills whatever failed tests left running (only processes started here): for `afterAll`, since tests run concurrently. */
export function killLeftovers(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

/**
 * The parent's environment without JANITOR_* (and nothing read or written outside the test's folder: HOME is the
 * working directory, no XDG_* folders), plus Node's compile cache in its usual place, which halves the start-up of each run.
 */
function cleanEnv(cwd: string, extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith('JANITOR_') || key === 'NODE_OPTIONS' || key.startsWith('XDG_')) {
      continue;
    }
    env[key] = value;
  }
  return { ...env, HOME: cwd, NODE_COMPILE_CACHE: join(tmpdir(), 'node-compile-cache'), ...extra };
}

/** A fresh temporary folder, removed by `[Symbol.asyncDispose]` (`await using dir = await tempDir()`). */
export async function tempDir(): Promise<{ path: string; [Symbol.asyncDispose](): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'janitor-cli-test-'));
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

/** True when the text holds a stack-trace line (`    at fn (file:1:2)`). */
export function hasStackTrace(text: string): boolean {
  return /^\s+at\s/m.test(text);
}

/** The non-empty lines of an output. */
export function linesOf(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}
