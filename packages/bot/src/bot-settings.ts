import { describeValue, readDuration } from '@janitor/protocol';

/** The `bot:` section of config.yaml, validated. */
export interface BotSettings {
  /** Whether the hub follows its account's mentions and answers commands. @default false */
  enabled: boolean;
  /** Whether it listens on the streaming API (polling still catches up after every reconnect). @default true */
  streaming: boolean;
  /** How often it polls the notifications when it does not stream, or between reconnects. @default 60 s */
  pollIntervalMs: number;
  /** Who may command it: `user@domain`, lowercase, without a leading `@`; `user` alone is a local account. */
  allowedAccounts: readonly string[];
  /** Whether anyone else gets a short refusal (else no answer at all). @default false */
  answerStrangers: boolean;
  /** Whether anyone may run the read-only commands (help, status, alerts, hosts, graph, silences). @default false */
  publicRead: boolean;
}

/** A problem of the `bot:` section, with its key path (`bot.allowed_accounts[1]`). */
export interface BotConfigProblem {
  path: string;
  message: string;
}

/** The `bot:` section is invalid. Lists every problem with its key path, not only the first. */
export class BotConfigError extends Error {
  override name = 'BotConfigError';
  readonly problems: readonly BotConfigProblem[];

  constructor(problems: readonly BotConfigProblem[], options?: { cause?: unknown }) {
    super(`invalid bot settings:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`, options);
    this.problems = problems;
  }
}

/** The defaults: off, streaming, polling every minute, nobody allowed, strangers ignored, nothing public. */
export const DEFAULT_BOT_SETTINGS: Readonly<BotSettings> = Object.freeze({
  enabled: false,
  streaming: true,
  pollIntervalMs: 60_000,
  allowedAccounts: Object.freeze([]) as readonly string[],
  answerStrangers: false,
  publicRead: false,
});

/** Below ten seconds a poll costs the server more than it gives; above a day nobody waits for an answer. */
export const MIN_POLL_INTERVAL_MS = 10_000;
/** The longest poll interval: a day. */
export const MAX_POLL_INTERVAL_MS = 86_400_000;

const KEYS = ['enabled', 'streaming', 'poll_interval', 'allowed_accounts', 'answer_strangers', 'public_read'] as const;
const BOOLEANS = [
  ['enabled', 'enabled'],
  ['streaming', 'streaming'],
  ['answer_strangers', 'answerStrangers'],
  ['public_read', 'publicRead'],
] as const;

// A username as the servers allow them (Mastodon: letters, digits, `_`, inner `.` and `-`; Pleroma and GoToSocial
// are close), and a domain: dotted labels of letters, digits and inner `-`, maybe a port (a test server on loopback).
const USERNAME = /^[\p{L}\p{N}_](?:[\p{L}\p{N}_.-]*[\p{L}\p{N}_])?$/u;
const DOMAIN =
  /^[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?)*(?::\d{1,5})?$/u;

/**
 * An account as the bot compares them: trimmed, lowercase, without a leading `@`; `undefined` when it is not
 * `user` or `user@domain`.
 *
 * @example normalizeAccount(' @Owner@Example.Social ') // 'owner@example.social'
 * @example normalizeAccount('owner') // 'owner'
 * @example normalizeAccount('owner@') // undefined
 */
export function normalizeAccount(text: string): string | undefined {
  const account = text
    .trim()
    .replace(/^[@＠]/, '')
    .toLowerCase();
  const at = account.indexOf('@');
  const user = at === -1 ? account : account.slice(0, at);
  const domain = at === -1 ? undefined : account.slice(at + 1);
  if (!USERNAME.test(user)) return undefined;
  if (domain !== undefined && !DOMAIN.test(domain)) return undefined;
  return account;
}

/**
 * Reads the `bot:` section and lists every problem with its key path, as `@janitor/config` gathers the problems of
 * every section into one error. Where a value is missing or wrong the settings keep the default.
 * See {@link parseBotSettings} for the keys.
 *
 * @example readBotSettings({ enabled: 'yes' }, 'bot').problems // [{ path: 'bot.enabled', message: 'expected true or false, got "yes"' }]
 */
