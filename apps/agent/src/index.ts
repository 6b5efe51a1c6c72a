export type { LoopOptions } from './loop.ts';
export { runLoop } from './loop.ts';
export type { RemoteOptions, RemoteTarget } from './remote-mode.ts';
export {
  formatDryRunReport,
  openRemote,
  remoteFailure,
  remoteOnceCommand,
  remoteTarget,
  runRemoteOnce,
} from './remote-mode.ts';
export type { RemoteReportDeps, RemoteReportOutcome, RemoteStatus } from './remote-report.ts';
export { classifyDelivery, runRemoteReport } from './remote-report.ts';
export type { ReportSender, ReportSenderOptions } from './report-sender.ts';
export { createReportSender } from './report-sender.ts';
export type { Runtime, RuntimeOptions } from './runtime.ts';
export { CliError, describeFailure, EXIT, formatDryRunPost, openRuntime } from './runtime.ts';
export { publisherFor } from './runtime-publisher.ts';
export type {
  DeliveryVerdict,
  FlushOptions,
  FlushOutcome,
  Spool,
  SpooledReport,
  SpoolOptions,
  WireFormat,
} from './spool.ts';
export { createSpool, DEFAULT_SPOOL_MAX_FILES } from './spool.ts';
export { resolveStateDir } from './state-dir.ts';
