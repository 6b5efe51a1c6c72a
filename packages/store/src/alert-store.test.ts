import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store, StoreError } from './index.ts';

let dir: string;
const opened: Store[] = [];

function open(now: () => number = () => 1_000): Store {
  const store = openStore({ path: join(dir, 'janitor.db'), now, synchronous: 'NORMAL' });
  opened.push(store);
  return store;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'janitor-store-alerts-'));
});

afterEach(() => {
  for (const store of opened.splice(0)) store.close();
  rmSync(dir, { recursive: true, force: true });
});

const firing = { phase: 'firing', level: 'warning', since: 60_000, notifiedLevel: 'warning', lastNotifiedAt: 60_000 };
const pending = { phase: 'pending', level: 'alarm', since: 120_000, pendingSince: { alarm: 120_000 } };

describe('store.alerts', () => {
  it('keeps each host’s states by alert key across a reopen', () => {
    let store = open();
    store.alerts.putHost('pi1', { cpu_percent: firing, 'disk_usage_percent@/data': pending });
    store.alerts.putHost('vps', { memory_percent: pending });
    store.close();
    store = open();
    expect(store.alerts.getHost('pi1')).toEqual({ cpu_percent: firing, 'disk_usage_percent@/data': pending });
    expect(store.alerts.getHost('vps')).toEqual({ memory_percent: pending });
    expect(store.alerts.getHost('never')).toEqual({});
    expect(store.alerts.allStates()).toEqual({
      pi1: { cpu_percent: firing, 'disk_usage_percent@/data': pending },
      vps: { memory_percent: pending },
    });
  });

  it('putHost replaces the host’s states: a key left out is deleted, other hosts are untouched', () => {
    const store = open();
    store.alerts.putHost('pi1', { cpu_percent: firing, memory_percent: pending });
    store.alerts.putHost('vps', { cpu_percent: firing });
    store.alerts.putHost('pi1', { memory_percent: firing });
    expect(store.alerts.getHost('pi1')).toEqual({ memory_percent: firing });
    store.alerts.putHost('pi1', {});
    expect(store.alerts.allStates()).toEqual({ vps: { cpu_percent: firing } });
  });

  it('a state that JSON cannot hold is a TypeError and changes nothing', () => {
    const store = open();
    store.alerts.putHost('pi1', { cpu_percent: firing });
    expect(() => store.alerts.putHost('pi1', { cpu_percent: undefined, memory_percent: pending })).toThrow(TypeError);
    expect(store.alerts.getHost('pi1')).toEqual({ cpu_percent: firing });
  });

  it('states and posts written in one transaction are kept or lost together', () => {
    const store = open();
    expect(() =>
      store.transaction(() => {
        store.alerts.putHost('pi1', { cpu_percent: firing });
        store.outbox.enqueue({ payload: { text: 'CPU on pi1' }, groupKey: 'pi1' });
        throw new Error('the hub failed before answering');
      }),
    ).toThrow('the hub failed before answering');
    expect(store.alerts.getHost('pi1')).toEqual({});
    expect(store.outbox.counts().pending).toBe(0);
    store.transaction(() => {
      store.alerts.putHost('pi1', { cpu_percent: firing });
      store.outbox.enqueue({ payload: { text: 'CPU on pi1' }, groupKey: 'pi1' });
    });
    expect(store.alerts.getHost('pi1')).toEqual({ cpu_percent: firing });
    expect(store.outbox.counts().pending).toBe(1);
  });

  it('records the hosts that reported, with their recent report times', () => {
    let store = open();
    expect(store.alerts.getSeen('pi1')).toBeUndefined();
    store.alerts.putSeen({ hostname: 'pi1', lastSeenMs: 120_000, reportTimesMs: [0, 60_000, 120_000] });
    store.alerts.putSeen({ hostname: 'a-vps', lastSeenMs: 5_000, reportTimesMs: [5_000] });
    store.alerts.putSeen({ hostname: 'pi1', lastSeenMs: 180_000, reportTimesMs: [60_000, 120_000, 180_000] });
    store.close();
    store = open();
    expect(store.alerts.hosts()).toEqual([
      { hostname: 'a-vps', lastSeenMs: 5_000, reportTimesMs: [5_000] },
      { hostname: 'pi1', lastSeenMs: 180_000, reportTimesMs: [60_000, 120_000, 180_000] },
    ]);
    expect(store.alerts.getSeen('pi1')?.lastSeenMs).toBe(180_000);
    expect(() => store.alerts.putSeen({ hostname: 'x', lastSeenMs: Number.NaN, reportTimesMs: [] })).toThrow(TypeError);
  });

  it('forgetHost deletes a host’s states and record, and says whether there was anything', () => {
    const store = open();
    store.alerts.putHost('old', { host_silent: firing });
    store.alerts.putSeen({ hostname: 'old', lastSeenMs: 1, reportTimesMs: [1] });
    store.alerts.putHost('pi1', { cpu_percent: firing });
    expect(store.alerts.forgetHost('old')).toBe(true);
    expect(store.alerts.forgetHost('old')).toBe(false);
    expect(store.alerts.allStates()).toEqual({ pi1: { cpu_percent: firing } });
    expect(store.alerts.hosts()).toEqual([]);
  });

  it('throws a StoreError once the store is closed', () => {
    const store = open();
    store.close();
    expect(() => store.alerts.getHost('pi1')).toThrow(StoreError);
  });
});

