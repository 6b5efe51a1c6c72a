/**
 * Orders two ids of the same server: negative when `a` is older. Mastodon's ids (snowflakes, counters) are decimal
 * strings, Pleroma's flake ids and GoToSocial's ULIDs fixed-length strings: all compare by length, then by character.
 *
 * @example ['10', '9', '11'].sort(compareIds) // ['9', '10', '11']
 */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
