import { type ForeignAlert, type ForeignStatus, foreignSourceName, severityType } from './foreign-alert.ts';
import {
  FOREIGN_TEXT_LENGTH,
  FOREIGN_TITLE_LENGTH,
  hostOfAddress,
  httpLink,
  outsideText,
  shortHash,
} from './webhook-text.ts';
import { createIssueList, type IssueList, type ParseResult } from './wire-error.ts';
import { WIRE_LIMITS } from './wire-limits.ts';
import { isRecord, own } from './wire-text.ts';

/** One alert of an Alertmanager (or Grafana) webhook, checked. Times are epoch ms; absent when the payload has none. */
export interface AlertmanagerAlert {
  status: ForeignStatus;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAtMs?: number;
  /** When it ended (a resolved alert); Alertmanager sends `0001-01-01T00:00:00Z` for a firing one: absent. */
  endsAtMs?: number;
  generatorURL?: string;
  /** What Alertmanager names the alert by (a hash of its labels): the key of its incidents. */
  fingerprint: string;
}

/**
 * Alertmanager's webhook payload (`version: "4"`), checked: what a `webhook_config` receiver is sent for a group of
 * alerts, at each change of the group and again every `repeat_interval`.
 */
export interface AlertmanagerWebhook {
  version: string;
  /** The group's status: `firing` while any of its alerts fires. */
  status?: ForeignStatus;
  receiver?: string;
  groupKey: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL?: string;
  /** How many alerts of the group the sender left out (`max_alerts`). */
  truncatedAlerts: number;
  alerts: AlertmanagerAlert[];
}

/** Grafana's webhook contact point payload (`version: "1"`): Alertmanager's, plus a few fields of its own. */
export interface GrafanaWebhook extends AlertmanagerWebhook {
  orgId?: number;
  /** `[FIRING:2] ...`: the group's title, as Grafana's default template writes it. */
  title?: string;
  /** `alerting` or `ok`. */
  state?: string;
  /** The whole group as Grafana's default template writes it. */
  message?: string;
}

/** What {@link parseAlertmanagerWebhook} reads: the version the sender must declare, and the name it is refused by. */
export interface AlertmanagerWebhookOptions {
  /** @default '4' (Alertmanager); Grafana sends '1'. */
  version?: string;
  /** Who the payload must come from, for the refusal of another version. @default 'Alertmanager' */
  sender?: string;
}

const STATUSES: readonly ForeignStatus[] = ['firing', 'resolved'];
const FINGERPRINT_LENGTH = 128;
const GROUP_KEY_LENGTH = 8192;
const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Checks an Alertmanager webhook payload (already parsed from JSON): `version` must be the one expected (`"4"`; another
 * is a 422 naming `version`), `alerts` a list of at most {@link WIRE_LIMITS}.webhookAlerts (more is a 413 naming
 * `alerts`: set `max_alerts` in the webhook_config), each with a `status` (`firing` or `resolved`), `labels` and
 * `annotations` of strings, a `fingerprint`, RFC 3339 `startsAt`/`endsAt`. Every problem is listed (a 400), each
 * naming its path (`alerts[3].labels.severity`). Fields it does not know are ignored; an optional field of the wrong
 * type is a problem.
 *
 * @example
 * const parsed = parseAlertmanagerWebhook(JSON.parse(body));
 * if (parsed.ok) alertmanagerAlerts(parsed.value); // [{ source: 'alertmanager', key: '4ea60a356c415082', ... }]
 */
