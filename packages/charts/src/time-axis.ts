// Times for a chart in a time zone: the wall clock of an instant, the ticks of the time axis, times and ranges in words.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** The spacings the time axis chooses from: the shortest that keeps the labels apart. */
const TICK_INTERVALS_MS = [
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
  28 * DAY,
  56 * DAY,
  91 * DAY,
  182 * DAY,
  364 * DAY,
] as const;

/** A wall clock reading in a time zone. */
export interface WallClock {
  year: number;
  /** 1 to 12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function wallFormat(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(zone, format);
  }
  return format;
}

/** Whether `zone` is a time zone this runtime knows (`UTC`, `Europe/Madrid`). */
export function isTimeZone(zone: string): boolean {
  if (zone.trim() === '') return false;
  try {
    wallFormat(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock at `ms` in `zone`. */
export function wallClock(ms: number, zone: string): WallClock {
  const out: WallClock = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
  for (const part of wallFormat(zone).formatToParts(ms)) {
    if (part.type in out) out[part.type as keyof WallClock] = Number(part.value);
  }
  return out;
}

/** How far `zone`'s wall clock is ahead of UTC at `ms`, in ms (`3_600_000` for Madrid in winter). */
export function utcOffsetMs(ms: number, zone: string): number {
  const w = wallClock(ms, zone);
  const second = Math.floor(ms / 1000) * 1000;
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - second;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `Dec 2`. */
function dateWords(w: WallClock): string {
  return `${MONTHS[w.month - 1]} ${w.day}`;
}

/** A tick of the time axis: where, and its label (`14:00`, or `Dec 2` at midnight and for day spacings). */
export interface TimeTick {
  t: number;
  label: string;
}

/**
 * The ticks of a time axis from `fromMs` to `toMs`: at most `maxTicks`, evenly spaced on the wall clock of `zone`
 * (whole hours, midnights), labelled `14:00`, or `Dec 2` at midnight and when they are days apart.
 */
export function timeTicks(fromMs: number, toMs: number, zone: string, maxTicks: number): TimeTick[] {
  const span = toMs - fromMs;
  const interval =
    TICK_INTERVALS_MS.find((i) => span / i <= maxTicks - 1) ?? Math.ceil(span / (maxTicks - 1) / DAY) * DAY;
  const ticks: TimeTick[] = [];
  // Spacing is counted on the wall clock (local time as if it were UTC), so ticks fall on local hours and midnights.
  const firstWall = Math.ceil((fromMs + utcOffsetMs(fromMs, zone)) / interval) * interval;
  for (let k = 0; k <= maxTicks + 2; k++) {
    const wall = firstWall + k * interval;
    const guess = wall - utcOffsetMs(wall, zone);
    const t = wall - utcOffsetMs(guess, zone);
    if (t > toMs) break;
    // A DST change can bring two wall times to one instant, or one before the window.
    if (t < fromMs || (ticks.length > 0 && t <= ticks[ticks.length - 1]!.t)) continue;
    const w = wallClock(t, zone);
    const midnight = w.hour === 0 && w.minute === 0;
    ticks.push({ t, label: interval >= DAY || midnight ? dateWords(w) : `${pad(w.hour)}:${pad(w.minute)}` });
  }
  return ticks;
}

/**
 * A time in words in `zone`: `14:05`, or `Dec 1 14:05` when it is not on the day of `referenceMs` (the window's end).
 */
export function timeWords(ms: number, zone: string, referenceMs: number): string {
  const w = wallClock(ms, zone);
  const r = wallClock(referenceMs, zone);
  const time = `${pad(w.hour)}:${pad(w.minute)}`;
  return w.year === r.year && w.month === r.month && w.day === r.day ? time : `${dateWords(w)} ${time}`;
}

/**
 * A window's length in words: `6 hours`, `hour`, `24 hours`, `7 days`, `90 minutes` (what follows "the last").
 */
export function spanWords(ms: number): string {
  const count = (n: number, one: string, many: string) => (n === 1 ? one : `${n} ${many}`);
  if (ms % DAY === 0 && ms >= 2 * DAY) return count(ms / DAY, 'day', 'days');
  if (ms % HOUR === 0) return count(ms / HOUR, 'hour', 'hours');
  if (ms >= 3 * HOUR) return `${Number((ms / HOUR).toFixed(1))} hours`;
  if (ms >= MINUTE) return count(Math.round(ms / MINUTE), 'minute', 'minutes');
  return count(Math.max(1, Math.round(ms / 1000)), 'second', 'seconds');
}
