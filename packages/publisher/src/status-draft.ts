import type { Message, MessageType } from '@janitor/protocol';
import { MESSAGE_ICONS } from '@janitor/protocol';
import { DEFAULT_TEMPLATE, fillTemplate, type MessageTemplates } from './message-template.ts';

/** The server software behind `url`: decides whether `content_type` is sent and how the length is counted. */
export type InstanceType = 'mastodon' | 'pleroma' | 'akkoma' | 'gotosocial';

/** Who sees a status. `direct` reaches only the accounts mentioned in it. */
export type Visibility = 'public' | 'unlisted' | 'private' | 'direct';

/** How Pleroma, Akkoma and GoToSocial read the status text (Mastodon always reads plain text). */
export type ContentType = 'text/plain' | 'text/markdown' | 'text/html' | 'text/bbcode';

/** A status ready to post: the fields of `POST /api/v1/statuses` that Janitor uses. */
export interface StatusDraft {
  status: string;
  /** The content warning. */
  spoilerText?: string;
  visibility: Visibility;
  /** Sent only to Pleroma, Akkoma and GoToSocial. */
  contentType?: ContentType;
  /** ISO 639 language code. */
  language?: string;
  inReplyToId?: string;
  /** Uploaded attachments (from {@link Publisher.uploadMedia}), posted as `media_ids`: on the first part only. */
  mediaIds?: string[];
}

/** What {@link renderMessage} needs to know besides the message. */
export interface RenderOptions {
  /** @default 'mastodon' */
  instanceType?: InstanceType;
  /** @default 'public' */
  visibility?: Visibility;
  /** @default 'text/plain' (sent only for pleroma, akkoma, gotosocial) */
  contentType?: ContentType;
  /** The account a `direct` status mentions, `user@domain` or `@user@domain`. */
  usernameToDm?: string;
  /** Put the summary at the top of the text instead of in the content warning. @default false */
  mergeSummaryIntoText?: boolean;
  templates?: MessageTemplates;
  /** @default MESSAGE_ICONS from @janitor/protocol */
  icons?: Partial<Record<MessageType, string>>;
  /** Used when the message names no host. */
  hostname: string;
  language?: string;
}

/** True for the servers that read a `content_type` parameter. */
export function acceptsContentType(instanceType: InstanceType): boolean {
  return instanceType !== 'mastodon';
}

/**
 * Turns a message into a status draft: per-type templates, the summary as content warning (or merged into the
 * text), visibility, content type, and the mention a direct status needs. It does not cut to the server's limit.
 */
export function renderMessage(message: Message, options: RenderOptions): StatusDraft {
  const {
    instanceType = 'mastodon',
    visibility = 'public',
    contentType = 'text/plain',
    usernameToDm,
    mergeSummaryIntoText = false,
    templates = {},
    icons = {},
    hostname,
    language,
  } = options;
  const template = { ...DEFAULT_TEMPLATE, ...definedOnly(templates[message.type]) };
  const values = {
    icon: icons[message.type] ?? MESSAGE_ICONS[message.type],
    hostname: message.hostname?.trim() ? message.hostname : hostname,
    summary: message.summary ?? '',
    text: message.text,
  };
  const hasSummary = values.summary.trim() !== '';

  let status: string;
  let spoilerText: string | undefined;
  if (!hasSummary) {
    status = fillTemplate(template.textWithoutSummary, values);
  } else if (mergeSummaryIntoText) {
    status = `${fillTemplate(template.spoiler, values)}\n\n${fillTemplate(template.text, values)}`;
  } else {
    spoilerText = fillTemplate(template.spoiler, values);
    status = fillTemplate(template.text, values);
  }

  const draft: StatusDraft = { status, visibility };
  if (spoilerText !== undefined) draft.spoilerText = spoilerText;
  if (acceptsContentType(instanceType)) draft.contentType = contentType;
  if (language) draft.language = language;
  return withDirectMention(draft, usernameToDm);
}

/**
 * Prepends `@user@domain ` to a direct status so that it reaches that account. Leaves every other visibility,
 * and a status that already starts with the mention, unchanged.
 */
export function withDirectMention(draft: StatusDraft, usernameToDm: string | undefined): StatusDraft {
  const handle = usernameToDm?.trim().replace(/^@/, '');
  if (draft.visibility !== 'direct' || !handle) return draft;
  const mention = `@${handle}`;
  if (draft.status === mention || draft.status.startsWith(`${mention} `) || draft.status.startsWith(`${mention}\n`)) {
    return draft;
  }
  return { ...draft, status: `${mention} ${draft.status}` };
}

function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
