// Test support (not a test) for remote mode, janitor send/exec/listen: processes run as a user runs them, a real
// janitor-hub started from a config file, and a recording hub on loopback whose answers a test chooses.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const AGENT_MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
export const HUB_MAIN = fileURLToPath(new URL('../../hub/src/main.ts', import.meta.url));
export const JANITOR_MAIN = fileURLToPath(new URL('../../cli/src/main.ts', import.meta.url));

/** A token the hubs of these tests accept (at least 16 characters). */
export const HUB_TOKEN = 'test-token-0123456789abcdef';

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Started {
  readonly child: ChildProcessWithoutNullStreams;
  output(): { stdout: string; stderr: string };
  /** Resolves with the first match of `pattern` in stdout or stderr; rejects at the deadline or when the process ends. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  readonly exited: Promise<Finished>;
}

export interface NodeRunOptions {
  cwd: string;
  /** Added to an environment free of JANITOR_*, XDG_* and NODE_OPTIONS, with HOME = cwd. */
  env?: Record<string, string>;
  /** @default 15000 */
  timeoutMs?: number;
}

const live = new Set<ChildProcessWithoutNullStreams>();

/** Starts `node script ...args`. */
export function startNode(script: string, args: readonly string[], options: NodeRunOptions): Started {
  const { cwd, env = {}, timeoutMs = 15_000 } = options;
  const child = spawn(process.execPath, [script, ...args], { cwd, env: cleanEnv(cwd, env), stdio: 'pipe' });
  live.add(child);
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of listeners) l();
  };
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
    notify();
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
    notify();
  });
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
      notify();
      resolve({ code, signal, stdout, stderr });
    });
  });
  exited.catch(() => {});
  return {
    child,
    output: () => ({ stdout, stderr }),
    exited,
    waitFor: (pattern, wait = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stdout) ?? pattern.exec(stderr);
          if (match) {
            done();
            resolve(match);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`exited without ${pattern}\nstdout: ${stdout}\nstderr: ${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${pattern} within ${wait} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
        }, wait);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      }),
  };
}

/** Runs `node script ...args` to its end with `input` (or nothing) on stdin. */
export function runNode(
  script: string,
  args: readonly string[],
  options: NodeRunOptions & { input?: string },
): Promise<Finished> {
  const started = startNode(script, args, options);
  started.child.stdin.end(options.input ?? '');
  return started.exited;
}

/** Kills what a failed test left running (only processes started here). */
export function killLeftovers(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

function cleanEnv(cwd: string, extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith('JANITOR_') || key.startsWith('XDG_') || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return { ...env, HOME: cwd, NODE_COMPILE_CACHE: join(tmpdir(), 'node-compile-cache'), ...extra };
}

/** A fresh temporary folder, removed on dispose (`await using dir = await tempDir()`). */
export async function tempDir(): Promise<{ path: string; [Symbol.asyncDispose](): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'janitor-remote-test-'));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

/** A real janitor-hub on 127.0.0.1 with a random port, dry run, accepting {@link HUB_TOKEN}. */
export interface RealHub {
  url: string;
  process: Started;
  /** Requests the hub logged so far, as `METHOD /path STATUS`. */
  requests(): string[];
  stop(): Promise<Finished>;
}

export async function startRealHub(dir: string, extraYaml = ''): Promise<RealHub> {
  const config = join(dir, 'hub-config.yaml');
  await writeFile(
    config,
    [
      'app:',
      '  run_control: { dry_run: true }',
      '  state_dir: hub-state',
      `  service: { tokens: [ { name: tests, token: ${HUB_TOKEN} } ] }`,
      extraYaml,
    ].join('\n'),
  );
  const hub = startNode(HUB_MAIN, ['--config', config, '--port', '0', '--host', '127.0.0.1'], {
    cwd: dir,
    timeoutMs: 60_000,
  });
  const [, url] = await hub.waitFor(/hub listening url=(http:\/\/\S+)/);
  return {
    url: url!,
    process: hub,
    requests: () =>
      [...hub.output().stderr.matchAll(/request method=(\S+) path=(\S+) status=(\d+)/g)].map(
        (m) => `${m[1]} ${m[2]} ${m[3]}`,
      ),
    async stop() {
      hub.child.kill('SIGTERM');
      return hub.exited;
    },
  };
}

/** One request the recording hub received. */
export interface Recorded {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

/** What the recording hub answers: a status and a JSON body. */
export type Answer = { status: number; body?: unknown };

/** A hub on loopback that records every request and answers what the test says (by default 200 queued). */
export interface RecordingHub {
  url: string;
  port: number;
  received: Recorded[];
  /** Sets the answer to the following requests. */
  answer(next: (request: Recorded) => Answer): void;
  close(): Promise<void>;
}

export async function startRecordingHub(port = 0): Promise<RecordingHub> {
  const received: Recorded[] = [];
  let respond: (r: Recorded) => Answer = () => ({ status: 200, body: { status: 'queued', id: received.length } });
  const server: Server = createServer(async (req, res) => {
    const text = await readAll(req);
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {}
    const recorded: Recorded = {
      method: req.method ?? '',
      path: req.url ?? '',
      authorization: req.headers.authorization,
      body,
    };
    received.push(recorded);
    const answer = respond(recorded);
    res.writeHead(answer.status, { 'content-type': 'application/json', connection: 'close' });
    res.end(JSON.stringify(answer.body ?? {}));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    received,
    answer(next) {
      respond = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A loopback port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const hub = await startRecordingHub();
  await hub.close();
  return hub.port;
}
