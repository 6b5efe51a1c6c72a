// The packed columns of history_raw and history_layout: a report's values as 64-bit little-endian doubles, and the
// series ids they belong to as 32-bit little-endian integers, in the same order.

/** The values of a report, in order, as `history_raw.vals`. */
export function encodeValues(values: ArrayLike<number>): Uint8Array {
  const out = Buffer.allocUnsafe(values.length * 8);
  for (let i = 0; i < values.length; i++) out.writeDoubleLE(values[i]!, i * 8);
  return out;
}

/** A reader of `history_raw.vals`: `view.getFloat64(i * 8, true)` is the value of the layout's `i`th series. */
export function valuesView(vals: Uint8Array): DataView {
  return new DataView(vals.buffer, vals.byteOffset, vals.byteLength);
}

/** The series ids of a layout, in order, as `history_layout.series`. */
export function encodeLayout(seriesIds: readonly number[]): Uint8Array {
  const out = Buffer.allocUnsafe(seriesIds.length * 4);
  for (let i = 0; i < seriesIds.length; i++) out.writeInt32LE(seriesIds[i]!, i * 4);
  return out;
}

/** The series ids of `history_layout.series`. */
export function decodeLayout(series: Uint8Array): Int32Array {
  const view = new DataView(series.buffer, series.byteOffset, series.byteLength);
  const out = new Int32Array(series.byteLength >> 2);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt32(i * 4, true);
  return out;
}
