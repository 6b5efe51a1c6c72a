const offsetFormats = new Map<string, Intl.DateTimeFormat>();
const listFormats = new Map<string, Intl.DateTimeFormat>();
const recentOffsets = new Map<string, string>();
let localZone: { env: string | undefined; zone: string } | undefined;

/**
 * The process's own time zone (what system cron uses): `TZ` if set, else the system's. Re-read when `TZ` changes.
 */
export function localTimeZone(): string {
  const env = process.env.TZ;
  if (localZone === undefined || localZone.env !== env) {
    localZone = { env, zone: new Intl.DateTimeFormat().resolvedOptions().timeZone };
  }
  return localZone.zone;
}

/**
 * Whether `zone` is an IANA time zone name this runtime knows (`Europe/Madrid`, `UTC`, `America/New_York`).
 * Fixed offsets such as `+02:00` are refused: they have no DST rules, so an IANA name (`Etc/GMT-2`) says it better.
 */
export function isValidTimeZone(zone: string): boolean {
  if (zone.trim() === '' || /^[+-]/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function offsetFormat(zone: string): Intl.DateTimeFormat {
  let format = offsetFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    offsetFormats.set(zone, format);
  }
  return format;
}

/** The UTC offset of `zone` at `epochMs`, as `+02:00` (`+00:00` for UTC). */
export function utcOffset(epochMs: number, zone: string): string {
  // Every task of a run asks about the same few instants: remember the last answers (Intl takes microseconds).
  const key = `${zone}|${epochMs}`;
  let offset = recentOffsets.get(key);
  if (offset === undefined) {
    const name = offsetFormat(zone)
      .formatToParts(epochMs)
      .find((p) => p.type === 'timeZoneName')?.value;
    // longOffset gives "GMT+02:00", or a bare "GMT" for a zero offset.
    offset = name?.replace(/^GMT/, '') || '+00:00';
    if (recentOffsets.size >= 256) recentOffsets.clear();
    recentOffsets.set(key, offset);
  }
  return offset;
}

/**
 * The UTC offset of `zone` at `epochMs` in minutes (`120` for `+02:00`); without a zone, the process's own (what
 * {@link localTimeZone} names), read from `Date`: the first Intl formatter a process builds loads the locale data
 * (tens of milliseconds), which a cron-run scheduler whose tasks name no zone never needs.
 */
export function utcOffsetMinutes(epochMs: number, zone?: string): number {
  if (zone === undefined) return -new Date(epochMs).getTimezoneOffset() || 0;
  const match = /^([+-])(\d{2}):(\d{2})/.exec(utcOffset(epochMs, zone));
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/**
 * `date` as wall-clock time in `zone`, unambiguous even in the repeated hour of a DST change:
 * `Sun 2025-03-30 03:30 +02:00`.
 *
 * @param zone an IANA time zone
 * @default zone the process's own ({@link localTimeZone})
 * @example
 * formatInZone(new Date('2025-03-30T01:30:00Z'), 'Europe/Madrid') // 'Sun 2025-03-30 03:30 +02:00'
 */
export function formatInZone(date: Date, zone: string = localTimeZone()): string {
  let format = listFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    listFormats.set(zone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(date)) parts[part.type] = part.value;
  return `${parts.weekday} ${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${utcOffset(date.getTime(), zone)}`;
}
