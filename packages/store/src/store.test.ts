import { spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store, StoreError } from './index.ts';
import { MIGRATIONS } from './migrations.ts';

let dir: string;
const opened: Store[] = [];

/** Opens a store that afterEach closes. */
function open(options: Partial<Parameters<typeof openStore>[0]> = {}): Store {
  const store = openStore({ path: join(dir, 'janitor.db'), ...options });
  opened.push(store);
  return store;
}

/** The error `fn` throws (fails the test when it throws none). */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, none was thrown');
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'janitor-store-'));
});

afterEach(() => {
  for (const store of opened.splice(0)) store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('openStore', () => {
  it('creates the file, its folder and its WAL companions private (0600 / 0700)', () => {
    const path = join(dir, 'state', 'janitor', 'janitor.db');
    const store = open({ path });
    store.outbox.enqueue({ payload: 'secret post text' });
    expect(store.path).toBe(path);
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      expect({ file, mode: statSync(file).mode & 0o777 }).toEqual({ file, mode: 0o600 });
    }
    expect(statSync(join(dir, 'state', 'janitor')).mode & 0o777).toBe(0o700);
  });

  it('reopening the file keeps every entry, its state and the key-value pairs', () => {
    let store = open();
    const a = store.outbox.enqueue({ payload: { text: 'a' }, groupKey: 'pi' });
    const b = store.outbox.enqueue({ payload: { text: 'b' } });
    store.outbox.retry(a.id, { notBeforeMs: 5, error: '503', rotateKey: true });
    store.outbox.kill(b.id, '422');
    store.kv.set('agent', { lastRunMs: 1 });
    const before = store.outbox.list();
    store.close();

    store = open();
    expect(store.outbox.list()).toEqual(before);
    expect(store.kv.get('agent')).toEqual({ lastRunMs: 1 });
    expect(store.checkIntegrity()).toBe(true);
  });

  it('runs the migrations once: the schema version is recorded and a reopen keeps the data', () => {
    open().outbox.enqueue({ payload: 'kept' });
    for (const store of opened.splice(0)) store.close();
    const db = new DatabaseSync(join(dir, 'janitor.db'));
    expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: MIGRATIONS.length });
    db.close();
    // Running the first migration again would fail (its tables exist) and drop nothing silently.
    expect(
      open()
        .outbox.list()
        .map((e) => e.payload),
    ).toEqual(['kept']);
  });

  it('refuses a file written by a newer version, naming it', () => {
    const path = join(dir, 'janitor.db');
    const db = new DatabaseSync(path);
    db.exec('PRAGMA user_version = 999');
    db.close();
    const error = thrownBy(() => openStore({ path }));
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toBe(
      `cannot open store at ${path}: schema version 999 is newer than this @janitor/store knows (${MIGRATIONS.length}): upgrade janitor`,
    );
  });

  it('a file that is not a database gives a StoreError with the path, and is left untouched', () => {
    const path = join(dir, 'notes.txt');
    const text = 'these are my notes, not a database\n'.repeat(40);
    writeFileSync(path, text);
    chmodSync(path, 0o644);
    const error = thrownBy(() => openStore({ path }));
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({
      name: 'StoreError',
      message: `cannot open store at ${path}: file is not a database`,
      path,
      sqliteCode: 26,
      retryable: false,
    });
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(statSync(path).mode & 0o777).toBe(0o644);
  });

  it('an unwritable path gives a StoreError with the path', () => {
    // A regular file where a folder should be: fails for root too, unlike a permission bit.
    writeFileSync(join(dir, 'plain-file'), 'x');
    const path = join(dir, 'plain-file', 'janitor.db');
    const error = thrownBy(() => openStore({ path }));
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toBe(
      `cannot open store at ${path}: ENOTDIR: not a folder: ${join(dir, 'plain-file')}`,
    );
    expect(error).toMatchObject({ path, retryable: false });
  });

  it('a folder at the path gives a StoreError', () => {
    const error = thrownBy(() => openStore({ path: dir }));
    expect(error).toMatchObject({ name: 'StoreError', path: dir });
    expect((error as StoreError).message.startsWith(`cannot open store at ${dir}: EISDIR`)).toBe(true);
  });

  it('works in memory', () => {
    const store = openStore({ path: ':memory:' });
    opened.push(store);
    expect(store.path).toBe(':memory:');
    expect(store.outbox.enqueue({ payload: 1 }).id).toBe(1);
    expect(store.checkIntegrity()).toBe(true);
  });
});

