import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileLock, LockError, lockFileName } from './file-lock.ts';
import { createMemoryLock } from './task-lock.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'janitor-lock-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('lockFileName', () => {
  it.each([
    ['a plain key stays readable', 'backup@2025-03-30T01:30Z', 'backup%402025-03-30T01%3A30Z.lock'],
    ['spaces and slashes are encoded', 'Check this/that', 'Check%20this%2Fthat.lock'],
    ['no path escapes', '../../etc/passwd', '%2E.%2F..%2Fetc%2Fpasswd.lock'],
    ['no hidden file', '.hidden', '%2Ehidden.lock'],
    ['shell-unfriendly characters are encoded', "it's (*) ~!", 'it%27s%20%28%2A%29%20%7E%21.lock'],
  ])('%s', (_, key, name) => {
    expect(lockFileName(key)).toBe(name);
  });

  it('shortens a long key with a hash, keeping long keys apart', () => {
    const a = lockFileName(`${'x'.repeat(300)}@2025-03-30T01:30Z`);
    const b = lockFileName(`${'x'.repeat(300)}@2025-03-30T01:31Z`);
    expect(a.length).toBeLessThanOrEqual(185);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^x+~[0-9a-f]{32}\.lock$/);
  });
});

describe('createFileLock', () => {
  it('gives a key to one holder at a time, until released', () => {
    const lock = createFileLock(join(dir, 'locks'));
    expect(lock.acquire('task@minute', 60_000)).toBe(true);
    expect(lock.acquire('task@minute', 60_000)).toBe(false);
    expect(createFileLock(join(dir, 'locks')).acquire('task@minute', 60_000)).toBe(false); // another process
    expect(lock.acquire('task@other minute', 60_000)).toBe(true);
    lock.release('task@minute');
    expect(lock.acquire('task@minute', 60_000)).toBe(true);
    lock.release('never taken'); // no-op
  });

  it('writes who holds the lock and sets the file time to its expiry', () => {
    let now = Date.parse('2025-06-01T10:00:00Z');
    const lock = createFileLock(dir, { now: () => now });
    expect(lock.acquire('k', 90_000)).toBe(true);
    const path = join(dir, 'k.lock');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      key: 'k',
      pid: process.pid,
      acquiredAt: now,
      expiresAt: now + 90_000,
    });
    expect(statSync(path).mtimeMs).toBe(now + 90_000);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    now += 1;
    expect(lock.acquire('k', 90_000)).toBe(false);
  });

  it('takes over a lock once it has expired (its holder died)', () => {
    let now = Date.parse('2025-06-01T10:00:00Z');
    const first = createFileLock(dir, { now: () => now });
    const second = createFileLock(dir, { now: () => now });
    expect(first.acquire('k', 60_000)).toBe(true);
    now += 60_000;
    expect(second.acquire('k', 60_000)).toBe(false); // just expired: within the one-second slack
    now += 1001;
    expect(second.acquire('k', 60_000)).toBe(true);
    expect(first.acquire('k', 60_000)).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'k.lock'), 'utf8')).acquiredAt).toBe(now);
    expect(readdirSync(dir)).toEqual(['k.lock']); // nothing left aside
  });

  it('sweeps expired lock files and leftovers, and keeps live ones and other files', () => {
    let now = Date.parse('2025-06-01T10:00:00Z');
    const lock = createFileLock(dir, { now: () => now, cleanupIntervalMs: 10 * 60_000 });
    expect(lock.acquire('old', 60_000)).toBe(true);
    expect(lock.acquire('live', 3_600_000)).toBe(true);
    writeFileSync(join(dir, 'notes.txt'), 'not a lock');
    writeFileSync(join(dir, 'old.lock.123.abc.stale'), '');
    utimesSync(join(dir, 'old.lock.123.abc.stale'), new Date(now - 1000), new Date(now - 1000));
    now += 5 * 60_000;
    expect(lock.acquire('new', 60_000)).toBe(true); // 5 minutes since the last sweep: none yet
    expect(existsSync(join(dir, 'old.lock'))).toBe(true);
    now += 5 * 60_000;
    expect(lock.acquire('newer', 60_000)).toBe(true); // 10 minutes: sweeps first
    expect(readdirSync(dir).sort()).toEqual(['live.lock', 'newer.lock', 'notes.txt']);
    expect(lock.cleanup()).toBe(0);
  });

  it('creates its folder on first use, private to the user', () => {
    const lock = createFileLock(join(dir, 'a', 'b'));
    expect(existsSync(join(dir, 'a'))).toBe(false);
    expect(lock.acquire('k', 1000)).toBe(true);
    expect(statSync(join(dir, 'a', 'b')).mode & 0o777).toBe(0o700);
  });

  it('throws LockError, not a bare errno, when the folder cannot be used', () => {
    writeFileSync(join(dir, 'file'), '');
    const lock = createFileLock(join(dir, 'file', 'locks'));
    expect(() => lock.acquire('k', 1000)).toThrow(LockError);
    try {
      lock.acquire('k', 1000);
    } catch (error) {
      expect(error).toMatchObject({ name: 'LockError', retryable: false, path: join(dir, 'file', 'locks') });
      expect((error as Error).message).toMatch(/^cannot create the lock folder .*: (ENOTDIR|EEXIST)$/);
    }
  });
});

describe('createMemoryLock', () => {
  it('gives a key to one holder until released or expired', () => {
    let now = 0;
    const lock = createMemoryLock({ now: () => now });
    expect(lock.acquire('k', 1000)).toBe(true);
    expect(lock.acquire('k', 1000)).toBe(false);
    now = 999;
    expect(lock.acquire('k', 1000)).toBe(false);
    now = 1000;
    expect(lock.acquire('k', 1000)).toBe(true);
    lock.release('k');
    expect(lock.acquire('k', 1000)).toBe(true);
  });
});
