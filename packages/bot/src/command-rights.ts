import { type BotSettings, normalizeAccount } from './bot-settings.ts';
import { type Command, READ_ONLY_VERBS } from './command.ts';

/** What the bot does with a command: run it, answer with a short refusal, or neither (no answer, no change). */
export type CommandRight = 'allowed' | 'refused' | 'ignored';

/**
 * Whether a command only reads: `help`, `status`, `alerts`, `hosts`, `graph`, `silences`, unknown text (its answer
 * is the help) and a read command with wrong arguments (its answer is the usage).
 */
export function isReadOnly(command: Command): boolean {
  if (command.verb === 'unknown') return true;
  if (command.verb === 'invalid') return READ_ONLY_VERBS.has(command.of);
  return READ_ONLY_VERBS.has(command.verb);
}

/**
 * Who may run what. An account of `bot.allowed_accounts` may run every command; a local account matches as on the
 * bot's server (`owner` is `owner@serverDomain`, both in the settings and in `acct`, which is as the server gives it:
 * `owner` for a local account, `user@domain` for a remote one). With `bot.public_read`, anyone may run the read-only
 * commands ({@link isReadOnly}). Anyone else is `refused` when `bot.answer_strangers` is set, else `ignored`.
 *
 * @example
 * const settings = parseBotSettings({ enabled: true, allowed_accounts: ['owner@example.social'] });
 * commandRights('owner', settings, 'example.social', { verb: 'ack' }) // 'allowed'
 * commandRights('someone@elsewhere.org', settings, 'example.social', { verb: 'ack' }) // 'ignored'
 */
export function commandRights(
  acct: string,
  settings: Pick<BotSettings, 'allowedAccounts' | 'answerStrangers' | 'publicRead'>,
  serverDomain: string,
  command: Command,
): CommandRight {
  const domain = serverDomain.trim().toLowerCase();
  const full = (account: string | undefined) =>
    account === undefined ? undefined : account.includes('@') ? account : `${account}@${domain}`;
  const asker = full(normalizeAccount(acct));
  if (asker !== undefined && settings.allowedAccounts.some((allowed) => full(normalizeAccount(allowed)) === asker)) {
    return 'allowed';
  }
  if (settings.publicRead && isReadOnly(command)) return 'allowed';
  return settings.answerStrangers ? 'refused' : 'ignored';
}
