import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import nodeOs from 'node:os';
import { dirname, join } from 'node:path';
import type { CounterState, Counters } from './counters.ts';
import { CPU_TIME_FIELDS } from './cpu-times.ts';
import type { SourceKind } from './source.ts';

const STATE_VERSION = 1;

/**
 * Where a one-shot `collect()` keeps the previous counters by default: `$XDG_STATE_HOME/janitor/metrics-state.json`,
 * else `~/.local/state/janitor/metrics-state.json` (`%LOCALAPPDATA%\janitor\metrics-state.json` on Windows).
 * Per user, so a cron job of root and one of a user do not share (or fight over) a file.
 */
export function defaultStateFile(
  env: Record<string, string | undefined> = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (platform === 'win32') {
    return join(env.LOCALAPPDATA ?? join(nodeOs.homedir(), 'AppData', 'Local'), 'janitor', 'metrics-state.json');
  }
  const base = env.XDG_STATE_HOME?.startsWith('/') ? env.XDG_STATE_HOME : join(nodeOs.homedir(), '.local', 'state');
  return join(base, 'janitor', 'metrics-state.json');
}

/** Why a state file was not used; `missing` is the normal first run. */
export type StateProblem = 'missing' | 'unreadable' | 'corrupt' | 'other-source';

/** Reads the kept counters, or says why there are none usable. Never throws: a bad file only costs a brief sample. */
export async function readStateFile(
  path: string,
  kind: SourceKind,
): Promise<{ state: CounterState } | { problem: StateProblem; error?: unknown }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT'
      ? { problem: 'missing' }
      : { problem: 'unreadable', error };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { problem: 'corrupt', error };
  }
  if (!isRecord(data) || data.version !== STATE_VERSION) return { problem: 'corrupt' };
  if (data.source !== kind) return { problem: 'other-source' };
  if (!isCounters(data.base) || !isCounters(data.last)) return { problem: 'corrupt' };
  return { state: { base: data.base, last: data.last } };
}

/**
 * Writes the counters atomically (a temporary file renamed over the old one), so a concurrent run reads either the
 * old state or the new one, never half of one, and a symlink planted at the path is replaced, not followed.
 */
export async function writeStateFile(path: string, kind: SourceKind, state: CounterState): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  const body = JSON.stringify({ version: STATE_VERSION, source: kind, base: state.base, last: state.last });
  try {
    await writeFile(temporary, `${body}\n`, { mode: 0o600, flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;

function isCounters(value: unknown): value is Counters {
  if (!isRecord(value)) return false;
  const { atMs, bootTimeSec, cpu, net } = value;
  if (!isCount(atMs) || !isCount(bootTimeSec)) return false;
  if (!Array.isArray(cpu) || cpu.length !== CPU_TIME_FIELDS || !cpu.every(isCount)) return false;
  if (!isRecord(net)) return false;
  return Object.values(net).every((pair) => Array.isArray(pair) && pair.length === 2 && pair.every(isCount));
}
