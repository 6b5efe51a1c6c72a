import {
  type FiringAlertView,
  type FleetView,
  formatAgo,
  formatFiring,
  formatMetricValue,
  formatSpan,
  HOST_SILENT_RULE,
  type HostDetailView,
  type HostView,
  SILENCE_WILDCARD,
  type SilenceView,
} from '@janitor/protocol';
import {
  answerBudget,
  type Clock,
  createClock,
  DEFAULT_MAX_CHARS,
  fitLines,
  joinFitting,
  plural,
} from './answer-text.ts';
import type { BotSettings } from './bot-settings.ts';
import { COMMAND_USAGE, COMMAND_VERBS, type Command, type CommandVerb, DEFAULT_GRAPH_RANGE_MS } from './command.ts';
import { mainSeries, shortName } from './metric-names.ts';

/** A chart the answer asks to have attached: one series of one host over a window (epoch ms). */
export interface ChartRequest {
  host: string;
  /** The series key: `cpu_percent`, `disk_usage_percent@/data`. */
  metric: string;
  fromMs: number;
  toMs: number;
}

/**
 * What the bot answers. `text` is the status without the asker's mention, which the caller puts in front
 * (`@owner@example.social `): together they fit `maxChars`. Outside text in it (hostnames, reasons, labels) is
 * neutralized. With `chart`, the caller renders and attaches it (and posts without it when that fails).
 */
export interface BotAnswer {
  text: string;
  chart?: ChartRequest;
}

/** A silence as the bot asks for it (`@janitor/store`'s silences and `POST /silences` take the same). */
export interface SilenceAdd {
  /** A hostname as the fleet spells it, or `*`. */
  host: string;
  /** An alert key, a metric, `host_silent`; absent for every alert. */
  rule?: string;
  untilMs: number;
  reason?: string;
  /** The account that asked (`owner@example.social`, or `owner` for a local one). */
  by: string;
}

/** What acknowledging did: the incident (`CPU % on pi1`), or why there was nothing to acknowledge. */
export type AckOutcome =
  | { acknowledged: true; incident: string }
  | {
      acknowledged: false;
      /** Not a reply to an alert post; the alert has resolved; someone acknowledged it already. */
      reason: 'not-an-alert' | 'resolved' | 'already';
      incident?: string;
      /** Who acknowledged it, for `already`. */
      by?: string;
    };

/** A port's answer, now or later. */
export type Awaitable<T> = T | Promise<T>;

/** What {@link answerCommand} reads and changes: narrow ports the hub wires to its read model, store and engine. */
export interface BotContext {
  /** The fleet, problems first (the read model's `fleet()`). */
  fleet(): Awaitable<FleetView>;
  /** One host with its series keys and limits, or `undefined` when there is no such host. */
  host(name: string): Awaitable<HostDetailView | undefined>;
  silences: {
    /** The silences running now. */
    list(): Awaitable<readonly SilenceView[]>;
    add(silence: SilenceAdd): Awaitable<SilenceView>;
    /** Ends one silence by its number, or every silence of a host (`*`: those of every host); returns those ended. */
    remove(target: { id: number } | { host: string }): Awaitable<readonly SilenceView[]>;
  };
  /** Acknowledges the incident the mention replies to (the caller knows which). */
  ack(): Awaitable<AckOutcome>;
  now(): number;
  /** The time zone of the times in answers (IANA). @default 'UTC' */
  timeZone?: string;
  /** The asker's account as the server gives it (`owner`, `owner@example.social`). */
  asker: string;
  /** The server's status length limit. @default 500 */
  maxChars?: number;
}

/** What each command does, as the help says it. */
const HELP: Readonly<Record<CommandVerb, { line: string; example: string }>> = Object.freeze({
  status: { line: 'the fleet, or a host with a chart', example: 'status pi1' },
  alerts: { line: 'what is firing', example: 'alerts' },
  hosts: { line: 'every host, last seen', example: 'hosts' },
  graph: { line: 'cpu, mem, swap, load, temp, disk [MOUNT]; 6h, 7d...', example: 'graph pi1 disk /data 7d' },
  silence: { line: 'mute alerts (HOST * for all)', example: 'silence pi1 cpu for 2h upgrading' },
  unsilence: { line: 'end silences', example: 'unsilence 3' },
  silences: { line: 'the silences running', example: 'silences' },
  ack: { line: 'reply to an alert to stop its repeats', example: 'ack' },
  help: { line: 'more on one command', example: 'help graph' },
});

