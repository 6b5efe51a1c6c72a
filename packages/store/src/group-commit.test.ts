import { describe, expect, it } from 'vitest';
import { createGroupCommit, createTurn, type GroupCommitOptions } from './group-commit.ts';
import { openStore } from './store.ts';

/** A group commit that records its batches and gives each input back. */
function recording<T>(options?: GroupCommitOptions) {
  const batches: T[][] = [];
  const commit = createGroupCommit((inputs: readonly T[]) => {
    batches.push([...inputs]);
    return inputs;
  }, options);
  return { batches, commit };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('createGroupCommit', () => {
  it('commits the calls of one turn together, each caller getting its own result', async () => {
    const batches: number[][] = [];
    const commit = createGroupCommit((inputs: readonly number[]) => {
      batches.push([...inputs]);
      return inputs.map((n) => n * 10);
    });
    const first = await Promise.all([commit(1), commit(2), commit(3)]);
    const second = await commit(4);
    expect(first).toEqual([10, 20, 30]);
    expect(second).toBe(40);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('rejects every caller of a batch that fails, and the next batch still commits', async () => {
    let fail = true;
    const commit = createGroupCommit((inputs: readonly string[]) => {
      if (fail) throw new Error('disk full');
      return inputs.map((s) => s.toUpperCase());
    });
    const failed = await Promise.allSettled([commit('a'), commit('b')]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(commit('c')).resolves.toBe('C');
  });

  it('with spacingMs, holds the calls of the next turns until the spacing has passed, and commits them together', async () => {
    const { batches, commit } = recording<number>({ spacingMs: 40 });
    await commit(1); // the first call: nothing to wait for
    const later = [commit(2)];
    await nextTurn();
    later.push(commit(3));
    await nextTurn();
    later.push(commit(4));
    expect(batches).toEqual([[1]]); // still waiting for the spacing
    expect(await Promise.all(later)).toEqual([2, 3, 4]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('with spacingMs, commits a call after a quiet spell in its own turn', async () => {
    const { batches, commit } = recording<string>({ spacingMs: 20 });
    await commit('a');
    await new Promise((resolve) => setTimeout(resolve, 30));
    const pending = commit('b');
    await nextTurn();
    expect(batches).toEqual([['a'], ['b']]);
    await pending;
  });

  it('with spacingMs, commits at the end of the turn that brought the batch to maxBatch', async () => {
    const { batches, commit } = recording<number>({ spacingMs: 10_000, maxBatch: 3 });
    await commit(0);
    const pending = [commit(1), commit(2)];
    await nextTurn();
    expect(batches).toEqual([[0]]); // two: still waiting
    pending.push(commit(3));
    await nextTurn();
    expect(batches).toEqual([[0], [1, 2, 3]]);
    await Promise.all(pending);
  });

  it('with spacingMs, stops spacing after two waits that no call joined (a caller awaiting each answer)', async () => {
    const { batches, commit } = recording<number>({ spacingMs: 30 });
    await commit(1); // committed at once
    const started = performance.now();
    await commit(2); // waits for the spacing, alone
    await commit(3); // again: the second wait that nothing joined
    const waitedMs = performance.now() - started;
    const next = commit(4); // not spaced any more: committed in its own turn
    await nextTurn();
    expect(batches).toEqual([[1], [2], [3], [4]]);
    expect(waitedMs).toBeGreaterThanOrEqual(50);
    await next;
  });

  it('refuses a spacing that is not a number of milliseconds >= 0', () => {
    for (const spacingMs of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createGroupCommit((inputs: readonly number[]) => inputs, { spacingMs })).toThrow(
        /spacingMs must be a number of milliseconds >= 0/,
      );
    }
    expect(() => createGroupCommit((inputs: readonly number[]) => inputs, { spacingMs: 5, maxBatch: 0 })).toThrow(
      /maxBatch must be an integer >= 1, got 0/,
    );
  });

  it('writes a burst of outbox entries in one transaction: all of them or none', async () => {
    const store = openStore({ path: ':memory:' });
    try {
      let transactions = 0;
      const enqueue = createGroupCommit((inputs: readonly { payload: unknown }[]) => {
        transactions++;
        return store.transaction(() => store.outbox.enqueueMany(inputs));
      });
      const entries = await Promise.all([enqueue({ payload: 'a' }), enqueue({ payload: 'b' })]);
      expect(entries.map((e) => e.payload)).toEqual(['a', 'b']);
      expect(transactions).toBe(1);
      expect(store.outbox.counts().pending).toBe(2);
    } finally {
      store.close();
    }
  });
});

describe('createTurn', () => {
  it('gives every caller of one turn the same promise, and a new one in the next turn', async () => {
    const turn = createTurn();
    const a = turn();
    const b = turn();
    expect(a).toBe(b);
    await a;
    const c = turn();
    expect(c).not.toBe(a);
    await c;
  });
});
