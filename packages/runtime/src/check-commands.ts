// `janitor checks`: the job check-ins of a hub, as a table or the read API's JSON. Light at load: the client is
// imported when it runs.
import { formatCheckTable } from './check-table.ts';
import { type HubReadSource, openHubSource } from './read-source.ts';
import type { RuntimeOptions } from './runtime.ts';

/** The options of `janitor checks`. */
export interface ChecksCommandOptions {
  /** `--hub`. @default app.service.remote_url */
  hub?: string;
  /** `--token`: a token with the read scope. @default $JANITOR_HUB_TOKEN, else app.service.remote_token */
  token?: string;
  /** `--json`: print the API's JSON instead of the table. */
  json?: boolean;
  out: (line: string) => void;
  /** The terminal's width when the output is one: lines fit it. */
  columns?: number;
  /** Where to read. @default the hub of `--hub`, else app.service.remote_url */
  source?: Pick<HubReadSource, 'where' | 'checks' | 'close'>;
}

/**
 * `janitor checks [--json]`: each job check-in of the hub with its state, last ping, next deadline and schedule, one
 * line per check, or the JSON of `GET /api/v1/checks`.
 */
export async function checksCommand(runtimeOptions: RuntimeOptions, options: ChecksCommandOptions): Promise<void> {
  const { out } = options;
  const source =
    options.source ??
    (await openHubSource(runtimeOptions, {
      ...(options.hub ? { hub: options.hub } : {}),
      ...(options.token ? { token: options.token } : {}),
    }));
  try {
    const view = await source.checks();
    if (options.json) return out(JSON.stringify(view, null, 2));
    const lines = formatCheckTable(view, options.columns === undefined ? {} : { width: options.columns });
    if (lines.length === 0) {
      out(`no checks in ${source.where} (declare them under checks in its config.yaml)`);
    }
    for (const line of lines) out(line);
  } finally {
    source.close();
  }
}
