import { describe, expect, it } from 'vitest';
import { replyVisibility, type Visibility } from './reply-visibility.ts';

describe('replyVisibility', () => {
  it.each<[Visibility, Visibility | undefined, Visibility]>([
    ['public', undefined, 'public'],
    ['unlisted', undefined, 'unlisted'],
    ['private', undefined, 'private'],
    ['direct', undefined, 'direct'],
    ['public', 'public', 'public'],
    ['public', 'unlisted', 'unlisted'],
    ['public', 'private', 'private'],
    ['public', 'direct', 'direct'],
    ['unlisted', 'public', 'unlisted'],
    ['unlisted', 'unlisted', 'unlisted'],
    ['unlisted', 'private', 'private'],
    ['unlisted', 'direct', 'direct'],
    ['private', 'public', 'private'],
    ['private', 'unlisted', 'private'],
    ['private', 'private', 'private'],
    ['private', 'direct', 'direct'],
    ['direct', 'public', 'direct'],
    ['direct', 'unlisted', 'direct'],
    ['direct', 'private', 'direct'],
    ['direct', 'direct', 'direct'],
  ])('a %s mention, %s configured: %s', (mention, configured, expected) => {
    expect(replyVisibility(mention, configured)).toBe(expected);
  });
});