/**
 * The answer to a command (run only once {@link commandRights} allowed it): short text for one status and, for
 * `status HOST` (its cpu over 6 hours) and `graph`, the chart to attach. `silence`, `unsilence` and `ack` change
 * things through the context's ports; the others only read. Unknown text gets the help; an invalid command its
 * problem and usage. A port that throws makes it reject.
 *
 * @example
 * const answer = await answerCommand(parseCommand(status.content), { ...ports, asker: 'owner@example.social', now: Date.now });
 * // { text: 'pi1: up, last seen 12s ago\ncpu 12.5%, mem 40%, disk / 71%\nNo alert firing.', chart: { host: 'pi1', metric: 'cpu_percent', ... } }
 */
export async function answerCommand(command: Command, context: BotContext): Promise<BotAnswer> {
  const nowMs = context.now();
  const budget = answerBudget(context.asker, context.maxChars ?? DEFAULT_MAX_CHARS);
  const clock = createClock(context.timeZone ?? 'UTC', nowMs);
  const say = (head: readonly string[], items?: readonly string[], tail?: readonly string[]): BotAnswer => ({
    text: fitLines(budget, head, items, tail),
  });

  switch (command.verb) {
    case 'help':
      return say(command.topic === undefined ? ['Commands:'] : [], helpLines(command.topic));
    case 'unknown':
      return say(command.text === '' ? ['Commands:'] : ['Unknown command. Commands:'], helpLines());
    case 'invalid':
      return say([`${command.problem}.`, `Usage: ${command.usage}`, `e.g. ${HELP[command.of].example}`]);
    case 'status':
      return command.host === undefined
        ? fleetStatus(await context.fleet(), clock, say)
        : hostStatus(command.host, context, clock, say, nowMs);
    case 'alerts': {
      const fleet = await context.fleet();
      const firing = firingOf(fleet);
      if (firing.length === 0) return say([`No alert firing (${plural(fleet.hosts.length, 'host')}).`]);
      return say(
        [`${plural(firing.length, 'alert')} firing:`],
        firing.map(({ host, alert }) => `${firingLine(host, alert, clock)} (${formatSpan(nowMs - alert.sinceMs)})`),
      );
    }
    case 'hosts': {
      const fleet = await context.fleet();
      if (fleet.hosts.length === 0) return say(['No host has reported yet.']);
      return say(
        [`${plural(fleet.hosts.length, 'host')}:`],
        fleet.hosts.map((host) => hostLine(host, clock, fleet.nowMs)),
      );
    }
    case 'graph':
      return graph(command, context, say, nowMs);
    case 'silence':
      return silence(command, context, clock, say, nowMs);
    case 'unsilence':
      return unsilence(command.target, context, clock, say);
    case 'silences': {
      const running = (await context.silences.list())
        .filter((s) => s.untilMs > nowMs)
        .sort((a, b) => a.untilMs - b.untilMs || a.id - b.id);
      if (running.length === 0) return say(['No silence running.']);
      return say(
        [`${plural(running.length, 'silence')}:`],
        running.map((s) => `${silenceLine(s, clock)} (${formatSpan(s.untilMs - nowMs)} left)${reasonOf(s)}`),
      );
    }
    case 'ack':
      return say([ackLine(await context.ack())]);
  }
}

/**
 * The short answer to someone who may not run a command, when `bot.answer_strangers` is set: nothing about the
 * fleet, only what they may do.
 */
export function refusalAnswer(settings: Pick<BotSettings, 'publicRead'>): BotAnswer {
  return {
    text: settings.publicRead
      ? 'Sorry, only my owners may change things. Anyone may ask: status, alerts, hosts, graph, silences, help.'
      : 'Sorry, I take commands only from my owners.',
  };
}

type Say = (head: readonly string[], items?: readonly string[], tail?: readonly string[]) => BotAnswer;

function helpLines(topic?: CommandVerb): string[] {
  if (topic !== undefined) return [`${COMMAND_USAGE[topic]}: ${HELP[topic].line}`, `e.g. ${HELP[topic].example}`];
  return COMMAND_VERBS.map((verb) => `${COMMAND_USAGE[verb]}: ${HELP[verb].line}`);
}

function fleetStatus(fleet: FleetView, clock: Clock, say: Say): BotAnswer {
  if (fleet.hosts.length === 0) return say(['No host has reported yet.']);
  const count = (state: HostView['state']) => fleet.hosts.filter((h) => h.state === state).length;
  const summary = `${plural(fleet.hosts.length, 'host')}: ${count('up')} up, ${count('silent')} silent, ${count('silenced')} silenced.`;
  const firing = firingOf(fleet);
  if (firing.length === 0) return say([summary, 'No alert firing.']);
  return say(
    [summary, `${plural(firing.length, 'alert')} firing:`],
    firing.map(({ host, alert }) => firingLine(host, alert, clock)),
  );
}

