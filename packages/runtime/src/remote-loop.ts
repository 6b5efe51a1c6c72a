// The long-running loop of remote mode (`janitor-agent --mode remote --interval N`, what `janitor start` runs).
import { createCollector } from '@janitor/metrics';
import type { Sample } from '@janitor/protocol';
import { formatDryRunReport, openRemote, type RemoteOptions, remoteFailure } from './remote-mode.ts';
import { runRemoteReport } from './remote-report.ts';
import type { Runtime } from './runtime.ts';
import { type StopSignalSource, stopOnSignals } from './stop-signals.ts';

/** Options of {@link runRemoteLoop}. */
export interface RemoteLoopOptions extends RemoteOptions {
  /** Time from the start of one report to the start of the next. */
  intervalSeconds: number;
  /** Takes the sample. @default one collector for the whole loop, its counters in memory */
  collect?: () => Promise<Sample>;
  /** Where dry-run reports are printed. @default stdout */
  out?: (text: string) => void;
  /** Stops the loop from outside (tests, embedding). SIGTERM and SIGINT stop it too. */
  signal?: AbortSignal;
  /** Where SIGTERM and SIGINT come from. @default process */
  signals?: StopSignalSource;
}

/**
 * `janitor-agent --mode remote --interval N` (what `janitor start` runs): a report every `intervalSeconds`, the
 * spooled ones first, until SIGTERM or SIGINT (logged with its name; the wait and the report in flight are cut short).
 * A dry run prints each report with `out`; a hub that is down gets it later from the spool; a refused report or token
 * is logged and the loop goes on, so the hub's owner can fix it without a restart here.
 *
 * @example
 * await runRemoteLoop(runtime, { hub: 'http://hub.lan:5000', intervalSeconds: 60 });
 */
export async function runRemoteLoop(runtime: Runtime, options: RemoteLoopOptions): Promise<void> {
  const { intervalSeconds, collect, out = (text) => process.stdout.write(`${text}\n`), signal, signals } = options;
  const { logger } = runtime;
  // Loaded here: a cron run of remote mode never loops.
  const { runLoop } = await import('@janitor/scheduler');
  const { target, send, spool } = openRemote(runtime, options);
  const take = collect ?? createCollector({ logger }).collect;
  const stop = stopOnSignals(logger, 'agent', { signal, ...(signals ? { signals } : {}) });
  logger.info('agent started', {
    mode: 'remote',
    hub: target.url,
    intervalSeconds,
    spooled: spool.pending().length,
  });
  try {
    await runLoop({
      intervalMs: intervalSeconds * 1000,
      stopOn: [],
      signal: stop.signal,
      tick: async (tickSignal) => {
        const outcome = await runRemoteReport({
          collect: take,
          send,
          spool,
          logger,
          format: target.format,
          dryRun: runtime.dryRun,
          signal: tickSignal,
        });
        if (outcome.status === 'dry-run') out(formatDryRunReport(target.url, target.format, outcome.sample));
        const failure = remoteFailure(outcome);
        if (failure) logger.error(failure.message);
      },
      onError: (error) =>
        logger.error('report failed', { error: error instanceof Error ? error.message : String(error) }),
    });
  } finally {
    stop.dispose();
  }
  logger.info('agent stopped');
}
