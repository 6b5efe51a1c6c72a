import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runOutOfSpace as runOutOfSpaceChild } from './out-of-space.test-support.ts';
import { openStore } from './store.ts';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'janitor-silences-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the full-disk writer under a file-size limit; resolves with the lines it printed. */
async function runOutOfSpace(path: string): Promise<string[]> {
  const { code, lines, stderr } = await runOutOfSpaceChild('full-disk-writer.test-support.ts', path);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return lines;
}

describe('store.silences on a full disk', () => {
  it('refuses a silence whose commit fails instead of answering an id it did not keep', async () => {
    const path = join(dir, 'janitor.db');
    // The schema is written before the limit applies.
    openStore({ path }).close();

    const lines = await runOutOfSpace(path);
    const refused = lines.filter((line) => line.startsWith('refused: '));
    const acknowledged = lines.filter((line) => !line.startsWith('refused: ')).map(Number);
    // The disk filled up before 2000 silences: one add() was refused, with the store's error, and it was the last.
    expect(refused).toEqual([expect.stringMatching(/^refused: StoreError: store silences\.add failed at .*: /)]);
    expect(lines.at(-1)).toBe(refused[0]);
    expect(acknowledged.length).toBeGreaterThan(0);

    // Every id add() answered is a silence that was kept, each its own.
    const store = openStore({ path });
    try {
      expect(store.checkIntegrity()).toBe(true);
      expect(store.silences.list().map((s) => s.id)).toEqual(acknowledged);
      expect(new Set(acknowledged).size).toBe(acknowledged.length);
    } finally {
      store.close();
    }
  });
});
