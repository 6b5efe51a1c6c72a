// `janitor silence`: hold a host's posts back for a while, through the hub's /silences endpoint, with
// @janitor/protocol's client (whose errors name the hub's field). Light at load: remote mode is imported when a
// command runs.
import type { JanitorClient, SilenceView } from '@janitor/protocol';
import { CliError, EXIT, openRuntime, type RuntimeOptions } from './runtime.ts';

/** One line about a silence: `#3 pi1, every alert, until 2026-11-03 16:00 UTC (1h 59m left): maintenance`. */
export function formatSilence(silence: SilenceView, nowMs: number): string {
  const what = silence.rule === '*' ? 'every alert' : silence.rule;
  const host = silence.host === '*' ? 'every host' : silence.host;
  const until = `${silence.until.slice(0, 10)} ${silence.until.slice(11, 16)} UTC`;
  const reason = silence.reason ? `: ${silence.reason}` : '';
  return `#${silence.id} ${host}, ${what}, until ${until} (${timeLeft(silence.untilMs - nowMs)} left)${reason}`;
}

/** What every silence command is given: `--hub`, `--token`, where to print, the clock. */
export interface SilenceCommandOptions {
  /** `--hub`. @default app.service.remote_url */
  hub?: string;
  /** `--token`. @default $JANITOR_HUB_TOKEN, else app.service.remote_token */
  token?: string;
  out: (line: string) => void;
  /** @default Date.now */
  now?: () => number;
}

/** `janitor silence HOST [RULE] --for 2h [--reason TEXT]`: starts a silence on the hub and prints it. */
export async function silenceStart(
  runtimeOptions: RuntimeOptions,
  what: { host?: string; rule?: string; for?: string; reason?: string },
  options: SilenceCommandOptions,
): Promise<void> {
  const { host, rule, for: duration, reason } = what;
  if (host === undefined || duration === undefined) {
    throw new CliError(
      'usage: janitor silence HOST [RULE] --for DURATION [--reason TEXT] (or: silence list, silence remove ID)',
      EXIT.usage,
    );
  }
  const started = await (await hubClient(runtimeOptions, options)).silence({
    host,
    ...(rule === undefined ? {} : { rule }),
    for: duration,
    ...(reason === undefined ? {} : { reason }),
  });
  options.out(`silenced: ${formatSilence(started, (options.now ?? Date.now)())}`);
}

/** `janitor silence list`: the silences running now, one a line. */
export async function silenceList(runtimeOptions: RuntimeOptions, options: SilenceCommandOptions): Promise<void> {
  const silences = await (await hubClient(runtimeOptions, options)).silences();
  if (silences.length === 0) options.out('no silences');
  for (const s of silences) options.out(formatSilence(s, (options.now ?? Date.now)()));
}

/** `janitor silence remove ID` (`3` or `#3`): ends a silence now. */
/** `janitor hosts forget HOST`: the hub forgets a decommissioned host (its alerts, silence watch and history). */
export async function hostsForget(
  runtimeOptions: RuntimeOptions,
  hostname: string,
  options: SilenceCommandOptions,
): Promise<void> {
  await (await hubClient(runtimeOptions, options)).forgetHost(hostname);
  options.out(`forgotten: ${hostname}`);
}

export async function silenceRemove(
  runtimeOptions: RuntimeOptions,
  raw: string,
  options: SilenceCommandOptions,
): Promise<void> {
  const id = Number(raw.replace(/^#/, ''));
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new CliError(`expected a silence number such as 3, got ${JSON.stringify(raw)}`, EXIT.usage);
  }
  const removed = await (await hubClient(runtimeOptions, options)).unsilence(id);
  options.out(`removed: ${formatSilence(removed, (options.now ?? Date.now)())}`);
}

/** The hub's client, through `app.service.remote_url` and the hub token, like `janitor send`. */
export async function hubClient(runtimeOptions: RuntimeOptions, o: SilenceCommandOptions): Promise<JanitorClient> {
  const [{ createJanitorClient }, { remoteTarget }] = await Promise.all([
    import('@janitor/protocol'),
    import('./remote-mode.ts'),
  ]);
  const runtime = await openRuntime(runtimeOptions);
  const target = remoteTarget(runtime, { ...(o.hub ? { hub: o.hub } : {}), ...(o.token ? { token: o.token } : {}) });
  return createJanitorClient({ url: target.url, ...(target.token ? { token: target.token } : {}) });
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
