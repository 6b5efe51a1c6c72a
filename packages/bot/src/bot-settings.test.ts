import { describe, expect, it } from 'vitest';
import {
  BotConfigError,
  type BotSettings,
  DEFAULT_BOT_SETTINGS,
  normalizeAccount,
  parseBotSettings,
  readBotSettings,
} from './bot-settings.ts';

const settings = (over: Partial<BotSettings>): BotSettings => ({ ...DEFAULT_BOT_SETTINGS, ...over });

describe('parseBotSettings', () => {
  it.each<[string, unknown, BotSettings]>([
    ['no section: the defaults (off)', undefined, settings({})],
    ['null: the defaults', null, settings({})],
    ['an empty section: the defaults', {}, settings({})],
    [
      'every key',
      {
        enabled: true,
        streaming: false,
        poll_interval: '2m',
        allowed_accounts: ['owner@example.social', 'admin'],
        answer_strangers: true,
        public_read: true,
      },
      settings({
        enabled: true,
        streaming: false,
        pollIntervalMs: 120_000,
        allowedAccounts: ['owner@example.social', 'admin'],
        answerStrangers: true,
        publicRead: true,
      }),
    ],
    [
      'accounts lowercased, a leading @ dropped, duplicates merged',
      { enabled: true, allowed_accounts: ['@Owner@Example.Social', 'owner@example.social', ' Admin '] },
      settings({ enabled: true, allowedAccounts: ['owner@example.social', 'admin'] }),
    ],
    ['a poll interval in seconds as a number', { poll_interval: 30 }, settings({ pollIntervalMs: 30_000 })],
    ['the shortest poll interval: 10 s', { poll_interval: '10s' }, settings({ pollIntervalMs: 10_000 })],
    ['the longest: a day', { poll_interval: '1d' }, settings({ pollIntervalMs: 86_400_000 })],
    [
      'enabled for everyone to read, nobody to change',
      { enabled: true, public_read: true },
      settings({ enabled: true, publicRead: true }),
    ],
    [
      'a server with a port (a test server)',
      { allowed_accounts: ['me@127.0.0.1:3000'] },
      settings({ allowedAccounts: ['me@127.0.0.1:3000'] }),
    ],
    ['null keys keep their defaults', { streaming: null, poll_interval: null, allowed_accounts: null }, settings({})],
  ])('%s', (_what, raw, expected) => {
    expect(parseBotSettings(raw)).toEqual(expected);
  });

  it.each<[string, unknown, { path: string; message: RegExp }[]]>([
    ['not an object', 'yes', [{ path: 'bot', message: /expected an object \(enabled, .*\), got "yes"/ }]],
    ['a list', [], [{ path: 'bot', message: /got a list/ }]],
    ['an unknown key', { enable: true }, [{ path: 'bot.enable', message: /unknown key; expected enabled, streaming/ }]],
    [
      'a boolean as text',
      { enabled: 'yes' },
      [{ path: 'bot.enabled', message: /^expected true or false, got "yes"$/ }],
    ],
    ['streaming as a number', { streaming: 1 }, [{ path: 'bot.streaming', message: /expected true or false, got 1/ }]],
    ['public_read as text', { public_read: 'true' }, [{ path: 'bot.public_read', message: /expected true or false/ }]],
    [
      'answer_strangers as text',
      { answer_strangers: 'no' },
      [{ path: 'bot.answer_strangers', message: /expected true or false/ }],
    ],
    [
      'a poll interval that is no duration',
      { poll_interval: 'often' },
      [{ path: 'bot.poll_interval', message: /expected a duration .*got "often" \(e\.g\. 60s, 2m\)/ }],
    ],
    [
      'a poll interval under 10 s',
      { poll_interval: '5s' },
      [{ path: 'bot.poll_interval', message: /from 10s to 1d, got "5s"/ }],
    ],
    [
      'a poll interval over a day',
      { poll_interval: '2d' },
      [{ path: 'bot.poll_interval', message: /from 10s to 1d, got "2d"/ }],
    ],
    [
      'a negative poll interval',
      { poll_interval: -60 },
      [{ path: 'bot.poll_interval', message: /must not be negative/ }],
    ],
    [
      'accounts as one text',
      { allowed_accounts: 'owner@example.social' },
      [{ path: 'bot.allowed_accounts', message: /expected a list of accounts/ }],
    ],
    [
      'bad accounts, each named by its index',
      { allowed_accounts: ['owner@example.social', 'owner@', 42, 'two words@example.social', '@'] },
      [
        {
          path: 'bot.allowed_accounts[1]',
          message: /expected an account such as "owner@example.social".*got "owner@"/,
        },
        { path: 'bot.allowed_accounts[2]', message: /got 42/ },
        { path: 'bot.allowed_accounts[3]', message: /got "two words@example.social"/ },
        { path: 'bot.allowed_accounts[4]', message: /got "@"/ },
      ],
    ],
    [
      'enabled with nobody allowed and nothing public: nobody could command it',
      { enabled: true },
      [{ path: 'bot.allowed_accounts', message: /at least one account while bot.enabled is true/ }],
    ],
    [
      'every problem, not only the first',
      { enabled: 'on', poll_interval: '1s', extra: 1 },
      [
        { path: 'bot.extra', message: /unknown key/ },
        { path: 'bot.enabled', message: /expected true or false/ },
        { path: 'bot.poll_interval', message: /from 10s/ },
      ],
    ],
  ])('%s: a problem naming the key path', (_what, raw, expected) => {
    const { problems } = readBotSettings(raw);
    expect(problems.map((p) => p.path)).toEqual(expected.map((p) => p.path));
    for (const [i, problem] of problems.entries()) expect(problem.message).toMatch(expected[i]!.message);
    expect(() => parseBotSettings(raw)).toThrow(BotConfigError);
  });

  it('throws one error listing every problem with its path, under the path it is given', () => {
    const error = (() => {
      try {
        parseBotSettings({ enabled: 'on', poll_interval: '1s' }, 'janitor.bot');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(BotConfigError);
    const { problems, message, name } = error as BotConfigError;
    expect(name).toBe('BotConfigError');
    expect(problems.map((p) => p.path)).toEqual(['janitor.bot.enabled', 'janitor.bot.poll_interval']);
    expect(message).toContain('janitor.bot.enabled: expected true or false, got "on"');
    expect(message).toContain('janitor.bot.poll_interval: expected a duration from 10s to 1d, got "1s"');
  });

  it('keeps the defaults where a value is wrong, and the good values beside it', () => {
    expect(readBotSettings({ streaming: false, poll_interval: 'soon' }).settings).toEqual(
      settings({ streaming: false }),
    );
  });
});

describe('normalizeAccount', () => {
  it.each<[string, string | undefined]>([
    ['owner@example.social', 'owner@example.social'],
    ['@Owner@Example.SOCIAL', 'owner@example.social'],
    ['＠owner@example.social', 'owner@example.social'],
    ['owner', 'owner'],
    ['first.last-name_2@sub.example.org', 'first.last-name_2@sub.example.org'],
    ['émilie@café.example', 'émilie@café.example'],
    ['', undefined],
    ['@', undefined],
    ['owner@', undefined],
    ['owner@example..social', undefined],
    ['owner@-example.social', undefined],
    ['own er@example.social', undefined],
    ['owner@example.social@other', undefined],
    ['.owner@example.social', undefined],
  ])('%j -> %j', (text, expected) => {
    expect(normalizeAccount(text)).toBe(expected);
  });
});
