import { setTimeout as delay } from 'node:timers/promises';

/**
 * Waits `ms` milliseconds, or less when `signal` aborts (then it may resolve or reject; callers treat both as
 * "woken"). Injected wherever the scheduler waits, so tests drive time by hand.
 */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The real {@link Sleep}: a timer that an abort clears, so an abandoned wait leaves no timer behind. */
export const sleep: Sleep = async (ms, signal) => {
  await delay(Math.max(0, ms), undefined, { signal });
};