describe('store.silences', () => {
  it('adds silences with increasing ids, the creation time from the clock, and defaults', () => {
    let clock = 1_000;
    const store = open(() => clock);
    const a = store.silences.add({ hostname: 'pi1', untilMs: 7_201_000 });
    clock = 2_000;
    const b = store.silences.add({ hostname: '*', key: 'cpu_percent', untilMs: 5_000, reason: 'deploy' });
    expect(a).toEqual({ id: 1, hostname: 'pi1', key: '*', untilMs: 7_201_000, reason: null, createdAtMs: 1_000 });
    expect(b).toEqual({
      id: 2,
      hostname: '*',
      key: 'cpu_percent',
      untilMs: 5_000,
      reason: 'deploy',
      createdAtMs: 2_000,
    });
    expect(store.silences.get(2)).toEqual(b);
    expect(store.silences.get(3)).toBeUndefined();
  });

  it('active(now) lists the running ones; purge deletes the ended ones; both survive a reopen', () => {
    let store = open();
    store.silences.add({ hostname: 'pi1', untilMs: 10_000 });
    store.silences.add({ hostname: 'pi2', key: 'disk_usage_percent@/data', untilMs: 20_000 });
    store.close();
    store = open();
    expect(store.silences.active(9_999).map((s) => s.hostname)).toEqual(['pi1', 'pi2']);
    // A silence until 10 000 is over at 10 000.
    expect(store.silences.active(10_000).map((s) => s.hostname)).toEqual(['pi2']);
    expect(store.silences.purge(10_000)).toBe(1);
    expect(store.silences.list().map((s) => s.hostname)).toEqual(['pi2']);
  });

  it('remove says whether the silence existed; ids are never reused', () => {
    const store = open();
    const a = store.silences.add({ hostname: 'pi1', untilMs: 10_000 });
    expect(store.silences.remove(a.id)).toBe(true);
    expect(store.silences.remove(a.id)).toBe(false);
    expect(store.silences.add({ hostname: 'pi1', untilMs: 10_000 }).id).toBe(a.id + 1);
  });

  it('refuses a time that is not finite and an empty host or key', () => {
    const store = open();
    expect(() => store.silences.add({ hostname: 'pi1', untilMs: Number.POSITIVE_INFINITY })).toThrow(TypeError);
    expect(() => store.silences.add({ hostname: '', untilMs: 1 })).toThrow(TypeError);
    expect(() => store.silences.add({ hostname: 'pi1', key: '', untilMs: 1 })).toThrow(TypeError);
    expect(store.silences.list()).toEqual([]);
  });
});
