import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from './index.ts';

let dir: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'janitor-store-kv-'));
  store = openStore({ path: join(dir, 'janitor.db') });
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kv', () => {
  it.each([
    ['an object', { lastRunMs: 12, hosts: ['pi', 'vps'] }],
    ['a string', 'text'],
    ['a number', 0.5],
    ['false', false],
    ['null', null],
  ])('keeps %s as JSON', (_, value) => {
    store.kv.set('key', value);
    expect(store.kv.get('key')).toEqual(value);
  });

  it('is undefined for a missing key, replaces on set, forgets on delete', () => {
    expect(store.kv.get('agent')).toBeUndefined();
    store.kv.set('agent', { v: 1 });
    store.kv.set('agent', { v: 2 });
    store.kv.set('other', 'x');
    expect(store.kv.get<{ v: number }>('agent')?.v).toBe(2);
    expect(store.kv.delete('agent')).toBe(true);
    expect(store.kv.delete('agent')).toBe(false);
    expect(store.kv.get('agent')).toBeUndefined();
    expect(store.kv.get('other')).toBe('x');
  });

  it('refuses a value JSON cannot hold', () => {
    expect(() => store.kv.set('k', undefined)).toThrow(TypeError);
    expect(() => store.kv.set('k', 1n)).toThrow(TypeError);
    expect(store.kv.get('k')).toBeUndefined();
  });

  it('survives reopening the file', () => {
    store.kv.set('state', { n: 3 });
    store.close();
    store = openStore({ path: join(dir, 'janitor.db') });
    expect(store.kv.get('state')).toEqual({ n: 3 });
  });
});