async function hostStatus(name: string, context: BotContext, clock: Clock, say: Say, nowMs: number) {
  const found = await findHost(name, context);
  if (found.host === undefined) return unknownHost(name, found.fleet, say);
  const host = found.host;
  const seen = host.lastSeenMs === null ? 'never seen' : `last seen ${formatAgo(host.lastSeenMs, nowMs)}`;
  const silenced = host.silencedUntilMs === null ? '' : `, silenced until ${clock.at(host.silencedUntilMs)}`;
  const values = host.latest?.values ?? {};
  const shown = mainSeries(Object.keys(values)).map(
    (key) => `${shortName(key)} ${formatMetricValue(key, values[key]!)}`,
  );
  const head = [
    `${host.hostname}: ${host.state}, ${seen}${silenced}`,
    shown.length > 0 ? shown.join(', ') : 'No values yet.',
  ];
  const answer =
    host.firing.length === 0
      ? say([...head, 'No alert firing.'])
      : say(
          head,
          host.firing.map((alert) => `Firing: ${formatFiring(alert)} since ${clock.at(alert.sinceMs)}`),
        );
  if (!host.keys.includes('cpu_percent')) return answer;
  const chart = { host: host.hostname, metric: 'cpu_percent', fromMs: nowMs - DEFAULT_GRAPH_RANGE_MS, toMs: nowMs };
  return { ...answer, chart };
}

async function graph(
  command: Extract<Command, { verb: 'graph' }>,
  context: BotContext,
  say: Say,
  nowMs: number,
): Promise<BotAnswer> {
  const found = await findHost(command.host, context);
  if (found.host === undefined) return unknownHost(command.host, found.fleet, say);
  const host = found.host;
  // The original's reports carry the root filesystem as `disk_usage_percent`, without a mount.
  const metric =
    command.metric === 'disk_usage_percent@/' &&
    !host.keys.includes(command.metric) &&
    host.keys.includes('disk_usage_percent')
      ? 'disk_usage_percent'
      : command.metric;
  if (!host.keys.includes(metric)) {
    const keys = [...new Set([...mainSeries(host.keys), ...host.keys])].map(shortName);
    return say([
      `${host.hostname} has no ${shortName(metric)} series.`,
      keys.length === 0 ? 'It has no series yet.' : `It has: ${joinFitting(keys, 180)}.`,
    ]);
  }
  const latest = host.latest?.values[metric];
  const now = latest === undefined ? '' : `, now ${formatMetricValue(metric, latest)}`;
  return {
    ...say([`${shortName(metric)} on ${host.hostname} over the last ${formatSpan(command.rangeMs)}${now}.`]),
    chart: { host: host.hostname, metric, fromMs: nowMs - command.rangeMs, toMs: nowMs },
  };
}

async function silence(
  command: Extract<Command, { verb: 'silence' }>,
  context: BotContext,
  clock: Clock,
  say: Say,
  nowMs: number,
): Promise<BotAnswer> {
  let hostname = SILENCE_WILDCARD;
  if (command.host !== SILENCE_WILDCARD) {
    const fleet = await context.fleet();
    const host = matchHost(
      command.host,
      fleet.hosts.map((h) => h.hostname),
    );
    if (host === undefined) return unknownHost(command.host, fleet, say, ' (or * for every host)');
    hostname = host;
  }
  const added = await context.silences.add({
    host: hostname,
    ...(command.rule === undefined ? {} : { rule: command.rule }),
    untilMs: nowMs + command.durationMs,
    ...(command.reason === undefined ? {} : { reason: command.reason }),
    by: context.asker.replace(/^@/, ''),
  });
  return say([
    `Silenced ${silenceWhat(added)} until ${clock.at(added.untilMs)} (${formatSpan(command.durationMs)})${reasonOf(added)}.`,
    `Undo: unsilence ${added.id}`,
  ]);
}

async function unsilence(target: string, context: BotContext, clock: Clock, say: Say): Promise<BotAnswer> {
  if (/^\d+$/.test(target)) {
    const id = Number(target);
    const [ended] = Number.isSafeInteger(id) ? await context.silences.remove({ id }) : [];
    if (ended === undefined) return say([`No silence ${target} is running. See: silences`]);
    return say([`Ended silence ${ended.id}: ${silenceWhat(ended)}.`]);
  }
  const running = await context.silences.list();
  const host =
    target === SILENCE_WILDCARD
      ? target
      : (matchHost(
          target,
          running.map((s) => s.host),
        ) ?? target);
  const ended = await context.silences.remove({ host });
  const where = host === SILENCE_WILDCARD ? 'every host' : host;
  if (ended.length === 0) return say([`No silence of ${where} is running. See: silences`]);
  if (ended.length === 1 && ended[0] !== undefined) {
    return say([`Ended silence ${ended[0].id}: ${silenceWhat(ended[0])}.`]);
  }
  return say(
    [`Ended ${plural(ended.length, 'silence')} of ${where}:`],
    ended.map((s) => silenceLine(s, clock)),
  );
}

