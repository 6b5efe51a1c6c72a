export type { LocalCheckDeps, LocalCheckOutcome } from './local-check.ts';
export { runLocalCheck } from './local-check.ts';
export type { Runtime, RuntimeOptions } from './runtime.ts';
export { CliError, describeFailure, EXIT, formatDryRunPost, openRuntime, publisherFor } from './runtime.ts';
