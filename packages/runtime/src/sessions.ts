import { createHash, randomBytes as cryptoRandomBytes, timingSafeEqual } from 'node:crypto';

/** The dashboard's session cookie. */
export const SESSION_COOKIE = 'janitor_session';

/** How long a dashboard session lasts: 30 days. */
export const SESSION_TTL_MS = 30 * 86_400_000;

/** How many sessions are kept at most: past it, the oldest ends. */
export const MAX_SESSIONS = 1000;

/** The key-value store sessions are kept in (@janitor/store's `store.kv` fits). */
export interface SessionKeyValue {
  get<T = unknown>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  delete(key: string): boolean;
}

/** A dashboard session: whose token it stands for and its CSRF token. The session id itself is never stored. */
export interface Session {
  /** The name of the token the session was created from (for the request line and the page). */
  tokenName: string;
  /** That token's SHA-256 (hex): the session counts as the token while the config still has it. */
  tokenSha256: string;
  /** What a state-changing request authenticated by the cookie must send as `X-CSRF-Token`. */
  csrfToken: string;
  createdAtMs: number;
  expiresAtMs: number;
}

/** Options of {@link createSessions}. */
export interface SessionsOptions {
  /** Where sessions are kept. @default an in-memory map (sessions then end with the process) */
  kv?: SessionKeyValue;
  /** @default Date.now */
  now?: () => number;
  /** @default {@link SESSION_TTL_MS} */
  ttlMs?: number;
  /** @default {@link MAX_SESSIONS} */
  maxSessions?: number;
  /** The source of session ids and CSRF tokens. @default node:crypto's randomBytes */
  randomBytes?: (size: number) => Buffer;
}

/** The dashboard's sessions (see {@link createSessions}). */
export interface Sessions {
  /** Starts a session for a token; `id` goes into the cookie and is not kept anywhere. */
  create(token: { name: string; sha256: string }): { id: string; session: Session };
  /** The running session of a cookie's id; `undefined` for an unknown, malformed or expired one. */
  find(id: string | undefined): Session | undefined;
  /** Ends a session. @returns whether it was running. */
  end(id: string): boolean;
}

interface IndexEntry {
  hash: string;
  expiresAtMs: number;
}

const PREFIX = 'dashboard.session.';
const INDEX_KEY = 'dashboard.sessions';
/** 32 random bytes in base64url. */
const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The dashboard's login sessions, kept in the store's key-value table: a session id is 32 random bytes (base64url in
 * the cookie), stored only as its SHA-256, so that a copy of the database opens no session. Each session has a CSRF
 * token of its own and ends after `ttlMs`. An index of the sessions lets expired ones be dropped when a new one
 * starts, and bounds them to `maxSessions`.
 *
 * @example
 * const sessions = createSessions({ kv: store.kv });
 * const { id, session } = sessions.create({ name: 'dashboard', sha256: token.sha256 });
 * sessions.find(id)?.csrfToken === session.csrfToken; // true
 */
export function createSessions(options: SessionsOptions = {}): Sessions {
  const {
    kv = memoryKeyValue(),
    now = Date.now,
    ttlMs = SESSION_TTL_MS,
    maxSessions = MAX_SESSIONS,
    randomBytes = cryptoRandomBytes,
  } = options;
  const keyOf = (hash: string) => PREFIX + hash;

  return {
    create(token) {
      const at = now();
      const id = randomBytes(32).toString('base64url');
      const hash = sha256(id);
      const session: Session = {
        tokenName: token.name,
        tokenSha256: token.sha256,
        csrfToken: randomBytes(32).toString('base64url'),
        createdAtMs: at,
        expiresAtMs: at + ttlMs,
      };
      const index = (kv.get<IndexEntry[]>(INDEX_KEY) ?? []).filter((entry) => {
        if (entry.expiresAtMs > at) return true;
        kv.delete(keyOf(entry.hash));
        return false;
      });
      while (index.length >= maxSessions) kv.delete(keyOf(index.shift()!.hash));
      index.push({ hash, expiresAtMs: session.expiresAtMs });
      kv.set(keyOf(hash), session);
      kv.set(INDEX_KEY, index);
      return { id, session };
    },
    find(id) {
      if (id === undefined || !ID_PATTERN.test(id)) return undefined;
      const key = keyOf(sha256(id));
      const session = kv.get<Session>(key);
      if (session === undefined) return undefined;
      if (session.expiresAtMs > now()) return session;
      kv.delete(key);
      return undefined;
    },
    end(id) {
      if (!ID_PATTERN.test(id)) return false;
      const hash = sha256(id);
      const index = kv.get<IndexEntry[]>(INDEX_KEY) ?? [];
      kv.set(
        INDEX_KEY,
        index.filter((entry) => entry.hash !== hash),
      );
      return kv.delete(keyOf(hash));
    },
  };
}

/** The value of the session cookie in a `Cookie` header, or `undefined`. */
export function sessionIdOf(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The `Set-Cookie` value of a session: HttpOnly, SameSite=Strict, Path=/, `Secure` when the page came over https.
 * `id` undefined: the cookie that ends it in the browser.
 */
export function sessionCookie(id: string | undefined, options: { secure: boolean; maxAgeMs?: number }): string {
  const maxAge = id === undefined ? 0 : Math.floor((options.maxAgeMs ?? SESSION_TTL_MS) / 1000);
  const attributes = [`${SESSION_COOKIE}=${id ?? ''}`, 'HttpOnly', 'SameSite=Strict', 'Path=/', `Max-Age=${maxAge}`];
  if (options.secure) attributes.push('Secure');
  return attributes.join('; ');
}

/** Whether `presented` (an `X-CSRF-Token` header) is the session's CSRF token; compared in constant time. */
export function csrfMatches(session: Session, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const expected = Buffer.from(session.csrfToken, 'utf8');
  const given = Buffer.from(presented, 'utf8');
  return given.length === expected.length && timingSafeEqual(expected, given);
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A key-value store in memory, as JSON (the store's copies-out semantics). */
function memoryKeyValue(): SessionKeyValue {
  const values = new Map<string, string>();
  return {
    get: <T>(key: string) => {
      const text = values.get(key);
      return text === undefined ? undefined : (JSON.parse(text) as T);
    },
    set: (key, value) => {
      values.set(key, JSON.stringify(value));
    },
    delete: (key) => values.delete(key),
  };
}
