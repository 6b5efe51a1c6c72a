import {
  compareSeverity,
  type ForeignAlert,
  foreignSourceName,
  MESSAGE_ICONS,
  type MessageType,
} from '@janitor/protocol';
import type { AlertLogTransition } from '@janitor/store';
import { humanDuration, RECOVERY_TYPE } from '@janitor/thresholds';

/**
 * What Janitor keeps of another monitor's alert while it fires (JSON in the store's `foreign_alert` table): what the
 * source said last, and what followers were told. A resolved alert keeps nothing.
 */
export interface ForeignAlertState {
  /** The host of the incident, as its first delivery named it (its posts' thread is found by it). */
  host?: string;
  title: string;
  text: string;
  url?: string;
  /** Its severity now. */
  type: MessageType;
  /** When Janitor first heard it fire (epoch ms): the incident's start, shared by its posts. */
  incidentStartMs: number;
  /** When the source says it began, the earliest it said (epoch ms). */
  startsAtMs?: number;
  /** The type of the last post about it; absent while nobody was told (held back by a silence). */
  notifiedType?: MessageType;
  /** When the last post about it was queued (epoch ms). */
  lastNotifiedMs?: number;
  /** Its last delivery (epoch ms). */
  lastSeenMs: number;
  /** Reminders every this many ms while it fires (see `ForeignAlert.repeatMs`). */
  repeatMs?: number;
}

/** Why a post about a foreign alert is due. */
export type ForeignReason = 'firing' | 'escalated' | 'deescalated' | 'repeat' | 'resolved';

/** One row the alert log gets for a delivery (the engine adds the alert's names and the post's outbox entry). */
export interface ForeignLogRow {
  transition: AlertLogTransition;
  level: MessageType | null;
  incidentStartMs: number;
  endMs?: number;
  /** Whether this row is told by the post of this delivery. */
  posted: boolean;
}

/** What one delivery of a foreign alert does: its next state, the post due, and the alert log's rows. */
export interface ForeignStep {
  /** The state to keep; undefined: the alert has none now (resolved, or never seen firing). */
  next: ForeignAlertState | undefined;
  /** The post due now, if any. */
  post?: ForeignReason;
  /** The state the post is about (the incident it belongs to, with the texts of this delivery). */
  about?: ForeignAlertState;
  /** `escalated`, `deescalated`: the type followers were told before. */
  from?: MessageType;
  log: ForeignLogRow[];
}

/** When a delivery happens, and whether a silence holds its posts back. */
export interface ForeignStepContext {
  nowMs: number;
  /** A silence covers the alert now: nothing is posted, changes are logged as `silenced`. */
  heldBack: boolean;
}

/**
 * The lifecycle of another monitor's alert, one delivery at a time: pure, a function of the state kept, the alert
 * delivered and the time. Each case in one line:
 *
 * - resolved, nothing kept: nothing (a resolution of an alert never seen firing, or said twice).
 * - resolved: the incident ends (`resolved` row); its post, a reply in the incident's thread, only if followers were
 *   told it fired and no silence holds it back.
 * - firing, nothing kept: an incident begins: `firing` post (or a `silenced` row, held back).
 * - firing, begun after the incident kept (its start is later): the previous incident's end was missed: it ends
 *   (`resolved` row, no post) and a new one begins.
 * - firing while held back: nothing posted; a change of severity is a `silenced` row.
 * - firing, nobody told yet (a silence ended): `firing` post.
 * - firing at another severity than told: `escalated` or `deescalated` post.
 * - firing, unchanged, `repeatMs` past the last post: `repeat` post (`repeated` row).
 * - firing, unchanged (the source re-sending): nothing but the last delivery's time and texts.
 */
export function stepForeign(
  previous: ForeignAlertState | undefined,
  alert: ForeignAlert,
  context: ForeignStepContext,
): ForeignStep {
  const { nowMs, heldBack } = context;
  if (alert.status === 'resolved') {
    if (previous === undefined) return { next: undefined, log: [] };
    // The resolution's own words ("200 - OK"), not the firing ones.
    const last: ForeignAlertState = { ...previous, text: alert.text };
    setOptional(last, 'url', alert.url);
    return { next: undefined, ...ended(last, nowMs, heldBack) };
  }

  const log: ForeignLogRow[] = [];
  let kept = previous;
  if (kept?.startsAtMs !== undefined && alert.startsAtMs !== undefined && alert.startsAtMs > kept.startsAtMs) {
    log.push(...ended(kept, nowMs, true).log);
    kept = undefined;
  }

  if (kept === undefined) {
    const next = fresh(alert, nowMs);
    if (heldBack) {
      log.push({ transition: 'silenced', level: next.type, incidentStartMs: next.incidentStartMs, posted: false });
      return { next, log };
    }
    const told = { ...next, notifiedType: next.type, lastNotifiedMs: nowMs };
    log.push({ transition: 'firing', level: next.type, incidentStartMs: next.incidentStartMs, posted: true });
    return { next: told, post: 'firing', about: told, log };
  }

  const next: ForeignAlertState = {
    ...kept,
    title: alert.title,
    text: alert.text,
    type: alert.type,
    lastSeenMs: nowMs,
  };
  setOptional(next, 'url', alert.url);
  setOptional(next, 'repeatMs', alert.repeatMs);
  if (alert.startsAtMs !== undefined && (kept.startsAtMs === undefined || alert.startsAtMs < kept.startsAtMs)) {
    next.startsAtMs = alert.startsAtMs;
  }
  const incident = next.incidentStartMs;
  if (heldBack) {
    if (kept.type !== next.type)
      log.push({ transition: 'silenced', level: next.type, incidentStartMs: incident, posted: false });
    return { next, log };
  }
  let post: ForeignReason | undefined;
  if (kept.notifiedType === undefined) post = 'firing';
  else if (next.type !== kept.notifiedType) {
    post = compareSeverity(next.type, kept.notifiedType) > 0 ? 'escalated' : 'deescalated';
  } else if (
    next.repeatMs !== undefined &&
    next.repeatMs > 0 &&
    nowMs - (kept.lastNotifiedMs ?? incident) >= next.repeatMs
  ) {
    post = 'repeat';
  }
  if (post === undefined) return { next, log };
  const told = { ...next, notifiedType: next.type, lastNotifiedMs: nowMs };
  log.push({
    transition: post === 'repeat' ? 'repeated' : post,
    level: next.type,
    incidentStartMs: incident,
    posted: true,
  });
  const step: ForeignStep = { next: told, post, about: told, log };
  if (post === 'escalated' || post === 'deescalated') step.from = kept.notifiedType;
  return step;
}

