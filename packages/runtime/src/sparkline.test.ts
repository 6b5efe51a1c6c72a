import { describe, expect, it } from 'vitest';
import { SPARK_BLOCKS, sparkline } from './sparkline.ts';

describe('sparkline', () => {
  it.each<[string, (number | null)[], number, string]>([
    ['each value a block, lowest to highest', [1, 2, 3, 4, 5, 6, 7, 8], 60, '▁▂▃▄▅▆▇█'],
    ['heights scaled from the lowest to the highest value', [40, 60, 50], 60, '▁█▅'],
    ['a gap for a null', [1, null, 3], 3, '▁ █'],
    ['flat: every block the fourth height', [5, 5, 5], 3, '▄▄▄'],
    ['one value', [42], 10, '▄'],
    ['nothing to draw', [], 60, ''],
    ['only gaps', [null, null], 60, '  '],
    ['two values a character when twice as many as the width: averaged', [1, 3, 5, 7], 2, '▁█'],
    ['a character covering a null and a value takes the value', [1, null, 9, 9], 2, '▁█'],
    ['a character covering only nulls is a gap', [1, 1, null, null, 9, 9], 3, '▁ █'],
    ['uneven groups: 5 values in 2 characters (2 and 3)', [0, 0, 10, 10, 10], 2, '▁█'],
    ['no width', [1, 2], 0, ''],
  ])('%s', (_meaning, values, width, expected) => {
    expect(sparkline(values, width)).toBe(expected);
  });

  it('never draws more characters than the width, whatever the number of values', () => {
    const rising = Array.from({ length: 1441 }, (_, i) => i);
    const blocks = [...sparkline(rising, 60)];
    expect(blocks).toHaveLength(60);
    expect([blocks[0], blocks.at(-1)]).toEqual(['▁', '█']);
    // A rising series never draws a lower block after a higher one.
    const levels = blocks.map((b) => SPARK_BLOCKS.indexOf(b));
    expect(levels.every((level, i) => level >= 0 && level >= (levels[i - 1] ?? 0))).toBe(true);
  });
});
