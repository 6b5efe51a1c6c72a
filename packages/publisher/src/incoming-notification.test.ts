import { describe, expect, it } from 'vitest';
import { compareIds } from './ids.ts';
import { toIncomingNotification } from './incoming-notification.ts';

/** A Notification entity as masto hands it over (camel-cased), with a few fields changed. */
function entity(changes: Record<string, unknown> = {}, status: Record<string, unknown> = {}) {
  return {
    id: '7',
    type: 'mention',
    createdAt: '2026-12-01T10:00:00.000Z',
    account: { id: 'a1', username: 'owner', acct: 'owner@example.social', url: 'https://example.social/@owner' },
    status: {
      id: 's1',
      visibility: 'direct',
      content: '<p>@janitor status</p>',
      inReplyToId: 's0',
      mentions: [{ id: 'b1', username: 'janitor', acct: 'janitor', url: 'https://here/@janitor' }],
      reblog: null,
      ...status,
    },
    ...changes,
  };
}

describe('toIncomingNotification', () => {
  it('keeps what the bot needs, the same on every server', () => {
    expect(toIncomingNotification(entity())).toEqual({
      id: '7',
      type: 'mention',
      createdAt: '2026-12-01T10:00:00.000Z',
      account: { id: 'a1', acct: 'owner@example.social', url: 'https://example.social/@owner' },
      status: {
        id: 's1',
        visibility: 'direct',
        content: '<p>@janitor status</p>',
        inReplyToId: 's0',
        mentions: [{ id: 'b1', acct: 'janitor', url: 'https://here/@janitor' }],
      },
    });
  });

  it.each([
    ['public', 'public'],
    ['unlisted', 'unlisted'],
    ['private', 'private'],
    ['direct', 'direct'],
    ['local', 'private'],
    ['list', 'private'],
    ['mutuals_only', 'private'],
    ['something-new', 'direct'],
    [undefined, 'direct'],
  ])('maps visibility %s to %s (never wider)', (given, expected) => {
    expect(toIncomingNotification(entity({}, { visibility: given }))?.status.visibility).toBe(expected);
  });

  it.each([
    ['a follow', entity({ type: 'follow' })],
    ["Pleroma's emoji reaction", entity({ type: 'pleroma:emoji_reaction' })],
    ['a mention without its status (deleted)', entity({ status: null })],
    ['one without account', entity({ account: null })],
    ['one without id', entity({ id: 7 })],
    ['not an object', 'mention'],
  ])('drops %s', (_what, value) => {
    expect(toIncomingNotification(value)).toBeUndefined();
  });

  it('takes the username when a server leaves acct out, and a favourite like a mention', () => {
    const favourite = toIncomingNotification(
      entity({ type: 'favourite', account: { id: 'a2', username: 'friend', url: 'https://x/@friend' } }),
    );
    expect(favourite).toMatchObject({ type: 'favourite', account: { acct: 'friend' } });
  });
});

describe('compareIds', () => {
  it.each([
    ['9', '10', -1],
    ['10', '9', 1],
    ['110244', '110244', 0],
    ['01HZX0000000000000000000AA', '01HZX0000000000000000000AB', -1],
    ['AfgXd2kSfWlb0JLhOi', 'AfgXd2kSfWlb0JLhOh', 1],
  ])('%s vs %s', (a, b, sign) => {
    expect(Math.sign(compareIds(a, b))).toBe(sign);
  });
});
