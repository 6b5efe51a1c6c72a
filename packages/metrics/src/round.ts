/**
 * Rounds like Python's `round(value, digits)`: to the nearest decimal, and on an exact tie (the double's exact value
 * ends in 5 at the next digit) to the even neighbour. The original computed its percents with Python's `round`;
 * `Number.prototype.toFixed` alone would round such ties up (`(6.25).toFixed(1)` is 6.3, Python says 6.2).
 */
export function pyRound(value: number, digits: number): number {
  if (!Number.isFinite(value) || value === 0) return value === 0 ? 0 : value;
  const sign = value < 0 ? -1 : 1;
  const abs = Math.abs(value);
  // toFixed(100) gives the exact decimal expansion of every double this is used for (|x| >= 1e-15).
  const exact = abs.toFixed(100);
  const dot = exact.indexOf('.');
  const rest = exact.slice(dot + 1 + digits);
  if (/^50*$/.test(rest)) {
    const kept = exact.slice(0, digits === 0 ? dot : dot + 1 + digits);
    const lastDigit = Number(kept[kept.length - 1]);
    const rounded = lastDigit % 2 === 0 ? Number(kept) : Number(abs.toFixed(digits));
    return rounded === 0 ? 0 : sign * rounded;
  }
  const rounded = Number(abs.toFixed(digits));
  return rounded === 0 ? 0 : sign * rounded;
}
