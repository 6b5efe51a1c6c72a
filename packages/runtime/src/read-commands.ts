// `janitor status` and `janitor history`: the fleet and a host's series, from a hub's read API or the local store,
// as a table and a sparkline (or the API's JSON). Light at load: the client and the store are imported when one runs.
import { readDuration, toSeriesBody } from '@janitor/protocol';
import { formatFleetTable } from './fleet-table.ts';
import { DEFAULT_SPARKLINE_WIDTH, formatHistory } from './history-report.ts';
import { openReadSource, type ReadSource } from './read-source.ts';
import { CliError, EXIT, type RuntimeOptions } from './runtime.ts';

/** What both read commands are given: where to read, how to print. */
export interface ReadCommandOptions {
  /** `--hub`: read from this hub even when there is a local store. */
  hub?: string;
  /** `--token`. @default $JANITOR_HUB_TOKEN, else app.service.remote_token */
  token?: string;
  /** `--json`: print the API's JSON instead of the table or the sparkline. */
  json?: boolean;
  out: (line: string) => void;
  /** The terminal's width when the output is one (`process.stdout.columns`): lines fit it. */
  columns?: number;
  /** @default Date.now */
  now?: () => number;
  /** Where to read. @default the hub of `--hub`, else the local store when there is one, else app.service.remote_url */
  source?: ReadSource;
}

/** The options of `janitor status`. */
export interface StatusCommandOptions extends ReadCommandOptions {
  /** `--problems`: only the hosts not `up` or with firing alerts. */
  problems?: boolean;
}

/** The options of `janitor history`. */
export interface HistoryCommandOptions extends ReadCommandOptions {
  /** `--since`: how far back, a duration (`24h`, `7d`, `90m`). @default '24h' */
  since?: string;
}

/**
 * `janitor status [--problems] [--json]`: the fleet as the dashboard's first page shows it, one line per host (state,
 * last seen, CPU, memory, fullest disk, firing alerts), or the JSON of `GET /api/v1/hosts`.
 */
export async function statusCommand(runtimeOptions: RuntimeOptions, options: StatusCommandOptions): Promise<void> {
  const { out, problems = false } = options;
  const source = options.source ?? (await openReadSource(runtimeOptions, options));
  try {
    const fleet = await source.fleet(problems ? { problems } : {});
    if (options.json) return out(JSON.stringify(fleet, null, 2));
    const lines = formatFleetTable(fleet, options.columns === undefined ? {} : { width: options.columns });
    if (lines.length === 0)
      out(problems ? `no host has a problem (${source.where})` : `no hosts yet in ${source.where}`);
    for (const line of lines) out(line);
  } finally {
    source.close();
  }
}

/**
 * `janitor history HOST METRIC [--since 24h] [--json]`: min / avg / max / latest of one series over the range and a
 * sparkline as wide as the terminal (60 characters otherwise), or the JSON of `GET /api/v1/hosts/{h}/series`.
 * @throws CliError (usage) for a `--since` that is not a duration; (failure) for a host or series the source lacks
 */
export async function historyCommand(
  runtimeOptions: RuntimeOptions,
  what: { host: string; metric: string },
  options: HistoryCommandOptions,
): Promise<void> {
  const { out, now = Date.now } = options;
  const sinceMs = parseSince(options.since ?? '24h');
  const source = options.source ?? (await openReadSource(runtimeOptions, options));
  try {
    const view = await source.series(what.host, { metrics: [what.metric], from: now() - sinceMs });
    if (options.json) return out(JSON.stringify(toSeriesBody(view), null, 2));
    for (const line of formatHistory(view, what.metric, { width: options.columns ?? DEFAULT_SPARKLINE_WIDTH })) {
      out(line);
    }
  } finally {
    source.close();
  }
}

/** `--since` in ms: a duration as config.yaml writes them (`24h`, `7d`, `1h30m`, seconds), more than zero. */
function parseSince(text: string): number {
  const read = readDuration(text);
  if (read.problem !== undefined) throw new CliError(`--since: ${read.problem}`, EXIT.usage);
  if (read.ms === 0) throw new CliError('--since: expected a duration longer than 0, such as 24h', EXIT.usage);
  return read.ms;
}
