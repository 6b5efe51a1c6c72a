import type { FlavourProfile } from './flavour.ts';

/** What the instance endpoints need to describe the fake server. */
export interface InstanceContext {
  profile: FlavourProfile;
  baseUrl: string;
  maxCharacters: number;
  statusCount: number;
  userCount: number;
}

const MAX_MEDIA_ATTACHMENTS = 4;
const IMAGE_MIME_TYPES = [
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/heic',
  'image/heif',
  'image/webp',
  'image/avif',
];
const MEDIA_MIME_TYPES = [...IMAGE_MIME_TYPES, 'video/webm', 'video/mp4', 'video/quicktime', 'audio/mpeg', 'audio/ogg'];

function host(baseUrl: string): string {
  return new URL(baseUrl).host;
}

function statusesConfiguration(context: InstanceContext): Record<string, unknown> {
  const statuses: Record<string, unknown> = {
    max_characters: context.maxCharacters,
    max_media_attachments: MAX_MEDIA_ATTACHMENTS,
    characters_reserved_per_url: 23,
  };
  if (context.profile.flavour === 'gotosocial') statuses.supported_mime_types = context.profile.contentTypes;
  return statuses;
}

const mediaConfiguration = {
  supported_mime_types: MEDIA_MIME_TYPES,
  description_limit: 1500,
  image_size_limit: 16_777_216,
  image_matrix_limit: 33_177_600,
  video_size_limit: 103_809_024,
  video_frame_rate_limit: 120,
  video_matrix_limit: 8_294_400,
};

const pollsConfiguration = {
  max_options: 4,
  max_characters_per_option: 50,
  min_expiration: 300,
  max_expiration: 2_629_746,
};

/** GET /api/v1/instance for the flavour (Pleroma/Akkoma expose the limit as `max_toot_chars`). */
export function instanceV1Json(context: InstanceContext): Record<string, unknown> {
  const { profile, baseUrl } = context;
  const common = {
    uri: host(baseUrl),
    title: `Fake ${profile.flavour}`,
    short_description: 'A strict fake Mastodon-compatible server for tests',
    description: 'A strict fake Mastodon-compatible server for tests',
    email: `admin@${new URL(baseUrl).hostname}`,
    version: profile.version,
    urls: { streaming_api: baseUrl.replace(/^http/, 'ws') },
    stats: { user_count: context.userCount, status_count: context.statusCount, domain_count: 0 },
    thumbnail: `${baseUrl}/instance/thumbnail.png`,
    languages: ['en'],
    registrations: false,
    approval_required: false,
    invites_enabled: false,
  };
  switch (profile.flavour) {
    case 'pleroma':
    case 'akkoma':
      return {
        ...common,
        max_toot_chars: context.maxCharacters,
        poll_limits: { max_options: 20, max_option_chars: 200, min_expiration: 0, max_expiration: 31_536_000 },
        upload_limit: 16_000_000,
        avatar_upload_limit: 2_000_000,
        background_upload_limit: 4_000_000,
        banner_upload_limit: 4_000_000,
        description_limit: 5000,
        background_image: `${baseUrl}/images/city.jpg`,
        pleroma: {
          metadata: {
            account_activation_required: false,
            features: ['pleroma_api', 'mastodon_api', 'mastodon_api_streaming', 'polls', 'media_proxy', 'editing'],
            federation: { enabled: true, exclusions: false },
            fields_limits: { max_fields: 10, max_remote_fields: 20, name_length: 512, value_length: 2048 },
            post_formats: profile.contentTypes,
            privileged_staff: false,
          },
          stats: { mau: 1 },
          vapid_public_key: '',
        },
      };
    case 'gotosocial':
      return {
        ...common,
        max_toot_chars: context.maxCharacters,
        configuration: {
          statuses: statusesConfiguration(context),
          media_attachments: mediaConfiguration,
          polls: pollsConfiguration,
          accounts: { allow_custom_css: false, max_featured_tags: 10, max_profile_fields: 6 },
        },
        contact_account: null,
        rules: [],
      };
    case 'mastodon':
      return {
        ...common,
        configuration: {
          accounts: { max_featured_tags: 10 },
          statuses: statusesConfiguration(context),
          media_attachments: mediaConfiguration,
          polls: pollsConfiguration,
        },
        contact_account: null,
        rules: [],
      };
  }
}

/** GET /api/v2/instance (Mastodon 4.0+, GoToSocial); null for flavours that answer 404. */
export function instanceV2Json(context: InstanceContext): Record<string, unknown> | null {
  const { profile, baseUrl } = context;
  if (!profile.hasV2Instance) return null;
  return {
    domain: host(baseUrl),
    title: `Fake ${profile.flavour}`,
    version: profile.version,
    source_url:
      profile.flavour === 'gotosocial'
        ? 'https://codeberg.org/superseriousbusiness/gotosocial'
        : 'https://github.com/mastodon/mastodon',
    description: 'A strict fake Mastodon-compatible server for tests',
    usage: { users: { active_month: context.userCount } },
    thumbnail: { url: `${baseUrl}/instance/thumbnail.png`, blurhash: null, versions: {} },
    icon: [],
    languages: ['en'],
    configuration: {
      urls: { streaming: baseUrl.replace(/^http/, 'ws'), status: null, about: `${baseUrl}/about` },
      vapid: { public_key: '' },
      accounts: { max_featured_tags: 10, max_pinned_statuses: 5 },
      statuses: statusesConfiguration(context),
      media_attachments: mediaConfiguration,
      polls: pollsConfiguration,
      translation: { enabled: false },
    },
    registrations: { enabled: false, approval_required: false, message: null, url: null },
    api_versions: { mastodon: profile.flavour === 'mastodon' ? 6 : 2 },
    contact: { email: `admin@${new URL(baseUrl).hostname}`, account: null },
    rules: [],
  };
}
