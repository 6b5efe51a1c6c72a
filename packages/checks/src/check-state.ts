import type { CheckStatus, PingKind, PingKindName } from '@janitor/protocol';
import { nextRuns } from '@janitor/scheduler/cron';
import type { CheckDefinition } from './check-definition.ts';

/** What went wrong with a job: it missed its deadline, its run failed, or it started and did not finish in time. */
export type CheckProblemKind = 'late' | 'failed' | 'running_too_long';

/** A problem of a check, from its first post until the success that ends it: one thread. */
export interface CheckIncident {
  problem: CheckProblemKind;
  /** When it began: the thread's key (`incidentStartMs`), shared by its posts. */
  sinceMs: number;
  /** When its last post (the first, a change or a reminder) was made: reminders count from here. */
  lastPostMs: number;
  /** `late`: the deadline missed. */
  deadlineMs?: number;
  /** `failed`: the exit status of the failing run, when the ping gave one. */
  exitStatus?: number;
  /** `running_too_long`: when the run began. */
  startedMs?: number;
  /** The outbox entry of the incident's first post (the caller's, to link what it records to the thread). */
  outboxId?: number;
}

/** What a hub remembers of a check between pings (kept across restarts). Times are epoch milliseconds. */
export interface CheckState {
  /** When this hub first knew the check: a declared check that never pinged is timed from here. */
  createdMs: number;
  /** How many pings it had. */
  pings: number;
  lastPingMs?: number;
  lastPingKind?: PingKindName;
  /** The exit status the last ping gave (`/ping/{slug}/{exit-status}`). */
  lastExitStatus?: number;
  lastSuccessMs?: number;
  /** A run under way: when its start ping came (cleared by its success or failure). */
  startedMs?: number;
  /** The last ping's body (its tail, bounded by the caller). */
  lastBody?: string;
  /** The problem it has now, if any. */
  incident?: CheckIncident;
  /** Created by its first ping (`checks_auto_create`). */
  auto?: boolean;
}

/** Why a check's state change is told: a problem began, got worse (a failure while late), lasts, or ended. */
export type CheckChangeReason = 'firing' | 'escalated' | 'repeat' | 'resolved';

/** A change worth a post: its reason and the incident it is about (the one that ended, for `resolved`). */
export interface CheckChange {
  reason: CheckChangeReason;
  incident: CheckIncident;
  /** When it happened. */
  atMs: number;
}

/** One step of a check: its next state, and the change to tell, if any. */
export interface CheckStep {
  state: CheckState;
  change?: CheckChange;
}

/** A new check's state: known from `nowMs`, never pinged. */
export function newCheckState(nowMs: number, auto = false): CheckState {
  return auto ? { createdMs: nowMs, pings: 0, auto: true } : { createdMs: nowMs, pings: 0 };
}

/**
 * When a check is late without a ping: for a period, its last success (or, never pinged, when the hub first knew it)
 * plus the period plus the grace; for a cron schedule, the first scheduled time after that, in its zone, plus the
 * grace. `Infinity` for a schedule with no time after (none that parseChecks accepts).
 *
 * @example
 * lateDeadline({ timing: { kind: 'period', periodMs: 86_400_000 }, graceMs: 3_600_000 }, { createdMs: 0, pings: 1, lastSuccessMs: t })
 * // t + 25h
 */
export function lateDeadline(
  definition: Pick<CheckDefinition, 'timing' | 'graceMs'>,
  state: Pick<CheckState, 'createdMs' | 'lastSuccessMs'>,
): number {
  const from = state.lastSuccessMs ?? state.createdMs;
  const { timing, graceMs } = definition;
  if (timing.kind === 'period') return from + timing.periodMs + graceMs;
  return nextScheduled(timing.schedule, timing.timezone, from) + graceMs;
}

/** Recent answers of {@link nextScheduled}: each check asks the same question at every periodic check. */
const scheduled = new Map<string, number>();

/** The first time of `schedule` in `zone` after `from` (`Infinity` if none), remembered: a cron iteration is slow. */
function nextScheduled(schedule: string, zone: string, from: number): number {
  const key = `${schedule}\u0000${zone}\u0000${from}`;
  let next = scheduled.get(key);
  if (next === undefined) {
    next = nextRuns({ when: schedule, timezone: zone }, from, 1)[0]?.getTime() ?? Number.POSITIVE_INFINITY;
    if (scheduled.size >= 4096) scheduled.clear();
    scheduled.set(key, next);
  }
  return next;
}

/**
 * The time at which the check gets a problem if no ping comes: during a run, its start plus the grace (running too
 * long); otherwise {@link lateDeadline}. Undefined while it has a problem.
 */
export function nextDeadline(
  definition: Pick<CheckDefinition, 'timing' | 'graceMs'>,
  state: CheckState,
): number | undefined {
  if (state.incident) return undefined;
  if (state.startedMs !== undefined) return state.startedMs + definition.graceMs;
  return lateDeadline(definition, state);
}

