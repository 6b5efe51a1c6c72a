import { MESSAGE_ICONS, type MessageType } from '@janitor/protocol';
import type { CheckDefinition } from './check-definition.ts';
import type { CheckChange, CheckProblemKind, CheckState } from './check-state.ts';

/** A post about a check, as the hub queues alert reports: content warning, text and message type. */
export interface CheckPost {
  spoiler: string;
  text: string;
  /** Picks its route (`status_post.by_type`): see {@link checkLevel}; `info` for a check that is back. */
  type: MessageType;
}

/** How many lines of a failing run's output a post shows, at most. */
export const POST_TAIL_LINES = 15;
/** How many characters of a failing run's output a post shows, at most (the server splits longer posts). */
export const POST_TAIL_CHARS = 1500;

const LEVELS: Readonly<Record<CheckProblemKind, MessageType>> = Object.freeze({
  late: 'warning',
  running_too_long: 'warning',
  failed: 'error',
});

/**
 * The message type of a check's problem, which routes its posts (`status_post.by_type`): a run that failed is an
 * `error`; a job that is late or runs too long is a `warning` (it may still come).
 */
export function checkLevel(problem: CheckProblemKind): MessageType {
  return LEVELS[problem];
}

/**
 * The post that tells a change of a check:
 * - late (warning): `backup is late: expected by 02:05 UTC, last ping 26h ago`, then the check's timing
 * - failed (error): `backup failed (exit 3)`, then the last lines of the run's output (the ping's body)
 * - running too long (warning): `backup ran too long: started 14:02 UTC, no success within 30m`
 * - reminders: `backup is still late: ...`, `backup is still failing (exit 3) ...`, `backup is still running: ...`
 * - back (info): `backup is back: success at 03:12 UTC, after being late for 1h 7m`
 *
 * Times are in the check's zone (UTC for a period), with the date when it is not the day of the post. The text may
 * quote the ping's body, which comes from outside: the publisher neutralises it like any alert report.
 */
export function checkPost(definition: CheckDefinition, change: CheckChange, state: CheckState): CheckPost {
  const { slug } = definition;
  const { incident, atMs } = change;
  const zone = zoneOf(definition);
  const at = (ms: number) => formatCheckTime(ms, zone, atMs);
  const type = change.reason === 'resolved' ? 'info' : checkLevel(incident.problem);
  const post = (text: string): CheckPost => ({ spoiler: spoilerOf(type, definition), text, type });
  const lastPing =
    state.lastPingMs === undefined ? 'never pinged' : `last ping ${formatCheckSpan(atMs - state.lastPingMs)} ago`;
  const exit = incident.exitStatus === undefined ? '' : ` (exit ${incident.exitStatus})`;

  if (change.reason === 'resolved') {
    const lasted = formatCheckSpan(atMs - incident.sinceMs);
    const how =
      incident.problem === 'late'
        ? `after being late for ${formatCheckSpan(atMs - (incident.deadlineMs ?? incident.sinceMs))}`
        : incident.problem === 'failed'
          ? `after failing for ${lasted}`
          : `${formatCheckSpan(atMs - (incident.startedMs ?? incident.sinceMs))} after its run started`;
    return post(`${slug} is back: success at ${at(atMs)}, ${how}`);
  }

  const again = change.reason === 'repeat';
  switch (incident.problem) {
    case 'late': {
      const expected = incident.deadlineMs === undefined ? '' : `expected by ${at(incident.deadlineMs)}, `;
      return post(`${slug} is ${again ? 'still ' : ''}late: ${expected}${lastPing}\n${describeTiming(definition)}`);
    }
    case 'running_too_long': {
      const started = incident.startedMs ?? state.startedMs ?? incident.sinceMs;
      return again
        ? post(`${slug} is still running: started ${at(started)}, no success for ${formatCheckSpan(atMs - started)}`)
        : post(`${slug} ran too long: started ${at(started)}, no success within ${settingText(definition.graceMs)}`);
    }
    default: {
      if (again) {
        const since =
          state.lastPingMs === undefined ? '' : `, last failure ${formatCheckSpan(atMs - state.lastPingMs)} ago`;
        return post(`${slug} is still failing${exit}: since ${at(incident.sinceMs)}${since}`);
      }
      const tail = tailLines(state.lastBody);
      const output =
        tail.length === 0
          ? ''
          : `\n\nlast ${tail.length === 1 ? 'line' : `${tail.length} lines`} of output:\n${tail.join('\n')}`;
      return post(`${slug} failed${exit}${output}`);
    }
  }
}

