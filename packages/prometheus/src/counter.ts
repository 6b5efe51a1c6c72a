import type { CounterFamily, Labels, Sample } from './exposition.ts';

/** One labelled series of a {@link Counter}: keep it where the counting happens, and `inc()` costs an addition. */
export interface CounterChild {
  /** Adds `by` (1 by default); a negative or non-finite amount is ignored (a counter only goes up). */
  inc(by?: number): void;
  readonly value: number;
}

/** What {@link createCounter} needs. */
export interface CounterOptions {
  /** The family's name, without `_total` (it is written with it). */
  name: string;
  help: string;
  /** The names of its labels, in order. @default none */
  labelNames?: readonly string[];
  /** For OpenMetrics' `# UNIT` (the name must end with it). */
  unit?: string;
}

/** A counter in memory, from 0 when the process starts. */
export interface Counter {
  /**
   * The series of these label values (one per label name, in order), made at its first use and the same object after.
   * @throws TypeError when the number of values is not the number of label names
   */
  child(...labelValues: string[]): CounterChild;
  /** Adds to the series without labels (a counter with label names has none: use {@link Counter.child}). */
  inc(by?: number): void;
  /** The counter's family now: every series made so far, in the order they were made. */
  collect(): CounterFamily & { samples: Sample[] };
}

interface Series extends CounterChild {
  value: number;
  labels: Labels | undefined;
}

/**
 * A counter whose hot path is an addition: the caller keeps the {@link CounterChild} of the labels it counts under
 * (the route a handler serves, the reason a post failed), so that counting allocates nothing.
 *
 * @example
 * const requests = createCounter({ name: 'app_requests', help: 'Requests answered', labelNames: ['status'] });
 * const ok = requests.child('200');
 * ok.inc();
 * writeExposition([requests.collect()], 'text'); // … app_requests_total{status="200"} 1
 */
export function createCounter(options: CounterOptions): Counter {
  const { name, help, labelNames = [], unit } = options;
  const series = new Map<string, Series>();

  function child(...labelValues: string[]): CounterChild {
    if (labelValues.length !== labelNames.length) {
      throw new TypeError(`counter ${name}: expected ${labelNames.length} label values, got ${labelValues.length}`);
    }
    const key = labelValues.join('\u0000');
    let found = series.get(key);
    if (found === undefined) {
      const labels =
        labelNames.length === 0 ? undefined : Object.fromEntries(labelNames.map((n, i) => [n, labelValues[i]!]));
      const made: Series = {
        value: 0,
        labels,
        inc(by = 1) {
          if (by >= 0 && by !== Infinity) made.value += by;
        },
      };
      series.set(key, made);
      found = made;
    }
    return found;
  }

  return {
    child,
    inc(by) {
      child().inc(by);
    },
    collect() {
      const samples: Sample[] = [];
      for (const s of series.values()) samples.push({ labels: s.labels, value: s.value });
      return { type: 'counter', name, help, ...(unit === undefined ? {} : { unit }), samples };
    },
  };
}