/** A ping's kind as the state machine reads it: `{ exit: 0 }` is a success, `{ exit: n }` a failure with status n. */
function normalize(kind: PingKind): { kind: PingKindName; exitStatus?: number } {
  if (typeof kind === 'string') return { kind };
  return kind.exit === 0 ? { kind: 'success', exitStatus: 0 } : { kind: 'fail', exitStatus: kind.exit };
}

/**
 * A ping arrives. A success ends the run and any problem (`resolved`); a start begins a run (a problem already open
 * stays open, and nothing is told); a failure starts a `failed` problem (`firing`), turns a late or too-long one into
 * one (`escalated`), and is not told again while the check is failing already: a failing job is one thread, not a
 * post per run. Pure.
 *
 * @param state the check's state; undefined for a check never seen (created at `nowMs`)
 * @param body the ping's body (its tail, already bounded), kept as the check's last body
 */
export function applyPing(
  state: CheckState | undefined,
  ping: { kind: PingKind; body?: string },
  nowMs: number,
): CheckStep {
  const { kind, exitStatus } = normalize(ping.kind);
  const { lastBody: _body, lastExitStatus: _exit, ...rest } = state ?? newCheckState(nowMs);
  const next: CheckState = { ...rest, pings: rest.pings + 1, lastPingMs: nowMs, lastPingKind: kind };
  if (ping.body !== undefined && ping.body !== '') next.lastBody = ping.body;
  if (exitStatus !== undefined) next.lastExitStatus = exitStatus;
  const open = next.incident;

  if (kind === 'start') {
    next.startedMs = nowMs;
    return { state: next };
  }
  delete next.startedMs;

  if (kind === 'success') {
    next.lastSuccessMs = nowMs;
    if (open === undefined) return { state: next };
    delete next.incident;
    return { state: next, change: { reason: 'resolved', incident: open, atMs: nowMs } };
  }

  // A failure.
  if (open?.problem === 'failed') {
    next.incident = { ...open, ...(exitStatus === undefined ? {} : { exitStatus }) };
    if (exitStatus === undefined) delete next.incident.exitStatus;
    return { state: next };
  }
  const incident: CheckIncident = {
    problem: 'failed',
    sinceMs: open?.sinceMs ?? nowMs,
    lastPostMs: nowMs,
    ...(exitStatus === undefined ? {} : { exitStatus }),
    ...(open?.outboxId === undefined ? {} : { outboxId: open.outboxId }),
  };
  next.incident = incident;
  return { state: next, change: { reason: open ? 'escalated' : 'firing', incident, atMs: nowMs } };
}

/**
 * Time passes (the hub's periodic check). A check without a problem gets one when its run took longer than the grace
 * (`running_too_long`) or, with no run under way, when its deadline ({@link lateDeadline}) passed (`late`); a check
 * with a problem is reminded every `repeatMs` (`repeat`). Pure.
 */
export function checkTime(
  definition: Pick<CheckDefinition, 'timing' | 'graceMs' | 'repeatMs'>,
  state: CheckState,
  nowMs: number,
): CheckStep {
  const open = state.incident;
  if (open) {
    if (definition.repeatMs <= 0 || nowMs - open.lastPostMs < definition.repeatMs) return { state };
    const incident = { ...open, lastPostMs: nowMs };
    return { state: { ...state, incident }, change: { reason: 'repeat', incident, atMs: nowMs } };
  }
  const problem = dueProblem(definition, state, nowMs);
  if (problem === undefined) return { state };
  const incident: CheckIncident = { ...problem, sinceMs: nowMs, lastPostMs: nowMs };
  return { state: { ...state, incident }, change: { reason: 'firing', incident, atMs: nowMs } };
}

/** The problem a check without one has at `nowMs`, if any. */
function dueProblem(
  definition: Pick<CheckDefinition, 'timing' | 'graceMs'>,
  state: CheckState,
  nowMs: number,
): Pick<CheckIncident, 'problem' | 'deadlineMs' | 'startedMs'> | undefined {
  if (state.startedMs !== undefined) {
    return nowMs > state.startedMs + definition.graceMs
      ? { problem: 'running_too_long', startedMs: state.startedMs }
      : undefined;
  }
  const deadlineMs = lateDeadline(definition, state);
  return nowMs > deadlineMs ? { problem: 'late', deadlineMs } : undefined;
}

/**
 * A check's state as the read API says it at `nowMs`: its problem (also one the next periodic check will find), a run
 * under way (`running`), never pinged (`new`), or `up`.
 */
export function checkStatus(
  definition: Pick<CheckDefinition, 'timing' | 'graceMs'>,
  state: CheckState,
  nowMs: number,
): CheckStatus {
  const problem = state.incident?.problem ?? dueProblem(definition, state, nowMs)?.problem;
  if (problem !== undefined) return problem;
  if (state.startedMs !== undefined) return 'running';
  return state.lastPingMs === undefined ? 'new' : 'up';
}
