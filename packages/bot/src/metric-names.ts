// The short names people write in a command (`cpu`, `mem`, `disk /data`) and the series keys they stand for.
import { parseSeriesKey } from '@janitor/history';
import { HOST_SILENT_RULE, SILENCE_WILDCARD } from '@janitor/protocol';

/** The metric of the `disk` alias: a filesystem's use in percent, per mount point. */
const DISK_PERCENT = 'disk_usage_percent';

/** The short names of the metrics a command may name, and the report key each stands for (`disk` takes a mount). */
export const METRIC_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  cpu: 'cpu_percent',
  mem: 'memory_percent',
  memory: 'memory_percent',
  ram: 'memory_percent',
  swap: 'swap_percent',
  load: 'load_1',
  load1: 'load_1',
  load5: 'load_5',
  load15: 'load_15',
  temp: 'cpu_temperature',
  temperature: 'cpu_temperature',
  disk: DISK_PERCENT,
});

/** The names an answer gives the main series, in the order it lists them (the first alias of each). */
const SHORT_NAMES: ReadonlyMap<string, string> = new Map([
  ['cpu_percent', 'cpu'],
  ['memory_percent', 'mem'],
  ['swap_percent', 'swap'],
  ['load_1', 'load'],
  ['cpu_temperature', 'temp'],
]);

/** The words that name every host or every alert. */
const EVERYTHING: ReadonlySet<string> = new Set([SILENCE_WILDCARD, 'all', 'every', 'everything']);

/** Whether a word means "every host" or "every alert" (`*`, `all`, `everything`). */
export function isEverything(word: string): boolean {
  return EVERYTHING.has(word.toLowerCase());
}

/** A metric (or rule) read from the words of a command, and how many words it took. */
export type MetricRead = { key: string; words: number } | { problem: string; words: number };

/**
 * The series key at `words[0]`: a short name (`cpu`, `mem`, `disk` with an optional mount after it: `disk /data`,
 * `/` by default) or a series key as the history writes it (`load_5`, `disk_usage_percent@/data`). `undefined` when
 * the word is neither (a problem when `disk` is followed by a path that cannot be a mount point).
 *
 * @example readMetric(['disk', '/data', '24h']) // { key: 'disk_usage_percent@/data', words: 2 }
 */
export function readMetric(words: readonly string[]): MetricRead | undefined {
  const word = words[0];
  if (word === undefined) return undefined;
  const alias = METRIC_ALIASES[word.toLowerCase()];
  if (alias === DISK_PERCENT) {
    const mount = words[1];
    if (mount?.startsWith('/')) {
      const key = `${DISK_PERCENT}@${mount}`;
      return parseSeriesKey(key) === undefined
        ? { problem: `${JSON.stringify(mount)} is not a mount point`, words: 2 }
        : { key, words: 2 };
    }
    return { key: `${DISK_PERCENT}@/`, words: 1 };
  }
  if (alias !== undefined) return { key: alias, words: 1 };
  const key = lowerMetric(word);
  return parseSeriesKey(key) === undefined ? undefined : { key, words: 1 };
}

/**
 * The rule of a silence at `words[0]`, as the alert engine names alerts: a short name (`cpu`; `disk` alone is every
 * filesystem, `disk /data` one of them), `silent` / `offline` for the host-silent alarm, `all` / `*` for every alert
 * (`*`), else the word as an alert key (`cpu_percent:below`, `disk_usage_percent@/data`), which the caller checks
 * (`parseSilenceFields`). `undefined` only when there is no word.
 *
 * @example readRule(['disk']) // { key: 'disk_usage_percent', words: 1 }
 */
export function readRule(words: readonly string[]): MetricRead | undefined {
  const word = words[0];
  if (word === undefined) return undefined;
  const lower = word.toLowerCase();
  if (isEverything(lower)) return { key: SILENCE_WILDCARD, words: 1 };
  if (lower === 'silent' || lower === 'offline' || lower === HOST_SILENT_RULE)
    return { key: HOST_SILENT_RULE, words: 1 };
  if (METRIC_ALIASES[lower] === DISK_PERCENT) {
    return words[1]?.startsWith('/') ? readMetric(words) : { key: DISK_PERCENT, words: 1 };
  }
  if (METRIC_ALIASES[lower] !== undefined) return readMetric(words);
  return { key: lowerMetric(word), words: 1 };
}

/** A key with its metric part in lower case (`CPU_percent` -> `cpu_percent`); a mount keeps its case. */
function lowerMetric(word: string): string {
  return word.replace(/^[^@]*/, (metric) => metric.toLowerCase());
}

/**
 * How an answer names a series: its short name where it has one (`cpu`, `mem`, `disk /data`), else its key.
 *
 * @example shortName('disk_usage_percent@/data') // 'disk /data'
 */
export function shortName(key: string): string {
  const short = SHORT_NAMES.get(key);
  if (short !== undefined) return short;
  if (key.startsWith(`${DISK_PERCENT}@`)) return `disk ${key.slice(DISK_PERCENT.length + 1)}`;
  return key;
}

/**
 * The series an answer lists first, in order: cpu, mem, swap, load, temp, then every filesystem's use.
 *
 * @example mainSeries(['disk_usage_percent@/', 'load_5', 'cpu_percent']) // ['cpu_percent', 'disk_usage_percent@/']
 */
export function mainSeries(keys: Iterable<string>): string[] {
  const all = [...keys];
  return [
    ...[...SHORT_NAMES.keys()].filter((key) => all.includes(key)),
    ...all.filter((key) => key.startsWith(`${DISK_PERCENT}@`)).sort(),
  ];
}
