import { join } from 'node:path';
import { collect } from '@janitor/metrics';
import { type Sample, toLegacySysData } from '@janitor/protocol';
import { type RemoteReportOutcome, runRemoteReport } from './remote-report.ts';
import { createReportSender, type ReportSender } from './report-sender.ts';
import { CliError, EXIT, type Runtime } from './runtime.ts';
import { createSpool, type Spool, type WireFormat } from './spool.ts';
import { resolveStateDir } from './state-dir.ts';

/** Command-line choices of remote mode; each falls back to the config (see {@link remoteTarget}). */
export interface RemoteOptions {
  /** `--hub URL`. @default app.service.remote_url */
  hub?: string;
  /** `--token T`. @default $JANITOR_HUB_TOKEN, else app.service.remote_token */
  token?: string;
  /** `--legacy`: send the original's `{"sys_data": …}` to a hub of the original. */
  legacy?: boolean;
  /** Bound of the spool. @default 1440 */
  maxSpoolFiles?: number;
  env?: Record<string, string | undefined>;
}

/** Where and how this agent reports. */
export interface RemoteTarget {
  url: string;
  token: string | undefined;
  format: WireFormat;
  /** The agent's state folder; the spool is its `spool/` subfolder. */
  stateDir: string;
}

/** Resolves the hub URL (`--hub`, else `app.service.remote_url`), the token and the state folder. */
export function remoteTarget(runtime: Runtime, options: RemoteOptions = {}): RemoteTarget {
  const env = options.env ?? process.env;
  const service = runtime.config.data.app.service;
  const token = options.token || env.JANITOR_HUB_TOKEN?.trim() || service.remote_token || undefined;
  return {
    url: options.hub ?? service.remote_url,
    token,
    format: options.legacy ? 'legacy' : 'v2',
    stateDir: resolveStateDir(runtime.config, env),
  };
}

/** The pieces of remote mode, wired from the runtime: the target, the sender and the spool. */
export function openRemote(
  runtime: Runtime,
  options: RemoteOptions = {},
): { target: RemoteTarget; send: ReportSender; spool: Spool } {
  const target = remoteTarget(runtime, options);
  const send = createReportSender({ url: target.url, ...(target.token ? { token: target.token } : {}) });
  const spool = createSpool({
    dir: join(target.stateDir, 'spool'),
    logger: runtime.logger,
    ...(options.maxSpoolFiles === undefined ? {} : { maxFiles: options.maxSpoolFiles }),
  });
  return { target, send, spool };
}

/**
 * `janitor-agent --mode remote --once` and `janitor run remote`: one collection (counters kept in
 * `<state_dir>/metrics-state.json`), spooled reports first, then this one.
 */
export async function runRemoteOnce(runtime: Runtime, options: RemoteOptions = {}): Promise<RemoteReportOutcome> {
  const { target, send, spool } = openRemote(runtime, options);
  return runRemoteReport({
    collect: () => collect({ stateFile: join(target.stateDir, 'metrics-state.json'), logger: runtime.logger }),
    send,
    spool,
    logger: runtime.logger,
    format: target.format,
    dryRun: runtime.dryRun,
  });
}

/**
 * The exit status of a remote run: success when the report was sent or kept in the spool (the hub is down: it will
 * be delivered later, and the warning is logged), a {@link CliError} when the hub refused it: 1 for a report it will
 * never take, 4 for a refused token.
 */
export function remoteFailure(outcome: RemoteReportOutcome): CliError | undefined {
  const reason = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
  if (outcome.status === 'rejected') return new CliError(`the hub rejected the report: ${reason}`, EXIT.failure);
  if (outcome.status === 'refused') {
    return new CliError(
      `the hub refused the token (${reason}); the report is spooled: set --token, JANITOR_HUB_TOKEN or app.service.remote_token`,
      EXIT.credentials,
    );
  }
  return undefined;
}

/** A dry-run report as a person reads it: where it would go and the exact body. */
export function formatDryRunReport(url: string, format: WireFormat, sample: Sample): string {
  const body = format === 'legacy' ? { sys_data: toLegacySysData(sample) } : { version: 2, sample };
  return [
    '--- dry run: this report was not sent ---',
    `POST ${url.replace(/\/+$/, '')}/sysinfo`,
    JSON.stringify(body, null, 2),
    '---',
  ].join('\n');
}

/**
 * The command `janitor-agent --mode remote --once` and `janitor run remote` share: one run, the dry-run report
 * printed with `out`, and a {@link CliError} thrown when the hub refused the report or the token.
 */
export async function remoteOnceCommand(
  runtime: Runtime,
  options: RemoteOptions = {},
  out: (text: string) => void = (text) => process.stdout.write(`${text}\n`),
): Promise<RemoteReportOutcome> {
  const outcome = await runRemoteOnce(runtime, options);
  if (outcome.status === 'dry-run') {
    const target = remoteTarget(runtime, options);
    out(formatDryRunReport(target.url, target.format, outcome.sample));
  }
  const failure = remoteFailure(outcome);
  if (failure) throw failure;
  return outcome;
}
