import { readDuration } from './duration.ts';
import { parseFormBody } from './form-body.ts';
import { decodeUtf8Strict, parseJsonBody } from './json-body.ts';
import { bodyKind, type RawRequest, type RawRequestOptions } from './request-body.ts';
import { EXTRA_METRIC_KEYS, LEGACY_METRIC_KEYS } from './sample.ts';
import { fail, type ParseResult } from './wire-error.ts';
import { WIRE_LIMITS } from './wire-limits.ts';

/** `*`: as a silence's host, every host; as its rule, every alert of the host. */
export const SILENCE_WILDCARD = '*';

/** The rule of a host's "host silent" alert (the hub heard nothing from it for too long). */
export const HOST_SILENT_RULE = 'host_silent';

/** The longest silence: a year. Longer is a mute (`alerting.hosts.<host>.mute`), which belongs in config.yaml. */
export const MAX_SILENCE_MS = 366 * 24 * 3_600_000;

/** The longest reason of a silence. */
export const MAX_SILENCE_REASON_LENGTH = 500;

/**
 * A silence as a client asks for it: the body of `POST /silences`, as JSON or a form.
 *
 * @example { host: 'pi1', rule: 'disk_usage_percent@/data', for: '2h', reason: 'resizing' }
 */
export interface SilenceOrder {
  /** The host, or `*` for every host. */
  host: string;
  /** A metric, an alert key (`disk_usage_percent@/data`, `cpu_percent:below`), `host_silent`, or `*`. @default '*' */
  rule?: string;
  /** How long: `"2h"`, `"30m"`, `"1h30m"`, or a number of seconds; at most 366 days. */
  for: string | number;
  /** Why, for whoever lists the silences; at most 500 characters. */
  reason?: string;
}

/** A valid silence order, as {@link parseSilenceFields} reads it. */
export interface SilenceFields {
  /** The host, or `*` for every host. */
  host: string;
  /** An alert key, a metric, `host_silent`, or `*` (the default: every alert of the host). */
  rule: string;
  forMs: number;
  /** Present only when not blank. */
  reason?: string;
}

const FIELDS = ['host', 'rule', 'for', 'reason'] as const;
const METRICS: readonly string[] = [...LEGACY_METRIC_KEYS, ...EXTRA_METRIC_KEYS];
const KNOWN: ReadonlySet<string> = new Set(METRICS);
// The metrics every mounted filesystem has: the only ones a rule may name with a mount.
const DISKS: ReadonlySet<string> = new Set(LEGACY_METRIC_KEYS.filter((key) => key.startsWith('disk_usage_')));
// metric, metric@mount, metric:below, metric@mount:below (as @janitor/thresholds' alertKey writes them)
const ALERT_KEY = /^([a-z0-9_]+)(?:@(\/[^\s]*))?(:below)?$/;

/**
 * Reads a whole `POST /silences` request, never throwing: JSON (or a form, for curl) `{ host, rule?, for, reason? }`
 * (see {@link SilenceOrder}), strictly UTF-8, then {@link parseSilenceFields}. Another content type is a 415.
 *
 * @example
 * const parsed = parseSilenceRequest({ contentType: 'application/json', body: new TextEncoder().encode('{"host":"pi1","for":"2h"}') });
 * // { ok: true, value: { host: 'pi1', rule: '*', forMs: 7_200_000 } }
 */
export function parseSilenceRequest(request: RawRequest, options: RawRequestOptions = {}): ParseResult<SilenceFields> {
  const kind = bodyKind(request.contentType);
  if (kind === undefined) {
    return fail(
      415,
      'Content-Type must be application/json or application/x-www-form-urlencoded (UTF-8)',
      'content-type',
    );
  }
  const text = decodeUtf8Strict(request.body, { maxBytes: options.maxBytes ?? WIRE_LIMITS.bodyBytes });
  if (!text.ok) return text;
  const parsed = kind === 'form' ? parseFormBody(text.value) : parseJsonBody(text.value);
  if (!parsed.ok) return parsed;
  return parseSilenceFields(parsed.value);
}

/**
 * Checks the fields of a silence order (see {@link SilenceOrder}): `host` required (trimmed, one line, at most 255
 * characters), `rule` a known metric, alert key, `host_silent` or `*`, `for` a duration over 0 and at most 366 days,
 * `reason` optional text. Unknown fields are refused. Every problem is a 400 naming its field.
 */
export function parseSilenceFields(body: unknown): ParseResult<SilenceFields> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail(400, 'expected an object { host, rule?, for, reason? }', 'body');
  }
  const fields = body as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      return fail(400, `unknown field; expected ${FIELDS.join(', ')}`, key);
    }
  }
  const own = (key: string) => (Object.hasOwn(fields, key) ? fields[key] : undefined);

  const host = own('host');
  if (host === undefined) return fail(400, 'host is required: a hostname, or * for every host', 'host');
  if (typeof host !== 'string' || host.trim() === '') {
    return fail(400, 'expected a hostname, or * for every host', 'host');
  }
  if (host.length > WIRE_LIMITS.hostnameLength) {
    return fail(400, `must not be longer than ${WIRE_LIMITS.hostnameLength} characters`, 'host');
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(host)) return fail(400, 'must not contain control characters', 'host');

  const rule = own('rule') ?? SILENCE_WILDCARD;
  if (typeof rule !== 'string') return fail(400, 'expected a metric, an alert key, host_silent or *', 'rule');
  const ruleProblem = checkRule(rule.trim());
  if (ruleProblem !== undefined) return fail(400, ruleProblem, 'rule');

  const duration = own('for');
  if (duration === undefined) return fail(400, 'for is required: how long, e.g. "2h", "30m", "1h30m"', 'for');
  const read = readDuration(
    typeof duration === 'string' && /^\d+(\.\d+)?$/.test(duration.trim()) ? Number(duration) : duration,
  );
  if (read.problem !== undefined) return fail(400, read.problem, 'for');
  if (read.ms <= 0) return fail(400, 'must be more than 0', 'for');
  if (read.ms > MAX_SILENCE_MS) {
    return fail(400, 'must be at most 366d (for longer, mute the host in config.yaml)', 'for');
  }

  const reason = own('reason');
  if (reason !== undefined && reason !== null && typeof reason !== 'string') {
    return fail(400, 'expected a text', 'reason');
  }
  if (typeof reason === 'string' && reason.length > MAX_SILENCE_REASON_LENGTH) {
    return fail(400, `must not be longer than ${MAX_SILENCE_REASON_LENGTH} characters`, 'reason');
  }
  return {
    ok: true,
    value: {
      host: host.trim(),
      rule: rule.trim(),
      forMs: read.ms,
      ...(typeof reason === 'string' && reason.trim() !== '' ? { reason: reason.trim() } : {}),
    },
  };
}

function checkRule(rule: string): string | undefined {
  if (rule === SILENCE_WILDCARD || rule === HOST_SILENT_RULE) return undefined;
  const match = ALERT_KEY.exec(rule);
  const metric = match?.[1];
  if (match === null || metric === undefined || !KNOWN.has(metric)) {
    return `unknown rule ${JSON.stringify(rule)}: expected a metric (${METRICS.slice(0, 3).join(', ')}, ...), an alert key such as disk_usage_percent@/data, host_silent or *`;
  }
  if (match[2] !== undefined && !DISKS.has(metric)) return `${metric} has no mount: only disk metrics do`;
  return undefined;
}
