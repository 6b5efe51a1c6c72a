// `janitor status`: the fleet as a table, as the dashboard's first page shows it.
import { type FleetView, formatAgo, formatFiring, formatMetricValue, type HostView } from '@janitor/protocol';

/** Options of {@link formatFleetTable}. */
export interface FleetTableOptions {
  /** What "last seen" is relative to. @default fleet.nowMs (the clock of whoever answered) */
  nowMs?: number;
  /** The longest line (a terminal's width): a longer one is cut and ends with `…`. @default no limit */
  width?: number;
}

const HEADER = ['HOST', 'STATE', 'LAST SEEN', 'CPU', 'MEMORY', 'DISK', 'ALERTS'] as const;

/**
 * The fleet as a table, one line per host in the order given (problems first), columns aligned: host, state, last
 * seen (`12s ago`), CPU and memory (`12.5%`), the fullest filesystem (`71% /`), the firing alerts
 * (`CPU %: 97% (warning)`); `-` where there is no value. No lines for an empty fleet.
 *
 * @example
 * formatFleetTable(fleet, { width: process.stdout.columns })
 * // ['HOST  STATE  LAST SEEN  CPU    MEMORY  DISK   ALERTS',
 * //  'pi1   up     12s ago    12.5%  40%     71% /  CPU %: 97% (warning)']
 */
export function formatFleetTable(fleet: FleetView, options: FleetTableOptions = {}): string[] {
  if (fleet.hosts.length === 0) return [];
  const { nowMs = fleet.nowMs, width } = options;
  const rows = [HEADER.slice(), ...fleet.hosts.map((host) => hostRow(host, nowMs))];
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  return rows.map((row) => {
    const line = row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
    return width !== undefined && width > 0 && line.length > width ? `${line.slice(0, width - 1)}…` : line;
  });
}

function hostRow(host: HostView, nowMs: number): string[] {
  const value = (key: string) => {
    const v = host.latest?.values[key];
    return v === undefined ? '-' : formatMetricValue(key, v);
  };
  return [
    host.hostname,
    host.state,
    host.lastSeenMs === null ? 'never' : formatAgo(host.lastSeenMs, nowMs),
    value('cpu_percent'),
    value('memory_percent'),
    host.worstDisk === null
      ? '-'
      : `${formatMetricValue('disk_usage_percent', host.worstDisk.percent)} ${host.worstDisk.mount}`,
    host.firing.map(formatFiring).join(', '),
  ];
}
