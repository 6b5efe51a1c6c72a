/** The visibility of a status, from the widest to the narrowest. */
export const VISIBILITIES = ['public', 'unlisted', 'private', 'direct'] as const;

/** Who sees a status: everyone (`public`), everyone but not in public timelines (`unlisted`), followers, or only the accounts it mentions (`direct`). */
export type Visibility = (typeof VISIBILITIES)[number];

/**
 * The visibility of an answer: the configured one, but never wider than the mention it answers (a direct question
 * gets a direct answer). Without a configured one, the mention's.
 *
 * @example replyVisibility('private', 'unlisted') // 'private'
 * @example replyVisibility('public', 'unlisted') // 'unlisted'
 */
export function replyVisibility(mention: Visibility, configured?: Visibility): Visibility {
  if (configured === undefined) return mention;
  return VISIBILITIES.indexOf(configured) > VISIBILITIES.indexOf(mention) ? configured : mention;
}
