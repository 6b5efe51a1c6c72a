/** Keys (hostnames) by the time something falls due for them (see {@link createDeadlines}). */
export interface Deadlines {
  /** Sets `key`'s deadline (epoch ms), replacing the one it had. */
  set(key: string, atMs: number): void;
  /** Drops `key` (a host forgotten). */
  delete(key: string): void;
  /** Takes every key whose deadline is before `nowMs`: each leaves the index, until it is set again. */
  takeDue(nowMs: number): string[];
  /** How many keys have a deadline. */
  readonly size: number;
}

/**
 * An index of deadlines in buckets of `bucketMs`: setting a deadline costs a few map operations, and taking what is
 * due costs the keys taken plus one look at each bucket, never a pass over every key. What a fleet of 100,000 hosts
 * reporting every minute needs to find its silent hosts every 30 s without stopping the event loop.
 *
 * @example
 * const silence = createDeadlines();
 * silence.set('pi1', lastReportMs + 180_000);
 * silence.takeDue(Date.now()); // ['pi1'] once three minutes passed without a report
 */
export function createDeadlines(bucketMs = 1000): Deadlines {
  const deadlines = new Map<string, number>();
  const buckets = new Map<number, Set<string>>();
  const bucketOf = (atMs: number) => Math.floor(atMs / bucketMs);

  function leaveBucket(key: string, atMs: number): void {
    const bucket = bucketOf(atMs);
    const keys = buckets.get(bucket);
    if (keys === undefined) return;
    keys.delete(key);
    if (keys.size === 0) buckets.delete(bucket);
  }

  function remove(key: string): void {
    const atMs = deadlines.get(key);
    if (atMs === undefined) return;
    deadlines.delete(key);
    leaveBucket(key, atMs);
  }

  return {
    set(key, atMs) {
      const before = deadlines.get(key);
      deadlines.set(key, atMs);
      const bucket = bucketOf(atMs);
      // Set on every report: a host reporting again within the same second of its deadline stays where it is.
      if (before !== undefined) {
        if (bucketOf(before) === bucket) return;
        leaveBucket(key, before);
      }
      let keys = buckets.get(bucket);
      if (keys === undefined) {
        keys = new Set();
        buckets.set(bucket, keys);
      }
      keys.add(key);
    },
    delete: remove,
    takeDue(nowMs) {
      const due: string[] = [];
      const last = bucketOf(nowMs);
      for (const [bucket, keys] of buckets) {
        if (bucket > last) continue;
        for (const key of keys) {
          if (deadlines.get(key)! < nowMs) due.push(key);
        }
      }
      due.sort((a, b) => deadlines.get(a)! - deadlines.get(b)!);
      for (const key of due) remove(key);
      return due;
    },
    get size() {
      return deadlines.size;
    },
  };
}
