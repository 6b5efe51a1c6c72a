// The hub as a process: in the foreground (`janitor listen`), detached with a pid and log file (`--detach`),
// stopped, and probed through GET /health.
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { constants } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type HubFiles, type HubState, hubState, isAlive } from './hub-process.ts';
import { HUB_NODE_FLAGS } from './node-flags.ts';
import { CliError, EXIT } from './runtime.ts';

/** What `janitor listen` passes on to janitor-hub. */
export interface HubArgs {
  config?: string;
  host?: string;
  port?: number;
  dryRun?: boolean;
}

/** The janitor-hub command line for {@link HubArgs}. */
export function hubArgv(args: HubArgs): string[] {
  return [
    ...(args.config ? ['--config', args.config] : []),
    ...(args.host ? ['--host', args.host] : []),
    ...(args.port === undefined ? [] : ['--port', String(args.port)]),
    ...(args.dryRun ? ['--dry-run'] : []),
  ];
}

/**
 * Passed on to the hub in the foreground, each as itself. The hub runs in a process group of its own, so a Ctrl-C
 * reaches it once, from here, and is logged as SIGINT; a SIGINT sent to janitor alone (a supervisor) stops it too.
 */
const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** `janitor listen`: the hub in the foreground, with our stdio; resolves with its exit status. */
export async function runHubForeground(args: HubArgs, hubMain: string): Promise<number> {
  const relay = (signal: NodeJS.Signals) => child.kill(signal);
  // Listening before the hub starts, so that no signal finds this wrapper without its relay (handlers run only after
  // this synchronous code, when `child` is set).
  for (const s of FORWARDED) process.on(s, relay);
  const child = spawn(process.execPath, [...HUB_NODE_FLAGS, hubMain, ...hubArgv(args)], {
    stdio: 'inherit',
    detached: true,
  });
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve(signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1)));
    });
  } finally {
    for (const s of FORWARDED) process.removeListener(s, relay);
  }
}

export interface DetachOptions {
  args: HubArgs;
  files: HubFiles;
  /** How long to wait for the hub to answer GET /health. @default 10000 */
  readyTimeoutMs?: number;
  /** The hub's entry point ({@link hubEntryPoint}). */
  hubMain: string;
  env?: NodeJS.ProcessEnv;
  /** Where the hub will listen, when known before it starts (not with port 0): checked to be free first. */
  expectedUrl?: string;
  /**
   * Whether the hub's log will hold its `hub listening url=…` line (its logger writes info lines to stdout). When it
   * does, the URL is taken from there, so another server on the port is never mistaken for the new hub; otherwise
   * `expectedUrl` is probed. @default true
   */
  logsListening?: boolean;
}

/**
 * `janitor listen --detach`: starts the hub in its own session with stdout and stderr appended to the log file,
 * writes the pid file, and resolves once GET /health answers (any status: a hub without a Mastodon token answers
 * 503 but runs). Refuses when the pid file names a running hub; fails with the log's last lines when the hub exits
 * or does not answer in time (and then stops it).
 */
