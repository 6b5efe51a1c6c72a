export type {
  AlertmanagerAlert,
  AlertmanagerAlertsOptions,
  AlertmanagerWebhook,
  AlertmanagerWebhookOptions,
  GrafanaWebhook,
} from './alertmanager-webhook.ts';
export { alertmanagerAlerts, parseAlertmanagerWebhook, parseGrafanaWebhook } from './alertmanager-webhook.ts';
export type { PingKind } from './check-ping.ts';
export { MAX_EXIT_STATUS, parsePingSegment, pingPath } from './check-ping.ts';
export type { CheckStatus, ChecksView, CheckView, PingKindName } from './check-view.ts';
export { CHECK_SLUG_PATTERN, CHECK_STATUSES, PING_KINDS, parseChecksView } from './check-view.ts';
export { describeValue } from './describe-value.ts';
export type { DurationRead } from './duration.ts';
export { parseDuration, readDuration } from './duration.ts';
export { formatFiring } from './fleet-text.ts';
export type {
  FiringAlertView,
  FleetView,
  HostDetailView,
  HostState,
  HostView,
  LatestValuesView,
  WorstDiskView,
} from './fleet-view.ts';
export { HOST_STATES, parseFleetView, parseHostDetailView, parseHostView } from './fleet-view.ts';
export type { ForeignAlert, ForeignStatus } from './foreign-alert.ts';
export { FOREIGN_SOURCES, foreignSourceName, severityType } from './foreign-alert.ts';
export type { FormBodyOptions, FormFields } from './form-body.ts';
export { parseFormBody } from './form-body.ts';
export { parseGenericWebhook, parseGenericWebhookRequest } from './generic-webhook.ts';
export type {
  AlertLogRequest,
  ClientMessage,
  JanitorClient,
  JanitorClientErrorOptions,
  JanitorClientOptions,
  LogRequest,
  SendReceipt,
} from './janitor-client.ts';
export { createJanitorClient, JanitorClientError } from './janitor-client.ts';
export type { JsonBodyOptions, Utf8Options } from './json-body.ts';
export { decodeUtf8Strict, parseJsonBody } from './json-body.ts';
export type {
  AlertLogEntry,
  AlertLogPage,
  AlertLogTransition,
  MessageLogEntry,
  MessageLogPage,
} from './log-entry.ts';
export {
  ALERT_LOG_ENDINGS,
  ALERT_LOG_OPEN,
  ALERT_LOG_TRANSITIONS,
  parseAlertLogPage,
  parseMessageLogPage,
} from './log-entry.ts';
export type { AlertLogQuery, MessageLogQuery, QueryParameters } from './log-query.ts';
export { DEFAULT_LOG_LIMIT, MAX_LOG_LIMIT, parseAlertLogQuery, parseMessageLogQuery } from './log-query.ts';
export type { LogFields, Logger } from './logger.ts';
export { silentLogger } from './logger.ts';
export type { Message } from './message.ts';
export type { MessageParseResult } from './message-fields.ts';
export { parseMessageFields } from './message-fields.ts';
export type { MessageType } from './message-type.ts';
export {
  CROSSED_MARKER,
  compareSeverity,
  isMessageType,
  MESSAGE_ICONS,
  MESSAGE_TYPES,
  parseMessageType,
  worstType,
} from './message-type.ts';
export { formatBytes, formatMetricValue, formatNumber } from './metric-value.ts';
export type { NeutralizeOptions } from './neutralize.ts';
export { NEUTRALIZER, neutralize } from './neutralize.ts';
export type { AlertAbout, MessageAbout, PostAbout, ReportAbout } from './post-about.ts';
export { isPostAbout } from './post-about.ts';
export type { ParsedReport } from './report.ts';
export { parseReport } from './report.ts';
export type { BodyKind, RawRequest, RawRequestOptions } from './request-body.ts';
export { bodyKind, parseJsonRequest, parseMessageRequest, parseReportRequest } from './request-body.ts';
export type { DiskSample, LegacyMetricKey, LegacySysData, NetworkSample, ReportV2, Sample } from './sample.ts';
export { EXTRA_METRIC_KEYS, LEGACY_METRIC_KEYS, REPORT_VERSION, toLegacySysData } from './sample.ts';
export type { SeriesPointsView, SeriesRequest, SeriesTier, SeriesView } from './series-view.ts';
export { parseSeriesView, SERIES_TIERS, toSeriesBody } from './series-view.ts';
export type { SilenceFields, SilenceOrder } from './silence-request.ts';
export {
  HOST_SILENT_RULE,
  MAX_SILENCE_MS,
  MAX_SILENCE_REASON_LENGTH,
  parseSilenceFields,
  parseSilenceRequest,
  SILENCE_WILDCARD,
} from './silence-request.ts';
export type { SilenceView } from './silence-view.ts';
export { parseSilenceView } from './silence-view.ts';
export { parseTimeParameter } from './time-parameter.ts';
export { formatAgo, formatSpan, formatUtcMinute } from './time-words.ts';
export type { UptimeKumaEvent, UptimeKumaOptions } from './uptime-kuma-webhook.ts';
export { parseUptimeKumaWebhook, UPTIME_KUMA_STATUS } from './uptime-kuma-webhook.ts';
export type { ParseResult, WireError, WireErrorBody, WireIssue, WireStatus } from './wire-error.ts';
export { wireErrorBody } from './wire-error.ts';
export { METRIC_NAME_PATTERN, WIRE_LIMITS } from './wire-limits.ts';
