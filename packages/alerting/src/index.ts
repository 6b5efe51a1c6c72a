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
export type {
  ForeignAlertEngine,
  ForeignAlertEngineOptions,
  ForeignAlertStore,
  ForeignChange,
  ForeignFiring,
  ForeignOutcome,
} from './foreign-engine.ts';
export { createForeignAlertEngine } from './foreign-engine.ts';
export type {
  ForeignAlertState,
  ForeignLogRow,
  ForeignPost,
  ForeignReason,
  ForeignStep,
  ForeignStepContext,
} from './foreign-lifecycle.ts';
export { foreignPost, stepForeign } from './foreign-lifecycle.ts';
export type { LocalCheckDeps, LocalCheckOutcome, LocalStore, LocalWorkerHooks } from './local-check.ts';
export { runLocalCheck } from './local-check.ts';
export { sameStates } from './same-states.ts';
