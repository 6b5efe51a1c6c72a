/**
 * A lock on a key (a task and a minute, or a running task) shared by every process that may run the schedule.
 * `acquire` is atomic: of any number of concurrent callers for one key, exactly one gets `true`. A held key is
 * free again after `release`, or once `ttlMs` has passed since it was acquired (its holder died or forgot it).
 */
export interface TaskLock {
  /** Takes `key` for `ttlMs`; `false` when someone holds it. */
  acquire(key: string, ttlMs: number): boolean;
  /** Frees `key` (a no-op when not held). */
  release(key: string): void;
}

/**
 * An in-process {@link TaskLock}: enough for one daemon, and for tests with an injected clock.
 *
 * @param options.now the clock expiry is measured with
 * @default options.now Date.now
 */
export function createMemoryLock(options: { now?: () => number } = {}): TaskLock {
  const { now = Date.now } = options;
  const held = new Map<string, number>();
  return {
    acquire(key, ttlMs) {
      const t = now();
      const expiresAt = held.get(key);
      if (expiresAt !== undefined && expiresAt > t) return false;
      if (held.size > 1024) for (const [k, at] of held) if (at <= t) held.delete(k);
      held.set(key, t + ttlMs);
      return true;
    },
    release(key) {
      held.delete(key);
    },
  };
}
