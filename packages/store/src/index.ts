export type { AlertLogEntry, AlertLogTransition, MessageLogEntry, PostAbout } from '@janitor/protocol';
export type { AlertLog, AlertLogFilter, AlertLogInput } from './alert-log.ts';
export type { AlertStore, HostRecord } from './alert-store.ts';
export type { SynchronousMode } from './database.ts';
export type { ForeignAlertRow, ForeignAlerts } from './foreign-alerts.ts';
export { createGroupCommit, createTurn } from './group-commit.ts';
export type { MaintainOptions, MaintainResult } from './history-maintain.ts';
export type { HistorySeries, SeriesPoints, SeriesQuery } from './history-series.ts';
export type { History, HistoryAppend, HistoryOptions, HistoryStats, LatestValues } from './history-store.ts';
export type { HistoryUpkeepOptions, HistoryUpkeepResult } from './history-upkeep.ts';
export { maintainHistory } from './history-upkeep.ts';
export type { KeyValue } from './key-value.ts';
export type { LogPage } from './log-page.ts';
export { DEFAULT_LOG_PAGE_SIZE, LogCursorError, MAX_LOG_PAGE_SIZE } from './log-page.ts';
export type { MessageLog, MessageLogFilter, MessageLogInput } from './message-log.ts';
export type { IncidentRef, NotificationEntry, NotificationInput, Notifications } from './notifications.ts';
export { DEFAULT_NOTIFICATION_RETENTION_MS } from './notifications.ts';
export type {
  ConfirmedPost,
  EnqueueInput,
  ListFilter,
  Outbox,
  OutboxCounts,
  OutboxEntry,
  OutboxState,
  ReplaceInput,
  RetryInput,
  UpdateOptions,
} from './outbox.ts';
export type { Silence, SilenceInput, Silences } from './silences.ts';
export { SILENCE_ALL } from './silences.ts';
export { openStore, type Store, type StoreFileState, type StoreOptions } from './store.ts';
export { StoreError, type StoreErrorDetails } from './store-error.ts';
