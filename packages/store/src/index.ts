export type { SynchronousMode } from './database.ts';
export type { KeyValue } from './key-value.ts';
export type {
  EnqueueInput,
  ListFilter,
  Outbox,
  OutboxCounts,
  OutboxEntry,
  OutboxState,
  ReplaceInput,
  RetryInput,
} from './outbox.ts';
export { openStore, type Store, type StoreOptions } from './store.ts';
export { StoreError, type StoreErrorDetails } from './store-error.ts';
