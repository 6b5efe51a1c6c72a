import { CHECK_SLUG_PATTERN } from '@janitor/protocol';

/** When a check expects its pings: every `periodMs`, or at the times of a cron `schedule` in `timezone`. */
export type CheckTiming = { kind: 'period'; periodMs: number } | { kind: 'cron'; schedule: string; timezone: string };

/** A job check-in, as `config.yaml` declares it (`checks: [...]`) or as its first ping creates it. */
export interface CheckDefinition {
  /** The `{slug}` of `/ping/{slug}`. */
  slug: string;
  timing: CheckTiming;
  /**
   * How long after its expected time a ping may still come before the check is late; also how long a run may take
   * from its start ping to its success before it is running too long.
   */
  graceMs: number;
  /** Time between reminders while a problem lasts; 0 for none. */
  repeatMs: number;
  /** The host the job runs on: its posts are about it, and a token limited to hosts may ping it only if it lists it. */
  host?: string;
  /** Created by its first ping (`checks_auto_create`), not declared. */
  auto?: boolean;
}

/** The checks of `config.yaml` and whether a ping to an unknown slug creates one. */
export interface CheckSettings {
  /** `checks`, in the file's order. */
  list: readonly CheckDefinition[];
  /** `checks_auto_create`. @default false */
  autoCreate: boolean;
}

/** The period of a check created by its first ping: one day (Healthchecks' default). */
export const DEFAULT_PERIOD_MS = 86_400_000;

/** The grace of a check that sets none, and of one created by its first ping: one hour (Healthchecks' default). */
export const DEFAULT_GRACE_MS = 3_600_000;

/** The zone of a cron check that names none: UTC (Healthchecks' default). */
export const DEFAULT_CHECK_TIMEZONE = 'UTC';

/** The settings of a config without checks. */
export const NO_CHECKS: Readonly<CheckSettings> = Object.freeze({ list: Object.freeze([]), autoCreate: false });

/** True for a slug a check may have: 1 to 64 of `a-z`, `0-9`, `-` and `_`. */
export function isCheckSlug(slug: unknown): slug is string {
  return typeof slug === 'string' && CHECK_SLUG_PATTERN.test(slug);
}

/** The check a ping to `slug` creates when `checks_auto_create` is on: a daily period, an hour's grace. */
export function autoCheck(slug: string): CheckDefinition {
  return {
    slug,
    timing: { kind: 'period', periodMs: DEFAULT_PERIOD_MS },
    graceMs: DEFAULT_GRACE_MS,
    repeatMs: 0,
    auto: true,
  };
}

/** The alert key of a check's incidents (alert log, threads): `check:backup`. */
export function checkKey(slug: string): string {
  return `check:${slug}`;
}

/** How the alert log and lists name a check: `check backup`. */
export function checkLabel(slug: string): string {
  return `check ${slug}`;
}

/** The host a check's posts, threads and alert log rows are about: its own, else `checks`. */
export function checkHost(definition: Pick<CheckDefinition, 'host'>): string {
  return definition.host ?? CHECKS_HOST;
}

/** The host of the posts about a check that names none. */
export const CHECKS_HOST = 'checks';
