import { createJanitorClient, type Sample, toLegacySysData } from '@janitor/protocol';
import type { WireFormat } from './spool.ts';

export interface ReportSenderOptions {
  /** The hub's base URL (`/sysinfo` is appended). */
  url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Deadline of each request. @default 5000 */
  timeoutMs?: number;
}

/** Sends one report to the hub; resolves on a 2xx, throws a `JanitorClientError` (with `retryable`) otherwise. */
export type ReportSender = (report: { format: WireFormat; sample: Sample }) => Promise<void>;

/**
 * A sender of reports to `POST /sysinfo` through @janitor/protocol's client: the v2 report, or for hubs of the
 * original (`--legacy`) its `{"sys_data": …}` body, with the same validation, timeout and error semantics.
 */
export function createReportSender(options: ReportSenderOptions): ReportSender {
  const { url, token, fetch: fetchImpl = globalThis.fetch, timeoutMs } = options;
  const common = { url, ...(token ? { token } : {}), ...(timeoutMs === undefined ? {} : { timeoutMs }) };
  const v2 = createJanitorClient({ ...common, fetch: fetchImpl });
  return async ({ format, sample }) => {
    if (format === 'v2') return v2.report(sample);
    // The client posts v2 reports only; the legacy body replaces it on the way out, so the sample is still checked
    // by the hub's own validator and failures keep the client's meaning (retryable or not).
    const body = JSON.stringify({ sys_data: toLegacySysData(sample) });
    const legacy = createJanitorClient({
      ...common,
      fetch: (input, init) => fetchImpl(input, { ...init, body }),
    });
    return legacy.report(sample);
  };
}
