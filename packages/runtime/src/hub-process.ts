// The hub's pid file as `janitor listen --detach` writes it, and whether the process it names is a running hub: what
// a scheduled `publish_queue` checks before it posts the hub's outbox itself.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

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
export function hubState(files: HubFiles, hubMain?: string): HubState {
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

/** The hub's entry point as it appears on a command line: the `janitor-hub` bin, or its main file in a clone. */
const HUB_ENTRY = /janitor-hub|[/\\]hub[/\\](?:src|dist)[/\\]main\.[jt]s$/;

function isHubProcess(pid: number, hubMain: string | undefined): boolean {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    // No procfs (macOS): a live process with that PID is the best evidence there is.
    return !existsSync('/proc/self');
  }
  const argv = cmdline.split('\0');
  return argv.some((arg) => arg === hubMain || HUB_ENTRY.test(arg));
}
