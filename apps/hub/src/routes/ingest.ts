import { historyOfReport } from '@janitor/history';
import { type ParsedReport, parseReportRequest } from '@janitor/protocol';
import { createTurn, type HistoryAppend } from '@janitor/store';
import { type AlertPlan, evaluate, fromLegacy, fromSample, type ReportInput } from '@janitor/thresholds';
import { Hono } from 'hono';
import type { AccessCheck } from '../http/access-check.ts';
import type { HubApp, HubEnv } from '../http/hub-env.ts';
import { readBody } from '../http/read-body.ts';
import type { RequestLine } from '../http/request-line.ts';
import { storeLost } from '../http/store-lost.ts';
import { refuse } from '../http/wire-refusal.ts';

/** The alert lifecycle as ingest uses it (the hub's alert engine fits). */
export interface IngestAlerts {
  /** The rules of each host: what an answer lists as crossed. */
  readonly plan: Pick<AlertPlan, 'host'>;
  /** Evaluates a report; resolves once the host's states and the posts they call for are durable. */
  ingest(hostname: string | undefined, input: ReportInput): Promise<{ queued: readonly number[] }>;
}

type Outcome = { queued: readonly number[] };

/** What {@link createIngestRoutes} needs. */
export interface IngestRoutesDeps {
  alerts: IngestAlerts;
  /** The flat metrics a v2 report lists, in order (`system_info.report_keys`). @default the original's keys */
  reportKeys?: readonly string[] | undefined;
  access: Pick<AccessCheck, 'authorize' | 'checkHost'>;
  logged: RequestLine['logged'];
  /** Why nothing can be kept now (the store's file is gone), checked before every write. @default () => undefined */
  storeProblem?: (() => string | undefined) | undefined;
  /** Where each report is kept as history (`store.history`, group-committed); absent when the history is off. */
  history?: { keep(entry: HistoryAppend): Promise<unknown> } | undefined;
  /** The time a report is received (the original's reports carry none). @default Date.now */
  now?: (() => number) | undefined;
}

/**
 * `POST /` (mounted at `/sysinfo`): the original's `{"sys_data": …}` and the v2 report, through the alert lifecycle.
 * Answers `{ status: 'ok' | 'queued' | 'duplicate', crossed, id?, ids? }` once what the report changed is durable.
 * This is the hub's busiest route: every request costs one handler (no middleware) and reads its headers from Node.
 */
export function createIngestRoutes(deps: IngestRoutesDeps): HubApp {
  const { alerts, access, logged, storeProblem = () => undefined, history, now = Date.now } = deps;
  const sampleOptions = deps.reportKeys ? { keys: deps.reportKeys } : {};
  const turn = createTurn();
  // The newest collectedAtMs kept per host. A v2 report no newer than that is a replay; the original's reports
  // carry no time and cannot be told apart. A report counts as seen only once the alert engine kept it: one answered
  // 503 (a full disk) is spooled by the agent and must be taken when it comes again. Kept in memory: bounded by the
  // number of hosts.
  const kept = new Map<string, number>();
  // The v2 report of each host being kept right now: a second delivery waits for its outcome before it is judged.
  const keeping = new Map<string, Promise<unknown>>();
  async function keepOnce(hostname: string, collectedAtMs: number, keep: () => Promise<Outcome>) {
    for (;;) {
      const last = kept.get(hostname);
      if (last !== undefined && collectedAtMs <= last) return undefined;
      const pending = keeping.get(hostname);
      if (pending === undefined) break;
      await pending.catch(() => {});
    }
    const done = keep();
    keeping.set(hostname, done);
    try {
      const outcome = await done;
      kept.set(hostname, Math.max(kept.get(hostname) ?? collectedAtMs, collectedAtMs));
      return outcome;
    } finally {
      if (keeping.get(hostname) === done) keeping.delete(hostname);
    }
  }
  return new Hono<HubEnv>().post(
    '/',
    logged(async (c) => {
      const denied = access.authorize(c, 'write');
      if (denied) return denied;
      if (storeProblem() !== undefined) return storeLost(c);
      const parsed = await readBody(c, parseReportRequest);
      if (!parsed.ok) return refuse(c, parsed.error);
      const report = parsed.value;
      const hostname = reportHostname(report);
      const hostDenied = access.checkHost(c, hostname);
      if (hostDenied) return hostDenied;
      const input = report.kind === 'legacy' ? fromLegacy(report.sysData) : fromSample(report.sample, sampleOptions);
      const crossed = evaluate(input, alerts.plan.host(hostname ?? '').rules).breaches.map((b) => b.label);
      const entry = history && historyOfReport(report, now());
      // The 200 is sent once the host's alert states, the posts they call for and its history are durable.
      const keep = async () => {
        const [outcome] = await Promise.all([alerts.ingest(hostname, input), entry && history?.keep(entry)]);
        return outcome;
      };
      const outcome =
        report.kind === 'v2' ? await keepOnce(hostname ?? '', report.sample.collectedAtMs, keep) : await keep();
      // An agent retrying a report whose answer it never got (see the agent's spool): kept already, say so.
      if (outcome === undefined) return c.json({ status: 'duplicate', crossed: [] });
      // Answered with the other reports of this turn of the event loop, written or not, as /message answers are:
      // answering a burst together costs a fifth less CPU per report than answering each at once (BENCHMARKS.md).
      // A report kept as history was answered so already: its group commit ended the turn.
      if (!entry) await turn();
      if (outcome.queued.length === 0) return c.json({ status: 'ok', crossed });
      return c.json({ status: 'queued', id: outcome.queued[0], ids: outcome.queued, crossed });
    }),
  );
}

function reportHostname(report: ParsedReport): string | undefined {
  const name = report.kind === 'legacy' ? report.sysData.hostname : report.sample.hostname;
  return typeof name === 'string' && name.trim() ? name.trim() : undefined;
}
