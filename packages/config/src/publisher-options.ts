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
    // Firefish (the original's v0.2+ type) speaks the Mastodon API and shows no content warning: the original
    // posted the summary inside the text there.
    instanceType: postingInstanceType(mastodon.instance_type),
    visibility: post.visibility,
    contentType: post.content_type,
    maxLength: post.max_length,
    mergeSummaryIntoText: post.merge_summary_into_text || mastodon.instance_type === 'firefish',
    neutralizeHashtags: !post.allow_hashtags,
    longText: post.long_text,
    maxThreadParts: post.max_thread_parts,
    dryRun: app.run_control.dry_run,
    ...(post.username_to_dm ? { usernameToDm: post.username_to_dm } : {}),
    ...(post.language ? { language: post.language } : {}),
    ...(Object.keys(post.by_type).length > 0 ? { routes: routesOf(post.by_type) } : {}),
    ...(formatting.icons ? { icons: formatting.icons as Partial<Record<MessageType, string>> } : {}),
    ...(formatting.templates ? { templates: templatesOf(formatting.templates) } : {}),
  };
}

/** The server type the publisher knows: Firefish is posted to through its Mastodon-compatible API. */
function postingInstanceType(type: LoadedConfig['data']['mastodon']['instance_type']) {
  return type === 'firefish' ? 'mastodon' : type;
}

type TemplateConfig = NonNullable<LoadedConfig['data']['formatting']['templates']>;

/** The file's snake_case template keys, as the publisher names them. */
function templatesOf(templates: TemplateConfig) {
  const out: Partial<Record<MessageType, { spoiler?: string; text?: string; textWithoutSummary?: string }>> = {};
  for (const [type, t] of Object.entries(templates) as [MessageType, TemplateConfig[MessageType]][]) {
    if (!t) continue;
    out[type] = {
      ...(t.spoiler !== undefined ? { spoiler: t.spoiler } : {}),
      ...(t.text !== undefined ? { text: t.text } : {}),
      ...(t.text_without_summary !== undefined ? { textWithoutSummary: t.text_without_summary } : {}),
    };
  }
  return out;
}

type RouteConfig = LoadedConfig['data']['mastodon']['status_post']['by_type'];

/** `status_post.by_type` as the publisher's routes. */
function routesOf(byType: RouteConfig) {
  const out: Partial<
    Record<
      MessageType,
      { visibility?: 'public' | 'unlisted' | 'private' | 'direct'; contentWarning?: boolean; mention?: string[] }
    >
  > = {};
  for (const [type, route] of Object.entries(byType) as [MessageType, RouteConfig[MessageType]][]) {
    if (!route) continue;
    out[type] = {
      ...(route.visibility !== undefined ? { visibility: route.visibility } : {}),
      ...(route.content_warning !== undefined ? { contentWarning: route.content_warning } : {}),
      ...(route.mention.length > 0 ? { mention: route.mention } : {}),
    };
  }
  return out;
}
