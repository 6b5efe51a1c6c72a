import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
  // 512-byte blocks (POSIX sh): 128 KiB, room for the -shm file (32 KiB) and a few commits in the WAL.
  const child = spawn(
    '/bin/sh',
    [
      '-c',
      'ulimit -f 256 && exec "$0" "$@"',
      process.execPath,
      join(import.meta.dirname, 'full-disk-writer.test-support.ts'),
      path,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the writer did not finish within 15 s: ${stderr}`));
    }, 15_000);
    child.on('exit', (exitCode) => {
      clearTimeout(deadline);
      resolve(exitCode);
    });
  });
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return stdout.trim().split('\n');
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
