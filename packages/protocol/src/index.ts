export type { LogFields, Logger } from './logger.ts';
export { silentLogger } from './logger.ts';
export type { Message } from './message.ts';
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
export type { DiskSample, LegacyMetricKey, LegacySysData, NetworkSample, ReportV2, Sample } from './sample.ts';
export { EXTRA_METRIC_KEYS, LEGACY_METRIC_KEYS, REPORT_VERSION, toLegacySysData } from './sample.ts';
