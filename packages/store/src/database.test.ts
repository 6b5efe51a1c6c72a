import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type SynchronousMode } from './database.ts';

let dir: string;
let db: DatabaseSync | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'janitor-store-db-'));
});

afterEach(() => {
  if (db?.isOpen) db.close();
  rmSync(dir, { recursive: true, force: true });
});

const pragma = (name: string) => Object.values(db!.prepare(`PRAGMA ${name}`).get()!)[0];

describe('openDatabase', () => {
  it.each([
    ['FULL', 2],
    ['NORMAL', 1],
  ] as [SynchronousMode, number][])('synchronous %s: WAL, synchronous level %i, the busy timeout', (mode, level) => {
    db = openDatabase(join(dir, 'janitor.db'), 1234, mode);
    expect(pragma('journal_mode')).toBe('wal');
    expect(pragma('synchronous')).toBe(level);
    expect(pragma('busy_timeout')).toBe(1234);
  });
});