export function parseAlertmanagerWebhook(
  body: unknown,
  options: AlertmanagerWebhookOptions = {},
): ParseResult<AlertmanagerWebhook> {
  const { version = '4', sender = 'Alertmanager' } = options;
  const issues = createIssueList(WIRE_LIMITS.issues);
  if (!isRecord(body)) {
    issues.add('body', `body must be a JSON object: ${sender}'s webhook payload`);
    return { ok: false, error: issues.toError(400) };
  }
  const declared = own(body, 'version');
  if (declared !== version) {
    const got =
      typeof declared === 'string' ? `"${declared.slice(0, 20)}"` : declared === undefined ? 'none' : 'not a string';
    issues.add('version', `version must be "${version}" (${sender}'s webhook payload), got ${got}`);
    return { ok: false, error: issues.toError(declared === undefined || typeof declared === 'string' ? 422 : 400) };
  }
  const alerts = own(body, 'alerts');
  if (!Array.isArray(alerts)) {
    issues.add('alerts', 'alerts must be a list of alerts');
    return { ok: false, error: issues.toError(400) };
  }
  if (alerts.length > WIRE_LIMITS.webhookAlerts) {
    issues.add(
      'alerts',
      `alerts must hold at most ${WIRE_LIMITS.webhookAlerts} alerts, got ${alerts.length}: set max_alerts to ${WIRE_LIMITS.webhookAlerts} or less in ${sender}'s webhook settings, and nothing is left unsaid (truncatedAlerts is posted)`,
    );
    return { ok: false, error: issues.toError(413) };
  }

  const status = optionalEnum(body, 'status', STATUSES, issues);
  const receiver = optionalString(body, 'receiver', issues);
  const groupKey = optionalString(body, 'groupKey', issues) ?? '';
  if (groupKey.length > GROUP_KEY_LENGTH)
    issues.add('groupKey', `groupKey must be at most ${GROUP_KEY_LENGTH} characters`);
  const groupLabels = stringMap(own(body, 'groupLabels'), 'groupLabels', issues, false);
  const commonLabels = stringMap(own(body, 'commonLabels'), 'commonLabels', issues, false);
  const commonAnnotations = stringMap(own(body, 'commonAnnotations'), 'commonAnnotations', issues, false);
  const externalURL = optionalString(body, 'externalURL', issues);
  const truncated = own(body, 'truncatedAlerts');
  let truncatedAlerts = 0;
  if (truncated !== undefined && truncated !== null) {
    if (typeof truncated !== 'number' || !Number.isSafeInteger(truncated) || truncated < 0) {
      issues.add('truncatedAlerts', 'truncatedAlerts must be a whole number, 0 or more');
    } else truncatedAlerts = truncated;
  }
  const checked = alerts.map((alert, i) => checkAlert(alert, `alerts[${i}]`, issues));

  if (issues.count > 0) return { ok: false, error: issues.toError(400) };
  const payload: AlertmanagerWebhook = {
    version,
    groupKey,
    groupLabels,
    commonLabels,
    commonAnnotations,
    truncatedAlerts,
    alerts: checked.filter((a): a is AlertmanagerAlert => a !== undefined),
  };
  if (status !== undefined) payload.status = status;
  if (receiver !== undefined) payload.receiver = receiver;
  if (externalURL !== undefined) payload.externalURL = externalURL;
  return { ok: true, value: payload };
}

/**
 * Checks a Grafana webhook contact point payload (`version: "1"`, another is a 422 naming `version`): the
 * Alertmanager shape ({@link parseAlertmanagerWebhook}) plus `orgId`, `title`, `state` and `message`.
 */
export function parseGrafanaWebhook(body: unknown): ParseResult<GrafanaWebhook> {
  const parsed = parseAlertmanagerWebhook(body, { version: '1', sender: 'Grafana' });
  if (!parsed.ok) return parsed;
  const fields = body as Record<string, unknown>;
  const issues = createIssueList(WIRE_LIMITS.issues);
  const payload: GrafanaWebhook = { ...parsed.value };
  const orgId = own(fields, 'orgId');
  if (orgId !== undefined && orgId !== null) {
    if (typeof orgId !== 'number' || !Number.isSafeInteger(orgId)) issues.add('orgId', 'orgId must be a whole number');
    else payload.orgId = orgId;
  }
  for (const name of ['title', 'state', 'message'] as const) {
    const value = optionalString(fields, name, issues);
    if (value !== undefined) payload[name] = value;
  }
  if (issues.count > 0) return { ok: false, error: issues.toError(400) };
  return { ok: true, value: payload };
}

