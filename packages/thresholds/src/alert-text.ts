import { CROSSED_MARKER, MESSAGE_ICONS, type MessageType, worstType } from '@janitor/protocol';
import type { AlertNotification } from './alert-notification.ts';
import { type AlertLevel, HOST_SILENT_KEY } from './alert-rule.ts';
import { evaluate } from './evaluation.ts';
import { humanDuration } from './human-units.ts';
import {
  DEFAULT_REPORT_FORMAT,
  formatMetricValue,
  formatReport,
  type Report,
  type ReportFormat,
  UNKNOWN_HOST,
} from './report.ts';
import type { ReportInput } from './report-input.ts';
import type { Operator, Rule } from './rule.ts';

/** Options of {@link formatNotification} and {@link formatNotifications}. */
export interface NotificationFormatOptions {
  /** The report that made the notifications due: `firing`, `escalated` and `report` posts show its lines. */
  input?: ReportInput;
  /** The host's rules (`plan.host(hostname).rules`), which mark the crossed lines of the report. @default [] */
  rules?: readonly Rule[];
  /** @default DEFAULT_REPORT_FORMAT */
  format?: ReportFormat;
}

/** The type of a post about a recovery: a resolved alert, a host reporting again. */
export const RECOVERY_TYPE: MessageType = 'info';

const OPERATOR_WORDS: Readonly<Record<Operator, string>> = Object.freeze({
  '>': 'over',
  '>=': 'at or over',
  '<': 'under',
  '<=': 'at or under',
});

/**
 * The posts for a list of notifications, in order: the `firing` (and `report`) ones become a single post, the
 * original's report of `input` with every crossed line marked, so followers see the context once; every other
 * notification is a post of its own ({@link formatNotification}).
 *
 * @example formatNotifications(result.notifications, { input, rules: plan.host('pi1').rules })
 */
export function formatNotifications(
  notifications: readonly AlertNotification[],
  options: NotificationFormatOptions = {},
): Report[] {
  const posts: Report[] = [];
  const starts = notifications.filter(isReportLike);
  let reported = false;
  for (const notification of notifications) {
    if (!isReportLike(notification)) posts.push(formatNotification(notification, options));
    else if (!reported) {
      reported = true;
      posts.push(reportPost(starts, options));
    }
  }
  return posts;
}

/**
 * The post of one notification, as `{ spoiler, text, type }` like `formatReport`. The spoiler is
 * `<icon> <hostname>`; the texts:
 *
 * - `firing`/`report`: the original's report lines of `options.input` (one line for the metric without it); an
 *   alert that started earlier (held back by a silence) adds `CPU % over 80 since 12:02 UTC (2h 5m)`.
 * - `repeat`: `CPU % on pi1 firing for 2h 5m, now 93.1 (fires over 80, clears at 76)`
 * - `escalated`: `CPU % on pi1 escalated from warning to alarm: 96.2 (over 95)`, then the report lines
 * - `deescalated`: `CPU % on pi1 down from alarm to warning: 91 (fires over 80, firing for 25m)`
 * - `resolved` (type info): `CPU % on pi1 recovered: 41.2 (was over 80 for 35m)`
 * - host silent (alarm): `pi1 has not reported for 12m (last report 14:02 UTC)`; reminder `pi1 is still silent: ...`;
 *   back (info): `pi1 is reporting again after 25m of silence`
 *
 * Times print in UTC, with the date when it is not the day of the notification.
 */
export function formatNotification(notification: AlertNotification, options: NotificationFormatOptions = {}): Report {
  const n = notification;
  if (isReportLike(n)) return reportPost([n], options);
  const format = options.format ?? DEFAULT_REPORT_FORMAT;
  const host = hostnameOf(n);
  const type = n.reason === 'resolved' ? RECOVERY_TYPE : n.level;
  const post = (text: string): Report => ({ spoiler: spoilerOf(type, host), text, type });
  if (n.metric === HOST_SILENT_KEY) return post(silenceText(n, host));

  const what = `${titleOf(n, format)} on ${host}`;
  const value = formatMetricValue(n.metric, n.value, format);
  const limit = limitText(n.metric, n.limit, format);
  const duration = durationText(n.durationMs);
  const clear = formatMetricValue(n.metric, n.limit.clear, format);
  switch (n.reason) {
    case 'repeat':
      return post(`${what} firing for ${duration}, now ${value} (fires ${limit}, clears at ${clear})`);
    case 'escalated': {
      const head = `${what} escalated from ${n.previousLevel ?? 'none'} to ${n.level}: ${value} (${limit})`;
      return post(options.input === undefined ? head : `${head}\n\n${reportLines(options)}`);
    }
    case 'deescalated':
      return post(
        `${what} down from ${n.previousLevel ?? 'none'} to ${n.level}: ${value} (fires ${limit}, firing for ${duration})`,
      );
    default:
      return post(`${what} recovered: ${value} (was ${limit} for ${duration})`);
  }
}

