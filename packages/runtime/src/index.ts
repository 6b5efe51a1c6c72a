// Moved to @janitor/protocol (the bot describes the fleet too); kept here under their old names.
export {
  formatAgo,
  formatBytes,
  formatFiring,
  formatMetricValue,
  formatNumber,
  formatSpan,
  formatUtcMinute,
} from '@janitor/protocol';
export type { AgentDist, AgentDistOptions, AgentDistStatus, AgentFile, BuildAgent } from './agent-dist.ts';
export { AGENT_FILE, createAgentDist } from './agent-dist.ts';
// The light part: what every command needs before it knows what it will do. Heavier parts are subpaths, loaded by
// the commands that use them: `@janitor/runtime/posting` (the publisher and its worker), `@janitor/runtime/remote`
// (remote mode: collect, send, spool), `@janitor/runtime/tasks` (the task runner of `app.schedules`).
export type { AgentInstallCommand, AgentInstallCommandOptions } from './agent-install.ts';
export { agentInstallCommand } from './agent-install.ts';
export type { ChecksCommandOptions } from './check-commands.ts';
export { checksCommand } from './check-commands.ts';
export type { CheckTableOptions } from './check-table.ts';
export { formatCheckTable } from './check-table.ts';
export type { Component, ComponentsOptions, IntervalOptions, RunningComponents } from './components.ts';
export { ComponentStartError, intervalComponent, settlesWithin, startComponents } from './components.ts';
export type { MigrateConfigOptions } from './config-commands.ts';
export { migrateConfig, validateConfig, writeMigratedConfig } from './config-commands.ts';
export type { FleetTableOptions } from './fleet-table.ts';
export { formatFleetTable } from './fleet-table.ts';
export type { HistoryReportOptions } from './history-report.ts';
export { DEFAULT_SPARKLINE_WIDTH, formatHistory } from './history-report.ts';
export type { HubCommandOptions, ListenOptions } from './hub-commands.ts';
export { EXIT_NOT_RUNNING, listenCommand, listenStatus, listenStop } from './hub-commands.ts';
export type { DetachOptions, HubArgs } from './hub-control.ts';
export {
  hubArgv,
  localUrl,
  probeHealth,
  runHubForeground,
  startHubDetached,
  stopHub,
} from './hub-control.ts';
export { binEntryPoint, hubEntryPoint } from './hub-entry.ts';
export type { HubFiles, HubState } from './hub-process.ts';
export { hubFiles, hubState, isAlive } from './hub-process.ts';
export { installScript } from './install-script.ts';
export type { MainJobOptions } from './main-job.ts';
export { runMainJob } from './main-job.ts';
export { mastodonTest } from './mastodon-test.ts';
export type { ExecCommandOptions, HubChoice, SendCommandOptions } from './message-commands.ts';
export { execCommand, readMessageFrom, sendCommand } from './message-commands.ts';
export { HUB_NODE_FLAGS } from './node-flags.ts';
export type { OutboxCommandOptions } from './outbox-commands.ts';
export { outboxFlush, outboxList, outboxRetry } from './outbox-commands.ts';
export type { ShownEntry } from './outbox-view.ts';
export { formatCounts, formatDrain, formatEntry, listOutbox } from './outbox-view.ts';
export type { PostingMode, PostingReason, PostingRuntime } from './posting-mode.ts';
export { announcePostingMode, postingMode, requirePosting } from './posting-mode.ts';
export { parseDurationSeconds, parseHubUrl, parsePort, runProgram } from './program-runner.ts';
export type { HistoryCommandOptions, ReadCommandOptions, StatusCommandOptions } from './read-commands.ts';
export { historyCommand, statusCommand } from './read-commands.ts';
export type { ReadSource, ReadSourceChoice } from './read-source.ts';
export { openReadSource } from './read-source.ts';
export type { Runtime, RuntimeOptions } from './runtime.ts';
export { CliError, describeFailure, EXIT, formatDryRunPost, openRuntime } from './runtime.ts';
export type { SeriesSummary } from './series-summary.ts';
export { alignSeries, summarizeSeries } from './series-summary.ts';
export type { SilenceCommandOptions } from './silence-commands.ts';
export { formatSilence, hostsForget, silenceList, silenceRemove, silenceStart } from './silence-commands.ts';
export { SPARK_BLOCKS, sparkline } from './sparkline.ts';
export { ensureStateDir, resolveStateDir, stateLine } from './state-dir.ts';
export { readTokenFile } from './token-file.ts';
