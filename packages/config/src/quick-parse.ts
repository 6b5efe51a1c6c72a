// The common case of config validation without zod: cron starts `janitor scheduler` every minute, and loading zod
// (some 95 modules) and building its schema cost more than the rest of a run with nothing due.
//
// quickParse walks the file along the same shape as schema.ts and gives the same data (defaults applied, strings
// trimmed, keys in the schema's order) and the same unknown-key warnings, or DEFERS: anything it is not sure is
// valid (a wrong type, a value out of range, a null, an unknown key where zod would strip it silently) makes it
// return undefined, and zod decides, with its own messages. So it can only be slower than zod, never disagree with
// it; quick-parse.test.ts compares the two on many files, and on every key of config.yaml.dist.
import { MESSAGE_TYPES, parseDuration } from '@janitor/protocol';
import { isCidr } from './cidr.ts';
import type { ConfigData } from './schema.ts';
import { HUB_TOKEN_SCOPES, MIN_HUB_TOKEN_LENGTH, PUBLIC_URL_CHARACTERS } from './schema-constants.ts';
import { PLACEHOLDER_SERVER } from './server.ts';

/** What a field makes of a value: the value to keep, or DEFER (zod must decide). */
const DEFER: unique symbol = Symbol('defer');
type Parse = (value: unknown, path: string, warnings: string[]) => unknown;

