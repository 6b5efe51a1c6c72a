// How an answer is put together: safe (outside text mentions and tags nobody), short (it fits one status with the
// asker's mention), with times in the owner's time zone.
import { neutralize } from '@janitor/protocol';

/** The length of a status on Mastodon by default, which the answers must fit. */
export const DEFAULT_MAX_CHARS = 500;
/** The longest line of an answer: a hostname or a reason that long is cut. */
const MAX_LINE = 200;

/** The length a server gives text, at its most: code points (GoToSocial's count, never less than the others'). */
export function textLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** `text` cut to `max` code points, ending with `…` when cut. */
export function clip(text: string, max: number): string {
  if (textLength(text) <= max) return text;
  return `${[...text].slice(0, Math.max(0, max - 1)).join('')}…`;
}

/**
 * What is left of `maxChars` for the answer once the asker's mention and a space are in front (at full length:
 * Mastodon counts `@user@domain` as `@user`, the others do not).
 */
export function answerBudget(asker: string, maxChars: number): number {
  return maxChars - textLength(`@${asker.replace(/^@/, '')} `);
}

/**
 * The lines of an answer in at most `budget` characters: every line neutralized (no mention, no hashtag) and cut at
 * 200 characters; when they do not all fit, the last `items` give way to `and N more`. `head` and `tail` stay.
 */
export function fitLines(
  budget: number,
  head: readonly string[],
  items: readonly string[] = [],
  tail: readonly string[] = [],
): string {
  const safe = (lines: readonly string[]) => lines.map((line) => clip(neutralize(line), MAX_LINE));
  const [top, list, bottom] = [safe(head), safe(items), safe(tail)];
  const join = (kept: readonly string[], more: number) =>
    [...top, ...kept, ...(more > 0 ? [`and ${more} more`] : []), ...bottom].join('\n');
  for (let keep = list.length; keep >= 0; keep--) {
    const text = join(list.slice(0, keep), list.length - keep);
    if (textLength(text) <= budget) return text;
  }
  return clip(join([], list.length), budget);
}

/**
 * Words joined by `, ` within `max` characters, the rest as `and N more`; neutralized later by {@link fitLines}.
 *
 * @example joinFitting(['pi1', 'pi2', 'nas'], 12) // 'pi1 and 2 more'
 */
export function joinFitting(words: readonly string[], max: number): string {
  for (let keep = words.length; keep > 0; keep--) {
    const more = words.length - keep;
    const text = `${words.slice(0, keep).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
    if (textLength(text) <= max) return text;
  }
  return words.length === 0 ? '' : `${words.length} of them`;
}

/** `1 host`, `3 hosts`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** Times of day as the answers say them, in one time zone, relative to one moment. */
export interface Clock {
  /** `14:05` on the day of `now`, else `2 Dec 14:05` (and the year when it is not now's). */
  at(ms: number): string;
}

const formats = new Map<string, { time: Intl.DateTimeFormat; day: Intl.DateTimeFormat; year: Intl.DateTimeFormat }>();

/** A {@link Clock} in `timeZone` (an IANA name; UTC when it is not one the runtime knows). */
export function createClock(timeZone: string, nowMs: number): Clock {
  const f = formatsOf(timeZone);
  const dayOfNow = f.day.format(nowMs);
  const yearOfNow = f.year.format(nowMs);
  return {
    at(ms) {
      const time = f.time.format(ms);
      if (f.day.format(ms) === dayOfNow && f.year.format(ms) === yearOfNow) return time;
      const year = f.year.format(ms);
      return `${f.day.format(ms)}${year === yearOfNow ? '' : ` ${year}`} ${time}`;
    },
  };
}

function formatsOf(timeZone: string) {
  let f = formats.get(timeZone);
  if (f === undefined) {
    let zone = timeZone;
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone });
    } catch {
      zone = 'UTC';
    }
    f = {
      time: new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
      day: new Intl.DateTimeFormat('en-GB', { timeZone: zone, day: 'numeric', month: 'short' }),
      year: new Intl.DateTimeFormat('en-GB', { timeZone: zone, year: 'numeric' }),
    };
    formats.set(timeZone, f);
  }
  return f;
}
