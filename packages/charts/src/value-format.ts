// Numbers for a chart: a value in its unit for the alt text, and the value axis (nice ticks, labels that share a scale).

const SI_PREFIXES = ['', 'k', 'M', 'G', 'T', 'P', 'E'] as const;
const BYTE_PREFIXES = ['', 'K', 'M', 'G', 'T', 'P', 'E'] as const;

function isBytes(unit: string): boolean {
  return unit === 'B' || unit === 'B/s';
}

/** Divides by 1000 (or 1024 for bytes) while the value is that large: the factor, the prefix, or none past exa. */
function scaleOf(magnitude: number, unit: string): { factor: number; prefix: string } | undefined {
  const base = isBytes(unit) ? 1024 : 1000;
  const prefixes = isBytes(unit) ? BYTE_PREFIXES : SI_PREFIXES;
  // Plain numbers below 10,000 print whole; bytes scale from 1 KB as the report posts do.
  if (magnitude < (isBytes(unit) ? base : 10_000)) return { factor: 1, prefix: '' };
  let i = 0;
  let factor = 1;
  while (magnitude / factor >= base && i < prefixes.length - 1) {
    factor *= base;
    i++;
  }
  if (magnitude / factor >= base) return undefined;
  return { factor, prefix: prefixes[i]! };
}

/** The unit after a number: `97 %`, `54 °C`, `1.5 MB/s`, `0.52`, `12 k`. */
function withUnit(number: string, prefix: string, unit: string): string {
  const suffix = `${prefix}${unit}`;
  return suffix === '' ? number : `${number} ${suffix}`;
}

/** At most two decimals under 10, one under 100, none above; trailing zeros dropped; tiny values to 2 digits. */
function short(value: number): string {
  const abs = Math.abs(value);
  if (abs !== 0 && abs < 0.01) return String(Number(value.toPrecision(2)));
  const places = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return String(Number(value.toFixed(places)));
}

/**
 * A value in its unit for people: `97 %`, `54.3 °C`, `1.5 MB/s` (bytes scale by 1024, as report posts print them),
 * `0.52`, `12.3 k`, `1.2e+300` past the largest prefix.
 */
export function formatValue(value: number, unit: string): string {
  const scale = scaleOf(Math.abs(value), unit);
  if (scale === undefined) return withUnit(value.toExponential(1), '', unit);
  return withUnit(short(value / scale.factor), scale.prefix, unit);
}

/** The value axis: its ends, its ticks and their labels. */
export interface ValueAxis {
  min: number;
  max: number;
  ticks: { value: number; label: string }[];
}

/** 1, 2, 2.5 or 5 times a power of ten, at least `raw`, and the decimals its multiples need. */
function niceStep(raw: number): { step: number; decimals: number } {
  const exponent = Math.floor(Math.log10(raw));
  for (const [f, extra] of [
    [1, 0],
    [2, 0],
    [2.5, 1],
    [5, 0],
    [10, -1],
  ] as const) {
    const step = f * 10 ** exponent;
    if (step >= raw && Number.isFinite(step)) return { step, decimals: Math.min(12, Math.max(0, extra - exponent)) };
  }
  return { step: raw, decimals: 12 };
}

/**
 * A value axis over `[low, high]` (low < high, both finite) with about `count` ticks at round values; the ends are the
 * outer ticks. Labels share one prefix and enough decimals to tell the ticks apart (`0 %`, `2.5 %`, `1.5 GB`). Safe
 * for values near the largest double: spans are halved before they are subtracted.
 */
export function valueAxis(low: number, high: number, unit: string, count = 5): ValueAxis {
  const scale = scaleOf(Math.max(Math.abs(low), Math.abs(high)), unit);
  const factor = scale?.factor ?? 1;
  // Steps are chosen in the scaled unit, so 1024-based byte axes get round numbers of KB, MB, GB.
  const lo = low / factor;
  const hi = high / factor;
  const { step, decimals } = niceStep(Math.max((hi / 2 - lo / 2) * (2 / count), Number.MIN_VALUE));
  const floor = Math.floor(lo / step) * step;
  const ceil = Math.ceil(hi / step) * step;
  // Past the largest double the ends are the values themselves, and the ticks the round values inside them.
  const min = Number.isFinite(floor) ? floor : lo;
  const max = Number.isFinite(ceil) ? ceil : hi;
  const first = Number.isFinite(floor) ? floor : Math.ceil(lo / step) * step;
  const last = Number.isFinite(ceil) ? ceil : Math.floor(hi / step) * step;
  const ticks: ValueAxis['ticks'] = [];
  for (let k = 0; k <= 2 * count + 2; k++) {
    const half = first / 2 + k * (step / 2);
    if (half > last / 2 + step / 4) break;
    const value = half * 2;
    if (ticks.length > 0 && value <= ticks[ticks.length - 1]!.value / factor) continue;
    const number = scale !== undefined ? value.toFixed(decimals) : value === 0 ? '0' : value.toExponential(1);
    ticks.push({ value: value * factor, label: withUnit(number === '-0' ? '0' : number, scale?.prefix ?? '', unit) });
  }
  return { min: min * factor, max: max * factor, ticks };
}
