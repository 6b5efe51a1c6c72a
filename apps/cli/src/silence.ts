// janitor silence: hold a host's posts back for a while, through the hub's /silences endpoint. Light at load (the
// command line is built at every start, cron's included): the agent's modules are imported when a command runs.
import { JanitorClientError } from '@janitor/protocol';
import { parseHubUrl, type RuntimeOptions } from '@janitor/runtime';
import { Command } from 'commander';

/** Where the hub is and how to speak to it. */
export interface HubEndpoint {
  /** The hub's base URL (`app.service.remote_url`). */
  url: string;
  token?: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Deadline of each request, response body included. @default 5000 */
  timeoutMs?: number;
}

/** A silence as the hub shows it. */
export interface SilenceInfo {
  id: number;
  /** The host, or `*` for every host. */
  host: string;
  /** A metric, an alert key, `host_silent`, or `*` for every alert. */
  rule: string;
  /** ISO 8601 (UTC). */
  until: string;
  untilMs: number;
  reason: string | null;
  createdAtMs: number;
}

/** A silence to ask the hub for. */
export interface SilenceOrder {
  host: string;
  /** @default every alert of the host */
  rule?: string;
  /** How long: `"2h"`, `"30m"`, `"1h30m"`, or seconds. */
  for: string;
  reason?: string;
}

/** `POST /silences`: the silence the hub started. Throws a `JanitorClientError` naming the hub's field otherwise. */
export async function addSilence(hub: HubEndpoint, order: SilenceOrder): Promise<SilenceInfo> {
  const body = await call(hub, 'POST', '/silences', {
    host: order.host,
    ...(order.rule === undefined ? {} : { rule: order.rule }),
    for: order.for,
    ...(order.reason === undefined ? {} : { reason: order.reason }),
  });
  return (body as { silence: SilenceInfo }).silence;
}

/** `GET /silences`: the silences running now (those this token may see). */
export async function listSilences(hub: HubEndpoint): Promise<SilenceInfo[]> {
  const body = await call(hub, 'GET', '/silences');
  return (body as { silences: SilenceInfo[] }).silences;
}

/** `DELETE /silences/:id`: ends a silence; the hub answers 404 for one that is not running. */
export async function removeSilence(hub: HubEndpoint, id: number): Promise<SilenceInfo> {
  const body = await call(hub, 'DELETE', `/silences/${id}`);
  return (body as { silence: SilenceInfo }).silence;
}

/** One line about a silence: `#3 pi1, every alert, until 2026-11-03 16:00 UTC (1h 59m left): maintenance`. */
export function formatSilence(silence: SilenceInfo, nowMs: number): string {
  const what = silence.rule === '*' ? 'every alert' : silence.rule;
  const host = silence.host === '*' ? 'every host' : silence.host;
  const until = `${silence.until.slice(0, 10)} ${silence.until.slice(11, 16)} UTC`;
  const reason = silence.reason ? `: ${silence.reason}` : '';
  return `#${silence.id} ${host}, ${what}, until ${until} (${timeLeft(silence.untilMs - nowMs)} left)${reason}`;
}

/** What `janitor silence` needs from main.ts. */
export interface SilenceCommandDeps {
  /** The global options (--config) of the command that runs. */
  runtimeOptions: (cmd: Command) => RuntimeOptions;
  out: (line: string) => void;
  /** @default Date.now */
  now?: () => number;
}

interface HubFlags {
  hub?: string;
  token?: string;
}

/**
 * `janitor silence HOST [RULE] --for 2h [--reason TEXT]`, `janitor silence list`, `janitor silence remove ID`: the
 * hub's `/silences` through `app.service.remote_url` and the hub token, like `janitor send`.
 */
