import type { InstanceType } from './status-draft.ts';

/** At most `limit` posts in any `windowMs` (a sliding window). */
export interface PostWindow {
  limit: number;
  windowMs: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * The posting limits of each server family, a little under what the servers allow:
 * - Mastodon: 300 new posts per account in 3 h; and 300 API requests per token in 5 min, of which posts take at
 *   most 290 so that the instance and credential requests fit;
 * - Pleroma, Akkoma: 15 status posts in 10 s;
 * - GoToSocial: 300 requests in 5 min per address, of which posts take at most 290.
 */
export const POST_BUDGETS: Readonly<Record<InstanceType, readonly PostWindow[]>> = {
  mastodon: [
    { limit: 300, windowMs: 3 * HOUR_MS },
    { limit: 290, windowMs: 5 * MINUTE_MS },
  ],
  pleroma: [{ limit: 15, windowMs: 10_000 }],
  akkoma: [{ limit: 15, windowMs: 10_000 }],
  gotosocial: [{ limit: 290, windowMs: 5 * MINUTE_MS }],
};

/** Where the budget keeps the times of its posts across restarts (@janitor/store's `kv` fits). */
export interface BudgetState {
  get<T = unknown>(key: string): T | undefined;
  set(key: string, value: unknown): void;
}

/** Options of {@link createPostBudget}. */
export interface PostBudgetOptions {
  windows: readonly PostWindow[];
  /** Keeps the post times, so a restart remembers them. Without it they live in memory. */
  state?: BudgetState;
  /** @default 'publisher.post_times' */
  key?: string;
}

/** The posts made in the last windows, and what that leaves. */
export interface PostBudget {
  /** When the next post may go out (epoch ms): `nowMs` when there is room now. */
  nextFreeAtMs(nowMs: number): number;
  /**
   * How many posts can go out from `nowMs` until `nowMs + horizonMs` without exceeding any window, less
   * `reserveRatio` of each window's limit kept for what comes next.
   */
  capacity(nowMs: number, horizonMs: number, reserveRatio?: number): number;
  /** A post was made (or may have been) at `nowMs`. */
  spend(nowMs: number): void;
}

/**
 * Tracks the posts made against the server's posting limits (sliding windows), so that the worker paces itself
 * instead of running into 429s, and knows when a backlog cannot go out in time and must be merged.
 *
 * @example
 * const budget = createPostBudget({ windows: POST_BUDGETS.mastodon, state: store.kv });
 * if (budget.nextFreeAtMs(Date.now()) <= Date.now()) { await post(); budget.spend(Date.now()); }
 */
export function createPostBudget(options: PostBudgetOptions): PostBudget {
  const { windows, state, key = 'publisher.post_times' } = options;
  const longestMs = Math.max(0, ...windows.map((w) => w.windowMs));
  const stored = state?.get<unknown>(key);
  // Sorted, oldest first.
  let times: number[] = Array.isArray(stored)
    ? stored.filter((t): t is number => typeof t === 'number' && Number.isFinite(t)).sort((a, b) => a - b)
    : [];

  /** How many posts were made after `sinceMs` (exclusive). */
  function countAfter(sinceMs: number): number {
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid]! > sinceMs) hi = mid;
      else lo = mid + 1;
    }
    return times.length - lo;
  }

  return {
    nextFreeAtMs(nowMs) {
      let at = nowMs;
      for (const w of windows) {
        const inWindow = countAfter(nowMs - w.windowMs);
        if (inWindow < w.limit) continue;
        // Room comes back when enough of the posts in the window have left it.
        const leaving = times[times.length - inWindow + (inWindow - w.limit)]!;
        at = Math.max(at, leaving + w.windowMs);
      }
      return at;
    },
    capacity(nowMs, horizonMs, reserveRatio = 0) {
      let least = Number.POSITIVE_INFINITY;
      for (const w of windows) {
        // Posts still inside the window at the horizon's end block slots; every whole window in the horizon adds a
        // full limit.
        const blocking = countAfter(nowMs + horizonMs - w.windowMs);
        const slots = w.limit - blocking + Math.floor(horizonMs / w.windowMs) * w.limit;
        least = Math.min(least, slots - Math.ceil(w.limit * reserveRatio));
      }
      return Math.max(0, Number.isFinite(least) ? least : Number.MAX_SAFE_INTEGER);
    },
    spend(nowMs) {
      times.push(nowMs);
      if (times.length > 1 && times.at(-2)! > nowMs) times.sort((a, b) => a - b);
      times = times.slice(countFrom(times, nowMs - longestMs));
      state?.set(key, times);
    },
  };
}

/** The index of the first time after `sinceMs`. */
function countFrom(times: number[], sinceMs: number): number {
  const i = times.findIndex((t) => t > sinceMs);
  return i < 0 ? times.length : i;
}
