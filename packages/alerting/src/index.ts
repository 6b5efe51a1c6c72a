export type {
  AlertEngine,
  AlertEngineOptions,
  AlertEngineStore,
  AlertOutcome,
  SilenceRequest,
} from './alert-engine.ts';
export { createAlertEngine, REPORT_TIMES_KEPT } from './alert-engine.ts';
export { sameStates } from './same-states.ts';
