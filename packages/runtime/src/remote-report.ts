import type { Logger, Sample } from '@janitor/protocol';
import type { ReportSender } from './report-sender.ts';
import type { DeliveryVerdict, Spool, WireFormat } from './spool.ts';

/**
 * What happened to this run's report: `sent` (the hub answered 2xx), `spooled` (the hub is unreachable or answered
 * 5xx/408/429: kept on disk for the next run), `refused` (the hub refused the token, 401/403: kept, since fixing the
 * token makes it deliverable), `rejected` (any other 4xx: the hub will never take it; kept in `spool/rejected/`),
 * `dry-run` (logged, not sent).
 */
export type RemoteStatus = 'sent' | 'spooled' | 'refused' | 'rejected' | 'dry-run';

export interface RemoteReportOutcome {
  status: RemoteStatus;
  sample: Sample;
  /** Earlier reports delivered from the spool before this one. */
  delivered: number;
  /** Spooled reports the hub refused for good in this run (moved to `rejected/`). */
  rejected: number;
  /** Reports left in the spool after this run (this one included when it was spooled). */
  pending: number;
  /** Why this report was not sent, when it was not. */
  error?: unknown;
}

export interface RemoteReportDeps {
  collect: () => Promise<Sample>;
  send: ReportSender;
  spool: Spool;
  logger: Logger;
  /** @default 'v2' */
  format?: WireFormat;
  /** Log the report instead of sending it; the spool is left alone. */
  dryRun?: boolean;
  /** Stops delivering spooled reports between two of them (shutdown). */
  signal?: AbortSignal;
}

/** How the agent treats a failed delivery: see {@link RemoteStatus}. */
export function classifyDelivery(error: unknown): DeliveryVerdict | 'refused' {
  const { retryable, status } = (error ?? {}) as { retryable?: unknown; status?: unknown };
  if (status === 401 || status === 403) return 'refused';
  return retryable === true ? 'keep' : 'reject';
}

/**
 * Remote mode, once: collect a sample, deliver what the spool holds (oldest first), then this report. Whatever the
 * hub cannot take now is spooled, in order, for a later run; nothing is deleted before the hub answered 2xx.
 */
export async function runRemoteReport(deps: RemoteReportDeps): Promise<RemoteReportOutcome> {
  const { send, spool, logger, format = 'v2', dryRun = false, signal } = deps;
  const sample = await deps.collect();
  const report = { format, sample };
  if (dryRun) {
    logger.info('dry run: report not sent', { hostname: sample.hostname, spooled: spool.pending().length });
    return { status: 'dry-run', sample, delivered: 0, rejected: 0, pending: spool.pending().length };
  }
  const flushed = await spool.flush({
    deliver: send,
    classify: (error) => (classifyDelivery(error) === 'reject' ? 'reject' : 'keep'),
    ...(signal ? { signal } : {}),
  });
  const base = { sample, delivered: flushed.delivered, rejected: flushed.rejected };
  if (flushed.delivered > 0) logger.info('spooled reports delivered', { count: flushed.delivered });
  if (flushed.remaining > 0) {
    // Keep the order: this report goes after the ones still waiting.
    spool.add(report);
    const error = flushed.stoppedBy;
    const status = error !== undefined && classifyDelivery(error) === 'refused' ? 'refused' : 'spooled';
    if (flushed.busy) {
      logger.info('another run is delivering the spool: report spooled after it', { pending: spool.pending().length });
    } else {
      logger.warn(status === 'refused' ? 'hub refused the token: report spooled' : 'hub unavailable: report spooled', {
        pending: spool.pending().length,
        ...(error === undefined ? {} : { error: describe(error) }),
      });
    }
    return { status, ...base, pending: spool.pending().length, ...(error === undefined ? {} : { error }) };
  }
  try {
    await send(report);
  } catch (error) {
    const verdict = classifyDelivery(error);
    if (verdict === 'reject') {
      spool.reject(report, describe(error));
      return { status: 'rejected', ...base, pending: 0, error };
    }
    spool.add(report);
    const pending = spool.pending().length;
    logger.warn(verdict === 'refused' ? 'hub refused the token: report spooled' : 'hub unavailable: report spooled', {
      pending,
      error: describe(error),
    });
    return { status: verdict === 'refused' ? 'refused' : 'spooled', ...base, pending, error };
  }
  logger.info('report sent', { hostname: sample.hostname, cpu_percent: sample.metrics.cpu_percent });
  return { status: 'sent', ...base, pending: 0 };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
