// Where `janitor status` and `janitor history` read: a hub's read API (`--hub`, else app.service.remote_url), or the
// local store. Each source turns its own failures into the one line a user sees (a CliError), so the commands do not
// care which one they have. Light at load: the client and the store are imported when a command runs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ChecksView, FleetView, JanitorClient, SeriesRequest, SeriesView } from '@janitor/protocol';
import { JanitorClientError } from '@janitor/protocol';
import { CliError, EXIT, openRuntime, type Runtime, type RuntimeOptions } from './runtime.ts';
import { resolveStateDir } from './state-dir.ts';

/** What `janitor status` and `janitor history` read from: a hub's read API, or the local store. */
export interface ReadSource {
  /** Where it reads, as messages say it: `the hub at http://hub.lan:5000`, `the store /var/lib/janitor/janitor.db`. */
  readonly where: string;
  /** The fleet, as `GET /api/v1/hosts` answers it. */
  fleet(options: { problems?: boolean }): Promise<FleetView>;
  /**
   * Series of a host, as `GET /api/v1/hosts/{hostname}/series` answers them.
   * @throws CliError for a host it does not know, a series the host never had, or a bad range
   */
  series(hostname: string, request: SeriesRequest): Promise<SeriesView>;
  /** Lets go of what it holds (the store). */
  close(): void;
}

/** A hub's read API as a source: the fleet and series, and its job check-ins. */
export interface HubReadSource extends ReadSource {
  /** The job check-ins, as `GET /api/v1/checks` answers them. */
  checks(): Promise<ChecksView>;
}

/** `--hub` and `--token`: where to read when not from the local store. */
export interface ReadSourceChoice {
  /** `--hub`: read from this hub even when there is a local store. */
  hub?: string;
  /** `--token`. @default $JANITOR_HUB_TOKEN, else app.service.remote_token */
  token?: string;
  /** @default process.env */
  env?: Record<string, string | undefined>;
  /** The local read model's clock. @default Date.now */
  now?: () => number;
}

/**
 * The source a read command uses: the hub given with `--hub`; else the local store `<state_dir>/janitor.db` when
 * there is one (a local-mode machine, or the hub's own); else the hub at `app.service.remote_url`.
 */
export async function openReadSource(runtimeOptions: RuntimeOptions, choice: ReadSourceChoice): Promise<ReadSource> {
  const runtime = await openRuntime(runtimeOptions);
  const storePath = join(resolveStateDir(runtime.config, choice.env ?? process.env), 'janitor.db');
  if (choice.hub === undefined && existsSync(storePath)) {
    const { openLocalSource } = await import('./local-read-source.ts');
    return openLocalSource(runtime, storePath, choice.now);
  }
  return hubSource(runtime, choice, choice.hub === undefined ? storePath : undefined);
}

/** The hub given with `--hub`, else the one at `app.service.remote_url`: what `janitor checks` reads. */
export async function openHubSource(runtimeOptions: RuntimeOptions, choice: ReadSourceChoice): Promise<HubReadSource> {
  return hubSource(await openRuntime(runtimeOptions), choice, undefined);
}

/** Reads from a hub through @janitor/protocol's client, with the hub and token of `janitor silence`. */
async function hubSource(
  runtime: Runtime,
  choice: ReadSourceChoice,
  noStoreAt: string | undefined,
): Promise<HubReadSource> {
  const [{ createJanitorClient }, { remoteTarget }] = await Promise.all([
    import('@janitor/protocol'),
    import('./remote-mode.ts'),
  ]);
  const target = remoteTarget(runtime, {
    ...(choice.hub ? { hub: choice.hub } : {}),
    ...(choice.token ? { token: choice.token } : {}),
    ...(choice.env ? { env: choice.env } : {}),
  });
  const client: JanitorClient = createJanitorClient({
    url: target.url,
    ...(target.token ? { token: target.token } : {}),
  });
  const where = `the hub at ${target.url}`;
  const fail = (error: unknown, about?: { hostname: string; request: SeriesRequest }) =>
    hubFailure(error, { where, client, noStoreAt, ...(about ? { about } : {}) });
  return {
    where,
    fleet: (options) => client.fleet(options).catch((error: unknown) => fail(error)),
    series: (hostname, request) =>
      client.series(hostname, request).catch((error: unknown) => fail(error, { hostname, request })),
    checks: () => client.checks().catch((error: unknown) => fail(error)),
    close: () => {},
  };
}

interface FailureContext {
  where: string;
  client: JanitorClient;
  /** The local store looked for and not found, when the hub was the fallback. */
  noStoreAt: string | undefined;
  about?: { hostname: string; request: SeriesRequest };
}

/** The line a user sees when the hub did not answer what was asked. */
async function hubFailure(error: unknown, context: FailureContext): Promise<never> {
  if (!(error instanceof JanitorClientError)) throw error;
  const { where, client, noStoreAt, about } = context;
  const { status, field } = error;
  if (status === undefined) {
    const store = noStoreAt === undefined ? '' : ` (and there is no local store at ${noStoreAt})`;
    throw new CliError(
      `cannot reach ${where}${store}: ${error.message}; give its address with --hub URL or app.service.remote_url`,
      EXIT.failure,
      { cause: error },
    );
  }
  if (status === 401 || status === 403) {
    throw new CliError(
      `${where} refused the token (${error.message}): reading needs a token with the read scope, from --token, JANITOR_HUB_TOKEN or app.service.remote_token`,
      EXIT.credentials,
      { cause: error },
    );
  }
  if (field === undefined || !about) {
    if (status === 404) {
      throw new CliError(`${where} has no read API (${error.message}): it is older than this janitor`, EXIT.failure, {
        cause: error,
      });
    }
    throw error;
  }
  const keys = () => client.host(about.hostname).then((host) => host.keys);
  throw (await seriesRefusal({ where, status, field, message: error.message, ...about, keys })) ?? error;
}

/** What a source was refused, for {@link seriesRefusal}. */
export interface SeriesRefusal {
  where: string;
  /** The HTTP status the read API answers it with: 400, 404. */
  status: number;
  /** The parameter it names: `hostname`, `metrics`, `from`, `to`. */
  field: string;
  message: string;
  hostname: string;
  request: SeriesRequest;
  /** The series the host has, for a message about one it has not. */
  keys: () => Promise<string[]>;
}

/**
 * The line a user sees for a series request the read API (a hub's, or the local read model) refused: an unknown host,
 * a series the host never had (with those it has), a range refused (named `--since`); `undefined` for anything else.
 */
export async function seriesRefusal(refusal: SeriesRefusal): Promise<CliError | undefined> {
  const { where, status, field, message, hostname, request } = refusal;
  if (status === 404 && field === 'hostname') {
    return new CliError(
      `${where} knows no host ${JSON.stringify(hostname)} ('janitor status' lists them)`,
      EXIT.failure,
    );
  }
  if (status === 400 && (field === 'from' || field === 'to')) {
    return new CliError(`--since: ${where} refused the range: ${message}`, EXIT.usage);
  }
  if (status === 400 && field === 'metrics') {
    const keys = await refusal.keys().catch(() => []);
    const has = keys.length === 0 ? '' : `; it has ${keys.join(', ')}`;
    return new CliError(
      `${hostname} has no series ${request.metrics.join(', ')} in ${where}: ${message}${has}`,
      EXIT.failure,
    );
  }
  return undefined;
}
