import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@janitor/store';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createSessions,
  csrfMatches,
  SESSION_TTL_MS,
  type SessionKeyValue,
  sessionCookie,
  sessionIdOf,
} from './sessions.ts';

const TOKEN = { name: 'dashboard', sha256: 'a'.repeat(64) };

/** A key-value store that records every key it holds, to look at what is kept. */
function recordingKv(): SessionKeyValue & { keys(): string[]; raw(): string } {
  const values = new Map<string, string>();
  return {
    get: <T>(key: string) => {
      const text = values.get(key);
      return text === undefined ? undefined : (JSON.parse(text) as T);
    },
    set: (key, value) => void values.set(key, JSON.stringify(value)),
    delete: (key) => values.delete(key),
    keys: () => [...values.keys()],
    raw: () => [...values].join('\n'),
  };
}

describe('createSessions', () => {
  it('finds a session by its id until it expires, 30 days later', () => {
    let now = 1_000_000;
    const sessions = createSessions({ now: () => now });
    const { id, session } = sessions.create(TOKEN);
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session).toMatchObject({ tokenName: 'dashboard', tokenSha256: TOKEN.sha256, createdAtMs: 1_000_000 });
    expect(session.expiresAtMs).toBe(1_000_000 + SESSION_TTL_MS);
    expect(sessions.find(id)).toEqual(session);
    now += SESSION_TTL_MS - 1;
    expect(sessions.find(id)).toEqual(session);
    now += 1;
    expect(sessions.find(id)).toBeUndefined();
  });

  it('gives each session its own id and CSRF token, from 32 random bytes each', () => {
    const sessions = createSessions();
    const a = sessions.create(TOKEN);
    const b = sessions.create(TOKEN);
    expect(a.id).not.toBe(b.id);
    expect(a.session.csrfToken).not.toBe(b.session.csrfToken);
    expect(Buffer.from(a.id, 'base64url')).toHaveLength(32);
    expect(Buffer.from(a.session.csrfToken, 'base64url')).toHaveLength(32);
  });

  it('keeps only the id’s hash: what is stored opens no session', () => {
    const kv = recordingKv();
    const sessions = createSessions({ kv });
    const { id } = sessions.create(TOKEN);
    expect(kv.raw()).not.toContain(id);
    for (const key of kv.keys()) expect(sessions.find(key.slice(-43))).toBeUndefined();
  });

  it('refuses unknown, malformed and ended ids', () => {
    const sessions = createSessions();
    const { id } = sessions.create(TOKEN);
    for (const other of [undefined, '', 'x', `${id}x`, id.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))]) {
      expect(sessions.find(other)).toBeUndefined();
    }
    expect(sessions.end(id)).toBe(true);
    expect(sessions.find(id)).toBeUndefined();
    expect(sessions.end(id)).toBe(false);
    expect(sessions.end('not an id')).toBe(false);
  });

  it('drops expired sessions when a new one starts, and keeps at most maxSessions', () => {
    let now = 0;
    const kv = recordingKv();
    const sessions = createSessions({ kv, now: () => now, ttlMs: 1000, maxSessions: 3 });
    const first = sessions.create(TOKEN);
    now = 2000;
    const live = [sessions.create(TOKEN), sessions.create(TOKEN), sessions.create(TOKEN)];
    // The first expired and was dropped; three live ones is the limit.
    expect(kv.keys().filter((k) => k.startsWith('dashboard.session.'))).toHaveLength(3);
    expect(sessions.find(first.id)).toBeUndefined();
    const fourth = sessions.create(TOKEN);
    expect(sessions.find(live[0]!.id)).toBeUndefined();
    for (const s of [live[1]!, live[2]!, fourth]) expect(sessions.find(s.id)).toEqual(s.session);
  });

  describe('in a real store', () => {
    const dir = mkdtempSync(join(tmpdir(), 'janitor-sessions-'));
    const path = join(dir, 'janitor.db');
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('outlives the process: a store opened again finds the session', () => {
      const store = openStore({ path });
      const { id, session } = createSessions({ kv: store.kv }).create(TOKEN);
      store.close();
      const again = openStore({ path });
      try {
        expect(createSessions({ kv: again.kv }).find(id)).toEqual(session);
      } finally {
        again.close();
      }
    });
  });
});

describe('the session cookie', () => {
  it('is HttpOnly, SameSite=Strict, Path=/, for 30 days, Secure over https', () => {
    expect(sessionCookie('abc', { secure: false })).toBe(
      'janitor_session=abc; HttpOnly; SameSite=Strict; Path=/; Max-Age=2592000',
    );
    expect(sessionCookie('abc', { secure: true })).toMatch(/; Secure$/);
    expect(sessionCookie(undefined, { secure: false })).toMatch(/^janitor_session=; .*Max-Age=0$/);
  });

  it('is read from a Cookie header among others', () => {
    expect(sessionIdOf('a=1; janitor_session=xyz; b=2')).toBe('xyz');
    expect(sessionIdOf('janitor_session=xyz')).toBe('xyz');
    expect(sessionIdOf('other_janitor_session=xyz')).toBeUndefined();
    expect(sessionIdOf(undefined)).toBeUndefined();
  });
});

describe('csrfMatches', () => {
  const { session } = createSessions().create(TOKEN);
  it('takes the session’s token only', () => {
    expect(csrfMatches(session, session.csrfToken)).toBe(true);
    expect(csrfMatches(session, undefined)).toBe(false);
    expect(csrfMatches(session, '')).toBe(false);
    expect(csrfMatches(session, `${session.csrfToken}x`)).toBe(false);
    expect(csrfMatches(session, session.csrfToken.toUpperCase())).toBe(false);
  });
});
