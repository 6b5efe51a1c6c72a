const SIZE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'] as const;

/**
 * A byte count as the original printed it: divided by 1024 while >= 1024 (up to PB, which then grows past
 * 1024), two decimals rounded as Python does (exact ties to even), trailing zeros and dot stripped.
 * Non-finite input prints as JavaScript prints it.
 *
 * @example humanSize(8589934592) // '8 GB'
 * @example humanSize(1536) // '1.5 KB'
 */
export function humanSize(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  if (bytes < 0) return `-${humanSize(-bytes)}`;
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < SIZE_UNITS.length - 1) {
    size /= 1024;
    unit++;
  }
  return `${stripZeros(twoDecimals(size))} ${SIZE_UNITS[unit]}`;
}

/**
 * A number of seconds as days, hours and minutes (`1d 2h 3m`, zero parts left out); under a minute, as
 * seconds (`42s`). Fractions are dropped. Negative or non-finite input prints as JavaScript prints it.
 *
 * @example humanDuration(93784) // '1d 2h 3m'
 */
export function humanDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return String(seconds);
  const whole = Math.floor(seconds);
  if (whole < 60) return `${whole}s`;
  const days = Math.floor(whole / 86_400);
  const hours = Math.floor((whole % 86_400) / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const parts: string[] = [];
  if (days > 0) parts.push(`${days}d`);
  if (hours > 0) parts.push(`${hours}h`);
  if (minutes > 0) parts.push(`${minutes}m`);
  return parts.join(' ');
}

/**
 * Python's `'%.2f' % x`: rounds the exact binary value, ties to even. `toFixed` rounds exact ties up, and at
 * two decimals an exact tie happens only when 8x is an odd integer (x = k/8), so only that case differs.
 */
function twoDecimals(x: number): string {
  const eighths = x * 8;
  if (Number.isInteger(eighths) && eighths % 2 === 1) {
    const lower = Math.floor(x * 100);
    return ((lower % 2 === 0 ? lower : lower + 1) / 100).toFixed(2);
  }
  return x.toFixed(2);
}

function stripZeros(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}
