/** How a downsampled tier is cut into rows: buckets of `widthMs`, `slots` of them per block of `spanMs`. */
export interface BlockShape {
  /** The tier's number in `history_block.tier`. */
  readonly code: 1 | 2;
  readonly widthMs: number;
  readonly slots: number;
  readonly spanMs: number;
}

/** The 10-minute tier: a row per series and 6 hours (36 buckets), blocks starting at 0, 6, 12 and 18 h UTC. */
export const TEN_MINUTE_BLOCKS: BlockShape = Object.freeze({
  code: 1,
  widthMs: 600_000,
  slots: 36,
  spanMs: 21_600_000,
});

/** The hour tier: a row per series and day (24 buckets), blocks starting at midnight UTC. */
export const HOUR_BLOCKS: BlockShape = Object.freeze({ code: 2, widthMs: 3_600_000, slots: 24, spanMs: 86_400_000 });

/**
 * The buckets of one block of one series, decoded: per slot the number of raw points it stands for (`n`, 0 for an
 * empty slot) and their average, minimum and maximum.
 */
export interface Buckets {
  readonly n: Uint32Array;
  readonly avg: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
}

/** A block with every slot empty. */
export function emptyBuckets(slots: number): Buckets {
  return {
    n: new Uint32Array(slots),
    avg: new Float64Array(slots),
    min: new Float64Array(slots),
    max: new Float64Array(slots),
  };
}

/**
 * Adds `n` points of average `avg`, minimum `min` and maximum `max` to slot `i`: the average weighted by the counts,
 * so that a bucket built from smaller ones, or from a late point, is the bucket of all its points.
 */
export function addToBucket(buckets: Buckets, i: number, n: number, avg: number, min: number, max: number): void {
  const had = buckets.n[i]!;
  if (had === 0) {
    buckets.n[i] = n;
    buckets.avg[i] = avg;
    buckets.min[i] = min;
    buckets.max[i] = max;
    return;
  }
  const total = had + n;
  buckets.avg[i] = (buckets.avg[i]! * had + avg * n) / total;
  buckets.n[i] = total;
  if (min < buckets.min[i]!) buckets.min[i] = min;
  if (max > buckets.max[i]!) buckets.max[i] = max;
}

// The packed form. A version byte, then one entry per slot up to the last one that is not empty:
//   a tag byte: bits 0-1 the kind (0 empty, 1 constant: one value, 2 constant and equal to the previous constant: no
//   value, 3 average, minimum, maximum), bit 2 "same count as the previous non-empty slot" (else a LEB128 count
//   follows), bit 3 "64-bit values" (else 32-bit floats: 7 significant digits, what a chart needs);
//   then the count, then the values, little-endian.
// A series that does not change (cpu_count, memory_total, a swap of 0) costs one byte per bucket, a moving one 13.
const FORMAT = 1;
const EMPTY = 0;
const CONSTANT = 1;
const SAME_CONSTANT = 2;
const FULL = 3;
const SAME_COUNT = 4;
const WIDE = 8;
const F32_MAX = 3.4028234663852886e38;

/** Packs a block for `history_block.data`. Averages, minimums and maximums are kept as 32-bit floats when they fit. */
export function encodeBuckets(buckets: Buckets): Uint8Array {
  const slots = buckets.n.length;
  let last = slots - 1;
  while (last >= 0 && buckets.n[last] === 0) last--;
  const out = Buffer.allocUnsafe(1 + (last + 1) * 30);
  let o = 0;
  out[o++] = FORMAT;
  let previousCount = 0;
  let previousConstant = Number.NaN;
  for (let i = 0; i <= last; i++) {
    const n = buckets.n[i]!;
    if (n === 0) {
      out[o++] = EMPTY;
      continue;
    }
    const min = buckets.min[i]!;
    const max = buckets.max[i]!;
    const avg = min === max ? min : buckets.avg[i]!;
    const wide = Math.abs(min) > F32_MAX || Math.abs(max) > F32_MAX;
    const stored = (v: number) => (wide ? v : Math.fround(v));
    let tag = min === max ? (stored(min) === previousConstant ? SAME_CONSTANT : CONSTANT) : FULL;
    if (n === previousCount) tag |= SAME_COUNT;
    if (wide) tag |= WIDE;
    out[o++] = tag;
    if (n !== previousCount) o = writeCount(out, o, n);
    const values = (tag & 3) === FULL ? [avg, min, max] : (tag & 3) === CONSTANT ? [min] : [];
    for (const v of values) o = wide ? out.writeDoubleLE(v, o) : out.writeFloatLE(v, o);
    if ((tag & 3) !== FULL) previousConstant = stored(min);
    previousCount = n;
  }
  return Uint8Array.prototype.slice.call(out, 0, o);
}

