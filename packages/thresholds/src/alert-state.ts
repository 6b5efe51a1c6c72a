import type { MessageType } from '@janitor/protocol';
import type { AlertLevel } from './alert-rule.ts';

/** Where an alert is: nothing crossed, crossed but waiting for `for`, or firing. */
export type AlertPhase = 'ok' | 'pending' | 'firing';

/**
 * How rule crossings become posts: `lifecycle` (fire after `for`, remind after `repeat`, post the resolution) or
 * `every_report` (the original: one report post for every report that crosses a limit).
 */
export type AlertMode = 'lifecycle' | 'every_report';

/** Every alert mode. */
export const ALERT_MODES: readonly AlertMode[] = Object.freeze(['lifecycle', 'every_report']);

/**
 * Why a post is due: the alert started `firing`, a `repeat` reminder, it `escalated` or `deescalated` to another
 * level, it `resolved`; `report` is the `every_report` mode's post for a report that crossed a limit.
 */
export type AlertReason = 'firing' | 'repeat' | 'escalated' | 'deescalated' | 'resolved' | 'report';

/**
 * What the lifecycle remembers about one alert of one host, between two observations: the truth (phase and level)
 * and what followers were last told (`notifiedLevel`). Plain JSON, so the store can keep it. Times are
 * milliseconds since the epoch.
 */
export interface AlertState {
  phase: AlertPhase;
  /** `firing`: the level it fires at; `pending`: the most severe level waiting for `for`. */
  level?: MessageType;
  /** When the current phase began. */
  since: number;
  /** `pending` (or firing, below a more severe level): since when each level above the firing one has been crossed. */
  pendingSince?: Partial<Record<MessageType, number>>;
  /** When the alert began firing; kept after it stops until its resolution has been told. */
  firingSince?: number;
  /** When it stopped firing, while the resolution has not been told (a silence or a mute held it back). */
  resolvedAt?: number;
  /**
   * The incident's worst value so far (the highest for an `above` rule, the lowest for a `below` one): kept with
   * `firingSince`, from the observation that started it. The alert log's resolved row reports it.
   */
  peak?: number;
  /** The level followers were last told is firing; absent when they were told nothing, or the resolution. */
  notifiedLevel?: MessageType;
  /** When the last post about this alert was due. */
  lastNotifiedAt?: number;
  /** The last value observed, and when. */
  lastValue?: number;
  lastValueAt?: number;
  /** `host_silent` only: the host's last report before the silence (absent for an expected host never seen). */
  lastSeenAt?: number;
  /**
   * Someone took the incident in hand (`ack` by mention, a favourite of its post): who (`user@domain`), when, and at
   * which level. Its repeats stop until it resolves or escalates past that level, which forget it.
   */
  acknowledged?: { by: string; at: number; level: MessageType };
}

/** One look at an alert's value. `value` undefined (the metric is missing from the report) changes nothing. */
export interface Observation {
  value: number | undefined;
  at: number;
}

/** What else decides whether a post is due. */
export interface StepContext {
  /** @default 'lifecycle' */
  mode?: AlertMode;
  /** A silence until this time holds posts back; the alert is still evaluated. */
  silencedUntil?: number;
  /** A mute (per-host config) holds posts back the same way, with no end. @default false */
  muted?: boolean;
}

/** A post that is due, as {@link step} derives it. */
export interface AlertTransition {
  reason: AlertReason;
  /** The level now; for `resolved`, the level followers had been told. */
  level: MessageType;
  /** `escalated` and `deescalated`: the level followers had been told. */
  previousLevel?: MessageType;
  /** The limit of `level`. */
  limit: AlertLevel;
  /** The value observed now. */
  value: number;
  firingSince: number;
  /** How long it has been firing; for `resolved`, how long it fired. */
  durationMs: number;
}

/** The next state, and the post that is due, if any. */
export interface StepResult {
  next: AlertState;
  notify?: AlertTransition;
}
