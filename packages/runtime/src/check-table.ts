// `janitor checks`: the job check-ins as a table.
import { describeTiming } from '@janitor/checks';
import { type ChecksView, type CheckView, formatAgo, formatSpan } from '@janitor/protocol';

/** Options of {@link formatCheckTable}. */
export interface CheckTableOptions {
  /** What "last ping" and "next deadline" are relative to. @default view.nowMs (the hub's clock) */
  nowMs?: number;
  /** The longest line (a terminal's width): a longer one is cut and ends with `…`. @default no limit */
  width?: number;
}

const HEADER = ['CHECK', 'HOST', 'STATE', 'LAST PING', 'NEXT DEADLINE', 'SCHEDULE'] as const;

/**
 * The checks as a table, one line per check in the order given, columns aligned: slug, host, state, last ping (`5m
 * ago (success)`, `2h ago (fail, exit 3)`), next deadline (`in 11h 55m`; `-` while it has a problem), and how it
 * expects its pings (`every 12h, grace 1h`, `0 2 * * * (UTC), grace 5m`). No lines when there is no check.
 *
 * @example
 * formatCheckTable(view)
 * // ['CHECK   HOST  STATE  LAST PING          NEXT DEADLINE  SCHEDULE',
 * //  'backup  nas   late   1d ago (success)   -              0 2 * * * (UTC), grace 5m']
 */
export function formatCheckTable(view: ChecksView, options: CheckTableOptions = {}): string[] {
  if (view.checks.length === 0) return [];
  const { nowMs = view.nowMs, width } = options;
  const rows = [HEADER.slice(), ...view.checks.map((check) => checkRow(check, nowMs))];
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  return rows.map((row) => {
    const line = row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
    return width !== undefined && width > 0 && line.length > width ? `${line.slice(0, width - 1)}…` : line;
  });
}

function checkRow(check: CheckView, nowMs: number): string[] {
  const exit = check.lastExitStatus === null || check.lastExitStatus === 0 ? '' : `, exit ${check.lastExitStatus}`;
  const lastPing =
    check.lastPingMs === null ? 'never' : `${formatAgo(check.lastPingMs, nowMs)} (${check.lastPingKind}${exit})`;
  const deadline = check.nextDeadlineMs;
  const next = deadline === null ? '-' : deadline > nowMs ? `in ${formatSpan(deadline - nowMs)}` : 'passed';
  const timing =
    check.kind === 'cron'
      ? { kind: 'cron' as const, schedule: check.schedule ?? '?', timezone: check.timezone ?? 'UTC' }
      : { kind: 'period' as const, periodMs: check.periodMs ?? 0 };
  return [
    check.slug,
    check.host ?? '-',
    check.status,
    lastPing,
    next,
    describeTiming({ timing, graceMs: check.graceMs }),
  ];
}
