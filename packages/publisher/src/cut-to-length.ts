/**
 * How a server counts a status against its limit.
 * - `mastodon`: grapheme clusters; a link counts 23, `@user@domain` counts as `@user` (Mastodon's StatusLengthValidator).
 * - `graphemes`: grapheme clusters, links and mentions at their full length (Pleroma, Akkoma).
 * - `code-points`: Unicode code points (GoToSocial; never less than the grapheme count, so it is also the safe choice
 *   for an unknown server).
 */
export type LengthCounting = 'mastodon' | 'graphemes' | 'code-points';

/** Options of {@link cutToLength} and {@link statusLength}. */
export interface LengthOptions {
  /** The content warning: the server counts it toward the same limit (always at its full length). */
  spoilerText?: string;
  /** @default 'mastodon' */
  counting?: LengthCounting;
}

/** Options of {@link cutToLength}. */
export interface CutOptions extends LengthOptions {
  /** Appended where the text was cut. @default '…' */
  ellipsis?: string;
}

/** The weight Mastodon gives a link, whatever its length. */
export const URL_LENGTH = 23;

// Built on first use: the first Intl object a process builds loads ICU's locale data, and a run that posts nothing
// (a cron-run check under its limits) imports this module without cutting anything.
let segmenter: Intl.Segmenter | undefined;
function graphemes(text: string): Intl.Segments {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return segmenter.segment(text);
}

