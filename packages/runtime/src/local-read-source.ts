// The local store as a read source: the read model that answers the hub's /api/v1 over the same store, so that
// `janitor status` on a local-mode machine prints what the API would answer.
import {
  type FleetView,
  parseFleetView,
  parseSeriesView,
  type SeriesRequest,
  type SeriesView,
} from '@janitor/protocol';
import { type ReadSource, seriesRefusal } from './read-source.ts';
import { CliError, EXIT, type Runtime } from './runtime.ts';

/** What the local source needs of a read model: the bodies of `GET /api/v1/hosts` and `/api/v1/hosts/{h}/series`. */
export interface LocalReadModel {
  fleet(options: { problems?: boolean }): unknown;
  series(hostname: string, request: SeriesRequest): unknown;
  /** The series keys of a host (for a message about one it has not). */
  keys(hostname: string): string[];
}

/**
 * A read source over a read model: its answers checked as a client checks the hub's, its refusals (an error with the
 * HTTP `status` and the `field` the API would answer) said as for a hub.
 */
export function localSource(model: LocalReadModel, options: { where: string; close: () => void }): ReadSource {
  const { where } = options;
  const checked = <T>(parsed: { ok: true; value: T } | { ok: false; error: { error: string; field?: string } }): T => {
    if (parsed.ok) return parsed.value;
    const at = parsed.error.field === undefined ? '' : ` (field ${parsed.error.field})`;
    throw new CliError(`${where} answered something unexpected: ${parsed.error.error}${at}`, EXIT.failure);
  };
  return {
    where,
    fleet: async (fleetOptions): Promise<FleetView> => checked(parseFleetView(await model.fleet(fleetOptions))),
    series: async (hostname, request): Promise<SeriesView> => {
      let body: unknown;
      try {
        body = await model.series(hostname, request);
      } catch (error) {
        const { status, field, message } = error as { status?: unknown; field?: unknown; message?: unknown };
        if (typeof status !== 'number' || typeof field !== 'string') throw error;
        const refusal = await seriesRefusal({
          where,
          status,
          field,
          message: String(message),
          hostname,
          request,
          keys: async () => model.keys(hostname),
        });
        throw refusal ?? error;
      }
      return checked(parseSeriesView(body));
    },
    close: options.close,
  };
}

/** The local store `<state_dir>/janitor.db` as a read source. */
export async function openLocalSource(runtime: Runtime, path: string): Promise<ReadSource> {
  const { openStore } = await import('@janitor/store');
  const store = openStore({ path });
  void runtime;
  store.close();
  throw new CliError(`reading ${path} needs the read model, which this janitor does not have yet`, EXIT.failure);
}