describe('errors during use', () => {
  it('a write lock held by another connection is a retryable StoreError after busyTimeoutMs', () => {
    const store = open({ busyTimeoutMs: 0 });
    const other = new DatabaseSync(store.path);
    other.exec('BEGIN IMMEDIATE');
    try {
      const error = thrownBy(() => store.outbox.enqueue({ payload: 'a' }));
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({
        message: `store outbox.enqueue failed at ${store.path}: database is locked`,
        retryable: true,
        sqliteCode: 5,
      });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(store.outbox.enqueue({ payload: 'b' }).payload).toBe('b');
  });

  it('a closed store says so; closing twice is fine', () => {
    const store = open();
    store.close();
    store.close();
    expect(() => store.outbox.next()).toThrow(
      new StoreError(`store outbox.next failed at ${store.path}: the store is closed`, { path: store.path }),
    );
    expect(() => store.kv.get('x')).toThrow(StoreError);
  });
});

describe('checkFile', () => {
  it('is ok while the path names the file the store has open', () => {
    const store = open();
    store.outbox.enqueue({ payload: 'a' });
    expect(store.checkFile()).toBe('ok');
  });

  it('says missing once the file was deleted under the open store (its writes would go nowhere)', () => {
    const store = open();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${store.path}${suffix}`, { force: true });
    expect(store.checkFile()).toBe('missing');
    // SQLite itself does not notice: it goes on writing into the deleted file.
    expect(store.outbox.enqueue({ payload: 'lost' }).id).toBe(1);
    expect(store.checkFile()).toBe('missing');
  });

  it('says missing when the folder itself went away', () => {
    const store = open();
    rmSync(dir, { recursive: true, force: true });
    expect(store.checkFile()).toBe('missing');
  });

  it('says replaced when another file took its path (a backup restored under it)', () => {
    const store = open();
    copyFileSync(store.path, join(dir, 'copy.db'));
    renameSync(join(dir, 'copy.db'), store.path);
    expect(store.checkFile()).toBe('replaced');
    unlinkSync(store.path);
    expect(store.checkFile()).toBe('missing');
  });

  it('is ok in memory, and throws a StoreError once closed', () => {
    const memory = openStore({ path: ':memory:' });
    expect(memory.checkFile()).toBe('ok');
    memory.close();
    expect(() => memory.checkFile()).toThrow(StoreError);
  });
});

describe('transaction', () => {
  it('commits everything together, or nothing when the function throws', () => {
    const store = open();
    store.transaction(() => {
      store.outbox.enqueue({ payload: 'a' });
      store.kv.set('alert', 'firing');
    });
    expect(() =>
      store.transaction(() => {
        store.outbox.enqueue({ payload: 'b' });
        store.kv.set('alert', 'resolved');
        throw new Error('evaluation failed');
      }),
    ).toThrow('evaluation failed');
    expect(store.outbox.list().map((e) => e.payload)).toEqual(['a']);
    expect(store.kv.get('alert')).toBe('firing');
  });

  it('a nested failure undoes only its own writes', () => {
    const store = open();
    const result = store.transaction(() => {
      store.outbox.enqueue({ payload: 'outer' });
      expect(() =>
        store.transaction(() => {
          store.outbox.enqueue({ payload: 'inner' });
          throw new Error('inner failed');
        }),
      ).toThrow('inner failed');
      // enqueueMany inside a transaction nests too.
      store.outbox.enqueueMany([{ payload: 'many' }]);
      return 'done';
    });
    expect(result).toBe('done');
    expect(store.outbox.list().map((e) => e.payload)).toEqual(['outer', 'many']);
  });
});

describe('durability', () => {
  it('every entry acknowledged before a SIGKILL is there after it, in a sound file', async () => {
    const path = join(dir, 'janitor.db');
    const child = spawn(process.execPath, [join(import.meta.dirname, 'crash-writer.test-support.ts'), path], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acknowledged: number[] = [];
    let stderr = '';
    let buffered = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      acknowledged.push(...lines.map(Number));
      if (acknowledged.length >= 200 && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      const deadline = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the writer did not print 200 ids within 15 s (got ${acknowledged.length}): ${stderr}`));
      }, 15_000);
      child.on('exit', (code, signal) => {
        clearTimeout(deadline);
        resolve({ code, signal });
      });
    });
    expect({ ...exit, stderr }).toEqual({ code: null, signal: 'SIGKILL', stderr: '' });
    expect(acknowledged.length).toBeGreaterThanOrEqual(200);
    expect(acknowledged).toEqual(acknowledged.map((_, i) => i + 1));

    const store = open({ path });
    expect(store.checkIntegrity()).toBe(true);
    const present = new Set(store.outbox.list().map((e) => e.id));
    expect(acknowledged.filter((id) => !present.has(id))).toEqual([]);
    // Each entry is whole: its payload was committed with it.
    expect(store.outbox.get(acknowledged.at(-1)!)?.payload).toMatchObject({ n: acknowledged.length - 1 });
  });
});

describe('statements', () => {
  const sources = readdirSync(import.meta.dirname).filter((name) => name.endsWith('.ts') && !name.includes('.test'));
  /** A source file without its comments. */
  const code = (name: string) =>
    readFileSync(join(import.meta.dirname, name), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');

  it('no statement of the store uses RETURNING: its get() would hide a commit that failed', () => {
    // node:sqlite's get() steps once and resets the statement without reporting the implicit commit's failure (a full
    // disk): every write uses run() and lastInsertRowid / changes, which report it.
    expect(sources.length).toBeGreaterThan(5);
    const offending = sources.filter((name) => /\bRETURNING\b/i.test(code(name)));
    expect(offending).toEqual([]);
  });

  it('no statement of the store uses numbered parameters: Node 22’s node:sqlite binds them wrongly', () => {
    // Node 22.18 answers `column index out of range` for `id = ?1 AND (?2 IS NULL OR key = ?2)`.
    const numbered = sources.filter((name) => /\?\d/.test(code(name)));
    expect(numbered).toEqual([]);
  });
});
