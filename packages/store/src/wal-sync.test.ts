import * as fs from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@janitor/testkit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openStore, type Store } from './index.ts';

// Counts the syncs of the WAL (the real fdatasync runs; only the calls are counted).
const syncs: { fd: number; at: number }[] = [];
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real,
    fdatasync: (fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
      syncs.push({ fd, at: performance.now() });
      real.fdatasync(fd, callback);
    },
  };
});

const payload = { status: 'disk full on pi' };

describe("openStore({ durability: 'background' })", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let store: Store;
  beforeEach(async () => {
    dir = await tempDir('janitor-wal-sync-');
    syncs.length = 0;
    store = openStore({ path: join(dir.path, 'janitor.db'), durability: 'background' });
  });
  afterEach(async () => {
    store.close();
    await dir[Symbol.asyncDispose]();
  });

  it('commits without waiting for the disk (synchronous NORMAL), and synced() syncs the WAL', async () => {
    expect(store.transaction(() => 1)).toBe(1);
    store.outbox.enqueue({ payload, groupKey: 'pi' });
    expect(syncs).toHaveLength(0);
    await store.synced();
    expect(syncs).toHaveLength(1);
    expect(fs.existsSync(join(dir.path, 'janitor.db-wal'))).toBe(true);
  });

  it('answers a burst of callers with one sync, and a caller after a sync began with the next one', async () => {
    store.outbox.enqueue({ payload, groupKey: 'pi' });
    const first = Array.from({ length: 50 }, () => store.synced());
    // Committed while the first sync is in flight: only a sync that starts after this commit may answer it.
    store.outbox.enqueue({ payload, groupKey: 'pi' });
    let lateAnsweredAfter = -1;
    const late = store.synced().then(() => {
      lateAnsweredAfter = syncs.length;
    });
    await Promise.all([...first, late]);
    expect(syncs).toHaveLength(2);
    expect(lateAnsweredAfter).toBe(2);
  });

  it('answers those still waiting when the store closes, and refuses later calls', async () => {
    store.outbox.enqueue({ payload, groupKey: 'pi' });
    const waiting = store.synced();
    store.close();
    await expect(waiting).resolves.toBeUndefined();
    await expect(store.synced()).rejects.toThrow(/closed/);
  });

  it('keeps what was committed across a reopen', async () => {
    const entry = store.outbox.enqueue({ payload, groupKey: 'pi' });
    await store.synced();
    store.close();
    store = openStore({ path: join(dir.path, 'janitor.db') });
    expect(store.outbox.get(entry.id)?.payload).toEqual(payload);
  });
});

describe("openStore() with the default durability ('commit')", () => {
  it('resolves synced() at once, without a sync of its own', async () => {
    await using dir = await tempDir('janitor-wal-sync-');
    syncs.length = 0;
    const store = openStore({ path: join(dir.path, 'janitor.db') });
    try {
      store.outbox.enqueue({ payload, groupKey: 'pi' });
      await store.synced();
      expect(syncs).toHaveLength(0);
    } finally {
      store.close();
    }
  });
});
