// janitor silence: hold a host's posts back for a while, through the hub's /silences endpoint. Light at load (the
// command line is built at every start, cron's included): the agent's modules are imported when a command runs.
import { createJanitorClient, type JanitorClient, type SilenceView } from '@janitor/protocol';
import { parseHubUrl, type RuntimeOptions } from '@janitor/runtime';
import { Command } from 'commander';

/** One line about a silence: `#3 pi1, every alert, until 2026-11-03 16:00 UTC (1h 59m left): maintenance`. */
export function formatSilence(silence: SilenceView, nowMs: number): string {
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
 * hub's `/silences` through `app.service.remote_url` and the hub token, like `janitor send`, with @janitor/protocol's
 * client (whose errors name the hub's field).
 */
export function silenceCommand(deps: SilenceCommandDeps): Command {
  const { runtimeOptions, out, now = Date.now } = deps;
  const withHub = (cmd: Command) =>
    cmd
      .option('--hub <url>', 'the hub’s address (default: app.service.remote_url)', parseHubUrl)
      .option('--token <token>', 'the hub’s bearer token (default: $JANITOR_HUB_TOKEN, app.service.remote_token)');
  const hub = async (cmd: Command): Promise<JanitorClient> => {
    // --hub and --token may come before or after `list`/`remove`.
    const o = cmd.optsWithGlobals<HubFlags>();
    const [{ openRuntime }, { remoteTarget }] = await Promise.all([
      import('@janitor/runtime'),
      import('@janitor/runtime/remote'),
    ]);
    const runtime = await openRuntime(runtimeOptions(cmd));
    const target = remoteTarget(runtime, { ...(o.hub ? { hub: o.hub } : {}), ...(o.token ? { token: o.token } : {}) });
    return createJanitorClient({ url: target.url, ...(target.token ? { token: target.token } : {}) });
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
    const started = await (await hub(cmd as Command)).silence({
      host,
      ...(rule === undefined ? {} : { rule }),
      for: o.for,
      ...(o.reason === undefined ? {} : { reason: o.reason }),
    });
    out(`silenced: ${formatSilence(started, now())}`);
  });

  withHub(silence.command('list').description('list the silences running now')).action(
    async (_o: HubFlags, cmd: Command) => {
      const silences = await (await hub(cmd)).silences();
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
    const removed = await (await hub(cmd)).unsilence(id);
    out(`removed: ${formatSilence(removed, now())}`);
  });
  return silence;
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
