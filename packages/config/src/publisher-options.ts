import type { MessageType } from '@janitor/protocol';
import type { LoadedConfig } from './load-config.ts';

/**
 * The publisher's settings from the config (the `mastodon` and `formatting` sections), shaped as
 * `createPublisher` from @janitor/publisher takes them. The token and the logger are the caller's to add.
 */
export function publisherSettings(config: LoadedConfig) {
  const { mastodon, formatting, app } = config.data;
  const post = mastodon.status_post;
  return {
    url: mastodon.api_base_url,
    instanceType: mastodon.instance_type,
    visibility: post.visibility,
    contentType: post.content_type,
    maxLength: post.max_length,
    mergeSummaryIntoText: post.merge_summary_into_text,
    dryRun: app.run_control.dry_run,
    ...(post.username_to_dm ? { usernameToDm: post.username_to_dm } : {}),
    ...(post.language ? { language: post.language } : {}),
    ...(formatting.icons ? { icons: formatting.icons as Partial<Record<MessageType, string>> } : {}),
    ...(formatting.templates ? { templates: formatting.templates } : {}),
  };
}