function ackLine(outcome: AckOutcome): string {
  if (outcome.acknowledged)
    return `Acknowledged: ${outcome.incident}. Its repeats stop until it resolves or gets worse.`;
  const what = outcome.incident ?? 'That alert';
  switch (outcome.reason) {
    case 'not-an-alert':
      return 'Nothing to acknowledge here: reply ack to an alert post (or favourite it).';
    case 'resolved':
      return `${what} has resolved already: nothing to acknowledge.`;
    case 'already':
      return `${what} was acknowledged already${outcome.by === undefined ? '' : ` by ${outcome.by.replace(/^@/, '')}`}.`;
  }
}

/** A host by name: as given, else the fleet's host of that name in another case (`PI1` finds `pi1`). */
async function findHost(
  name: string,
  context: BotContext,
): Promise<{ host: HostDetailView; fleet?: undefined } | { host?: undefined; fleet: FleetView }> {
  const exact = await context.host(name);
  if (exact !== undefined) return { host: exact };
  const fleet = await context.fleet();
  const other = matchHost(
    name,
    fleet.hosts.map((h) => h.hostname),
  );
  const host = other === undefined || other === name ? undefined : await context.host(other);
  return host === undefined ? { fleet } : { host };
}

/** The name among `names` that is `name`, or the only one that is it in another case. */
function matchHost(name: string, names: readonly string[]): string | undefined {
  if (names.includes(name)) return name;
  const lower = name.toLowerCase();
  const same = [...new Set(names.filter((n) => n.toLowerCase() === lower))];
  return same.length === 1 ? same[0] : undefined;
}

function unknownHost(name: string, fleet: FleetView, say: Say, hint = ''): BotAnswer {
  const names = fleet.hosts.map((h) => h.hostname);
  return say([
    `I know no host ${JSON.stringify(name)}${hint}.`,
    names.length === 0 ? 'No host has reported yet.' : `Hosts: ${joinFitting(names, 180)}.`,
  ]);
}

/** Every firing alert of the fleet with its host, the oldest first. */
function firingOf(fleet: FleetView): { host: string; alert: FiringAlertView }[] {
  return fleet.hosts
    .flatMap((host) => host.firing.map((alert) => ({ host: host.hostname, alert })))
    .sort((a, b) => a.alert.sinceMs - b.alert.sinceMs || a.host.localeCompare(b.host));
}

function firingLine(host: string, alert: FiringAlertView, clock: Clock): string {
  return `${host}: ${formatFiring(alert)} since ${clock.at(alert.sinceMs)}`;
}

function hostLine(host: HostView, clock: Clock, nowMs: number): string {
  const state = host.silencedUntilMs === null ? host.state : `silenced until ${clock.at(host.silencedUntilMs)}`;
  const seen = host.lastSeenMs === null ? 'never seen' : `seen ${formatAgo(host.lastSeenMs, nowMs)}`;
  const alerts = host.firing.length === 0 ? '' : `, ${plural(host.firing.length, 'alert')}`;
  return `${host.hostname}: ${state}, ${seen}${alerts}`;
}

/** `3: cpu on pi1, until 16:00`. */
function silenceLine(s: SilenceView, clock: Clock): string {
  return `${s.id}: ${silenceWhat(s)}, until ${clock.at(s.untilMs)}`;
}

/** What a silence holds back: `cpu on pi1`, `every alert on every host`, `host silent on nas`. */
function silenceWhat(s: SilenceView): string {
  const host = s.host === SILENCE_WILDCARD ? 'every host' : s.host;
  const rule =
    s.rule === SILENCE_WILDCARD ? 'every alert' : s.rule === HOST_SILENT_RULE ? 'host silent' : ruleName(s.rule);
  return `${rule} on ${host}`;
}

/** A rule as the answers name it: the short name of its series (`cpu`, `disk /data`), `below` kept. */
function ruleName(rule: string): string {
  const below = rule.endsWith(':below');
  const key = below ? rule.slice(0, -':below'.length) : rule;
  return `${key === 'disk_usage_percent' ? 'disk' : shortName(key)}${below ? ' below' : ''}`;
}

function reasonOf(s: SilenceView): string {
  return s.reason === null || s.reason === '' ? '' : `: ${s.reason}`;
}
