import { parseHostnameParam } from '@janitor/history';
import { MAX_SILENCE_MS, parseSilenceFields, SILENCE_WILDCARD } from '@janitor/protocol';
import { mentionText } from './mention-text.ts';
import { isEverything, readMetric, readRule } from './metric-names.ts';
import { readSpan } from './span-words.ts';

/** The commands the bot knows, in the order its help lists them. */
export const COMMAND_VERBS = [
  'status',
  'alerts',
  'hosts',
  'graph',
  'silence',
  'unsilence',
  'silences',
  'ack',
  'help',
] as const;

/** A command the bot knows. */
export type CommandVerb = (typeof COMMAND_VERBS)[number];

/** The commands that change nothing: with `bot.public_read`, anyone may run them. */
export const READ_ONLY_VERBS: ReadonlySet<CommandVerb> = new Set<CommandVerb>([
  'help',
  'status',
  'alerts',
  'hosts',
  'graph',
  'silences',
]);

/** How each command is written, as the help and an `invalid` command show it. */
export const COMMAND_USAGE: Readonly<Record<CommandVerb, string>> = Object.freeze({
  status: 'status [HOST]',
  alerts: 'alerts',
  hosts: 'hosts',
  graph: 'graph HOST METRIC [RANGE]',
  silence: 'silence HOST [RULE] [for] DURATION [reason]',
  unsilence: 'unsilence ID|HOST',
  silences: 'silences',
  ack: 'ack',
  help: 'help [COMMAND]',
});

/** A chart's range when the command gives none: six hours. */
export const DEFAULT_GRAPH_RANGE_MS = 6 * 3_600_000;
/** The shortest range of a chart: a minute. */
export const MIN_GRAPH_RANGE_MS = 60_000;
/** The longest range of a chart: a year (366 days, so that `1y` and `365d` fit). */
export const MAX_GRAPH_RANGE_MS = 366 * 86_400_000;

/** What a mention asks for, as {@link parseCommand} reads it. */
export type Command =
  /** The commands, one line each; with a topic, how that one is written. */
  | { verb: 'help'; topic?: CommandVerb }
  /** The fleet in a few lines, or one host (its values, last seen, firing alerts, a chart). */
  | { verb: 'status'; host?: string }
  | { verb: 'alerts' }
  | { verb: 'hosts' }
  /** A chart of one series (`metric` is a series key: `cpu_percent`, `disk_usage_percent@/`) over the last `rangeMs`. */
  | { verb: 'graph'; host: string; metric: string; rangeMs: number }
  /** `host` may be `*` (every host); `rule` absent means every alert of the host. */
  | { verb: 'silence'; host: string; rule?: string; durationMs: number; reason?: string }
  /** `target` is a silence's number (`3`) or a host (`*` for the silences of every host). */
  | { verb: 'unsilence'; target: string }
  | { verb: 'silences' }
  | { verb: 'ack' }
  /** Text that starts with no known command (`text` is what was read, without mentions; '' for a bare mention). */
  | { verb: 'unknown'; text: string }
  /** A known command with arguments it cannot use: which command, how it is written, what is wrong. */
  | { verb: 'invalid'; of: CommandVerb; usage: string; problem: string };

const VERB_WORDS: ReadonlyMap<string, CommandVerb> = new Map<string, CommandVerb>([
  ...COMMAND_VERBS.map((verb) => [verb, verb] as const),
  ['?', 'help'],
  ['commands', 'help'],
  ['alert', 'alerts'],
  ['chart', 'graph'],
  ['plot', 'graph'],
  ['mute', 'silence'],
  ['unmute', 'unsilence'],
  ['acknowledge', 'ack'],
]);

/** The longest `text` of an `unknown` command. */
const MAX_UNKNOWN_TEXT = 200;

