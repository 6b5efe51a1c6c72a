import { CHECK_SLUG_PATTERN, type PingKindName } from './check-view.ts';
import { fail, ok, type ParseResult } from './wire-error.ts';

/**
 * What a ping says about a job's run: it succeeded, started, failed, or ended with an exit status (0 is a success,
 * 1-255 a failure), as the URLs of Healthchecks say it: `/ping/{slug}`, `/start`, `/fail`, `/{exit-status}`.
 */
export type PingKind = PingKindName | { exit: number };

/** The largest exit status a ping takes (a shell's statuses are 0-255). */
export const MAX_EXIT_STATUS = 255;

/**
 * The last segment of `/ping/{slug}/{segment}`: `start`, `fail`, or an exit status (`0`-`255`, digits only). A 400
 * naming `exit-status` otherwise. Never throws.
 *
 * @example parsePingSegment('3') // { ok: true, value: { exit: 3 } }
 */
export function parsePingSegment(segment: string): ParseResult<PingKind> {
  if (segment === 'start' || segment === 'fail') return ok(segment);
  if (/^\d{1,3}$/.test(segment) && Number(segment) <= MAX_EXIT_STATUS) return ok({ exit: Number(segment) });
  return fail(
    400,
    `expected start, fail or an exit status from 0 to ${MAX_EXIT_STATUS}, got ${JSON.stringify(segment.slice(0, 40))}`,
    'exit-status',
  );
}

/**
 * The path of a ping (`/ping/backup`, `/ping/backup/start`, `/ping/backup/3`), or a 400 naming `slug` or
 * `exit-status` for one no hub takes. Never throws.
 */
export function pingPath(slug: string, kind: PingKind = 'success'): ParseResult<string> {
  if (typeof slug !== 'string' || !CHECK_SLUG_PATTERN.test(slug)) {
    return fail(400, `expected a check slug of 1-64 characters a-z, 0-9, - and _, got ${JSON.stringify(slug)}`, 'slug');
  }
  if (kind === 'success') return ok(`/ping/${slug}`);
  if (kind === 'start' || kind === 'fail') return ok(`/ping/${slug}/${kind}`);
  const exit = typeof kind === 'object' && kind !== null ? kind.exit : undefined;
  if (typeof exit !== 'number' || !Number.isInteger(exit) || exit < 0 || exit > MAX_EXIT_STATUS) {
    return fail(400, `expected an exit status from 0 to ${MAX_EXIT_STATUS}, got ${String(exit)}`, 'exit-status');
  }
  return ok(`/ping/${slug}/${exit}`);
}
