// A series drawn in one line of block characters, for a terminal.

/** The eight heights of a sparkline, lowest first. */
export const SPARK_BLOCKS = '▁▂▃▄▅▆▇█';

/**
 * Draws `values` in at most `width` characters: when there are more values than characters, each character is the
 * average of the values it covers (ignoring nulls); a character that covers only nulls is a space (a gap). Heights
 * are scaled from the lowest to the highest value drawn; when all are the same, every block is the fourth height.
 * Fewer values than `width` draw one character each.
 *
 * @example sparkline([1, 2, 3, 4, 5, 6, 7, 8], 8) // '▁▂▃▄▅▆▇█'
 * @example sparkline([1, null, 3], 3) // '▁ █'
 * @example sparkline([1, 3, 5, 7], 2) // '▁█' (2 and 6)
 */
export function sparkline(values: readonly (number | null)[], width: number): string {
  const columns = Math.max(0, Math.min(Math.floor(width), values.length));
  const heights: (number | null)[] = [];
  for (let c = 0; c < columns; c++) {
    const start = Math.floor((c * values.length) / columns);
    const end = Math.floor(((c + 1) * values.length) / columns);
    let sum = 0;
    let count = 0;
    for (let i = start; i < end; i++) {
      const value = values[i];
      if (value === null || value === undefined || !Number.isFinite(value)) continue;
      sum += value;
      count++;
    }
    heights.push(count === 0 ? null : sum / count);
  }
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const h of heights) {
    if (h === null) continue;
    low = Math.min(low, h);
    high = Math.max(high, h);
  }
  const top = SPARK_BLOCKS.length - 1;
  return heights
    .map((h) => {
      if (h === null) return ' ';
      const level = high === low ? 3 : Math.round(((h - low) / (high - low)) * top);
      return SPARK_BLOCKS[level];
    })
    .join('');
}
