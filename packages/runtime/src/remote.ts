// `@janitor/runtime/remote`: remote mode (collect, send to the hub, spool while it is down), loaded only by the
// commands that report to a hub.
export type { CommandReport, ReportCommandOptions } from './command-report.ts';
export { reportCommandResult } from './command-report.ts';
export type { RemoteLoopOptions } from './remote-loop.ts';
export { runRemoteLoop } from './remote-loop.ts';
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
