import { MESSAGE_TYPES, type MessageType } from '@janitor/protocol';
import type { AlertLevel, AlertRule } from './alert-rule.ts';
import type { AlertReason, AlertState, AlertTransition, Observation, StepContext, StepResult } from './alert-state.ts';
import { crosses, pastClear } from './rule.ts';

/**
 * One observation of one alert: the next state and the post that is due, if any. Pure, in the manner of
 * Alertmanager's dedup stage: the truth (which level the value holds) is compared with what followers were last
 * told, and the difference is the post: `firing` when they were told nothing, `escalated`/`deescalated` when the
 * level changed, `resolved` when it stopped, `repeat` when `repeatMs` passed since the last post. Resolution is
 * derived that way, never a flag.
 *
 * - A level fires (or the alert escalates to it) once it has been crossed at every observation for `forMs`; a
 *   spike shorter than that posts nothing. Going down is immediate, but only past a level's `clear` (hysteresis):
 *   a value hovering around the limit neither resolves nor re-fires.
 * - A silence (`silencedUntil`) or a mute holds posts back, not the evaluation; once it is over, whatever differs
 *   from what followers were told is posted (an alert that fired meanwhile, or the resolution of one they knew).
 * - A missing value (`value` undefined or NaN) changes nothing: it neither fires nor resolves nor reminds.
 * - `every_report` mode: the level is whatever is crossed now, and every crossing observation is a `report`.
 *
 * @param previous the state after the last observation; `undefined` for none (ok)
 * @example
 * let state: AlertState | undefined;
 * const { next, notify } = step(state, { value: 93.1, at: Date.parse('2026-11-03T14:02:00Z') }, rule);
 * if (notify) post(formatNotification({ ...notify, hostname, key: rule.key, metric: rule.metric, at }));
 */
export function step(
  previous: AlertState | undefined,
  observation: Observation,
  rule: AlertRule,
  ctx: StepContext = {},
): StepResult {
  const { value, at } = observation;
  const prev: AlertState = previous ?? { phase: 'ok', since: at };
  if (value === undefined || Number.isNaN(value)) return { next: prev };
  const mode = ctx.mode ?? 'lifecycle';
  const firing = prev.phase === 'firing' ? prev.level : undefined;

  // The truth: the level the alert fires at now (`current`), and the levels still waiting for `for`.
  let current: MessageType | undefined;
  let pending: Partial<Record<MessageType, number>> | undefined;
  if (mode === 'every_report') {
    current = crossedLevel(value, rule)?.type;
  } else {
    const target = targetLevel(value, rule, firing);
    if (target === undefined || rank(target.type) <= rank(firing)) {
      current = target?.type;
    } else {
      current = firing;
      for (const level of rule.levels) {
        if (rank(level.type) <= rank(firing)) continue;
        if (rank(level.type) > rank(target.type)) break;
        const since = prev.pendingSince?.[level.type] ?? at;
        if (at - since >= rule.forMs) current = level.type;
        else {
          pending ??= {};
          pending[level.type] = since;
        }
      }
    }
  }

  const phase = current !== undefined ? 'firing' : pending !== undefined ? 'pending' : 'ok';
  const next: AlertState = { phase, since: phase === prev.phase ? prev.since : at, lastValue: value, lastValueAt: at };
  if (current !== undefined) next.level = current;
  else if (pending !== undefined) next.level = mostSevere(pending);
  if (pending !== undefined) next.pendingSince = pending;
  const told = prev.notifiedLevel;
  if (told !== undefined) next.notifiedLevel = told;
  if (prev.lastNotifiedAt !== undefined) next.lastNotifiedAt = prev.lastNotifiedAt;
  if (prev.lastSeenAt !== undefined) next.lastSeenAt = prev.lastSeenAt;
  if (current !== undefined) {
    // Followers who were never told it stopped see one episode: keep its start.
    next.firingSince = firing !== undefined || told !== undefined ? (prev.firingSince ?? at) : at;
  } else if (told !== undefined && prev.firingSince !== undefined) {
    next.firingSince = prev.firingSince;
    next.resolvedAt = firing !== undefined ? at : (prev.resolvedAt ?? at);
  }
  // An acknowledgement holds for its incident, at its level or below.
  if (
    prev.acknowledged !== undefined &&
    next.firingSince !== undefined &&
    next.firingSince === prev.firingSince &&
    rank(current ?? told) <= rank(prev.acknowledged.level)
  ) {
    next.acknowledged = prev.acknowledged;
  }
  if (next.firingSince !== undefined) {
    // The incident's worst value: carried while it goes on, started afresh with a new incident.
    const before = prev.firingSince === next.firingSince ? prev.peak : undefined;
    next.peak =
      before === undefined ? value : rule.direction === 'below' ? Math.min(before, value) : Math.max(before, value);
  }

  const suppressed = ctx.muted === true || (ctx.silencedUntil !== undefined && at < ctx.silencedUntil);
  if (suppressed) return { next };

  let reason: AlertReason | undefined;
  if (mode === 'every_report') {
    if (current !== undefined) reason = 'report';
    // The original posted no resolution: forget what was told, so that lifecycle mode does not post one later.
    else delete next.notifiedLevel;
  } else if (current !== undefined) {
    if (told === undefined) reason = 'firing';
    else if (rank(current) > rank(told)) reason = 'escalated';
    else if (rank(current) < rank(told)) reason = 'deescalated';
    else if (
      rule.repeatMs > 0 &&
      next.acknowledged === undefined &&
      at - (prev.lastNotifiedAt ?? Number.NEGATIVE_INFINITY) >= rule.repeatMs
    ) {
      reason = 'repeat';
    }
  } else if (told !== undefined) {
    reason = 'resolved';
  }
  if (reason === undefined) return { next };

  const firingSince = next.firingSince ?? at;
  const notify: AlertTransition = {
    reason,
    level: current ?? told!,
    limit: levelOf(rule, current ?? told!),
    value,
    firingSince,
    durationMs: (reason === 'resolved' ? (next.resolvedAt ?? at) : at) - firingSince,
  };
  if ((reason === 'escalated' || reason === 'deescalated') && told !== undefined) notify.previousLevel = told;
  next.lastNotifiedAt = at;
  if (reason === 'resolved') {
    delete next.acknowledged;
    delete next.notifiedLevel;
    delete next.firingSince;
    delete next.resolvedAt;
    delete next.peak;
  } else {
    next.notifiedLevel = current!;
  }
  return { next, notify };
}

