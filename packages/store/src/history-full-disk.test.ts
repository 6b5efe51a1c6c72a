import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runOutOfSpace } from './out-of-space.test-support.ts';
import { openStore } from './store.ts';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'janitor-history-disk-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('store.history on a full disk', () => {
  it('throws a StoreError for a report whose commit fails, and keeps every report it acknowledged', async () => {
    const path = join(dir, 'janitor.db');
    // The schema is written before the limit applies.
    openStore({ path }).close();

    const { code, lines, stderr } = await runOutOfSpace('history-full-disk-writer.test-support.ts', path);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const refused = lines.filter((line) => line.startsWith('refused: '));
    const acknowledged = lines.filter((line) => !line.startsWith('refused: ')).map(Number);
    // The disk filled up before 2000 reports: one append() was refused, with the store's error, and it was the last.
    expect(refused).toEqual([expect.stringMatching(/^refused: StoreError: store history\.append failed at .*: /)]);
    expect(lines.at(-1)).toBe(refused[0]);
    expect(acknowledged.length).toBeGreaterThan(10);

    // Every report append() acknowledged was kept, and nothing else.
    const store = openStore({ path });
    try {
      expect(store.checkIntegrity()).toBe(true);
      expect(store.history.stats().rawRows).toBe(acknowledged.length);
      expect(store.history.latest('pi')?.atMs).toBe(acknowledged.at(-1));
      const s = store.history.series({
        hostname: 'pi',
        metrics: ['metric_99'],
        fromMs: acknowledged[0]!,
        toMs: acknowledged.at(-1)! + 1,
        nowMs: acknowledged.at(-1)!,
        maxPoints: 5000,
      });
      expect(s.t).toEqual(acknowledged);
      expect(new Set(s.metrics.metric_99!.avg)).toEqual(new Set([99.5]));
    } finally {
      store.close();
    }
  });
});