/**
 * Reads the command in a mention's HTML content (Mastodon, Pleroma, Akkoma, GoToSocial): the tags are stripped,
 * entities decoded and every mention removed (see {@link mentionText}); the first word is the verb, in any case
 * (`Status`, `STATUS`, `/status`). Arguments are words; a hostname with spaces goes in double quotes.
 *
 * - `help [COMMAND]`, `status [HOST]`, `alerts`, `hosts`, `silences`, `ack` (words after the last four are ignored)
 * - `graph HOST METRIC [RANGE]`: METRIC `cpu`, `mem`/`memory`, `swap`, `load`, `temp`/`temperature`, `disk [MOUNT]`
 *   (`/` by default) or a series key (`load_5`); RANGE `1h`, `6h` (default), `24h`, `7d`, `30d`, up to `1y`
 * - `silence HOST [RULE] [for] DURATION [reason...]`: HOST or `*`/`all`; RULE a short name (`disk` alone is every
 *   filesystem), `silent`, `all`, or an alert key (`cpu_percent:below`); DURATION `2h`, `1h30m`, `2 hours`, up to 366 days
 * - `unsilence ID|HOST`
 *
 * Text that starts with no command is `unknown`; a command with arguments it cannot use is `invalid`, with its usage
 * and the problem. Never throws.
 *
 * @example parseCommand('<p><span class="h-card"><a href="https://example.social/@janitor" class="u-url mention">@<span>janitor</span></a></span> graph pi1 disk /data 24h</p>')
 * // { verb: 'graph', host: 'pi1', metric: 'disk_usage_percent@/data', rangeMs: 86_400_000 }
 */
