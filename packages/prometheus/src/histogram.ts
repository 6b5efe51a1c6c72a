import type { HistogramFamily } from './exposition.ts';

/** What {@link createHistogram} needs. */
export interface HistogramOptions {
  name: string;
  help: string;
  /** The upper bounds, finite and increasing (`+Inf` is always added). */
  buckets: readonly number[];
  /** For OpenMetrics' `# UNIT` (the name must end with it). */
  unit?: string;
}

/** A histogram in memory, from empty when the process starts. */
export interface Histogram {
  /** Counts one observation; a value that is not a number is ignored. */
  observe(value: number): void;
  /** Its family now, with cumulative bucket counts. */
  collect(): HistogramFamily;
}

/**
 * Latency buckets for a request that usually takes about a millisecond: 0.5 ms to 10 s.
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = Object.freeze([
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]);

/**
 * A histogram without labels whose `observe()` allocates nothing: a scan of the bounds and two additions.
 *
 * @throws TypeError for bounds that are not finite and increasing
 * @example
 * const latency = createHistogram({ name: 'app_request_duration_seconds', help: 'Time to answer', buckets: LATENCY_BUCKETS_SECONDS, unit: 'seconds' });
 * latency.observe(0.0031);
 */
export function createHistogram(options: HistogramOptions): Histogram {
  const { name, help, unit } = options;
  const bounds = Float64Array.from(options.buckets);
  for (let i = 0; i < bounds.length; i++) {
    if (!Number.isFinite(bounds[i]!) || (i > 0 && !(bounds[i]! > bounds[i - 1]!))) {
      throw new TypeError(`histogram ${name}: expected finite bucket bounds in increasing order`);
    }
  }
  // Per bucket, the observations that fell in it (made cumulative when collected); the last one is +Inf's.
  const counts = new Float64Array(bounds.length + 1);
  let sum = 0;
  return {
    observe(value) {
      if (Number.isNaN(value)) return;
      let i = 0;
      while (i < bounds.length && value > bounds[i]!) i++;
      counts[i]! += 1;
      sum += value;
    },
    collect() {
      let cumulative = 0;
      const buckets = Array.from(bounds, (le, i) => {
        cumulative += counts[i]!;
        return { le, count: cumulative };
      });
      const count = cumulative + counts[bounds.length]!;
      return {
        type: 'histogram',
        name,
        help,
        ...(unit === undefined ? {} : { unit }),
        samples: [{ buckets, count, sum }],
      };
    },
  };
}