/**
 * The state of a firing alert once `by` acknowledged it at `at`: its repeats stop until it resolves or escalates.
 * `undefined` when there is nothing to acknowledge (the alert is not firing, or its incident is not `incidentStartMs`
 * when given).
 *
 * @example const acked = acknowledge(state, 'owner@example.social', at);
 */
export function acknowledge(
  state: AlertState | undefined,
  by: string,
  at: number,
  incidentStartMs?: number,
): AlertState | undefined {
  if (state?.phase !== 'firing' || state.level === undefined || state.firingSince === undefined) return undefined;
  if (incidentStartMs !== undefined && state.firingSince !== incidentStartMs) return undefined;
  return { ...state, acknowledged: { by, at, level: state.notifiedLevel ?? state.level } };
}

/** True when a state holds nothing worth keeping: ok, nothing pending, nothing told. A missing state means this. */
export function isIdle(state: AlertState): boolean {
  return state.phase === 'ok' && state.notifiedLevel === undefined;
}

/** The most severe level the value crosses, ignoring hysteresis. */
function crossedLevel(value: number, rule: AlertRule): AlertLevel | undefined {
  for (let i = rule.levels.length - 1; i >= 0; i--) {
    const level = rule.levels[i]!;
    if (crosses(value, level)) return level;
  }
  return undefined;
}

/**
 * The most severe level the value crosses, or, at or below the firing level, still holds: a firing level stays
 * until the value is past its `clear`.
 */
function targetLevel(value: number, rule: AlertRule, firing: MessageType | undefined): AlertLevel | undefined {
  for (let i = rule.levels.length - 1; i >= 0; i--) {
    const level = rule.levels[i]!;
    if (crosses(value, level)) return level;
    if (firing !== undefined && rank(level.type) <= rank(firing) && !pastClear(value, level.operator, level.clear)) {
      return level;
    }
  }
  return undefined;
}

function levelOf(rule: AlertRule, type: MessageType): AlertLevel {
  // A level the config no longer has (it changed while firing): describe the alert by its least severe one.
  return rule.levels.find((level) => level.type === type) ?? rule.levels[0]!;
}

function rank(type: MessageType | undefined): number {
  return type === undefined ? -1 : MESSAGE_TYPES.indexOf(type);
}

function mostSevere(levels: Partial<Record<MessageType, number>>): MessageType {
  let worst: MessageType = 'none';
  for (const type of Object.keys(levels) as MessageType[]) if (rank(type) > rank(worst)) worst = type;
  return worst;
}
