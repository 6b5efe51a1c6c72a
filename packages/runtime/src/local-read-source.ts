// The local store as a read source: the read model that answers the hub's /api/v1 (createReadModel) over the store
// and its alert states, so that `janitor status` on a local-mode machine (or on the hub's) prints what the API would.
import { parseFleetView, parseSeriesView, type SeriesRequest } from '@janitor/protocol';
import { createReadModel, type ReadModel } from './read-model.ts';
import { type ReadSource, seriesRefusal } from './read-source.ts';
import { CliError, EXIT, type Runtime } from './runtime.ts';

/** What the local source reads through: the read model's fleet, host and series. */
export type LocalReadModel = Pick<ReadModel, 'fleet' | 'host' | 'series'>;

/**
 * A read source over a read model: its answers checked as a client checks the hub's, its refusals (400 naming the
 * parameter, 404 for an unknown host) said as for a hub.
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
    fleet: async (fleetOptions) => checked(parseFleetView(model.fleet(fleetOptions))),
    series: async (hostname, request) => {
      const result = model.series(hostname, seriesParams(request));
      if (result.ok) return checked(parseSeriesView(result.body));
      const { status, field, error } = result;
      const keys = async () => {
        const host = model.host(hostname);
        return host.ok ? host.body.keys : [];
      };
      const refusal = await seriesRefusal({ where, status, field, message: error, hostname, request, keys });
      throw refusal ?? new CliError(`${where} refused it: ${error} (field ${field})`, EXIT.failure);
    },
    close: options.close,
  };
}

/** A series request as the API's query parameters (what the read model takes). */
function seriesParams(request: SeriesRequest) {
  const text = (value: string | number | undefined) => (value === undefined ? undefined : String(value));
  return {
    metrics: request.metrics.join(','),
    from: text(request.from),
    to: text(request.to),
    points: text(request.points),
  };
}

/**
 * The local store `<state_dir>/janitor.db` as a read source: the read model over the store (with the config's history
 * retention) and an alert engine loaded from it, which only reads here (it is never given a report nor ticked).
 */
export async function openLocalSource(runtime: Runtime, path: string, now?: () => number): Promise<ReadSource> {
  const [{ openStore }, { createAlertEngine }] = await Promise.all([
    import('@janitor/store'),
    import('@janitor/alerting'),
  ]);
  const { config } = runtime;
  const clock = now === undefined ? {} : { now };
  const store = openStore({ path, history: { retention: config.history.retention }, ...clock });
  try {
    const alerts = createAlertEngine({ config, store, ...clock });
    const model = createReadModel({ store, alerts, reportFormat: config.reportFormat, ...clock });
    return localSource(model, { where: `the store ${path}`, close: () => store.close() });
  } catch (error) {
    store.close();
    throw error;
  }
}