export function parseCommand(html: string): Command {
  const text = mentionText(html);
  const [first, ...args] = wordsOf(text);
  if (first === undefined) return { verb: 'unknown', text: '' };
  const verb = VERB_WORDS.get(first === '?' ? first : trimPunctuation(first.toLowerCase().replace(/^[/!]/, '')));
  if (verb === undefined) return { verb: 'unknown', text: clip(text, MAX_UNKNOWN_TEXT) };
  const invalid = (problem: string): Command => ({ verb: 'invalid', of: verb, usage: COMMAND_USAGE[verb], problem });

  switch (verb) {
    case 'help': {
      const topic = args[0] === undefined ? undefined : VERB_WORDS.get(trimPunctuation(args[0].toLowerCase()));
      return topic === undefined ? { verb } : { verb, topic };
    }
    case 'alerts':
    case 'hosts':
    case 'silences':
    case 'ack':
      return { verb };
    case 'status': {
      if (args.length > 1) return invalid(`status takes one host at most (a hostname with spaces goes in "quotes")`);
      if (args[0] === undefined || isEverything(trimPunctuation(args[0]))) return { verb };
      const host = readHost(args[0]);
      return typeof host === 'string' ? { verb, host } : invalid(host.problem);
    }
    case 'graph':
      return readGraph(args, invalid);
    case 'silence':
      return readSilence(args, invalid);
    case 'unsilence': {
      if (args.length !== 1 || args[0] === undefined) {
        return invalid('expected one silence number (as silences lists them) or one host');
      }
      const word = trimPunctuation(args[0]);
      if (/^#?\d+$/.test(word)) return { verb, target: word.replace(/^#/, '') };
      if (isEverything(word)) return { verb, target: SILENCE_WILDCARD };
      const host = readHost(word);
      return typeof host === 'string' ? { verb, target: host } : invalid(host.problem);
    }
  }
}

function readGraph(args: readonly string[], invalid: (problem: string) => Command): Command {
  const [hostWord, ...rest] = args;
  if (hostWord === undefined || rest.length === 0) return invalid('expected a host and a metric');
  const host = readHost(hostWord);
  if (typeof host !== 'string') return invalid(host.problem);
  const metric = readMetric(rest.map(trimPunctuation));
  if (metric === undefined) {
    return invalid(
      `unknown metric ${JSON.stringify(rest[0])}: expected cpu, mem, swap, load, temp, disk [MOUNT] or a series key such as load_5`,
    );
  }
  if ('problem' in metric) return invalid(metric.problem);
  const after = rest.slice(metric.words).map(trimPunctuation);
  let rangeMs = DEFAULT_GRAPH_RANGE_MS;
  if (after.length > 0) {
    const span = readSpan(after);
    if (span === undefined) {
      return invalid(`${JSON.stringify(after[0])} is not a range: expected 1h, 6h, 24h, 7d, 30d (up to 1y)`);
    }
    if ('problem' in span) return invalid(span.problem);
    if (span.ms < MIN_GRAPH_RANGE_MS || span.ms > MAX_GRAPH_RANGE_MS) {
      return invalid(`the range must be from 1 minute to 1 year, got ${after.slice(0, span.words).join(' ')}`);
    }
    if (after.length > span.words)
      return invalid(`unexpected words after the range: ${after.slice(span.words).join(' ')}`);
    rangeMs = span.ms;
  }
  return { verb: 'graph', host, metric: metric.key, rangeMs };
}

function readSilence(args: readonly string[], invalid: (problem: string) => Command): Command {
  const [hostWord] = args;
  if (hostWord === undefined) return invalid('expected a host (or * for every host) and how long');
  const hostText = trimPunctuation(hostWord);
  const host = isEverything(hostText) ? SILENCE_WILDCARD : readHost(hostText);
  if (typeof host !== 'string') return invalid(host.problem);

  // The words as the structure reads them; the reason keeps its own punctuation.
  const words = args.map(trimPunctuation);
  let i = 1;
  let rule: string = SILENCE_WILDCARD;
  const isFor = () => words[i]?.toLowerCase() === 'for';
  if (words[i] !== undefined && !isFor() && readSpan(words.slice(i)) === undefined) {
    const read = readRule(words.slice(i));
    if (read !== undefined && 'problem' in read) return invalid(read.problem);
    if (read !== undefined) {
      rule = read.key;
      i += read.words;
    }
  }
  if (isFor()) i++;
  const span = readSpan(words.slice(i));
  if (span === undefined) {
    const got = words[i] === undefined ? '' : `, got ${JSON.stringify(words[i])}`;
    return invalid(`how long? expected a duration such as 2h, 30m or 1d${got}`);
  }
  if ('problem' in span) return invalid(span.problem);
  if (span.ms <= 0) return invalid('the duration must be more than 0');
  if (span.ms > MAX_SILENCE_MS) return invalid('the duration must be at most 366 days (mute the host in config.yaml)');
  i += span.words;
  const reason = args.slice(i).join(' ').trim();

  // The checks of POST /silences, so that the bot takes exactly what the API takes.
  const checked = parseSilenceFields({ host, rule, for: span.ms / 1000, ...(reason === '' ? {} : { reason }) });
  if (!checked.ok) {
    const { field, error } = checked.error;
    if (field === 'rule' && error.startsWith('unknown rule')) {
      return invalid(
        `unknown rule ${JSON.stringify(rule)}: expected cpu, mem, swap, load, temp, disk [MOUNT], silent, all, or an alert key such as disk_usage_percent@/data`,
      );
    }
    return invalid(field === undefined || field === 'rule' ? error : `${field}: ${error}`);
  }
  const { rule: checkedRule, reason: checkedReason } = checked.value;
  return {
    verb: 'silence',
    host: checked.value.host,
    ...(checkedRule === SILENCE_WILDCARD ? {} : { rule: checkedRule }),
    durationMs: span.ms,
    ...(checkedReason === undefined ? {} : { reason: checkedReason }),
  };
}

/** A hostname argument, or why it cannot be one. */
function readHost(word: string): string | { problem: string } {
  const checked = parseHostnameParam(trimPunctuation(word));
  return checked.ok ? checked.value : { problem: `${JSON.stringify(word)} is not a hostname: ${checked.error}` };
}

/** The words of the text: runs of non-space, or what is between double quotes (straight or curly). */
function wordsOf(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|“([^”]*)”|(\S+)/g)]
    .map((m) => (m[1] ?? m[2] ?? m[3] ?? '').trim())
    .filter((word) => word !== '');
}

/** A word without the punctuation a sentence puts after it (`pi1?`, `status,`, `pi1.`). */
function trimPunctuation(word: string): string {
  return word.replace(/[?!.,:;]+$/, '');
}

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
