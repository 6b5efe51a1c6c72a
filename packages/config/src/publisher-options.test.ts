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
});
