// @janitor/thresholds/parse: reading the rules and the alerting settings a config declares, and the report format's
// defaults, without the evaluation, the lifecycle and the texts. Every command loads it with its config
// (@janitor/config), cron-run ones included, so it stays this small.
export type { AlertingSettings, HostAlerting, ParsedAlerting } from './alerting-config.ts';
export { DEFAULT_ALERTING, parseAlerting } from './alerting-config.ts';
export type { ReportFormat } from './report.ts';
export { DEFAULT_REPORT_FORMAT } from './report.ts';
export type { Rule } from './rule.ts';
export type { ParsedThresholds, ThresholdProblem, ThresholdSpec, ThresholdsConfig } from './rule-parser.ts';
export { DEFAULT_THRESHOLDS, DEFAULT_THRESHOLDS_CONFIG, parseThresholds } from './rule-parser.ts';
