export type { CheckDefinition, CheckSettings, CheckTiming } from './check-definition.ts';
export {
  autoCheck,
  CHECKS_HOST,
  checkHost,
  checkKey,
  checkLabel,
  DEFAULT_CHECK_TIMEZONE,
  DEFAULT_GRACE_MS,
  DEFAULT_PERIOD_MS,
  isCheckSlug,
  NO_CHECKS,
} from './check-definition.ts';
export type { CheckProblem, ParsedChecks } from './check-parser.ts';
export { CHECK_KEYS, MAX_CHECK_DURATION_MS, MIN_CHECK_DURATION_MS, parseChecks } from './check-parser.ts';
export type {
  CheckChange,
  CheckChangeReason,
  CheckIncident,
  CheckProblemKind,
  CheckState,
  CheckStep,
} from './check-state.ts';
export { applyPing, checkStatus, checkTime, lateDeadline, newCheckState, nextDeadline } from './check-state.ts';
export type { CheckPost } from './check-text.ts';
export {
  checkLevel,
  checkPost,
  describeTiming,
  formatCheckSpan,
  formatCheckTime,
  POST_TAIL_CHARS,
  POST_TAIL_LINES,
} from './check-text.ts';
export { checkView } from './check-view.ts';
export { PING_BODY_TAIL_BYTES, pingBodyTail } from './ping-body.ts';
