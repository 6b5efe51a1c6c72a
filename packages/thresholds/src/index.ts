export type { Breach, Evaluation } from './evaluation.ts';
export { evaluate } from './evaluation.ts';
export { humanDuration, humanSize } from './human-units.ts';
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
export type { Operator, Rule } from './rule.ts';
export { crosses, EVERY_MOUNT, OPERATORS } from './rule.ts';
export type { ParsedThresholds, ThresholdProblem, ThresholdSpec, ThresholdsConfig } from './rule-parser.ts';
export { DEFAULT_THRESHOLDS, DEFAULT_THRESHOLDS_CONFIG, parseThresholds } from './rule-parser.ts';
