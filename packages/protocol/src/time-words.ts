// Times as the command line says them: how long ago, how long, which minute (UTC).

/**
 * How long ago something happened, in its largest whole unit: `just now` under a second (or in the future: a clock
 * ahead), `12s ago`, `5m ago`, `3h ago`, `2d ago`.
 * @example formatAgo(1_000_000, 1_012_500) // '12s ago'
 */
export function formatAgo(atMs: number, nowMs: number): string {
  const seconds = Math.floor((nowMs - atMs) / 1000);
  if (!(seconds >= 1)) return 'just now';
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}

/**
 * A length of time in days, hours, minutes and seconds, zero parts left out, at most two parts (`1d 2h`, `1h 30m`,
 * `45s`); `0s` under a second.
 * @example formatSpan(5_400_000) // '1h 30m'
 */
export function formatSpan(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return String(ms);
  const seconds = Math.floor(ms / 1000);
  const parts = (
    [
      [Math.floor(seconds / 86_400), 'd'],
      [Math.floor((seconds % 86_400) / 3600), 'h'],
      [Math.floor((seconds % 3600) / 60), 'm'],
      [seconds % 60, 's'],
    ] as const
  ).filter(([n]) => n > 0);
  return parts.length === 0
    ? '0s'
    : parts
        .slice(0, 2)
        .map(([n, unit]) => `${n}${unit}`)
        .join(' ');
}

/**
 * A time to the minute, UTC: `2026-12-02 10:00`.
 * @example formatUtcMinute(Date.UTC(2026, 11, 2, 10)) // '2026-12-02 10:00'
 */
export function formatUtcMinute(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}
