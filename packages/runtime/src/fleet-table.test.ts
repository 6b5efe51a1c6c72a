import type { FleetView, HostView } from '@janitor/protocol';
import { describe, expect, it } from 'vitest';
import { formatFleetTable } from './fleet-table.ts';

const NOW = 1_764_662_400_000;

const host = (over: Partial<HostView>): HostView => ({
  hostname: 'pi1',
  state: 'up',
  lastSeenMs: NOW - 12_000,
  silencedUntilMs: null,
  latest: null,
  worstDisk: null,
  firing: [],
  ...over,
});

const FLEET: FleetView = {
  nowMs: NOW,
  hosts: [
    host({
      hostname: 'nas',
      state: 'silent',
      lastSeenMs: NOW - 3 * 3_600_000,
      latest: { atMs: NOW - 3 * 3_600_000, values: { cpu_percent: 3.25, memory_percent: 61.04 } },
      worstDisk: { mount: '/srv/data', percent: 91.5 },
      firing: [
        {
          key: 'host_silent',
          label: 'host silent',
          level: 'critical',
          value: null,
          limit: null,
          sinceMs: NOW - 3_000_000,
        },
        {
          key: 'disk_usage_percent@/srv/data',
          label: 'disk /srv/data',
          level: 'warning',
          value: 91.5,
          limit: 90,
          sinceMs: NOW,
        },
      ],
    }),
    host({
      hostname: 'pi1',
      latest: { atMs: NOW - 12_000, values: { cpu_percent: 12.5, memory_percent: 40, 'disk_usage_percent@/': 71 } },
      worstDisk: { mount: '/', percent: 71 },
    }),
    host({
      hostname: 'vps',
      state: 'silenced',
      lastSeenMs: null,
      silencedUntilMs: NOW + 3_600_000,
      firing: [{ key: 'load_1', label: 'load', level: null, value: 4, limit: null, sinceMs: NOW }],
    }),
  ],
};

describe('formatFleetTable', () => {
  it('lines up a row per host: state, last seen, CPU, memory, the fullest disk and the firing alerts', () => {
    expect(formatFleetTable(FLEET)).toEqual([
      'HOST  STATE     LAST SEEN  CPU    MEMORY  DISK             ALERTS',
      'nas   silent    3h ago     3.3%   61%     91.5% /srv/data  host silent (critical), disk /srv/data: 91.5% (warning)',
      'pi1   up        12s ago    12.5%  40%     71% /',
      'vps   silenced  never      -      -       -                load: 4',
    ]);
  });

  it('counts last seen from the given clock', () => {
    expect(formatFleetTable(FLEET, { nowMs: NOW + 60_000 })[2]).toBe('pi1   up        1m ago     12.5%  40%     71% /');
  });

  it('cuts a line longer than the width with an ellipsis', () => {
    const lines = formatFleetTable(FLEET, { width: 40 });
    expect(lines[1]).toBe('nas   silent    3h ago     3.3%   61%  …');
    // Cut lines all end at the width, even inside a column's padding.
    expect(lines[3]).toBe('vps   silenced  never      -      -    …');
    expect(lines.every((line) => line.length <= 40)).toBe(true);
  });

  it('has no lines for an empty fleet', () => {
    expect(formatFleetTable({ nowMs: NOW, hosts: [] })).toEqual([]);
  });
});
