import { describe, expect, it } from 'vitest';
import { createGroupCommit, createTurn } from './group-commit.ts';
import { openStore } from './store.ts';

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
