import { MESSAGE_TYPES, parseDuration } from '@janitor/protocol';
import { z } from 'zod';
import { isCidr } from './cidr.ts';
import { HUB_TOKEN_SCOPES, MIN_HUB_TOKEN_LENGTH, PUBLIC_URL_CHARACTERS } from './schema-constants.ts';
import { PLACEHOLDER_SERVER } from './server.ts';

const TOKEN_TOO_SHORT = `expected a token of at least ${MIN_HUB_TOKEN_LENGTH} characters`;

// The shape of config.yaml: the original's v0.1 layout (every key it read keeps its meaning) plus additions with
// defaults. Objects strip unknown keys so an original file with keys we no longer use still loads; those keys are
// reported as warnings by `unknownKeys`.

const messageType = z.enum(MESSAGE_TYPES as ['none', 'info', 'warning', 'error', 'alarm']);

const logLevelNames = ['silly', 'trace', 'debug', 'info', 'warn', 'warning', 'error', 'fatal', 'critical'] as const;

/** Log level: a name, or one of the original's Python numeric levels (0, 10, 20, 30, 40, 50). */
const logLevel = z.union([
  z.enum(logLevelNames),
  z
    .number()
    .int()
    .min(0)
    .max(50)
    .refine((n) => n % 10 === 0, { message: 'expected one of 0, 10, 20, 30, 40, 50 or a level name' }),
]);

const templateSet = z.object({
  /** The content warning when the message has a summary. */
  spoiler: z.string().optional(),
  /** The text when the message has a summary. */
  text: z.string().optional(),
  /** The text when the message has no summary. */
  text_without_summary: z.string().optional(),
});

const nonEmpty = z.string().trim().min(1, 'expected a non-empty string');
const visibility = z.enum(['public', 'unlisted', 'private', 'direct'], {
  error: 'expected one of public, unlisted, private, direct',
});
/** An account: `user@domain` (a leading `@` accepted), or `user` on the bot's own server. */
const accountHandle = z
  .string()
  .trim()
  .regex(/^@?[A-Za-z0-9_.-]+(@[A-Za-z0-9.-]+\.[A-Za-z]{2,})?$/, 'expected an account as user@domain');

/** One entry of `app.schedules`: the original's `name`, `when`, `action`, plus the optional keys. */
const scheduleEntry = z.object({
  name: z.string(),
  /** A cron expression (five fields) or a macro such as `@hourly`. */
  when: z.string(),
  /** sysinfo_local, sysinfo_remote, exec, publish_queue or silent_hosts. */
  action: z.string(),
  /** exec only: a command line (run by a shell) or a list [program, ...arguments]. */
  command: z.union([z.string(), z.array(z.string())]).optional(),
  /** The IANA zone `when` is read in. @default the machine's own */
  timezone: z.string().optional(),
  /** @default true */
  enabled: z.boolean().optional(),
  /** How long one run may take: seconds, or "30s", "5m", "1h". @default "5m" */
  timeout: z.union([z.string(), z.number()]).optional(),
});

/** One entry of `checks`: a job check-in. */
const checkEntry = z.object({
  /** The `{slug}` of `/ping/{slug}`: 1-64 of a-z, 0-9, - and _. */
  slug: z.string(),
  /** Pings expected every this long: "1d", "12h", seconds. */
  period: z.union([z.string(), z.number()]).optional(),
  /** Pings expected at these times: a cron expression (five fields) or a macro such as `@daily`. */
  schedule: z.string().optional(),
  /** The IANA zone `schedule` is read in. @default "UTC" */
  timezone: z.string().optional(),
  /** How late a ping may come, and how long a run may take from its start ping. @default "1h" */
  grace: z.union([z.string(), z.number()]).optional(),
  /** Reminders while a problem lasts. @default "never" */
  repeat: z.union([z.string(), z.number()]).optional(),
  /** The host the job runs on. */
  host: z.string().optional(),
});