// Mastodon's rules, approximated: a link is http(s):// followed by a host with a dotted, alphabetic TLD; trailing
// punctuation belongs to the sentence, not the link. A mention follows Account::MENTION_RE.
const URL_CANDIDATE = /https?:\/\/[^\s<>"]+/giu;
const VALID_URL_HOST = /^https?:\/\/(?:[\p{L}\p{N}-]+\.)+\p{L}{2,}(?::\d+)?(?:[/?#]|$)/iu;
const TRAILING_PUNCTUATION = /[.,:;!?'"…)\]}>*_~]+$/u;
const MENTION =
  /(?<![=/\p{L}\p{M}\p{N}\p{Pc}])@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@[\p{L}\p{M}\p{N}\p{Pc}]+(?:[.-]+[\p{L}\p{M}\p{N}\p{Pc}]+)*)?/giu;

/** A piece of text that is kept or dropped whole, and what it weighs. */
interface Unit {
  text: string;
  weight: number;
}

/**
 * The length the server gives `text` (plus `spoilerText`, when given), counted as `counting` says.
 *
 * @example statusLength('see https://example.com/a/very/long/path/indeed') // 27
 */
export function statusLength(text: string, options: LengthOptions = {}): number {
  const { spoilerText = '', counting = 'mastodon' } = options;
  return plainLength(spoilerText, counting) + weightOf(text, counting);
}

/** What `text` weighs: its links and mentions at their weight, the rest by {@link plainLength}. */
function weightOf(text: string, counting: LengthCounting): number {
  let weight = 0;
  let last = 0;
  for (const entity of entities(text, counting)) {
    weight += plainLength(text.slice(last, entity.start), counting) + entity.weight;
    last = entity.start + entity.text.length;
  }
  return weight + plainLength(text.slice(last), counting);
}

/**
 * Cuts `text` so that it and `spoilerText` together fit in `max` as the server counts them, and marks the cut with
 * `…`. Never breaks a grapheme cluster (an emoji, a ZWJ sequence, a letter with its accents), a link or a mention.
 * Text that already fits is returned unchanged. When the spoiler leaves no room even for the ellipsis, returns ''.
 *
 * @example cutToLength('a'.repeat(600), 500) // 499 'a' then '…'
 */
export function cutToLength(text: string, max: number, options: CutOptions = {}): string {
  const { spoilerText = '', counting = 'mastodon', ellipsis = '…' } = options;
  const budget = max - plainLength(spoilerText, counting);
  if (weightOf(text, counting) <= budget) return text;
  const pieces = units(text, counting);

  const room = budget - plainLength(ellipsis, counting);
  if (room < 0) return '';
  let used = 0;
  let kept = '';
  for (const unit of pieces) {
    if (used + unit.weight > room) break;
    used += unit.weight;
    kept += unit.text;
  }
  return kept.trimEnd() + ellipsis;
}

/** Options of {@link splitToLength}. */
export interface SplitOptions {
  /** @default 'mastodon' */
  counting?: LengthCounting;
}

/**
 * Splits `text` into pieces that each fit in `max` as the server counts them, for a thread. Each piece ends at the
 * last blank line, else line break, else space that leaves it at least half full; only a word longer than that is
 * broken, and never inside a grapheme cluster, a link or a mention (a link longer than `max` itself is broken). The
 * whitespace at a break is dropped. Text that fits is returned as the only piece; blank text gives no piece.
 *
 * @example splitToLength('one two three', 8) // ['one two', 'three']
 */
export function splitToLength(text: string, max: number, options: SplitOptions = {}): string[] {
  const { counting = 'mastodon' } = options;
  if (!Number.isInteger(max) || max < 1)
    throw new RangeError(`splitToLength: max must be a positive integer, got ${max}`);
  const all: Unit[] = [];
  for (const unit of units(text, counting)) {
    // A link or mention that cannot fit in any piece is broken like a word.
    if (unit.weight > max) pushGraphemes(all, unit.text, counting);
    else all.push(unit);
  }
  const weights = [0];
  for (const unit of all) weights.push(weights.at(-1)! + unit.weight);

  const pieces: string[] = [];
  let start = 0;
  for (;;) {
    while (start < all.length && isBlank(all[start]!.text)) start++;
    if (start >= all.length) return pieces;
    let end = start;
    while (end < all.length && weights[end + 1]! - weights[start]! <= max) end++;
    if (end < all.length) {
      // A grapheme heavier than max (max 1, an emoji of two code points) goes alone rather than never.
      end = end === start ? start + 1 : breakBefore(all, weights, start, end, max);
    }
    const piece = all
      .slice(start, end)
      .map((unit) => unit.text)
      .join('')
      .trimEnd();
    if (piece !== '') pieces.push(piece);
    start = end;
  }
}

/**
 * Where to end the piece that starts at `start` and could run to `end` (exclusive): before the last blank line, else
 * line break, else space, that leaves the piece at least half full; else at `end`.
 */
function breakBefore(all: Unit[], weights: number[], start: number, end: number, max: number): number {
  const isBreak: Array<(i: number) => boolean> = [
    (i) => isNewline(all[i]!.text) && all[i + 1] !== undefined && isNewline(all[i + 1]!.text),
    (i) => isNewline(all[i]!.text),
    (i) => isBlank(all[i]!.text),
  ];
  for (const test of isBreak) {
    for (let i = end; i > start; i--) {
      if (weights[i]! - weights[start]! < max / 2) break;
      if (i < all.length && test(i)) return i;
    }
  }
  return end;
}

function isBlank(text: string): boolean {
  return /^\s+$/u.test(text);
}

function isNewline(text: string): boolean {
  return text.includes('\n');
}

/** ASCII without a carriage return: each character is one code point and one grapheme (CR LF is one grapheme). */
const ONE_PER_CHARACTER = /^[^\r\u0080-\uffff]*$/;
/**
 * What may join a code point to its neighbour in one grapheme cluster (UAX #29): CR (of CR LF), extending marks,
 * emoji modifiers, joiners and other format characters, spacing marks, the prepended signs, Hangul jamo and
 * syllables, regional indicators (flags), and code points the engine does not know. Text without any is one grapheme
 * per code point, which spares the segmenter: an alert's text (`≥`, `°`, an emoji) is counted without it.
 */
const MAY_JOIN =
  /[\r\p{Grapheme_Extend}\p{Emoji_Modifier}\p{Mn}\p{Me}\p{Mc}\p{Cf}\p{Cn}\p{Co}\p{Regional_Indicator}\p{Script=Hangul}\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u0d4e\u0e33\u0eb3\u{110bd}\u{110cd}\u{111c2}\u{111c3}\u{1193f}\u{11941}\u{11a3a}\u{11a84}-\u{11a89}\u{11d46}\u{11f02}]/u;

function plainLength(text: string, counting: LengthCounting): number {
  if (ONE_PER_CHARACTER.test(text)) return text.length;
  if (counting === 'code-points' || !MAY_JOIN.test(text)) return codePoints(text);
  let n = 0;
  for (const _ of graphemes(text)) n++;
  return n;
}

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Splits text into graphemes, except that links and mentions stay whole. */
function units(text: string, counting: LengthCounting): Unit[] {
  const out: Unit[] = [];
  let last = 0;
  for (const entity of entities(text, counting)) {
    pushGraphemes(out, text.slice(last, entity.start), counting);
    out.push({ text: entity.text, weight: entity.weight });
    last = entity.start + entity.text.length;
  }
  pushGraphemes(out, text.slice(last), counting);
  return out;
}

function pushGraphemes(out: Unit[], text: string, counting: LengthCounting): void {
  for (const { segment } of graphemes(text)) {
    out.push({ text: segment, weight: counting === 'code-points' ? codePoints(segment) : 1 });
  }
}

interface Entity {
  start: number;
  text: string;
  weight: number;
}

/** Links (Mastodon counting only) and mentions, in order, not overlapping. */
function entities(text: string, counting: LengthCounting): Entity[] {
  const found: Entity[] = [];
  const urls: Array<[number, number]> = [];
  if (counting === 'mastodon') {
    for (const match of text.matchAll(URL_CANDIDATE)) {
      const url = trimUrl(match[0]);
      const start = match.index;
      urls.push([start, start + url.length]);
      const length = plainLength(url, counting);
      // A link Mastodon might not recognise counts at its full length: never less than the server counts.
      const weight = VALID_URL_HOST.test(url) ? URL_LENGTH : Math.max(URL_LENGTH, length);
      found.push({ start, text: url, weight });
    }
  }
  for (const match of text.matchAll(MENTION)) {
    const start = match.index;
    const end = start + match[0].length;
    if (urls.some(([s, e]) => start < e && end > s)) continue;
    const weight = counting === 'mastodon' ? plainLength(`@${match[1]}`, counting) : plainLength(match[0], counting);
    found.push({ start, text: match[0], weight });
  }
  return found.sort((a, b) => a.start - b.start);
}

/** Drops the sentence punctuation a link ends with, keeping a closing parenthesis the link itself opened. */
function trimUrl(candidate: string): string {
  let url = candidate;
  for (;;) {
    const trimmed = url.replace(TRAILING_PUNCTUATION, '');
    if (trimmed === url) break;
    url = trimmed;
  }
  const rest = candidate.slice(url.length);
  if (rest.startsWith(')') && count(url, '(') > count(url, ')')) url += ')';
  return url;
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}
