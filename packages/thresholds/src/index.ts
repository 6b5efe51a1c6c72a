export type { AlertNotification } from './alert-notification.ts';
export type { AlertPlan, AlertPlanOptions, HostAlertPlan } from './alert-plan.ts';
export { createAlertPlan, isMuted } from './alert-plan.ts';
export type { AlertDefaults, AlertLevel, AlertRule } from './alert-rule.ts';
export { alertKey, compileAlertRules, DEFAULT_REPEAT_MS, HOST_SILENT_KEY } from './alert-rule.ts';
export type {
  AlertMode,
  AlertPhase,
  AlertReason,
  AlertState,
  AlertTransition,
  Observation,
  StepContext,
  StepResult,
} from './alert-state.ts';
export { ALERT_MODES } from './alert-state.ts';
export type { NotificationFormatOptions } from './alert-text.ts';
export { alertLabel, formatNotification, formatNotifications, isReportLike, RECOVERY_TYPE } from './alert-text.ts';
export type { AlertingSettings, HostAlerting, ParsedAlerting } from './alerting-config.ts';
export { DEFAULT_ALERTING, DEFAULT_FORGET_AFTER_MS, parseAlerting } from './alerting-config.ts';
export type { DurationRead } from './duration.ts';
export { parseDuration, readDuration } from './duration.ts';
export type { Breach, Evaluation } from './evaluation.ts';
export { evaluate } from './evaluation.ts';
export type { EvaluateHostOptions, HostEvaluation } from './host-evaluation.ts';
export { alertOfKey, evaluateHost } from './host-evaluation.ts';
export { humanDuration, humanSize } from './human-units.ts';
export { acknowledge, isIdle, step } from './lifecycle.ts';
export type { DiskMetric } from './metrics.ts';
export { DISK_METRICS, KNOWN_METRICS } from './metrics.ts';
export type { Report, ReportFormat, ValueUnit } from './report.ts';
export {
  DEFAULT_REPORT_FORMAT,
  DEFAULT_VALUE_UNITS,
  formatMetricValue,
  formatReport,
  UNKNOWN_HOST,
} from './report.ts';
export type { FromSampleOptions, ReportInput } from './report-input.ts';
export { fromLegacy, fromSample } from './report-input.ts';
export type { Direction, Operator, Rule } from './rule.ts';
export { crosses, DEFAULT_CLEAR_MARGIN, defaultClear, EVERY_MOUNT, OPERATORS } from './rule.ts';
export type { ParsedThresholds, ThresholdProblem, ThresholdSpec, ThresholdsConfig } from './rule-parser.ts';
export { DEFAULT_THRESHOLDS, DEFAULT_THRESHOLDS_CONFIG, parseThresholds } from './rule-parser.ts';
export type { SilenceSpan } from './silence-match.ts';
export { hostSilentUntil, matchSilences, SILENCE_ALL } from './silence-match.ts';
export type {
  JudgedYetOptions,
  ReportingHost,
  SilentHostsDue,
  SilentHostsDueOptions,
} from './silent-host-timing.ts';
export { expectedHostsSince, isJudgedYet, silentHostsDue } from './silent-host-timing.ts';
export type { CheckSilentHostsOptions, HostSighting, SilentHostsCheck } from './silent-hosts.ts';
export {
  checkSilentHosts,
  FALLBACK_INTERVAL_MS,
  MIN_SILENT_AFTER_MS,
  silentAfterMs,
  usualIntervalMs,
} from './silent-hosts.ts';
