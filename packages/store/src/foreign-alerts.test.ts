import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from './index.ts';

let dir: string;
let store: Store;
let clock: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'janitor-store-foreign-'));
  clock = 1_000;
  store = openStore({ path: join(dir, 'janitor.db'), now: () => clock });
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('foreign alerts', () => {
  it('keeps a state per source and key, replaces it, and forgets it', () => {
    store.foreignAlerts.put('alertmanager', 'fp1', { level: 'warning' });
    store.foreignAlerts.put('grafana', 'fp1', { level: 'alarm' });
    clock = 2_000;
    store.foreignAlerts.put('alertmanager', 'fp1', { level: 'error' });
    expect(store.foreignAlerts.get('alertmanager', 'fp1')).toEqual({ level: 'error' });
    expect(store.foreignAlerts.get('grafana', 'fp1')).toEqual({ level: 'alarm' });
    expect(store.foreignAlerts.get('alertmanager', 'other')).toBeUndefined();
    expect(store.foreignAlerts.list()).toEqual([
      { source: 'alertmanager', key: 'fp1', state: { level: 'error' }, updatedAtMs: 2_000 },
      { source: 'grafana', key: 'fp1', state: { level: 'alarm' }, updatedAtMs: 1_000 },
    ]);
    expect(store.foreignAlerts.list('grafana').map((row) => row.key)).toEqual(['fp1']);
    expect(store.foreignAlerts.delete('alertmanager', 'fp1')).toBe(true);
    expect(store.foreignAlerts.delete('alertmanager', 'fp1')).toBe(false);
    expect(store.foreignAlerts.list().map((row) => row.source)).toEqual(['grafana']);
  });

  it('writes nothing when the transaction around it fails', () => {
    expect(() =>
      store.transaction(() => {
        store.foreignAlerts.put('alertmanager', 'fp1', { level: 'warning' });
        throw new Error('the post could not be queued');
      }),
    ).toThrow('the post could not be queued');
    expect(store.foreignAlerts.get('alertmanager', 'fp1')).toBeUndefined();
  });

  it('refuses a state JSON cannot hold, or a row without source or key', () => {
    expect(() => store.foreignAlerts.put('alertmanager', 'fp1', undefined)).toThrow(TypeError);
    expect(() => store.foreignAlerts.put('', 'fp1', {})).toThrow(/source and a key/);
    expect(() => store.foreignAlerts.put('grafana', '', {})).toThrow(/source and a key/);
    expect(store.foreignAlerts.list()).toEqual([]);
  });

  it('survives reopening the file', () => {
    store.foreignAlerts.put('uptime-kuma', '12', { since: 5 });
    store.close();
    store = openStore({ path: join(dir, 'janitor.db') });
    expect(store.foreignAlerts.get('uptime-kuma', '12')).toEqual({ since: 5 });
  });
});