interface Field {
  parse: Parse;
  /** The value when the key is absent (a default, or an object's defaults); none: the key stays absent. */
  absent?: () => unknown;
  /** The key must be there (zod: neither optional nor with a default). */
  required?: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
const isString = (v: unknown): v is string => typeof v === 'string';

function field(parse: Parse, absent?: () => unknown): Field {
  return absent === undefined ? { parse } : { parse, absent };
}

/** The same field, that must be there. */
const required = (f: Field): Field => ({ ...f, required: true });
/** `z.string()` (optional). */
const text = () => field((v) => (isString(v) ? v : DEFER));
/** `z.string().nullish()`. */
const nullableText = () => field((v) => (v === null || isString(v) ? v : DEFER));
/** `z.string().trim().min(1)`, with its default. */
const nonEmpty = (fallback?: string) =>
  field(
    (v) => (isString(v) && v.trim() !== '' ? v.trim() : DEFER),
    fallback === undefined ? undefined : () => fallback,
  );
const bool = (fallback?: boolean) =>
  field((v) => (typeof v === 'boolean' ? v : DEFER), fallback === undefined ? undefined : () => fallback);
/** `z.number().int().min(min).max(max).default(fallback)`. */
const integer = (min: number, max: number, fallback: number) =>
  field(
    (v) => (Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max ? v : DEFER),
    () => fallback,
  );
const oneOf = (values: readonly string[], fallback: string) =>
  field(
    (v) => (isString(v) && values.includes(v) ? v : DEFER),
    () => fallback,
  );
/** `z.url({ protocol: /^https?$/ })` on a value with nothing to trim: the value as written. */
const httpUrl = (fallback: string) =>
  field(
    (v) => {
      if (!isString(v) || v !== v.trim() || /[\t\n\r]/.test(v) || !/^https?:\/\//i.test(v)) return DEFER;
      const url = URL.parse(v);
      return url && /^https?:$/.test(url.protocol) ? v : DEFER;
    },
    () => fallback,
  );
/** schema.ts's `public_url`: an http(s) URL of shell-safe characters, its final slashes dropped; optional. */
const publicUrl = field((v) => {
  const kept = httpUrl('').parse(v, '', []);
  return isString(kept) && PUBLIC_URL_CHARACTERS.test(kept) ? kept.replace(/\/+$/, '') : DEFER;
});
/** `z.array(item)`, with a default. */
const list = (item: (v: unknown) => unknown, fallback?: () => unknown[]) =>
  field((v) => {
    if (!Array.isArray(v)) return DEFER;
    const out: unknown[] = [];
    for (const element of v) {
      const parsed = item(element);
      if (parsed === DEFER) return DEFER;
      out.push(parsed);
    }
    return out;
  }, fallback);
/** `z.record(z.string(), value)` (optional): a new object, keys in the file's order. */
const map = (value: (v: unknown) => unknown, keys?: readonly string[]) =>
  field((v) => {
    if (!isRecord(v)) return DEFER;
    const out: Record<string, unknown> = {};
    for (const [key, element] of Object.entries(v)) {
      if (key === '__proto__' || (keys !== undefined && !keys.includes(key))) return DEFER;
      const parsed = value(element);
      if (parsed === DEFER) return DEFER;
      out[key] = parsed;
    }
    return out;
  });
const VISIBILITIES = ['public', 'unlisted', 'private', 'direct'];
const ACCOUNT_HANDLE = /^@?[A-Za-z0-9_.-]+(@[A-Za-z0-9.-]+\.[A-Za-z]{2,})?$/;
/** schema.ts's `status_post.by_type`: a strict route object per message type. */
function parseRoutes(v: unknown): unknown {
  if (!isRecord(v)) return DEFER;
  const out: Record<string, unknown> = {};
  for (const [type, route] of Object.entries(v)) {
    if (!(MESSAGE_TYPES as readonly string[]).includes(type) || !isRecord(route)) return DEFER;
    if (Object.keys(route).some((k) => !['visibility', 'content_warning', 'mention'].includes(k))) return DEFER;
    const { visibility, content_warning: contentWarning, mention = [] } = route;
    if (visibility !== undefined && !(isString(visibility) && VISIBILITIES.includes(visibility))) return DEFER;
    if (contentWarning !== undefined && typeof contentWarning !== 'boolean') return DEFER;
    if (!Array.isArray(mention) || !mention.every((m) => isString(m) && ACCOUNT_HANDLE.test(m.trim()))) return DEFER;
    out[type] = {
      ...(visibility === undefined ? {} : { visibility }),
      ...(contentWarning === undefined ? {} : { content_warning: contentWarning }),
      mention: mention.map((m: string) => m.trim()),
    };
  }
  return out;
}
/** `z.unknown().optional()`: the value itself. */
const anything = () => field((v) => v);

/**
 * An object of known keys: unknown keys are reported (as `unknownKeys` does) and left out, as zod strips them. An
 * object `always` there (zod's `.prefault({})`) gets its defaults when absent; another one stays absent.
 */
function group(shape: Record<string, Field>, options: { always?: boolean } = {}): Field {
  const parse: Parse = (v, path, warnings) => {
    if (!isRecord(v)) return DEFER;
    // The file's keys in its order (the order of the warnings), then the output in the schema's order (zod's).
    const parsed: Record<string, unknown> = {};
    for (const [key, raw] of Object.entries(v)) {
      const keyPath = path ? `${path}.${key}` : key;
      if (key === '__proto__' || raw === undefined) return DEFER;
      if (!Object.hasOwn(shape, key)) {
        warnings.push(keyPath);
        continue;
      }
      const result = shape[key]!.parse(raw, keyPath, warnings);
      if (result === DEFER) return DEFER;
      parsed[key] = result;
    }
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(shape)) {
      if (Object.hasOwn(parsed, key)) out[key] = parsed[key];
      else if (child.required) return DEFER;
      else if (child.absent) out[key] = child.absent();
    }
    return out;
  };
  return field(parse, options.always ? () => parse({}, '', []) : undefined);
}

/**
 * An element of a list: an object of known keys only (zod would strip another key, and warn about it: zod says
 * that), each parsed by its field.
 */
function entry(shape: Record<string, Field>): (v: unknown) => unknown {
  const { parse } = group(shape);
  return (v) => {
    if (!isRecord(v) || Object.keys(v).some((key) => !Object.hasOwn(shape, key))) return DEFER;
    return parse(v, '', []);
  };
}

const value = (f: Field) => (v: unknown) => f.parse(v, '', []);

const LOG_LEVEL_NAMES = ['silly', 'trace', 'debug', 'info', 'warn', 'warning', 'error', 'fatal', 'critical'];
const logLevel = field(
  (v) =>
    (isString(v) && LOG_LEVEL_NAMES.includes(v)) || v === 0 || v === 10 || v === 20 || v === 30 || v === 40 || v === 50
      ? v
      : DEFER,
  () => 'info',
);

const templateSet = entry({ spoiler: text(), text: text(), text_without_summary: text() });

const schedule = entry({
  name: required(text()),
  when: required(text()),
  action: required(text()),
  command: field((v) => (isString(v) || (Array.isArray(v) && v.every(isString)) ? (isString(v) ? v : [...v]) : DEFER)),
  timezone: text(),
  enabled: bool(),
  timeout: field((v) => (isString(v) || Number.isFinite(v) ? v : DEFER)),
});

const check = entry({
  slug: required(text()),
  period: field((v) => (isString(v) || Number.isFinite(v) ? v : DEFER)),
  schedule: text(),
  timezone: text(),
  grace: field((v) => (isString(v) || Number.isFinite(v) ? v : DEFER)),
  repeat: field((v) => (isString(v) || Number.isFinite(v) ? v : DEFER)),
  host: text(),
});

const token = entry({
  name: required(nonEmpty()),
  token: required(field((v) => (isString(v) && v.length >= MIN_HUB_TOKEN_LENGTH ? v : DEFER))),
  hosts: list(value(nonEmpty())),
  scopes: field((v) =>
    Array.isArray(v) && v.length > 0 && v.every((s) => (HUB_TOKEN_SCOPES as readonly unknown[]).includes(s))
      ? [...v]
      : DEFER,
  ),
});

/** `z.array(z.string().refine(isCidr)).default([])`. */
const networks = () =>
  list(
    (v) => (isString(v) && isCidr(v) ? v : DEFER),
    () => [],
  );

/** schema.ts's configSchema, field by field. */
const CONFIG = group({
  app: group(
    {
      name: nonEmpty('Janitor'),
      run_control: group({ dry_run: bool(true) }, { always: true }),
      service: group(
        {
          listen: group({ host: nonEmpty('127.0.0.1'), port: integer(0, 65535, 5000) }, { always: true }),
          remote_url: httpUrl('http://127.0.0.1:5000'),
          public_url: publicUrl,
          remote_token: field((v) => (isString(v) && (v === '' || v.length >= MIN_HUB_TOKEN_LENGTH) ? v : DEFER)),
          tokens: list(token, () => []),
          allow_networks: networks(),
          trusted_proxies: networks(),
        },
        { always: true },
      ),
      schedules: list(schedule, () => []),
      state_dir: nonEmpty('.janitor'),
    },
    { always: true },
  ),
  mastodon: group(
    {
      app_name: nonEmpty('Janitor'),
      api_base_url: httpUrl(PLACEHOLDER_SERVER),
      instance_type: oneOf(['mastodon', 'pleroma', 'akkoma', 'gotosocial', 'firefish'], 'mastodon'),
      credentials: group(
        {
          access_token: text(),
          client_file: nonEmpty('client.secret'),
          user_file: nonEmpty('user.secret'),
          user: group({ email: text(), password: text() }),
        },
        { always: true },
      ),
      status_post: group(
        {
          max_length: integer(1, Number.MAX_SAFE_INTEGER, 500),
          content_type: oneOf(['text/plain', 'text/markdown', 'text/html', 'text/bbcode'], 'text/plain'),
          visibility: oneOf(['public', 'unlisted', 'private', 'direct'], 'public'),
          username_to_dm: nullableText(),
          merge_summary_into_text: bool(false),
          allow_hashtags: bool(false),
          long_text: oneOf(['thread', 'truncate'], 'thread'),
          max_thread_parts: integer(1, 50, 10),
          pacing: bool(true),
          language: nullableText(),
          by_type: field(parseRoutes, () => ({})),
          charts: bool(true),
        },
        { always: true },
      ),
    },
    { always: true },
  ),
  system_info: group(
    {
      thresholds: map((v) => v),
      report_item_names_map: map(value(text())),
      human_readable: bool(),
      human_readable_exceptions: list(value(text())),
      report_keys: list(value(text())),
    },
    { always: true },
  ),
  alerting: anything(),
  threads: group(
    {
      window: field(
        (v) => ((isString(v) || typeof v === 'number') && (parseDuration(v) ?? 0) > 0 ? v : DEFER),
        () => '24h',
      ),
    },
    { always: true },
  ),
  bot: anything(),
  history: anything(),
  checks: list(check, () => []),
  checks_auto_create: bool(false),
  formatting: group(
    {
      system_info: group(
        {
          report_item_names_map: map(value(text())),
          human_readable: bool(),
          human_readable_exceptions: list(value(text())),
        },
        { always: true },
      ),
      icons: map(value(text()), MESSAGE_TYPES),
      templates: map(templateSet, MESSAGE_TYPES),
    },
    { always: true },
  ),
  logger: group(
    {
      loglevel: logLevel,
      name: nonEmpty('janitor'),
      to_file: bool(false),
      filename: nonEmpty('log/janitor.log'),
      to_stdout: bool(true),
      format: text(),
      style: oneOf(['pretty', 'json'], 'pretty'),
    },
    { always: true },
  ),
});

/**
 * The config validated without zod: the same `data` as `configSchema.safeParse(input)` and the same keys as
 * `unknownKeys(configSchema, input)`, or undefined when zod must decide (see the top of this file).
 */
export function quickParse(input: Record<string, unknown>): { data: ConfigData; unknownKeys: string[] } | undefined {
  const unknownKeys: string[] = [];
  const data = CONFIG.parse(input, '', unknownKeys);
  return data === DEFER ? undefined : { data: data as ConfigData, unknownKeys };
}
