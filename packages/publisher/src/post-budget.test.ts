import { describe, expect, it } from 'vitest';
import { type BudgetState, createPostBudget, POST_BUDGETS } from './post-budget.ts';

/** An in-memory kv, like @janitor/store's (values come back as copies). */
function memoryState(): BudgetState & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    get: <T>(key: string) => (values.has(key) ? (JSON.parse(values.get(key)!) as T) : undefined),
    set: (key: string, value: unknown) => {
      values.set(key, JSON.stringify(value));
    },
  };
}

describe('createPostBudget', () => {
  it('has room until the window is full, then frees a slot when the oldest post leaves it', () => {
    const budget = createPostBudget({ windows: [{ limit: 3, windowMs: 1000 }] });
    for (const t of [0, 100, 200]) {
      expect(budget.nextFreeAtMs(t)).toBe(t);
      budget.spend(t);
    }
    expect(budget.nextFreeAtMs(300)).toBe(1000);
    expect(budget.nextFreeAtMs(999)).toBe(1000);
    expect(budget.nextFreeAtMs(1000)).toBe(1000);
    budget.spend(1000);
    expect(budget.nextFreeAtMs(1000)).toBe(1100);
  });

  it('honours every window: the strictest decides', () => {
    const budget = createPostBudget({ windows: POST_BUDGETS.mastodon });
    for (let i = 0; i < 290; i++) budget.spend(i);
    // 290 in 5 minutes: wait for the first to leave that window, though the 3-hour one has 10 left.
    expect(budget.nextFreeAtMs(1000)).toBe(5 * 60_000);
    for (let i = 0; i < 10; i++) budget.spend(5 * 60_000 + i);
    // 300 in 3 hours: now the long window decides.
    expect(budget.nextFreeAtMs(10 * 60_000)).toBe(3 * 60 * 60_000);
  });

  it('capacity: the posts that fit until the horizon, less the reserve', () => {
    const budget = createPostBudget({ windows: [{ limit: 300, windowMs: 3 * 3_600_000 }] });
    expect(budget.capacity(0, 900_000)).toBe(300);
    expect(budget.capacity(0, 900_000, 0.1)).toBe(270);
    for (let i = 0; i < 100; i++) budget.spend(i);
    expect(budget.capacity(1000, 900_000)).toBe(200);
    // A horizon past the window: the old posts have left it, and it fills again.
    expect(budget.capacity(1000, 7 * 3_600_000)).toBe(300 + 2 * 300);
    const short = createPostBudget({ windows: POST_BUDGETS.pleroma });
    expect(short.capacity(0, 900_000)).toBe(15 + 90 * 15);
  });

  it('remembers its posts across a restart through the state, and forgets those out of every window', () => {
    const state = memoryState();
    const first = createPostBudget({ windows: [{ limit: 2, windowMs: 1000 }], state });
    first.spend(0);
    first.spend(10);
    const second = createPostBudget({ windows: [{ limit: 2, windowMs: 1000 }], state });
    expect(second.nextFreeAtMs(500)).toBe(1000);
    second.spend(5000);
    expect(state.get('publisher.post_times')).toEqual([5000]);
  });

  it('ignores a stored value that is not a list of times', () => {
    const state = memoryState();
    state.set('publisher.post_times', { broken: true });
    expect(createPostBudget({ windows: [{ limit: 1, windowMs: 1000 }], state }).nextFreeAtMs(0)).toBe(0);
  });
});
