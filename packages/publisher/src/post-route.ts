import type { MessageType } from '@janitor/protocol';
import type { StatusDraft, Visibility } from './status-draft.ts';

/**
 * How the posts of one message type go out (`status_post.by_type`): who sees them, whether the summary is a content
 * warning, and which accounts they mention (on-call). Anything left out keeps the account-wide setting.
 */
export interface PostRoute {
  visibility?: Visibility;
  /** true: the summary is the content warning; false: it goes at the top of the text. */
  contentWarning?: boolean;
  /** Accounts mentioned at the start of the post (`user@domain`), which a `direct` post then reaches. */
  mention?: readonly string[];
}

/** A route per message type; alerts go by their level's type (`warning`, `error`, `alarm`; a recovery is `info`). */
export type PostRoutes = Partial<Record<MessageType, PostRoute>>;

/** From the fewest readers to the most. */
const VISIBILITY_ORDER: readonly Visibility[] = ['direct', 'private', 'unlisted', 'public'];

/** The visibility of the two that reaches fewer people. */
export function narrowerVisibility(a: Visibility, b: Visibility): Visibility {
  return VISIBILITY_ORDER.indexOf(a) <= VISIBILITY_ORDER.indexOf(b) ? a : b;
}

/** `@user@domain` of an account as configured (`user@domain`, `@user@domain`); undefined for a blank one. */
export function mentionOf(account: string | undefined): string | undefined {
  const handle = account?.trim().replace(/^@/, '');
  return handle ? `@${handle}` : undefined;
}

/**
 * The mentions a status starts with (`@a@x.social @b hello` -> `['@a@x.social', '@b']`). Outside text is neutralised
 * before it is posted (a zero-width space after its `@`), so a mention at the start is always one Janitor put there.
 */
export function leadingMentions(status: string): string[] {
  const found = /^(?:@[\p{L}\p{N}_.-]+(?:@[\p{L}\p{N}.-]+)?[ \n])+/u.exec(status);
  return found ? found[0].trim().split(/\s+/) : [];
}

/**
 * Prepends the mentions the status does not start with yet, in order, separated by spaces (`@a @b text`).
 *
 * @example withMentions({ status: 'disk full', visibility: 'direct' }, ['@ops@example.social'])
 */
export function withMentions(draft: StatusDraft, mentions: readonly string[]): StatusDraft {
  const present = new Set(leadingMentions(draft.status).map((m) => m.toLowerCase()));
  const missing = [...new Set(mentions)].filter((m) => !present.has(m.toLowerCase()));
  if (missing.length === 0) return draft;
  return { ...draft, status: `${missing.join(' ')} ${draft.status}` };
}
