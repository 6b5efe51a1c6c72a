export type {
  AckOutcome,
  AckRequest,
  AlertEngine,
  AlertEngineOptions,
  AlertEngineStore,
  AlertOutcome,
  HostAlertView,
  SilenceRequest,
} from './alert-engine.ts';
export { createAlertEngine, REPORT_TIMES_KEPT } from './alert-engine.ts';
export type { AlertChange, AlertDescription } from './alert-log-rows.ts';
export { alertLogRows } from './alert-log-rows.ts';
export type { CheckEngine, CheckEngineOptions, CheckEngineStore, PingOutcome } from './check-engine.ts';
export { createCheckEngine } from './check-engine.ts';
export type { DryRunStore } from './dry-run-store.ts';
export { createDryRunStore } from './dry-run-store.ts';
export type { LocalCheckDeps, LocalCheckOutcome, LocalStore, LocalWorkerHooks } from './local-check.ts';
export { runLocalCheck } from './local-check.ts';
export { sameStates } from './same-states.ts';