/** How a check expects its pings, for posts and tables: `every 1d, grace 1h`, `0 2 * * * (Europe/Madrid), grace 30m`. */
export function describeTiming(definition: Pick<CheckDefinition, 'timing' | 'graceMs'>): string {
  const { timing, graceMs } = definition;
  const when =
    timing.kind === 'period' ? `every ${settingText(timing.periodMs)}` : `${timing.schedule} (${timing.timezone})`;
  return `${when}, grace ${settingText(graceMs)}`;
}

/** A duration from the config as it was likely written: `1d`, `12h`, `30m`, else {@link formatCheckSpan}. */
function settingText(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return formatCheckSpan(ms);
}

/**
 * A length of time as a post says it: `45s`, `30m`, `1h 30m`, `26h` (hours up to two days), `3d`, `2d 5h`.
 * @example formatCheckSpan(26 * 3_600_000) // '26h'
 */
export function formatCheckSpan(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return hours < 10 && minutes % 60 > 0 ? `${hours}h ${minutes % 60}m` : `${hours}h`;
  const days = Math.floor(hours / 24);
  return days < 10 && hours % 24 > 0 ? `${days}d ${hours % 24}h` : `${days}d`;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * A time in `zone` to the minute: `02:05 UTC`, `02:05 Europe/Madrid`, with the date (`2026-11-02 02:05 UTC`) when it
 * is not on the day of `referenceMs` in that zone.
 */
export function formatCheckTime(ms: number, zone: string, referenceMs: number): string {
  let format = formats.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(zone, format);
  }
  const partsOf = (t: number) => Object.fromEntries(format.formatToParts(t).map((p) => [p.type, p.value]));
  const p = partsOf(ms);
  const day = `${p.year}-${p.month}-${p.day}`;
  const r = partsOf(referenceMs);
  const sameDay = day === `${r.year}-${r.month}-${r.day}`;
  return `${sameDay ? '' : `${day} `}${p.hour}:${p.minute} ${zone}`;
}

/** The zone a check's times are said in: its schedule's, or UTC. */
function zoneOf(definition: Pick<CheckDefinition, 'timing'>): string {
  return definition.timing.kind === 'cron' ? definition.timing.timezone : 'UTC';
}

/** `🔥 backup`, `⚠️ nas: backup`. */
function spoilerOf(type: MessageType, definition: Pick<CheckDefinition, 'slug' | 'host'>): string {
  const icon = MESSAGE_ICONS[type];
  const name = definition.host === undefined ? definition.slug : `${definition.host}: ${definition.slug}`;
  return icon === '' ? name : `${icon} ${name}`;
}

/** The last lines of a run's output for a post: at most {@link POST_TAIL_LINES} lines and {@link POST_TAIL_CHARS}. */
function tailLines(body: string | undefined): string[] {
  if (body === undefined) return [];
  const lines = body.split(/\r?\n/);
  while (lines.length > 0 && lines.at(-1)!.trim() === '') lines.pop();
  const kept: string[] = [];
  let size = 0;
  for (let i = lines.length - 1; i >= 0 && kept.length < POST_TAIL_LINES; i--) {
    const line = lines[i]!;
    if (size + line.length + 1 > POST_TAIL_CHARS) {
      if (kept.length === 0) kept.unshift(`…${line.slice(line.length - POST_TAIL_CHARS + 1)}`);
      break;
    }
    kept.unshift(line);
    size += line.length + 1;
  }
  return kept;
}