/** Bytes that are not a block of {@link encodeBuckets}: a damaged file. */
export class DamagedBlockError extends Error {
  override name = 'DamagedBlockError';
}

/**
 * Unpacks a block written by {@link encodeBuckets} into `slots` slots: into `into` when given (emptied first; a reader
 * of many blocks reuses one), else into new buckets.
 * @throws DamagedBlockError when the bytes are not such a block
 */
export function decodeBuckets(data: Uint8Array, slots: number, into?: Buckets): Buckets {
  let buckets: Buckets;
  if (into === undefined || into.n.length !== slots) buckets = emptyBuckets(slots);
  else {
    buckets = into;
    buckets.n.fill(0);
  }
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const damaged = (why: string) => new DamagedBlockError(why);
  if (bytes[0] !== FORMAT) throw damaged(`unknown format ${bytes[0]}`);
  let o = 1;
  let previousCount = 0;
  let previousConstant = Number.NaN;
  try {
    for (let i = 0; o < bytes.length; i++) {
      if (i >= slots) throw damaged(`more than ${slots} slots`);
      const tag = bytes[o++]!;
      const kind = tag & 3;
      if (kind === EMPTY) {
        if (tag !== EMPTY) throw damaged(`tag ${tag} at slot ${i}`);
        continue;
      }
      let n = previousCount;
      if ((tag & SAME_COUNT) === 0) [n, o] = readCount(bytes, o);
      if (n === 0) throw damaged(`a count of 0 at slot ${i}`);
      const wide = (tag & WIDE) !== 0;
      const read = () => {
        const v = wide ? bytes.readDoubleLE(o) : bytes.readFloatLE(o);
        o += wide ? 8 : 4;
        return v;
      };
      buckets.n[i] = n;
      if (kind === FULL) {
        buckets.avg[i] = read();
        buckets.min[i] = read();
        buckets.max[i] = read();
      } else {
        const v = kind === CONSTANT ? read() : previousConstant;
        if (Number.isNaN(v)) throw damaged(`slot ${i} repeats a value never given`);
        buckets.avg[i] = v;
        buckets.min[i] = v;
        buckets.max[i] = v;
        previousConstant = v;
      }
      previousCount = n;
    }
  } catch (error) {
    if (error instanceof DamagedBlockError) throw error;
    // Buffer's reads throw a RangeError past the end.
    throw damaged('it ends in the middle of a slot');
  }
  return buckets;
}

function writeCount(out: Buffer, offset: number, n: number): number {
  let o = offset;
  let rest = n;
  while (rest >= 0x80) {
    out[o++] = (rest & 0x7f) | 0x80;
    rest = Math.floor(rest / 128);
  }
  out[o++] = rest;
  return o;
}

function readCount(bytes: Buffer, offset: number): [number, number] {
  let n = 0;
  let scale = 1;
  let o = offset;
  for (;;) {
    if (o >= bytes.length || scale > 2 ** 28) throw new RangeError('count past the end');
    const byte = bytes[o++]!;
    n += (byte & 0x7f) * scale;
    if (byte < 0x80) return [n, o];
    scale *= 128;
  }
}
