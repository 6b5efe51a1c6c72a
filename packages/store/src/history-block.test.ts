import { describe, expect, it } from 'vitest';
import {
  addToBucket,
  type Buckets,
  DamagedBlockError,
  decodeBuckets,
  emptyBuckets,
  encodeBuckets,
  HOUR_BLOCKS,
  TEN_MINUTE_BLOCKS,
} from './history-block.ts';

/** A block of `slots` slots with the given [n, avg, min, max] at some of them. */
function block(slots: number, entries: Record<number, [number, number, number, number]>): Buckets {
  const b = emptyBuckets(slots);
  for (const [i, [n, avg, min, max]] of Object.entries(entries)) addToBucket(b, Number(i), n, avg, min, max);
  return b;
}

const plain = (b: Buckets) => ({ n: [...b.n], avg: [...b.avg], min: [...b.min], max: [...b.max] });

describe('the shapes of the tiers', () => {
  it('cut 10 minutes into blocks of 6 hours and hours into blocks of a day', () => {
    expect(TEN_MINUTE_BLOCKS.slots * TEN_MINUTE_BLOCKS.widthMs).toBe(TEN_MINUTE_BLOCKS.spanMs);
    expect(TEN_MINUTE_BLOCKS.spanMs).toBe(6 * 3_600_000);
    expect(HOUR_BLOCKS.slots * HOUR_BLOCKS.widthMs).toBe(HOUR_BLOCKS.spanMs);
    expect(HOUR_BLOCKS.spanMs).toBe(86_400_000);
  });
});

describe('encodeBuckets and decodeBuckets', () => {
  it.each([
    ['an empty block: the version byte alone', block(36, {}), 1],
    ['one constant bucket: tag, count, a 32-bit value', block(36, { 0: [10, 4, 4, 4] }), 1 + 1 + 1 + 4],
    [
      'a series that never changes: one byte for every bucket after the first',
      block(36, Object.fromEntries(Array.from({ length: 36 }, (_, i) => [i, [10, 4, 4, 4]]))),
      1 + 6 + 35,
    ],
    [
      'a moving series: 13 bytes a bucket once the count repeats',
      block(36, Object.fromEntries(Array.from({ length: 36 }, (_, i) => [i, [10, i + 0.5, i, i + 1]]))),
      1 + 14 + 35 * 13,
    ],
    [
      'trailing empty buckets cost nothing, a gap one byte each',
      block(24, { 0: [6, 1, 1, 1], 3: [6, 1, 1, 1] }),
      1 + 6 + 2 + 1,
    ],
    ['a count above 127 takes two bytes', block(24, { 0: [3600, 2, 2, 2] }), 1 + 1 + 2 + 4],
  ])('%s', (_meaning, buckets, size) => {
    const bytes = encodeBuckets(buckets);
    expect(bytes.byteLength).toBe(size);
    expect(plain(decodeBuckets(bytes, buckets.n.length))).toEqual(plain(buckets));
  });

  it('keeps 32-bit floats: 7 significant digits of a moving value', () => {
    const b = block(36, { 5: [10, 57.34, 12.3, 99.9], 6: [10, 1234567.891, 1000000.5, 2000000.25] });
    const back = decodeBuckets(encodeBuckets(b), 36);
    expect(back.n[5]).toBe(10);
    expect(back.avg[5]).toBeCloseTo(57.34, 5);
    expect(back.min[5]).toBeCloseTo(12.3, 5);
    expect(back.max[5]).toBeCloseTo(99.9, 5);
    expect(back.avg[6]! / 1234567.891).toBeCloseTo(1, 6);
    expect(back.n[4]).toBe(0);
  });

  it('keeps 64-bit values that a 32-bit float cannot hold, exactly', () => {
    const b = block(24, { 1: [2, 1e300, 1e299, 1.9e300], 2: [1, -5e39, -5e39, -5e39] });
    expect(plain(decodeBuckets(encodeBuckets(b), 24))).toEqual(plain(b));
  });

  it('gives a constant bucket its value as average, minimum and maximum', () => {
    // The average of ten 0.1s is not exactly 0.1 in floating point; the block says 0.1.
    const b = emptyBuckets(36);
    for (let i = 0; i < 10; i++) addToBucket(b, 0, 1, 0.1, 0.1, 0.1);
    const back = decodeBuckets(encodeBuckets(b), 36);
    expect([back.n[0], back.avg[0], back.min[0], back.max[0]]).toEqual([
      10,
      Math.fround(0.1),
      Math.fround(0.1),
      Math.fround(0.1),
    ]);
  });

  it.each([
    ['an unknown version', Uint8Array.of(2), /unknown format 2/],
    ['a slot cut in the middle', Uint8Array.of(1, 3, 10, 0, 0), /ends in the middle of a slot/],
    ['a count that never ends', Uint8Array.of(1, 1, 0x80, 0x80), /ends in the middle of a slot/],
    ['more slots than the block has', Uint8Array.of(1, ...new Array(25).fill(0)), /more than 24 slots/],
    ['a bad empty tag', Uint8Array.of(1, 4), /tag 4 at slot 0/],
    ['a repeat with nothing to repeat', Uint8Array.of(1, 2, 5), /repeats a value never given/],
    ['a count of zero', Uint8Array.of(1, 1, 0, 0, 0, 0, 0), /a count of 0/],
  ])('refuses %s', (_meaning, bytes, message) => {
    expect(() => decodeBuckets(bytes, 24)).toThrow(DamagedBlockError);
    expect(() => decodeBuckets(bytes, 24)).toThrow(message);
  });
});

describe('addToBucket', () => {
  it('weighs averages by their counts and keeps the extremes', () => {
    const b = emptyBuckets(6);
    addToBucket(b, 2, 6, 10, 4, 20);
    addToBucket(b, 2, 2, 30, 1, 31);
    expect([b.n[2], b.avg[2], b.min[2], b.max[2]]).toEqual([8, 15, 1, 31]);
    expect(b.n[1]).toBe(0);
  });
});
