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
 * A deadline set later than the bucket its key sits in leaves the key there (a host's every report pushes its
 * deadline on): the key moves on only when that bucket falls due, so a host reporting every minute with a silent time
 * of three is moved once every three reports, not at each. A deadline set earlier moves its key at once.
 *
 * @example
 * const silence = createDeadlines();
 * silence.set('pi1', lastReportMs + 180_000);
 * silence.takeDue(Date.now()); // ['pi1'] once three minutes passed without a report
 */
export function createDeadlines(bucketMs = 1000): Deadlines {
  const deadlines = new Map<string, number>();
  /** The bucket each key sits in: its deadline's, or an earlier one. */
  const placed = new Map<string, number>();
  const buckets = new Map<number, Set<string>>();
  const bucketOf = (atMs: number) => Math.floor(atMs / bucketMs);

  function place(key: string, bucket: number): void {
    placed.set(key, bucket);
    let keys = buckets.get(bucket);
    if (keys === undefined) {
      keys = new Set();
      buckets.set(bucket, keys);
    }
    keys.add(key);
  }

  function leave(key: string, bucket: number): void {
    const keys = buckets.get(bucket);
    if (keys === undefined) return;
    keys.delete(key);
    if (keys.size === 0) buckets.delete(bucket);
  }

  function remove(key: string): void {
    deadlines.delete(key);
    const bucket = placed.get(key);
    if (bucket === undefined) return;
    placed.delete(key);
    leave(key, bucket);
  }

  return {
    set(key, atMs) {
      deadlines.set(key, atMs);
      const bucket = bucketOf(atMs);
      const at = placed.get(key);
      if (at !== undefined) {
        if (at <= bucket) return;
        leave(key, at);
      }
      place(key, bucket);
    },
    delete: remove,
    takeDue(nowMs) {
      const due: string[] = [];
      const last = bucketOf(nowMs);
      for (const [bucket, keys] of buckets) {
        if (bucket > last) continue;
        for (const key of keys) {
          const atMs = deadlines.get(key)!;
          if (atMs < nowMs) due.push(key);
          else if (bucketOf(atMs) !== bucket) {
            // Its deadline moved on since it was placed here: on to its own bucket.
            keys.delete(key);
            place(key, bucketOf(atMs));
          }
        }
        if (keys.size === 0) buckets.delete(bucket);
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
