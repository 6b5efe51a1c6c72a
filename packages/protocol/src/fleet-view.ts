import {
  choiceOf,
  isSeriesKeyLike,
  listAt,
  numberOf,
  numberOrNullOf,
  numbersByKey,
  readView,
  recordAt,
  textOf,
  textOrNullOf,
  ViewProblem,
} from './view-reader.ts';
import type { ParseResult } from './wire-error.ts';
import { own } from './wire-text.ts';

/** The states of a host: reporting (`up`), overdue (`silent`), or with its posts held back by a silence (`silenced`). */
export const HOST_STATES = ['up', 'silent', 'silenced'] as const;

/** A host's state, as the read API says it. */
export type HostState = (typeof HOST_STATES)[number];

/** An alert firing now, as the read API lists it under its host. */
export interface FiringAlertView {
  /** The alert's key: a metric (`cpu_percent`) or a metric and a mount (`disk_usage_percent@/data`). */
  key: string;
  /** How people read it: `CPU %`. */
  label: string;
  /** The message type of the level it fires at (`warning`, `alarm`, ...), when it has one. */
  level: string | null;
  /** The value that made it fire, when it has one. */
  value: number | null;
  /** The limit it crossed, when it has one. */
  limit: number | null;
  /** When it started firing, epoch ms. */
  sinceMs: number;
}

/** The newest values of a host: the time of its last report, and each value by series key. */
export interface LatestValuesView {
  atMs: number;
  /** By series key: `cpu_percent`, `memory_percent`, `disk_usage_percent@/`. */
  values: Record<string, number>;
}

/** A host's fullest filesystem. */
export interface WorstDiskView {
  mount: string;
  percent: number;
}

/** One host in `GET /api/v1/hosts`. */
export interface HostView {
  hostname: string;
  state: HostState;
  /** Its last report, epoch ms; null when it never reported (an expected host). */
  lastSeenMs: number | null;
  /** When its silence ends, epoch ms, while one runs. */
  silencedUntilMs: number | null;
  latest: LatestValuesView | null;
  worstDisk: WorstDiskView | null;
  firing: FiringAlertView[];
}

/**
 * The answer of `GET /api/v1/hosts`: the hub's clock and every host, those with problems (silent, firing) first, then
 * by hostname.
 */
export interface FleetView {
  /** The hub's clock when it answered, epoch ms: "last seen" is relative to it. */
  nowMs: number;
  hosts: HostView[];
}

/**
 * The answer of `GET /api/v1/hosts/{hostname}`: the host as the fleet lists it, the series it has, and the values of
 * its rules per series key and level (`{ "cpu_percent": { "warning": 80, "critical": 95 } }`).
 */
export interface HostDetailView extends HostView {
  keys: string[];
  limits: Record<string, Record<string, number>>;
}

/**
 * Checks the answer of `GET /api/v1/hosts` (see {@link FleetView}), for a client that must not trust what it is handed.
 * Fields it does not know are dropped; a problem is a 400 naming the field (`hosts[2].state`). Never throws.
 *
 * @example parseFleetView(await response.json()) // { ok: true, value: { nowMs, hosts: [...] } }
 */
export function parseFleetView(value: unknown): ParseResult<FleetView> {
  return readView(() => {
    const record = recordAt(value, '');
    const nowMs = numberOf(record, 'nowMs', '');
    const hosts = listAt(own(record, 'hosts'), 'hosts').map((host, i) => readHost(host, `hosts[${i}]`));
    return { nowMs, hosts };
  });
}

/** Checks one host of the fleet (see {@link HostView}); a problem names `host.<field>`. Never throws. */
export function parseHostView(value: unknown): ParseResult<HostView> {
  return readView(() => readHost(value, 'host'));
}

/** Checks the answer of `GET /api/v1/hosts/{hostname}` (see {@link HostDetailView}). Never throws. */
export function parseHostDetailView(value: unknown): ParseResult<HostDetailView> {
  return readView(() => {
    const host = readHost(value, 'host');
    const record = recordAt(value, 'host');
    const keys = listAt(own(record, 'keys') ?? [], 'host.keys').map((key, i) => {
      if (typeof key !== 'string' || !isSeriesKeyLike(key))
        throw new ViewProblem(`host.keys[${i}]`, 'expected a series key');
      return key;
    });
    const limitsRecord = recordAt(own(record, 'limits') ?? {}, 'host.limits');
    const limits: Record<string, Record<string, number>> = {};
    for (const key of Object.keys(limitsRecord)) {
      if (!isSeriesKeyLike(key)) throw new ViewProblem(`host.limits.${key}`, 'expected a series key');
      const levels = recordAt(limitsRecord[key], `host.limits.${key}`);
      limits[key] = {};
      for (const level of Object.keys(levels)) {
        if (!/^[a-z][a-z0-9_]*$/.test(level)) throw new ViewProblem(`host.limits.${key}.${level}`, 'expected a level');
        limits[key][level] = numberOf(levels, level, `host.limits.${key}`);
      }
    }
    return { ...host, keys, limits };
  });
}

function readHost(value: unknown, path: string): HostView {
  const record = recordAt(value, path);
  const latestValue = own(record, 'latest') ?? null;
  const latestRecord = latestValue === null ? null : recordAt(latestValue, `${path}.latest`);
  const diskValue = own(record, 'worstDisk') ?? null;
  const diskRecord = diskValue === null ? null : recordAt(diskValue, `${path}.worstDisk`);
  return {
    hostname: textOf(record, 'hostname', path),
    state: choiceOf(record, 'state', path, HOST_STATES),
    lastSeenMs: numberOrNullOf(record, 'lastSeenMs', path),
    silencedUntilMs: numberOrNullOf(record, 'silencedUntilMs', path),
    latest:
      latestRecord === null
        ? null
        : {
            atMs: numberOf(latestRecord, 'atMs', `${path}.latest`),
            values: numbersByKey(own(latestRecord, 'values') ?? {}, `${path}.latest.values`),
          },
    worstDisk:
      diskRecord === null
        ? null
        : {
            mount: textOf(diskRecord, 'mount', `${path}.worstDisk`),
            percent: numberOf(diskRecord, 'percent', `${path}.worstDisk`),
          },
    firing: listAt(own(record, 'firing') ?? [], `${path}.firing`).map((alert, i) =>
      readFiring(alert, `${path}.firing[${i}]`),
    ),
  };
}

function readFiring(value: unknown, path: string): FiringAlertView {
  const record = recordAt(value, path);
  const key = textOf(record, 'key', path);
  const label = own(record, 'label');
  return {
    key,
    label: typeof label === 'string' && label !== '' ? label : key,
    level: textOrNullOf(record, 'level', path),
    value: numberOrNullOf(record, 'value', path),
    limit: numberOrNullOf(record, 'limit', path),
    sinceMs: numberOf(record, 'sinceMs', path),
  };
}
