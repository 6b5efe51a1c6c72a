import { describe, expect, it } from 'vitest';
import { type HostView, parseFleetView, parseHostDetailView, parseHostView } from './fleet-view.ts';

const NOW = 1_764_662_400_000;

/** A host as the contract of GET /api/v1/hosts shows it. */
const PI1: HostView = {
  hostname: 'pi1',
  state: 'up',
  lastSeenMs: NOW - 10_000,
  silencedUntilMs: null,
  latest: { atMs: NOW - 10_000, values: { cpu_percent: 12.5, memory_percent: 40, 'disk_usage_percent@/': 71 } },
  worstDisk: { mount: '/', percent: 71 },
  firing: [{ key: 'cpu_percent', label: 'CPU %', level: 'warning', value: 97, limit: 90, sinceMs: NOW - 400_000 }],
};

/** A host that never reported. */
const NEVER: HostView = {
  hostname: 'nas',
  state: 'silent',
  lastSeenMs: null,
  silencedUntilMs: null,
  latest: null,
  worstDisk: null,
  firing: [],
};

describe('parseFleetView', () => {
  it('takes the fleet as the hub answers it, dropping fields it does not know', () => {
    const body = { nowMs: NOW, hosts: [{ ...NEVER, extra: 1 }, PI1], limits: {} };
    expect(parseFleetView(body)).toEqual({ ok: true, value: { nowMs: NOW, hosts: [NEVER, PI1] } });
  });

  it('reads missing nullable fields as null and a missing alert list as empty', () => {
    const body = { nowMs: NOW, hosts: [{ hostname: 'nas', state: 'silent' }] };
    expect(parseFleetView(body)).toEqual({ ok: true, value: { nowMs: NOW, hosts: [NEVER] } });
  });

  it('uses the key of an alert without a label as its label, and takes an alert without a level', () => {
    const alert = { key: 'load_1', level: null, value: null, limit: null, sinceMs: NOW };
    const parsed = parseFleetView({ nowMs: NOW, hosts: [{ ...NEVER, firing: [alert] }] });
    expect(parsed.ok && parsed.value.hosts[0]?.firing).toEqual([{ ...alert, label: 'load_1' }]);
  });

  it.each<[string, unknown, string | undefined]>([
    ['not an object', [PI1], undefined],
    ['no clock', { hosts: [] }, 'nowMs'],
    ['no host list', { nowMs: NOW }, 'hosts'],
    ['a host without a name', { nowMs: NOW, hosts: [PI1, { ...PI1, hostname: '' }] }, 'hosts[1].hostname'],
    ['a state it does not know', { nowMs: NOW, hosts: [{ ...PI1, state: 'down' }] }, 'hosts[0].state'],
    ['a last seen that is text', { nowMs: NOW, hosts: [{ ...PI1, lastSeenMs: 'now' }] }, 'hosts[0].lastSeenMs'],
    [
      'a latest value that is not a number',
      { nowMs: NOW, hosts: [{ ...PI1, latest: { atMs: NOW, values: { cpu_percent: '12' } } }] },
      'hosts[0].latest.values.cpu_percent',
    ],
    [
      'a latest value under a name that is no series key',
      { nowMs: NOW, hosts: [{ ...PI1, latest: { atMs: NOW, values: JSON.parse('{"__proto__": 1}') } }] },
      'hosts[0].latest.values.__proto__',
    ],
    [
      'a worst disk without a mount',
      { nowMs: NOW, hosts: [{ ...PI1, worstDisk: { percent: 3 } }] },
      'hosts[0].worstDisk.mount',
    ],
    [
      'an alert level that is not text',
      { nowMs: NOW, hosts: [{ ...PI1, firing: [{ ...PI1.firing[0], level: 2 }] }] },
      'hosts[0].firing[0].level',
    ],
    [
      'an alert without its start',
      { nowMs: NOW, hosts: [{ ...PI1, firing: [{ ...PI1.firing[0], sinceMs: null }] }] },
      'hosts[0].firing[0].sinceMs',
    ],
  ])('refuses %s, naming the field', (_meaning, body, field) => {
    const parsed = parseFleetView(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect([parsed.error.status, parsed.error.field]).toEqual([400, field]);
  });
});

describe('parseHostView', () => {
  it('takes one host and names its fields under host', () => {
    expect(parseHostView(PI1)).toEqual({ ok: true, value: PI1 });
    expect(parseHostView({ ...PI1, state: 5 })).toMatchObject({ ok: false, error: { field: 'host.state' } });
  });
});

describe('parseHostDetailView', () => {
  it('takes a host with its series keys and the limits of its rules', () => {
    const body = {
      ...PI1,
      keys: ['cpu_percent', 'disk_usage_percent@/'],
      limits: { cpu_percent: { warning: 80, critical: 95 } },
    };
    expect(parseHostDetailView(body)).toEqual({ ok: true, value: body });
  });

  it.each<[string, unknown, string]>([
    ['a key that is no series key', { ...PI1, keys: ['cpu_percent', 'CPU'] }, 'host.keys[1]'],
    [
      'limits that are not numbers',
      { ...PI1, limits: { cpu_percent: { warning: '80' } } },
      'host.limits.cpu_percent.warning',
    ],
  ])('refuses %s, naming the field', (_meaning, body, field) => {
    expect(parseHostDetailView(body)).toMatchObject({ ok: false, error: { status: 400, field } });
  });
});
