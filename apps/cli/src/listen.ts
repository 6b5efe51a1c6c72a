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
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { CliError, EXIT } from 'janitor-agent';
import { HUB_NODE_FLAGS } from 'janitor-hub/node-flags';

/**
 * The hub's entry point: `main.ts` (or, once built, `main.js`) beside the `janitor-hub` package's entry, or the
 * workspace's copy when the package is not linked into this one.
 */
export function hubEntryPoint(): string {
  try {
    const index = fileURLToPath(import.meta.resolve('janitor-hub'));
    const main = join(dirname(index), basename(index).replace(/^index\./, 'main.'));
    if (existsSync(main)) return main;
  } catch {
    // Not linked (yet): fall back to the workspace layout.
  }
  return fileURLToPath(new URL('../../hub/src/main.ts', import.meta.url));
}

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

/** Passed on to the hub in the foreground. SIGINT is not: the terminal sends it to the hub itself. */
const FORWARDED: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGHUP'];

/** `janitor listen`: the hub in the foreground, with our stdio; resolves with its exit status. */
export async function runHubForeground(args: HubArgs, hubMain = hubEntryPoint()): Promise<number> {
  const child = spawn(process.execPath, [...HUB_NODE_FLAGS, hubMain, ...hubArgv(args)], { stdio: 'inherit' });
  const relay = (signal: NodeJS.Signals) => child.kill(signal);
  const ignore = () => {};
  for (const s of FORWARDED) process.on(s, relay);
  process.on('SIGINT', ignore);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve(signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1)));
    });
  } finally {
    for (const s of FORWARDED) process.removeListener(s, relay);
    process.removeListener('SIGINT', ignore);
  }
}

/** Where a detached hub keeps its pid and its log. */
export interface HubFiles {
  pidFile: string;
  logFile: string;
}

/** `<state_dir>/hub.pid` and `<state_dir>/hub.log`. */
export function hubFiles(stateDir: string): HubFiles {
  return { pidFile: join(stateDir, 'hub.pid'), logFile: join(stateDir, 'hub.log') };
}

/** What the pid file says, checked against the running processes. */
export type HubState =
  | { state: 'running'; pid: number; url: string | undefined }
  | { state: 'stopped' }
  | { state: 'stale'; pid: number; reason: 'gone' | 'not a janitor hub' | 'unreadable' };

/**
 * Reads the pid file: `running` when its process is alive and is a janitor hub (its command line names the hub's
 * entry point or janitor-hub), `stale` when it is gone or something else now has that PID.
 */
export function hubState(files: HubFiles, hubMain = hubEntryPoint()): HubState {
  let text: string;
  try {
    text = readFileSync(files.pidFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'stopped' };
    throw error;
  }
  const [pidLine = '', urlLine = ''] = text.split('\n');
  const pid = Number(pidLine.trim());
  if (!Number.isInteger(pid) || pid <= 0) return { state: 'stale', pid: 0, reason: 'unreadable' };
  if (!isAlive(pid)) return { state: 'stale', pid, reason: 'gone' };
  if (!isHubProcess(pid, hubMain)) return { state: 'stale', pid, reason: 'not a janitor hub' };
  return { state: 'running', pid, url: urlLine.trim() || undefined };
}

/** True while `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // "pid (comm) S ...": a zombie has exited, only its parent has not collected it yet.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    // Without procfs (macOS) kill(0) is all there is; with it, a missing stat means the process just ended.
    return !existsSync('/proc/self');
  }
}

function isHubProcess(pid: number, hubMain: string): boolean {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    // No procfs (macOS): a live process with that PID is the best evidence there is.
    return !existsSync('/proc/self');
  }
  const argv = cmdline.split('\0');
  return argv.some((arg) => arg === hubMain || /janitor-hub/.test(arg));
}

export interface DetachOptions {
  args: HubArgs;
  files: HubFiles;
  /** How long to wait for the hub to answer GET /health. @default 10000 */
  readyTimeoutMs?: number;
  hubMain?: string;
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
  const { args, files, readyTimeoutMs = 10_000, hubMain = hubEntryPoint(), env = process.env } = options;
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
  const { timeoutMs = 10_000, hubMain = hubEntryPoint() } = options;
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
