import { HOST_SILENT_KEY } from './alert-rule.ts';

/** Every host, or every alert of a host, in a {@link SilenceSpan} (the same `*` that @janitor/store keeps). */
export const SILENCE_ALL = '*';

/** A silence as matching needs it (@janitor/store's `Silence` fits). */
export interface SilenceSpan {
  /** The host, or `*` for every host. */
  hostname: string;
  /** An alert key (`disk_usage_percent@/data`), a metric (`cpu_percent`), `host_silent`, or `*` for every alert. */
  key: string;
  /** Posts are held back until this time (epoch ms). */
  untilMs: number;
}

/**
 * Which silences cover a host at `now`, in the form `evaluateHost` takes as `silencedUntil`: by alert key, metric or
 * `*`, each the latest end of every silence that covers it. A silence covers the host when it names it or every host
 * (`*`) and has not ended (`untilMs` after `now`). `evaluateHost` takes the first of key, metric, `*` it finds, so
 * each entry is made the longest of the silences that cover it: a key's, its metric's and the host's `*`.
 * `undefined` when no silence covers the host. Pure.
 *
 * @example
 * matchSilences([{ hostname: 'pi1', key: 'cpu_percent', untilMs: T + 3_600_000 }], 'pi1', T)
 * // { cpu_percent: T + 3_600_000 }
 */
export function matchSilences(
  silences: readonly SilenceSpan[],
  hostname: string,
  now: number,
): Record<string, number> | undefined {
  let until: Record<string, number> | undefined;
  for (const s of silences) {
    if (s.untilMs <= now || (s.hostname !== hostname && s.hostname !== SILENCE_ALL)) continue;
    until ??= {};
    until[s.key] = Math.max(until[s.key] ?? 0, s.untilMs);
  }
  if (until === undefined) return undefined;
  const all = until[SILENCE_ALL] ?? 0;
  for (const key of Object.keys(until)) {
    const metric = key.replace(/[@:].*$/, '');
    until[key] = Math.max(until[key]!, until[metric] ?? 0, all);
  }
  return until;
}

/**
 * Until when a host's "host silent" alarm is held back: the latest end of the running silences of `host_silent` or
 * `*`, of the host or of every host. `undefined` when none covers it. Pure.
 *
 * @example hostSilentUntil([{ hostname: '*', key: '*', untilMs: T + 60_000 }], 'pi1', T) // T + 60_000
 */
export function hostSilentUntil(silences: readonly SilenceSpan[], hostname: string, now: number): number | undefined {
  const until = matchSilences(silences, hostname, now);
  const end = Math.max(until?.[HOST_SILENT_KEY] ?? 0, until?.[SILENCE_ALL] ?? 0);
  return end > 0 ? end : undefined;
}