/** The end of an incident: its `resolved` row, and its post when followers were told it fired and may be told now. */
function ended(state: ForeignAlertState, nowMs: number, heldBack: boolean): Omit<ForeignStep, 'next'> {
  const post = state.notifiedType !== undefined && !heldBack;
  const row: ForeignLogRow = {
    transition: 'resolved',
    level: state.notifiedType ?? state.type,
    incidentStartMs: state.incidentStartMs,
    endMs: nowMs,
    posted: post,
  };
  return post ? { post: 'resolved', about: state, log: [row] } : { log: [row] };
}

function fresh(alert: ForeignAlert, nowMs: number): ForeignAlertState {
  const state: ForeignAlertState = {
    title: alert.title,
    text: alert.text,
    type: alert.type,
    incidentStartMs: nowMs,
    lastSeenMs: nowMs,
  };
  setOptional(state, 'host', alert.host);
  setOptional(state, 'url', alert.url);
  setOptional(state, 'startsAtMs', alert.startsAtMs);
  setOptional(state, 'repeatMs', alert.repeatMs);
  return state;
}

function setOptional<K extends 'host' | 'url' | 'startsAtMs' | 'repeatMs'>(
  state: ForeignAlertState,
  key: K,
  value: ForeignAlertState[K] | undefined,
): void {
  if (value === undefined) delete state[key];
  else state[key] = value;
}

/** A post about a foreign alert, as the outbox's report payload holds it. */
export interface ForeignPost {
  spoiler: string;
  text: string;
  type: MessageType;
}

/**
 * The post of a foreign alert's transition, in the words of Janitor's own alerts. The content warning is
 * `<icon> <host>` (the source's name when no host is known); the first line says what happened and who said so:
 *
 * - firing: `HighCPU on pi1 is firing (Alertmanager)`, with ` since 14:02 UTC` when the source says it began over a
 *   minute before
 * - escalated / deescalated: `HighCPU on pi1 escalated from warning to alarm (Alertmanager)`, `... down from ...`
 * - repeat: `HighCPU on pi1 still firing after 2h 5m (Alertmanager)`
 * - resolved (type info): `HighCPU on pi1 resolved after 35m (Alertmanager)`
 *
 * then what the source says of it (summary, description, a monitor's message) and its link. The texts come from
 * outside: the publisher neutralises them (they mention nobody).
 */
export function foreignPost(
  source: string,
  state: ForeignAlertState,
  reason: ForeignReason,
  options: { nowMs: number; from?: MessageType | undefined },
): ForeignPost {
  const { nowMs, from } = options;
  const type = reason === 'resolved' ? RECOVERY_TYPE : state.type;
  const where = state.host === undefined ? '' : ` on ${state.host}`;
  const by = `(${foreignSourceName(source)})`;
  const lasted = humanDuration(Math.max(0, nowMs - state.incidentStartMs) / 1000);
  let head: string;
  switch (reason) {
    case 'firing': {
      const began = state.startsAtMs;
      const since = began !== undefined && nowMs - began >= 60_000 ? ` since ${clock(began, nowMs)}` : '';
      head = `${state.title}${where} is firing${since} ${by}`;
      break;
    }
    case 'escalated':
    case 'deescalated': {
      const verb = reason === 'escalated' ? 'escalated' : 'down';
      head = `${state.title}${where} ${verb} from ${from ?? 'none'} to ${state.type} ${by}`;
      break;
    }
    case 'repeat':
      head = `${state.title}${where} still firing after ${lasted} ${by}`;
      break;
    default:
      head = `${state.title}${where} resolved after ${lasted} ${by}`;
  }
  const lines = [head];
  if (state.text !== '') lines.push('', state.text);
  if (state.url !== undefined && reason !== 'resolved') lines.push(state.url);
  const icon = MESSAGE_ICONS[type];
  const name = state.host ?? foreignSourceName(source);
  return { spoiler: icon === '' ? name : `${icon} ${name}`, text: lines.join('\n'), type };
}

/** `14:02 UTC`, with the date when `ms` is not on the UTC day of `reference`. */
function clock(ms: number, reference: number): string {
  const iso = new Date(ms).toISOString();
  const sameDay = iso.slice(0, 10) === new Date(reference).toISOString().slice(0, 10);
  return `${sameDay ? '' : `${iso.slice(0, 10)} `}${iso.slice(11, 16)} UTC`;
}
