// The policy's side of the dashboard: a configured token found by its secret or its digest, and a session's digest
// counting as the token it was created from.
import { describe, expect, it } from 'vitest';
import { createAccessPolicy, sha256Hex } from './access-policy.ts';

const READ = 'read-token-0123456789abcdef';
const ALL = 'all-token-0123456789abcdefg';
const policy = createAccessPolicy({
  tokens: [
    { name: 'viewer', token: READ, scopes: ['read'] },
    { name: 'old', token: ALL, hosts: ['pi1'] },
  ],
  allowNetworks: [],
});

describe('findToken', () => {
  it('finds a token by its secret, with its scopes (every one for a token without scopes) and hosts', () => {
    expect(policy.findToken({ token: READ })).toEqual({ name: 'viewer', sha256: sha256Hex(READ), scopes: ['read'] });
    expect(policy.findToken({ token: ALL })).toEqual({
      name: 'old',
      sha256: sha256Hex(ALL),
      scopes: ['read', 'write', 'admin'],
      hosts: ['pi1'],
    });
  });

  it('finds a token by its digest', () => {
    expect(policy.findToken({ sha256: sha256Hex(READ) })?.name).toBe('viewer');
  });

  it('finds nothing for another secret or digest', () => {
    for (const token of ['', READ.slice(1), `${READ} `, 'x'.repeat(300)])
      expect(policy.findToken({ token })).toBe(undefined);
    expect(policy.findToken({ sha256: sha256Hex('other') })).toBeUndefined();
    expect(policy.findToken({ sha256: READ })).toBeUndefined();
  });
});

describe('check with a session’s digest', () => {
  it('counts as the token, with its scopes', () => {
    expect(policy.check('8.8.8.8', { sha256: sha256Hex(READ) }, 'read')).toEqual({
      allowed: true,
      via: 'token',
      tokenName: 'viewer',
    });
    expect(policy.check('8.8.8.8', { sha256: sha256Hex(READ) }, 'admin')).toMatchObject({
      allowed: false,
      status: 403,
      tokenName: 'viewer',
    });
    expect(policy.check('8.8.8.8', { sha256: sha256Hex(ALL) }, 'admin')).toEqual({
      allowed: true,
      via: 'token',
      tokenName: 'old',
      hosts: ['pi1'],
    });
  });

  it('is refused once its token is gone from the config, naming the cookie', () => {
    const changed = createAccessPolicy({ tokens: [{ name: 'viewer', token: `${READ}-new` }], allowNetworks: [] });
    expect(changed.check('8.8.8.8', { sha256: sha256Hex(READ) }, 'read')).toMatchObject({
      allowed: false,
      status: 401,
      field: 'janitor_session',
    });
  });

  it('leaves bearer tokens as they were', () => {
    expect(policy.check('8.8.8.8', `Bearer ${READ}`, 'read')).toMatchObject({ allowed: true, tokenName: 'viewer' });
    expect(policy.check('8.8.8.8', `Bearer ${sha256Hex(READ)}`, 'read')).toMatchObject({
      allowed: false,
      status: 401,
      error: 'invalid token',
    });
  });
});

describe('check by the sender’s network', () => {
  it('gives each address the rights of its network, however many addresses it has seen, and for every scope', () => {
    const tokenless = createAccessPolicy({ tokens: [], allowNetworks: ['203.0.113.0/24'] });
    // More addresses than the policy remembers, each asked twice, in both orders of scope: what it remembers of one
    // address must never answer for another, or for another scope.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 5000; i++) {
        const a = i % 250;
        const b = Math.floor(i / 250);
        const priv = `10.${b}.${a}.1`;
        const open = `198.51.${b}.${a}`;
        const allowed = `203.0.113.${a}`;
        const scopes = round === 0 ? (['admin', 'write'] as const) : (['write', 'admin'] as const);
        for (const scope of scopes) {
          expect(tokenless.check(priv, undefined, scope).allowed).toBe(scope !== 'admin');
          expect(tokenless.check(open, undefined, scope).allowed).toBe(false);
          expect(tokenless.check(allowed, undefined, scope).allowed).toBe(true);
        }
      }
    }
    expect(tokenless.check('::ffff:10.0.0.7', undefined, 'write').allowed).toBe(true);
    expect(tokenless.check('127.0.0.1', undefined, 'admin').allowed).toBe(true);
  });
});