export function readBotSettings(raw: unknown, path = 'bot'): { settings: BotSettings; problems: BotConfigProblem[] } {
  const problems: BotConfigProblem[] = [];
  const settings: BotSettings = { ...DEFAULT_BOT_SETTINGS, allowedAccounts: [] };
  if (raw === undefined || raw === null) return { settings, problems };
  if (!isRecord(raw)) {
    problems.push({ path, message: `expected an object (${KEYS.join(', ')}), got ${describeValue(raw)}` });
    return { settings, problems };
  }
  for (const key of Object.keys(raw)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      problems.push({ path: `${path}.${key}`, message: `unknown key; expected ${KEYS.join(', ')}` });
    }
  }
  for (const [key, field] of BOOLEANS) {
    const value = raw[key];
    if (value === undefined || value === null) continue;
    if (typeof value === 'boolean') settings[field] = value;
    else problems.push({ path: `${path}.${key}`, message: `expected true or false, got ${describeValue(value)}` });
  }

  const interval = raw.poll_interval;
  if (interval !== undefined && interval !== null) {
    const read = readDuration(interval);
    if (read.problem !== undefined) {
      problems.push({ path: `${path}.poll_interval`, message: `${read.problem} (e.g. 60s, 2m)` });
    } else if (read.ms < MIN_POLL_INTERVAL_MS || read.ms > MAX_POLL_INTERVAL_MS) {
      problems.push({
        path: `${path}.poll_interval`,
        message: `expected a duration from 10s to 1d, got ${describeValue(interval)}`,
      });
    } else settings.pollIntervalMs = read.ms;
  }

  const accounts = raw.allowed_accounts;
  if (accounts !== undefined && accounts !== null) {
    if (!Array.isArray(accounts)) {
      problems.push({
        path: `${path}.allowed_accounts`,
        message: `expected a list of accounts such as ["owner@example.social"], got ${describeValue(accounts)}`,
      });
    } else {
      const allowed: string[] = [];
      accounts.forEach((item: unknown, i) => {
        const account = typeof item === 'string' ? normalizeAccount(item) : undefined;
        if (account === undefined) {
          problems.push({
            path: `${path}.allowed_accounts[${i}]`,
            message: `expected an account such as "owner@example.social" (or "owner" on the bot's own server), got ${describeValue(item)}`,
          });
        } else if (!allowed.includes(account)) allowed.push(account);
      });
      settings.allowedAccounts = allowed;
    }
  }

  if (problems.length === 0 && settings.enabled && settings.allowedAccounts.length === 0 && !settings.publicRead) {
    problems.push({
      path: `${path}.allowed_accounts`,
      message: `expected at least one account while ${path}.enabled is true (or ${path}.public_read): otherwise nobody may command the bot`,
    });
  }
  return { settings, problems };
}

/**
 * Reads the `bot:` section of config.yaml: `enabled` (default false), `streaming` (true), `poll_interval` (a duration,
 * `60s`, `2m`; default 60 s, from 10 s to 1 day), `allowed_accounts` (`user@domain`, or `user` for an account of the
 * bot's own server; a leading `@` is dropped, the rest lowercased, duplicates merged), `answer_strangers` (false),
 * `public_read` (false). Missing or null: the defaults.
 *
 * @throws BotConfigError listing every problem with its key path (`bot.allowed_accounts[0]: expected an account ...`)
 * @example parseBotSettings({ enabled: true, allowed_accounts: ['@Owner@Example.Social'] })
 * // { enabled: true, streaming: true, pollIntervalMs: 60000, allowedAccounts: ['owner@example.social'], ... }
 */
export function parseBotSettings(raw: unknown, path = 'bot'): BotSettings {
  const { settings, problems } = readBotSettings(raw, path);
  if (problems.length > 0) throw new BotConfigError(problems);
  return settings;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
