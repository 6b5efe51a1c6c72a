import { describe, expect, it } from 'vitest';
import type { BotSettings } from './bot-settings.ts';
import type { Command } from './command.ts';
import { type CommandRight, commandRights, isReadOnly } from './command-rights.ts';

const SERVER = 'example.social';
const base = { answerStrangers: false, publicRead: false };
const owners: Pick<BotSettings, 'allowedAccounts' | 'answerStrangers' | 'publicRead'> = {
  ...base,
  allowedAccounts: ['owner@example.social', 'admin', 'ops@other.org'],
};

const STATUS: Command = { verb: 'status' };
const SILENCE: Command = { verb: 'silence', host: 'pi1', durationMs: 60_000 };
const ACK: Command = { verb: 'ack' };

describe('commandRights', () => {
  it.each<[string, string, Partial<BotSettings>, Command, CommandRight]>([
    ['an allowed remote account may change things', 'owner@example.social', {}, SILENCE, 'allowed'],
    ['the same account as the bot server gives it: local, no domain', 'owner', {}, ACK, 'allowed'],
    ['acct in another case, with a leading @', '@Owner@Example.Social', {}, SILENCE, 'allowed'],
    ['a local account in the settings matches on the bot server', 'admin@example.social', {}, SILENCE, 'allowed'],
    ['and as the server gives it', 'admin', {}, SILENCE, 'allowed'],
    ['an allowed account of another server', 'ops@other.org', {}, ACK, 'allowed'],
    ['a local name of the settings does not match another server', 'admin@other.org', {}, STATUS, 'ignored'],
    ['a remote allowed name does not match a local namesake', 'ops', {}, STATUS, 'ignored'],
    ['a stranger is ignored', 'someone@elsewhere.org', {}, STATUS, 'ignored'],
    [
      'a stranger is refused when strangers get an answer',
      'someone@elsewhere.org',
      { answerStrangers: true },
      STATUS,
      'refused',
    ],
    ['with public read, a stranger may read', 'someone@elsewhere.org', { publicRead: true }, STATUS, 'allowed'],
    [
      'with public read, a stranger may graph',
      'someone',
      { publicRead: true },
      { verb: 'graph', host: 'pi1', metric: 'cpu_percent', rangeMs: 1 },
      'allowed',
    ],
    [
      'with public read, unknown text gets the help',
      'someone',
      { publicRead: true },
      { verb: 'unknown', text: 'hi' },
      'allowed',
    ],
    ['with public read, a stranger may not silence', 'someone', { publicRead: true }, SILENCE, 'ignored'],
    ['with public read, nor unsilence', 'someone', { publicRead: true }, { verb: 'unsilence', target: '3' }, 'ignored'],
    ['with public read, nor ack', 'someone', { publicRead: true, answerStrangers: true }, ACK, 'refused'],
    [
      'with public read, a misspelt graph gets its usage',
      'someone',
      { publicRead: true },
      { verb: 'invalid', of: 'graph', usage: '', problem: '' },
      'allowed',
    ],
    [
      'with public read, a misspelt silence is still refused',
      'someone',
      { publicRead: true, answerStrangers: true },
      { verb: 'invalid', of: 'silence', usage: '', problem: '' },
      'refused',
    ],
    ['an account that is no account is a stranger', 'not an account', { answerStrangers: true }, STATUS, 'refused'],
  ])('%s', (_what, acct, over, command, expected) => {
    expect(commandRights(acct, { ...owners, ...over }, SERVER, command)).toBe(expected);
  });

  it('matches local accounts on the server domain in any case', () => {
    expect(commandRights('admin', owners, 'Example.Social', SILENCE)).toBe('allowed');
    expect(commandRights('admin', owners, 'other.org', SILENCE)).toBe('allowed');
    expect(commandRights('owner', owners, 'other.org', SILENCE)).toBe('ignored');
  });

  it('with nobody allowed and nothing public, nobody may do anything', () => {
    expect(commandRights('owner', { ...base, allowedAccounts: [] }, SERVER, STATUS)).toBe('ignored');
  });
});

describe('isReadOnly', () => {
  it.each<[Command, boolean]>([
    [{ verb: 'help' }, true],
    [STATUS, true],
    [{ verb: 'alerts' }, true],
    [{ verb: 'hosts' }, true],
    [{ verb: 'silences' }, true],
    [{ verb: 'unknown', text: '' }, true],
    [SILENCE, false],
    [{ verb: 'unsilence', target: 'pi1' }, false],
    [ACK, false],
    [{ verb: 'invalid', of: 'unsilence', usage: '', problem: '' }, false],
  ])('%j: %s', (command, expected) => {
    expect(isReadOnly(command)).toBe(expected);
  });
});
