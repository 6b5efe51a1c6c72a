import {
  choiceOf,
  fieldPath,
  listAt,
  numberOf,
  numberOrNullOf,
  readView,
  recordAt,
  textOf,
  textOrNullOf,
  ViewProblem,
} from './view-reader.ts';
import type { ParseResult } from './wire-error.ts';
import { own } from './wire-text.ts';

/** What a check's slug looks like (the `{slug}` of `/ping/{slug}`): 1 to 64 of `a-z`, `0-9`, `-` and `_`. */
export const CHECK_SLUG_PATTERN: RegExp = /^[a-z0-9_-]{1,64}$/;

/**
 * The states of a job check-in: never pinged yet (`new`), on time (`up`), a run under way within its grace
 * (`running`), past its deadline (`late`), started and not finished within its grace (`running_too_long`), or its
 * last run failed (`failed`).
 */
export const CHECK_STATUSES = ['new', 'up', 'running', 'late', 'running_too_long', 'failed'] as const;

/** A check's state, as the read API says it. */
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** What a ping says: the job succeeded, started, or failed. */
export const PING_KINDS = ['success', 'start', 'fail'] as const;

/** A ping's kind as the read API says it. */
export type PingKindName = (typeof PING_KINDS)[number];

/** One check in `GET /api/v1/checks`. Times are epoch milliseconds. */
export interface CheckView {
  slug: string;
  /** The host the job runs on, when the check names one. */
  host: string | null;
  status: CheckStatus;
  /** `period`: every `periodMs`; `cron`: at the times of `schedule` in `timezone`. */
  kind: 'period' | 'cron';
  periodMs: number | null;
  /** The cron expression (five fields or a macro), for a `cron` check. */
  schedule: string | null;
  /** The zone `schedule` is read in, for a `cron` check. */
  timezone: string | null;
  graceMs: number;
  /** Created by its first ping (`checks_auto_create`), not declared in `config.yaml`. */
  autoCreated: boolean;
  lastPingMs: number | null;
  lastPingKind: PingKindName | null;
  /** The exit status the last ping gave (`/ping/{slug}/{exit-status}`); null when it gave none. */
  lastExitStatus: number | null;
  lastSuccessMs: number | null;
  /** The start of the run under way, when a start ping has had no success or failure since. */
  startedMs: number | null;
  /** When the check goes late (or, during a run, running too long) without a ping; null while it has a problem. */
  nextDeadlineMs: number | null;
  /** When its problem began (the first post of its thread); null when it has none. */
  problemSinceMs: number | null;
}

/** The answer of `GET /api/v1/checks`: the hub's clock and every check, by slug. */
export interface ChecksView {
  nowMs: number;
  checks: CheckView[];
}

/**
 * Checks `GET /api/v1/checks`'s answer, for a client that must not trust what it is handed. Fields it does not know
 * are dropped; a problem is a 400 naming the field's path (`checks[2].status`). Never throws.
 */
export function parseChecksView(value: unknown): ParseResult<ChecksView> {
  return readView(() => {
    const record = recordAt(value, '');
    const checks = listAt(own(record, 'checks'), 'checks').map((item, i) => readCheck(item, `checks[${i}]`));
    return { nowMs: numberOf(record, 'nowMs', ''), checks };
  });
}

function readCheck(value: unknown, path: string): CheckView {
  const record = recordAt(value, path);
  const slug = textOf(record, 'slug', path);
  if (!CHECK_SLUG_PATTERN.test(slug)) throw new ViewProblem(fieldPath(path, 'slug'), 'expected a check slug');
  const autoCreated = own(record, 'autoCreated');
  if (typeof autoCreated !== 'boolean') throw new ViewProblem(fieldPath(path, 'autoCreated'), 'expected true or false');
  const lastPingKind = own(record, 'lastPingKind') ?? null;
  if (lastPingKind !== null && !(PING_KINDS as readonly unknown[]).includes(lastPingKind)) {
    throw new ViewProblem(fieldPath(path, 'lastPingKind'), `expected one of ${PING_KINDS.join(', ')} or null`);
  }
  return {
    slug,
    host: textOrNullOf(record, 'host', path),
    status: choiceOf(record, 'status', path, CHECK_STATUSES),
    kind: choiceOf(record, 'kind', path, ['period', 'cron'] as const),
    periodMs: numberOrNullOf(record, 'periodMs', path),
    schedule: textOrNullOf(record, 'schedule', path),
    timezone: textOrNullOf(record, 'timezone', path),
    graceMs: numberOf(record, 'graceMs', path),
    autoCreated,
    lastPingMs: numberOrNullOf(record, 'lastPingMs', path),
    lastPingKind: lastPingKind as PingKindName | null,
    lastExitStatus: numberOrNullOf(record, 'lastExitStatus', path),
    lastSuccessMs: numberOrNullOf(record, 'lastSuccessMs', path),
    startedMs: numberOrNullOf(record, 'startedMs', path),
    nextDeadlineMs: numberOrNullOf(record, 'nextDeadlineMs', path),
    problemSinceMs: numberOrNullOf(record, 'problemSinceMs', path),
  };
}