/** Options of {@link alertmanagerAlerts}. */
export interface AlertmanagerAlertsOptions {
  /** The source the alerts are keyed under. @default 'alertmanager' */
  source?: string;
}

/**
 * The foreign alerts of a checked payload, one per alert, keyed by its fingerprint: its `severity` label picks the
 * type (see `severityType`), its `alertname` is the title, its `summary` and `description` annotations (or `message`)
 * the text of a firing alert (a resolved one has none: its thread says what it was), its host the `host`, `hostname`,
 * `nodename` or `instance` label (without the port), its link the `generatorURL`. Then one more alert about the
 * group, keyed by its group key: firing while the sender left alerts out (`truncatedAlerts`), which says how many,
 * resolved when none are.
 */
export function alertmanagerAlerts(
  payload: AlertmanagerWebhook,
  options: AlertmanagerAlertsOptions = {},
): ForeignAlert[] {
  const { source = 'alertmanager' } = options;
  const out = payload.alerts.map((alert): ForeignAlert => {
    const { labels, annotations } = alert;
    const firing = alert.status === 'firing';
    const text = firing
      ? [...new Set([annotations.summary, annotations.description ?? annotations.message])]
          .filter((line): line is string => typeof line === 'string' && line.trim() !== '')
          .map((line) => outsideText(line, FOREIGN_TEXT_LENGTH))
          .join('\n')
      : '';
    const foreign: ForeignAlert = {
      source,
      key: alert.fingerprint,
      status: alert.status,
      type: severityType(labels.severity),
      title: outsideText(labels.alertname ?? '', FOREIGN_TITLE_LENGTH, false) || 'alert',
      text: outsideText(text, FOREIGN_TEXT_LENGTH),
    };
    const host = hostOfLabels(labels);
    if (host !== undefined) foreign.host = host;
    if (alert.startsAtMs !== undefined) foreign.startsAtMs = alert.startsAtMs;
    const url = httpLink(alert.generatorURL);
    if (url !== undefined) foreign.url = url;
    return foreign;
  });
  out.push(truncationAlert(payload, source));
  return out;
}

/** The alert about the alerts a group left out: firing while there are some. */
function truncationAlert(payload: AlertmanagerWebhook, source: string): ForeignAlert {
  const n = payload.truncatedAlerts;
  const group = Object.entries(payload.groupLabels)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(', ');
  const where = group === '' ? 'of its group' : `of the group {${group}}`;
  const lines = [
    `${foreignSourceName(source)} left out ${n} more alert${n === 1 ? '' : 's'} ${where} (max_alerts in its webhook settings): they are not posted.`,
  ];
  const alert: ForeignAlert = {
    source,
    key: `truncated:${shortHash(payload.groupKey)}`,
    status: n > 0 ? 'firing' : 'resolved',
    type: 'warning',
    title: 'Alerts left out',
    text: outsideText(lines.join('\n'), FOREIGN_TEXT_LENGTH),
  };
  const url = httpLink(payload.externalURL);
  if (url !== undefined) alert.url = url;
  return alert;
}

/** The labels that may name the host an alert is about, in the order they are looked at. */
const HOST_LABELS = ['host', 'hostname', 'nodename', 'instance'] as const;

function hostOfLabels(labels: Record<string, string>): string | undefined {
  for (const name of HOST_LABELS) {
    const host = hostOfAddress(labels[name]);
    if (host !== undefined) return host;
  }
  return undefined;
}