export function silenceCommand(deps: SilenceCommandDeps): Command {
  const { runtimeOptions, out, now = Date.now } = deps;
  const withHub = (cmd: Command) =>
    cmd
      .option('--hub <url>', 'the hub’s address (default: app.service.remote_url)', parseHubUrl)
      .option('--token <token>', 'the hub’s bearer token (default: $JANITOR_HUB_TOKEN, app.service.remote_token)');
  const endpoint = async (cmd: Command): Promise<HubEndpoint> => {
    // --hub and --token may come before or after `list`/`remove`.
    const o = cmd.optsWithGlobals<HubFlags>();
    const [{ openRuntime }, { remoteTarget }] = await Promise.all([
      import('@janitor/runtime'),
      import('@janitor/runtime/remote'),
    ]);
    const runtime = await openRuntime(runtimeOptions(cmd));
    const target = remoteTarget(runtime, { ...(o.hub ? { hub: o.hub } : {}), ...(o.token ? { token: o.token } : {}) });
    return { url: target.url, ...(target.token ? { token: target.token } : {}) };
  };

  const silence = withHub(
    new Command('silence')
      .description('hold back the posts about a host (or one of its rules) for a while; its alerts are still evaluated')
      .argument('[host]', 'the host, or "*" for every host')
      .argument('[rule]', 'a metric (cpu_percent), an alert key (disk_usage_percent@/data) or host_silent; default all')
      .option('--for <duration>', 'how long: 2h, 30m, 1h30m, or seconds')
      .option('--reason <text>', 'why, for whoever lists the silences'),
  ).action(async (host: string | undefined, rule: string | undefined, o: { for?: string; reason?: string }, cmd) => {
    if (host === undefined || o.for === undefined) {
      const { CliError, EXIT } = await import('@janitor/runtime');
      throw new CliError(
        'usage: janitor silence HOST [RULE] --for DURATION [--reason TEXT] (or: silence list, silence remove ID)',
        EXIT.usage,
      );
    }
    const started = await addSilence(await endpoint(cmd as Command), {
      host,
      ...(rule === undefined ? {} : { rule }),
      for: o.for,
      ...(o.reason === undefined ? {} : { reason: o.reason }),
    });
    out(`silenced: ${formatSilence(started, now())}`);
  });

  withHub(silence.command('list').description('list the silences running now')).action(
    async (_o: HubFlags, cmd: Command) => {
      const silences = await listSilences(await endpoint(cmd));
      if (silences.length === 0) out('no silences');
      for (const s of silences) out(formatSilence(s, now()));
    },
  );

  withHub(
    silence
      .command('remove')
      .description('end a silence now (what still fires is posted at the host’s next report)')
      .argument('<id>', 'the silence’s number, as `janitor silence list` shows it'),
  ).action(async (raw: string, _o: HubFlags, cmd: Command) => {
    const id = Number(raw.replace(/^#/, ''));
    if (!Number.isSafeInteger(id) || id <= 0) {
      const { CliError, EXIT } = await import('@janitor/runtime');
      throw new CliError(`expected a silence number such as 3, got ${JSON.stringify(raw)}`, EXIT.usage);
    }
    const removed = await removeSilence(await endpoint(cmd), id);
    out(`removed: ${formatSilence(removed, now())}`);
  });
  return silence;
}

/** Calls the hub; a non-2xx answer or no answer is a JanitorClientError saying what failed and where. */
async function call(hub: HubEndpoint, method: string, path: string, payload?: unknown): Promise<unknown> {
  const { token, fetch: fetchImpl = globalThis.fetch, timeoutMs = 5000 } = hub;
  const endpoint = `${hub.url.replace(/\/+$/, '')}${path}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (payload !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const signal = AbortSignal.timeout(timeoutMs);
  let text: string;
  let response: Response;
  try {
    response = await fetchImpl(endpoint, {
      method,
      headers,
      ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
      signal,
    });
    text = await response.text();
  } catch (cause) {
    const code = (cause as { cause?: { code?: unknown } }).cause?.code;
    const reason = signal.aborted
      ? `timed out after ${timeoutMs} ms`
      : `network error: ${cause instanceof Error ? cause.message : String(cause)}${typeof code === 'string' ? ` (${code})` : ''}`;
    throw new JanitorClientError(`${method} ${endpoint} ${reason}`, { retryable: true, cause });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (response.ok && body !== undefined) return body;
  const { error, field } = (body ?? {}) as { error?: unknown; field?: unknown };
  const message = typeof error === 'string' ? error.slice(0, 500) : response.ok ? 'not JSON' : response.statusText;
  throw new JanitorClientError(
    `${method} ${endpoint}: ${response.status} ${message}${typeof field === 'string' ? ` (field ${field})` : ''}`,
    {
      retryable: response.status >= 500 || response.status === 429,
      status: response.status,
      ...(typeof field === 'string' ? { field } : {}),
    },
  );
}

function timeLeft(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes === 0) return 'less than a minute';
  const parts = [
    [Math.floor(minutes / 1440), 'd'],
    [Math.floor((minutes % 1440) / 60), 'h'],
    [minutes % 60, 'm'],
  ] as const;
  return parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join(' ');
}
