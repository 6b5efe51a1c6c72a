import { describe, expect, it } from 'vitest';
import { parseConfig } from './load-config.ts';
import { publisherSettings } from './publisher-options.ts';

describe('publisherSettings', () => {
  it('maps the mastodon and formatting sections, renaming template keys', () => {
    const config = parseConfig(
      {
        app: { run_control: { dry_run: true } },
        mastodon: {
          api_base_url: 'https://social.example',
          instance_type: 'akkoma',
          status_post: { visibility: 'direct', username_to_dm: '@me@example.org', content_type: 'text/markdown' },
        },
        formatting: { icons: { error: 'E' }, templates: { error: { text_without_summary: '{icon} {text}' } } },
      },
      { baseDir: '/tmp', env: {} },
    );
    expect(publisherSettings(config)).toEqual({
      url: 'https://social.example',
      instanceType: 'akkoma',
      visibility: 'direct',
      contentType: 'text/markdown',
      maxLength: 500,
      mergeSummaryIntoText: false,
      neutralizeHashtags: true,
      longText: 'thread',
      maxThreadParts: 10,
      dryRun: true,
      usernameToDm: '@me@example.org',
      icons: { error: 'E' },
      templates: { error: { textWithoutSummary: '{icon} {text}' } },
    });
  });

  it('maps status_post.by_type to the publisher routes', () => {
    const config = parseConfig(
      {
        mastodon: {
          status_post: {
            by_type: {
              alarm: { visibility: 'direct', mention: ['owner@example.social'] },
              info: { visibility: 'unlisted', content_warning: false },
            },
          },
        },
      },
      { baseDir: '/tmp', env: {} },
    );
    expect(publisherSettings(config).routes).toEqual({
      alarm: { visibility: 'direct', mention: ['owner@example.social'] },
      info: { visibility: 'unlisted', contentWarning: false },
    });
  });

  it('refuses a direct route that mentions nobody, naming the key', () => {
    expect(() =>
      parseConfig(
        { mastodon: { status_post: { by_type: { alarm: { visibility: 'direct' } } } } },
        { baseDir: '/tmp', env: {} },
      ),
    ).toThrow(/mastodon\.status_post\.by_type\.alarm\.mention: required when visibility is direct/);
    expect(() =>
      parseConfig(
        { mastodon: { status_post: { by_type: { alarm: { mention: ['not an account'] } } } } },
        { baseDir: '/tmp', env: {} },
      ),
    ).toThrow(/mastodon\.status_post\.by_type\.alarm\.mention\[0\]|by_type\.alarm\.mention\.0/);
  });
});