export async function startHubDetached(options: DetachOptions): Promise<{ pid: number; url: string; health: string }> {
  const { args, files, readyTimeoutMs = 10_000, hubMain, env = process.env } = options;
  const { expectedUrl, logsListening = true } = options;
  const current = hubState(files, hubMain);
  if (current.state === 'running') {
    throw new CliError(
      `a hub is already running with PID ${current.pid}${current.url ? ` on ${current.url}` : ''} (${files.pidFile}); 'janitor listen stop' stops it`,
      EXIT.failure,
    );
  }
  if (expectedUrl && (await probeHealth(expectedUrl)) !== undefined) {
    throw new CliError(
      `something already answers on ${expectedUrl}: another hub? (choose another --port)`,
      EXIT.failure,
    );
  }
  mkdirSync(dirname(files.pidFile), { recursive: true, mode: 0o700 });
  const logOffset = existsSync(files.logFile) ? statSync(files.logFile).size : 0;
  const log = openSync(files.logFile, 'a', 0o640);
  let pid: number;
  const exited: { code: number | null; signal: NodeJS.Signals | null }[] = [];
  try {
    const child = spawn(process.execPath, [...HUB_NODE_FLAGS, hubMain, ...hubArgv(args)], {
      detached: true,
      stdio: ['ignore', log, log],
      env,
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    pid = child.pid!;
    child.once('exit', (code, signal) => exited.push({ code, signal }));
    child.unref();
  } finally {
    closeSync(log);
  }
  writePidFile(files.pidFile, pid);

  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (exited.length > 0 || !isAlive(pid)) {
      rmSync(files.pidFile, { force: true });
      throw new CliError(
        `the hub exited during start-up; ${files.logFile} ends with:\n${logTail(files, logOffset)}`,
        EXIT.failure,
      );
    }
    const url = listeningUrl(files, logOffset) ?? (logsListening ? undefined : expectedUrl);
    const health = url ? await probeHealth(url) : undefined;
    if (url && health !== undefined && exited.length === 0 && isAlive(pid)) {
      writePidFile(files.pidFile, pid, url);
      return { pid, url, health };
    }
    await sleep(100);
  }
  await stopProcess(pid, 5000);
  rmSync(files.pidFile, { force: true });
  throw new CliError(
    `the hub did not answer GET /health within ${readyTimeoutMs / 1000} s and was stopped; ${files.logFile} ends with:\n${logTail(files, logOffset)}`,
    EXIT.failure,
  );
}

/** `janitor listen stop`: SIGTERM, then up to `timeoutMs` for a clean stop (SIGKILL after that); removes the pid file. */
export async function stopHub(
  files: HubFiles,
  options: { timeoutMs?: number; hubMain?: string } = {},
): Promise<{ stopped: HubState; killed: boolean }> {
  const { timeoutMs = 10_000, hubMain } = options;
  const state = hubState(files, hubMain);
  if (state.state !== 'running') {
    rmSync(files.pidFile, { force: true });
    return { stopped: state, killed: false };
  }
  const killed = await stopProcess(state.pid, timeoutMs);
  rmSync(files.pidFile, { force: true });
  return { stopped: state, killed };
}

/** Sends SIGTERM and waits; SIGKILL when the deadline passes. True when it had to be killed. */
async function stopProcess(pid: number, timeoutMs: number): Promise<boolean> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return false;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return false;
    await sleep(50);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return false;
  }
  const killDeadline = Date.now() + 2000;
  while (isAlive(pid) && Date.now() < killDeadline) await sleep(50);
  return true;
}

/** GET /health: its `status` field ("ready", "not ready"), or undefined when nothing answers. */
export async function probeHealth(url: string, timeoutMs = 1000): Promise<string | undefined> {
  try {
    const response = await fetch(`${url.replace(/\/+$/, '')}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.json().catch(() => ({}))) as { status?: unknown };
    return typeof body.status === 'string' ? body.status : `HTTP ${response.status}`;
  } catch {
    return undefined;
  }
}

function writePidFile(path: string, pid: number, url?: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, url ? `${pid}\n${url}\n` : `${pid}\n`, { mode: 0o644 });
  renameSync(tmp, path);
}

function readLog(files: HubFiles, offset: number): string {
  try {
    return readFileSync(files.logFile).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

/** The URL of the hub's `hub listening` line (pretty `url=…` or JSON `"url":"…"`) written since `offset`. */
function listeningUrl(files: HubFiles, offset: number): string | undefined {
  for (const line of readLog(files, offset).split('\n')) {
    if (!line.includes('hub listening')) continue;
    const match = /\burl[=":]+(https?:\/\/[^\s"]+)/.exec(line);
    if (match) return match[1];
  }
  return undefined;
}

function logTail(files: HubFiles, offset: number): string {
  const lines = readLog(files, offset).trimEnd().split('\n');
  return lines.slice(-10).join('\n') || '(nothing)';
}

/** Where to reach a hub listening on `host`: a wildcard address is reached through loopback. */
export function localUrl(host: string, port: number): string {
  if (host === '0.0.0.0' || host === '') return `http://127.0.0.1:${port}`;
  if (host === '::') return `http://[::1]:${port}`;
  return host.includes(':') ? `http://[${host}]:${port}` : `http://${host}:${port}`;
}