function checkAlert(value: unknown, path: string, issues: IssueList): AlertmanagerAlert | undefined {
  if (!isRecord(value)) {
    issues.add(path, `${path} must be an object: an alert`);
    return undefined;
  }
  const before = issues.count;
  const status = own(value, 'status');
  if (!STATUSES.includes(status as ForeignStatus)) {
    issues.add(`${path}.status`, `${path}.status must be "firing" or "resolved"`);
  }
  const labels = stringMap(own(value, 'labels'), `${path}.labels`, issues, true);
  const annotations = stringMap(own(value, 'annotations'), `${path}.annotations`, issues, false);
  const fingerprint = own(value, 'fingerprint');
  if (typeof fingerprint !== 'string' || fingerprint.trim() === '') {
    issues.add(`${path}.fingerprint`, `${path}.fingerprint must be the alert's fingerprint (a non-empty string)`);
  } else if (fingerprint.length > FINGERPRINT_LENGTH || /[\s\p{C}]/u.test(fingerprint)) {
    issues.add(
      `${path}.fingerprint`,
      `${path}.fingerprint must be at most ${FINGERPRINT_LENGTH} visible characters without spaces`,
    );
  }
  const startsAtMs = time(value, 'startsAt', path, issues);
  const endsAtMs = time(value, 'endsAt', path, issues);
  const generatorURL = optionalString(value, 'generatorURL', issues, path);
  if (issues.count > before) return undefined;
  const alert: AlertmanagerAlert = {
    status: status as ForeignStatus,
    labels,
    annotations,
    fingerprint: fingerprint as string,
  };
  if (startsAtMs !== undefined) alert.startsAtMs = startsAtMs;
  if (endsAtMs !== undefined) alert.endsAtMs = endsAtMs;
  if (generatorURL !== undefined) alert.generatorURL = generatorURL;
  return alert;
}

/** A map of strings (labels, annotations): `{}` when absent and not `required`. */
function stringMap(value: unknown, path: string, issues: IssueList, required: boolean): Record<string, string> {
  if (value === undefined || value === null) {
    if (required) issues.add(path, `${path} is required: an object of strings`);
    return {};
  }
  if (!isRecord(value)) {
    issues.add(path, `${path} must be an object of strings`);
    return {};
  }
  // No prototype: a label named `__proto__` is just a label.
  const map = Object.create(null) as Record<string, string>;
  for (const [name, item] of Object.entries(value)) {
    if (typeof item !== 'string') issues.add(`${path}.${name}`, `${path}.${name} must be a string`);
    else map[name] = item;
  }
  return map;
}

/** An RFC 3339 time of the alert (epoch ms), undefined when absent or Go's zero time (`0001-01-01T00:00:00Z`). */
function time(alert: Record<string, unknown>, name: string, path: string, issues: IssueList): number | undefined {
  const value = own(alert, name);
  if (value === undefined || value === null || value === '') return undefined;
  const match = typeof value === 'string' ? RFC3339.exec(value) : null;
  if (match === null) {
    issues.add(`${path}.${name}`, `${path}.${name} must be an RFC 3339 time (2026-11-03T14:00:00Z)`);
    return undefined;
  }
  // Milliseconds only: Alertmanager writes nanoseconds, which Date.parse does not promise to read.
  const fraction = (match[3] ?? '.000').slice(0, 4).padEnd(4, '0');
  const ms = Date.parse(`${match[1]}T${match[2]}${fraction}${match[4]!.toUpperCase()}`);
  if (!Number.isFinite(ms)) {
    issues.add(`${path}.${name}`, `${path}.${name} must be an RFC 3339 time (2026-11-03T14:00:00Z)`);
    return undefined;
  }
  return ms > 0 ? ms : undefined;
}

function optionalString(
  record: Record<string, unknown>,
  name: string,
  issues: IssueList,
  path?: string,
): string | undefined {
  const value = own(record, name);
  if (value === undefined || value === null) return undefined;
  const field = path === undefined ? name : `${path}.${name}`;
  if (typeof value !== 'string') {
    issues.add(field, `${field} must be a string`);
    return undefined;
  }
  return value;
}

function optionalEnum<T extends string>(
  record: Record<string, unknown>,
  name: string,
  allowed: readonly T[],
  issues: IssueList,
): T | undefined {
  const value = own(record, name);
  if (value === undefined || value === null) return undefined;
  if (!allowed.includes(value as T)) {
    issues.add(name, `${name} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
    return undefined;
  }
  return value as T;
}