/** Whether a notification is one of the report-like ones (`firing`, `report`) that share one post per report. */
export function isReportLike(n: AlertNotification): boolean {
  return (n.reason === 'firing' || n.reason === 'report') && n.metric !== HOST_SILENT_KEY;
}

/** The original's report for the firing notifications of one report, plus when each began if before now. */
function reportPost(notifications: readonly AlertNotification[], options: NotificationFormatOptions): Report {
  const format = options.format ?? DEFAULT_REPORT_FORMAT;
  const type = worstType(notifications.map((n) => n.level)) ?? 'none';
  const host = notifications[0] === undefined ? UNKNOWN_HOST : hostnameOf(notifications[0]);
  const lines: string[] = [];
  if (options.input !== undefined) lines.push(reportLines(options));
  else {
    for (const n of notifications) {
      lines.push(`- **${titleOf(n, format)}**: ${formatMetricValue(n.metric, n.value, format)} ${CROSSED_MARKER}`);
    }
  }
  for (const n of notifications) {
    if (n.reason !== 'firing' || n.durationMs < 60_000) continue;
    const since = clock(n.firingSince, n.at);
    lines.push(
      `${titleOf(n, format)} ${limitText(n.metric, n.limit, format)} since ${since} (${durationText(n.durationMs)})`,
    );
  }
  return { spoiler: spoilerOf(type, host), text: lines.join('\n'), type };
}

function reportLines(options: NotificationFormatOptions): string {
  const input = options.input!;
  return formatReport(input, evaluate(input, options.rules ?? []), options.format ?? DEFAULT_REPORT_FORMAT).text;
}

function silenceText(n: AlertNotification, host: string): string {
  const last = n.lastSeenAt === undefined ? undefined : `last report ${clock(n.lastSeenAt, n.at)}`;
  switch (n.reason) {
    case 'resolved':
      return n.lastSeenAt === undefined
        ? `${host} has sent its first report`
        : `${host} is reporting again after ${durationText(n.at - n.lastSeenAt)} of silence`;
    case 'repeat':
      return last === undefined
        ? `${host} has still never reported (expected; nothing for ${durationText(n.value)})`
        : `${host} is still silent: no report for ${durationText(n.value)} (${last})`;
    default:
      return last === undefined
        ? `${host} has never reported (expected; nothing for ${durationText(n.value)})`
        : `${host} has not reported for ${durationText(n.value)} (${last})`;
  }
}

/**
 * The name of an alert as posts show it, for lists of alerts (the alert log, the dashboard): the metric's name from
 * `names_map` with the filesystem of a per-mount alert (`CPU %`, `Disk % (/data)`), `Host silent` for the silence
 * alarm.
 *
 * @example alertLabel({ metric: 'disk_usage_percent', mount: '/data' }) // 'Disk % (/data)'
 */
export function alertLabel(
  alert: Pick<AlertNotification, 'metric' | 'mount'>,
  format: ReportFormat = DEFAULT_REPORT_FORMAT,
): string {
  return alert.metric === HOST_SILENT_KEY ? 'Host silent' : titleOf(alert, format);
}

function titleOf(n: Pick<AlertNotification, 'metric' | 'mount'>, format: ReportFormat): string {
  const title = Object.hasOwn(format.namesMap, n.metric) ? (format.namesMap[n.metric] ?? n.metric) : n.metric;
  return n.mount === undefined ? title : `${title} (${n.mount})`;
}

function limitText(metric: string, limit: AlertLevel, format: ReportFormat): string {
  return `${OPERATOR_WORDS[limit.operator]} ${formatMetricValue(metric, limit.value, format)}`;
}

function hostnameOf(n: Pick<AlertNotification, 'hostname'>): string {
  return n.hostname.trim() === '' ? UNKNOWN_HOST : n.hostname;
}

function spoilerOf(type: MessageType, host: string): string {
  const icon = MESSAGE_ICONS[type];
  return icon === '' ? host : `${icon} ${host}`;
}

function durationText(ms: number): string {
  return humanDuration(Math.max(0, ms) / 1000);
}

/** `14:02 UTC`, with the date when `ms` is not on the UTC day of `reference`. */
function clock(ms: number, reference: number): string {
  const iso = new Date(ms).toISOString();
  const sameDay = iso.slice(0, 10) === new Date(reference).toISOString().slice(0, 10);
  return `${sameDay ? '' : `${iso.slice(0, 10)} `}${iso.slice(11, 16)} UTC`;
}