export const configSchema = z.object({
  app: z
    .object({
      name: nonEmpty.default('Janitor'),
      // Left out, dry run: what config.yaml.dist shows, so nothing is posted before it is turned off.
      run_control: z.object({ dry_run: z.boolean().default(true) }).prefault({}),
      service: z
        .object({
          listen: z
            .object({
              host: nonEmpty.default('127.0.0.1'),
              port: z.number().int().min(0).max(65535).default(5000),
            })
            .prefault({}),
          remote_url: z
            .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
            .default('http://127.0.0.1:5000'),
          /**
           * Hub side: the address clients reach this hub at, written into the install script (GET /install.sh).
           * Left out, the script takes the address the request came to (its Host header, http).
           */
          public_url: z
            .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
            .refine((url) => PUBLIC_URL_CHARACTERS.test(url), {
              message: 'expected a URL without quotes, spaces or % (it goes into a shell script and a crontab line)',
            })
            .transform((url) => url.replace(/\/+$/, ''))
            .optional(),
          /** Client side: the bearer token this machine's agent presents to the hub. */
          remote_token: z
            .string()
            .refine((t) => t === '' || t.length >= MIN_HUB_TOKEN_LENGTH, { message: TOKEN_TOO_SHORT })
            .optional(),
          /** Hub side: the tokens agents and scripts may present. */
          tokens: z
            .array(
              z.object({
                name: nonEmpty,
                token: z.string().min(MIN_HUB_TOKEN_LENGTH, TOKEN_TOO_SHORT),
                hosts: z.array(nonEmpty).optional(),
                /** What the token may do; left out (a token written before scopes existed): everything. */
                scopes: z
                  .array(z.enum(HUB_TOKEN_SCOPES))
                  .min(1, `expected at least one of ${HUB_TOKEN_SCOPES.join(', ')}`)
                  .optional(),
              }),
            )
            .default([]),
          /** Hub side: networks (CIDR) allowed without a token. */
          allow_networks: z.array(z.string().refine(isCidr, 'expected a network such as 192.168.1.0/24')).default([]),
          /**
           * Hub side: reverse proxies (CIDR) whose forwarding headers (Forwarded, X-Forwarded-For, X-Real-IP) name
           * the client.
           */
          trusted_proxies: z.array(z.string().refine(isCidr, 'expected a network such as 127.0.0.1/32')).default([]),
        })
        .prefault({}),
      // Validated by @janitor/scheduler's parseSchedules (cron expressions, actions, zones, durations, unique names),
      // whose problems carry the key paths: the shape here names the keys (types, docs, unknown-key warnings) and
      // never reports a problem itself, so none is reported twice.
      schedules: z.array(scheduleEntry).default([]).catch([]),
      state_dir: nonEmpty.default('.janitor'),
    })
    .prefault({}),
  mastodon: z
    .object({
      app_name: nonEmpty.default('Janitor'),
      api_base_url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).default(PLACEHOLDER_SERVER),
      /** firefish: the original's v0.2+ type; posted through its Mastodon-compatible API, summary in the text. */
      instance_type: z
        .enum(['mastodon', 'pleroma', 'akkoma', 'gotosocial', 'firefish'], {
          error: 'expected one of mastodon, pleroma, akkoma, gotosocial, firefish',
        })
        .default('mastodon'),
      credentials: z
        .object({
          access_token: z.string().optional(),
          client_file: nonEmpty.default('client.secret'),
          user_file: nonEmpty.default('user.secret'),
          user: z.object({ email: z.string().optional(), password: z.string().optional() }).optional(),
        })
        .prefault({}),
      status_post: z
        .object({
          max_length: z.number().int().positive().default(500),
          content_type: z
            .enum(['text/plain', 'text/markdown', 'text/html', 'text/bbcode'], {
              error: 'expected one of text/plain, text/markdown, text/html, text/bbcode',
            })
            .default('text/plain'),
          visibility: visibility.default('public'),
          username_to_dm: z.string().nullish(),
          merge_summary_into_text: z.boolean().default(false),
          /** Let #words become hashtags; otherwise text from outside is neutralised. */
          allow_hashtags: z.boolean().default(false),
          /** Over the server's limit: a numbered thread of replies, or cut. */
          long_text: z.enum(['thread', 'truncate'], { error: 'expected thread or truncate' }).default('thread'),
          max_thread_parts: z.number().int().min(1).max(50).default(10),
          /** Keep under the server's posting limits, merging a storm of alerts per host instead of dropping any. */
          pacing: z.boolean().default(true),
          language: z.string().nullish(),
          /** Per message type (alerts by level): visibility, content warning, accounts mentioned (on-call). */
          by_type: z
            .partialRecord(
              messageType,
              z.strictObject({
                visibility: visibility.optional(),
                content_warning: z.boolean().optional(),
                mention: z.array(accountHandle).default([]),
              }),
            )
            .default({}),
          /** A chart of the metric on alert posts (and the bot's status/graph answers). */
          charts: z.boolean().default(true),
        })
        .prefault({}),
    })
    .prefault({}),
  system_info: z
    .object({
      // Validated in depth by @janitor/thresholds' parseThresholds (key paths, operators, metrics).
      thresholds: z.record(z.string(), z.unknown()).optional(),
      // Where the original's earliest files kept the formatting keys; still read.
      report_item_names_map: z.record(z.string(), z.string()).optional(),
      human_readable: z.boolean().optional(),
      human_readable_exceptions: z.array(z.string()).optional(),
      /** Metrics listed in the report, in this order (crossed metrics are always listed). */
      report_keys: z.array(z.string()).optional(),
    })
    .prefault({}),
  // The alert lifecycle (mode, default_for, default_repeat, silent_after, expected_hosts, hosts): validated in depth
  // by @janitor/thresholds' parseAlerting, whose problems carry the key paths (so none is reported twice).
  alerting: z.unknown().optional(),
  /** Messages sent with a thread key reply to the thread's first post within this window ("24h", seconds). */
  threads: z
    .object({
      window: z
        .union([z.string(), z.number()])
        .refine((v) => (parseDuration(v) ?? 0) > 0, 'expected a duration such as "24h", "30m" or a number of seconds')
        .default('24h'),
    })
    .prefault({}),
  // The bot (enabled, streaming, poll_interval, allowed_accounts, answer_strangers, public_read): validated by
  // @janitor/bot's readBotSettings, whose problems carry the key paths.
  bot: z.unknown().optional(),
  // The metric history (enabled, retention.{raw,ten_minutes,hour}): validated by @janitor/history's
  // parseHistorySettings, whose problems carry the key paths.
  history: z.unknown().optional(),
  // Job check-ins: validated by @janitor/checks' parseChecks, whose problems carry the key paths (`checks[2].schedule`):
  // the shape here names the keys and never reports a problem itself, so none is reported twice.
  checks: z.array(checkEntry).default([]).catch([]),
  /** A ping to an unknown slug creates its check (a daily period, an hour's grace) instead of a 404. */
  checks_auto_create: z.boolean().default(false),
  formatting: z
    .object({
      system_info: z
        .object({
          report_item_names_map: z.record(z.string(), z.string()).optional(),
          human_readable: z.boolean().optional(),
          human_readable_exceptions: z.array(z.string()).optional(),
        })
        .prefault({}),
      icons: z.partialRecord(messageType, z.string()).optional(),
      templates: z.partialRecord(messageType, templateSet).optional(),
    })
    .prefault({}),
  logger: z
    .object({
      loglevel: logLevel.default('info'),
      name: nonEmpty.default('janitor'),
      to_file: z.boolean().default(false),
      filename: nonEmpty.default('log/janitor.log'),
      to_stdout: z.boolean().default(true),
      /** The original's Python format string: accepted so old files load, not used. */
      format: z.string().optional(),
      /** `pretty`: one readable line per event; `json`: one JSON object per line. */
      style: z.enum(['pretty', 'json']).default('pretty'),
    })
    .prefault({}),
});

/** The config file as written (input) and as validated with defaults applied (output). */
export type RawConfig = z.input<typeof configSchema>;
export type ConfigData = z.output<typeof configSchema>;
