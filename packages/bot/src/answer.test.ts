import type { FiringAlertView, FleetView, HostDetailView, HostView, SilenceView } from '@janitor/protocol';
import { describe, expect, it } from 'vitest';
import { type AckOutcome, answerCommand, type BotContext, refusalAnswer, type SilenceAdd } from './answer.ts';
import { textLength } from './answer-text.ts';
import { COMMAND_USAGE, COMMAND_VERBS, type Command, parseCommand } from './command.ts';

const MIN = 60_000;
const H = 60 * MIN;
// 2 December 2026, 15:00 UTC: 16:00 in Paris.
const NOW = Date.UTC(2026, 11, 2, 15, 0);
const ASKER = 'owner@example.social';

const firing = (over: Partial<FiringAlertView> = {}): FiringAlertView => ({
  key: 'cpu_percent',
  label: 'CPU %',
  level: 'warning',
  value: 97.2,
  limit: 80,
  sinceMs: NOW - 55 * MIN,
  ...over,
});

const host = (hostname: string, over: Partial<HostView> = {}): HostView => ({
  hostname,
  state: 'up',
  lastSeenMs: NOW - 12_000,
  silencedUntilMs: null,
  latest: null,
  worstDisk: null,
  firing: [],
  ...over,
});

const PI1 = host('pi1', {
  latest: {
    atMs: NOW - 12_000,
    values: {
      'disk_usage_percent@/data': 80,
      load_5: 1,
      cpu_temperature: 48.46,
      load_1: 0.42,
      'disk_usage_percent@/': 71.23,
      memory_percent: 40,
      cpu_percent: 97.2,
    },
  },
  worstDisk: { mount: '/data', percent: 80 },
  firing: [firing()],
});
const NAS = host('nas', {
  state: 'silent',
  lastSeenMs: NOW - 3 * H,
  firing: [
    firing({
      key: 'host_silent',
      label: 'host silent',
      level: 'alarm',
      value: null,
      limit: null,
      sinceMs: NOW - 2 * H,
    }),
  ],
});
const VPS = host('vps', { state: 'silenced', lastSeenMs: NOW - MIN, silencedUntilMs: NOW + H });
const FLEET: FleetView = { nowMs: NOW, hosts: [NAS, PI1, VPS] };

const silenceView = (over: Partial<SilenceView> = {}): SilenceView => ({
  id: 3,
  host: 'pi1',
  rule: '*',
  until: new Date(NOW + 2 * H).toISOString(),
  untilMs: NOW + 2 * H,
  reason: null,
  createdAtMs: NOW - H,
  ...over,
});

interface Recorded {
  added: SilenceAdd[];
  removed: ({ id: number } | { host: string })[];
  hostLookups: string[];
  acks: number;
}

/** A context over a fleet, as the hub wires it to its read model, store and engine; records what changes. */
function contextFor(
  options: {
    fleet?: FleetView;
    keys?: Record<string, string[]>;
    silences?: SilenceView[];
    ack?: AckOutcome;
    asker?: string;
    timeZone?: string;
    async?: boolean;
  } = {},
): { context: BotContext; recorded: Recorded } {
  const fleet = options.fleet ?? FLEET;
  const silences = options.silences ?? [];
  const recorded: Recorded = { added: [], removed: [], hostLookups: [], acks: 0 };
  const later = <T>(value: T): T | Promise<T> => (options.async ? Promise.resolve(value) : value);
  const context: BotContext = {
    fleet: () => later(fleet),
    host(name) {
      recorded.hostLookups.push(name);
      const found = fleet.hosts.find((h) => h.hostname === name);
      const detail: HostDetailView | undefined = found && {
        ...found,
        keys: options.keys?.[name] ?? Object.keys(found.latest?.values ?? {}),
        limits: {},
      };
      return later(detail);
    },
    silences: {
      list: () => later(silences),
      add(silence) {
        recorded.added.push(silence);
        return later(
          silenceView({
            id: 7,
            host: silence.host,
            rule: silence.rule ?? '*',
            untilMs: silence.untilMs,
            reason: silence.reason ?? null,
          }),
        );
      },
      remove(target) {
        recorded.removed.push(target);
        return later(silences.filter((s) => ('id' in target ? s.id === target.id : s.host === target.host)));
      },
    },
    ack() {
      recorded.acks++;
      return later(options.ack ?? { acknowledged: true, incident: 'CPU % on pi1' });
    },
    now: () => NOW,
    timeZone: options.timeZone ?? 'Europe/Paris',
    asker: options.asker ?? ASKER,
  };
  return { context, recorded };
}

const ask = (text: string, options: Parameters<typeof contextFor>[0] = {}) => {
  const { context, recorded } = contextFor(options);
  return answerCommand(parseCommand(text), context).then((answer) => ({ ...answer, recorded }));
};

/** Whether the text could mention someone: an `@` no word character, `/`, `=` or neutralizer follows it. */
const MENTION = /(?<![\p{L}\p{M}\p{Nd}\p{Pc}=/])@(?=[\p{L}\p{N}_])/u;
const HASHTAG = /(?<![A-Za-z0-9_/)])#(?=\p{L})/u;

describe('answerCommand: help', () => {
  it('lists every command, one line each, without cutting', async () => {
    const { text } = await ask('help');
    const lines = text.split('\n');
    expect(lines[0]).toBe('Commands:');
    expect(lines.slice(1).map((line) => line.split(':')[0])).toEqual(COMMAND_VERBS.map((v) => COMMAND_USAGE[v]));
    expect(text).not.toMatch(/more$/);
  });

  it('unknown text says so and gives the whole help, even to a long account name', async () => {
    const asker = 'a-rather-long-name_of_someone@a-fairly-long-server-name.example.social';
    const { text } = await ask('hello there', { asker });
    expect(text.split('\n')[0]).toBe('Unknown command. Commands:');
    for (const verb of COMMAND_VERBS) expect(text).toContain(`\n${COMMAND_USAGE[verb]}: `);
    expect(textLength(`@${asker} ${text}`)).toBeLessThanOrEqual(500);
    expect(text).not.toContain('hello');
  });

  it('a bare mention gets the help', async () => {
    expect((await ask('')).text.startsWith('Commands:\nstatus [HOST]: ')).toBe(true);
  });

  it('help on one command: its usage and an example', async () => {
    expect((await ask('help graph')).text).toBe(
      'graph HOST METRIC [RANGE]: cpu, mem, swap, load, temp, disk [MOUNT]; 6h, 7d...\ne.g. graph pi1 disk /data 7d',
    );
  });

  it('an invalid command: the problem, the usage, an example', async () => {
    expect((await ask('graph pi1 cpu yesterday')).text).toBe(
      '"yesterday" is not a range: expected 1h, 6h, 24h, 7d, 30d (up to 1y).\nUsage: graph HOST METRIC [RANGE]\ne.g. graph pi1 disk /data 7d',
    );
  });
});

describe('answerCommand: status', () => {
  it('the fleet: hosts up, silent, silenced, and the firing alerts oldest first, in the time zone', async () => {
    const answer = await ask('status');
    expect(answer.text).toBe(
      [
        '3 hosts: 1 up, 1 silent, 1 silenced.',
        '2 alerts firing:',
        'nas: host silent (alarm) since 14:00',
        'pi1: CPU %: 97.2% (warning) since 15:05',
      ].join('\n'),
    );
    expect(answer.chart).toBeUndefined();
  });

  it('in UTC when no time zone is given', async () => {
    const { context } = contextFor();
    delete context.timeZone;
    expect((await answerCommand({ verb: 'status' }, context)).text).toContain('nas: host silent (alarm) since 13:00');
  });

  it('a quiet fleet', async () => {
    expect((await ask('status', { fleet: { nowMs: NOW, hosts: [host('pi1'), host('pi2')] } })).text).toBe(
      '2 hosts: 2 up, 0 silent, 0 silenced.\nNo alert firing.',
    );
  });

  it('an empty fleet', async () => {
    expect((await ask('status', { fleet: { nowMs: NOW, hosts: [] } })).text).toBe('No host has reported yet.');
  });

  it('a host: state, last seen, its main values by the names commands use, firing alerts, and a 6-hour cpu chart', async () => {
    const answer = await ask('status pi1');
    expect(answer.text).toBe(
      [
        'pi1: up, last seen 12s ago',
        'cpu 97.2%, mem 40%, load 0.42, temp 48.5 °C, disk / 71.2%, disk /data 80%',
        'Firing: CPU %: 97.2% (warning) since 15:05',
      ].join('\n'),
    );
    expect(answer.chart).toEqual({ host: 'pi1', metric: 'cpu_percent', fromMs: NOW - 6 * H, toMs: NOW });
  });

  it('a host in another case is found in the fleet', async () => {
    const answer = await ask('status PI1');
    expect(answer.text.startsWith('pi1: up')).toBe(true);
    expect(answer.recorded.hostLookups).toEqual(['PI1', 'pi1']);
    expect(answer.chart?.host).toBe('pi1');
  });

  it('a silenced host with no values and no cpu series: no chart', async () => {
    const answer = await ask('status vps');
    expect(answer.text).toBe('vps: silenced, last seen 1m ago, silenced until 17:00\nNo values yet.\nNo alert firing.');
    expect(answer.chart).toBeUndefined();
  });

  it('a host that never reported', async () => {
    const fleet = { nowMs: NOW, hosts: [host('new', { lastSeenMs: null })] };
    expect((await ask('status new', { fleet })).text.split('\n')[0]).toBe('new: up, never seen');
  });

  it('an unknown host: says so and lists the hosts', async () => {
    const answer = await ask('status pi9');
    expect(answer.text).toBe('I know no host "pi9".\nHosts: nas, pi1, vps.');
    expect(answer.chart).toBeUndefined();
  });

  it('works with ports that answer later', async () => {
    expect((await ask('status pi1', { async: true })).text.startsWith('pi1: up, last seen 12s ago\n')).toBe(true);
  });
});

describe('answerCommand: alerts and hosts', () => {
  it('alerts: what fires, since when and for how long', async () => {
    expect((await ask('alerts')).text).toBe(
      [
        '2 alerts firing:',
        'nas: host silent (alarm) since 14:00 (2h)',
        'pi1: CPU %: 97.2% (warning) since 15:05 (55m)',
      ].join('\n'),
    );
  });

  it('no alert', async () => {
    expect((await ask('alerts', { fleet: { nowMs: NOW, hosts: [host('pi1')] } })).text).toBe(
      'No alert firing (1 host).',
    );
  });

  it('hosts: each with its state, last seen and alerts', async () => {
    expect((await ask('hosts')).text).toBe(
      [
        '3 hosts:',
        'nas: silent, seen 3h ago, 1 alert',
        'pi1: up, seen 12s ago, 1 alert',
        'vps: silenced until 17:00, seen 1m ago',
      ].join('\n'),
    );
  });

  it('hosts of an empty fleet', async () => {
    expect((await ask('hosts', { fleet: { nowMs: NOW, hosts: [] } })).text).toBe('No host has reported yet.');
  });
});

describe('answerCommand: graph', () => {
  it('asks for the chart of the series over the range, and says what it shows', async () => {
    const answer = await ask('graph pi1 disk /data 7d');
    expect(answer.text).toBe('disk /data on pi1 over the last 7d, now 80%.');
    expect(answer.chart).toEqual({
      host: 'pi1',
      metric: 'disk_usage_percent@/data',
      fromMs: NOW - 7 * 24 * H,
      toMs: NOW,
    });
  });

  it('a series without a latest value still gets its chart', async () => {
    const answer = await ask('graph pi1 swap 1h', { keys: { pi1: ['cpu_percent', 'swap_percent'] } });
    expect(answer.text).toBe('swap on pi1 over the last 1h.');
    expect(answer.chart).toEqual({ host: 'pi1', metric: 'swap_percent', fromMs: NOW - H, toMs: NOW });
  });

  it("an original's report: disk is its disk_usage_percent without a mount", async () => {
    const answer = await ask('graph pi1 disk', { keys: { pi1: ['cpu_percent', 'disk_usage_percent'] } });
    expect(answer.chart?.metric).toBe('disk_usage_percent');
  });

  it('a series the host lacks: says so and lists what it has, main series first', async () => {
    const answer = await ask('graph pi1 swap');
    expect(answer.text).toBe('pi1 has no swap series.\nIt has: cpu, mem, load, temp, disk /, disk /data, load_5.');
    expect(answer.chart).toBeUndefined();
  });

  it('a host without any series', async () => {
    expect((await ask('graph vps cpu')).text).toBe('vps has no cpu series.\nIt has no series yet.');
  });

  it('an unknown host', async () => {
    const answer = await ask('graph pi9 cpu');
    expect(answer.text).toBe('I know no host "pi9".\nHosts: nas, pi1, vps.');
    expect(answer.chart).toBeUndefined();
  });
});

describe('answerCommand: silences', () => {
  it('silence: adds it for the host as the fleet spells it, until now + the duration, by the asker', async () => {
    const answer = await ask('silence PI1 cpu for 2h kernel upgrade', { asker: '@owner@example.social' });
    expect(answer.recorded.added).toEqual([
      { host: 'pi1', rule: 'cpu_percent', untilMs: NOW + 2 * H, reason: 'kernel upgrade', by: 'owner@example.social' },
    ]);
    expect(answer.text).toBe('Silenced cpu on pi1 until 18:00 (2h): kernel upgrade.\nUndo: unsilence 7');
  });

  it('silence of every host, every alert: nothing to look up', async () => {
    const answer = await ask('silence all 30m', { fleet: { nowMs: NOW, hosts: [] } });
    expect(answer.recorded.added).toEqual([{ host: '*', untilMs: NOW + 30 * MIN, by: ASKER }]);
    expect(answer.text).toBe('Silenced every alert on every host until 16:30 (30m).\nUndo: unsilence 7');
  });

  it('silence of the host-silent alarm, a whole filesystem rule, a below rule', async () => {
    expect((await ask('silence nas silent 1d')).text.split('\n')[0]).toBe(
      'Silenced host silent on nas until 3 Dec 16:00 (1d).',
    );
    expect((await ask('silence pi1 disk 1h')).text.split('\n')[0]).toBe('Silenced disk on pi1 until 17:00 (1h).');
    expect((await ask('silence pi1 cpu_percent:below 1h')).text.split('\n')[0]).toBe(
      'Silenced cpu below on pi1 until 17:00 (1h).',
    );
  });

  it('silence of an unknown host adds nothing and says which hosts there are', async () => {
    const answer = await ask('silence pi9 2h');
    expect(answer.recorded.added).toEqual([]);
    expect(answer.text).toBe('I know no host "pi9" (or * for every host).\nHosts: nas, pi1, vps.');
  });

  it('silences: the running ones, ending first, with the time left and the reason', async () => {
    const silences = [
      silenceView({ id: 4, host: '*', rule: 'host_silent', untilMs: NOW + 3 * H, reason: 'network work' }),
      silenceView({ id: 3, rule: 'disk_usage_percent@/data', untilMs: NOW + 90 * MIN }),
      silenceView({ id: 1, untilMs: NOW - MIN }),
    ];
    expect((await ask('silences', { silences })).text).toBe(
      [
        '2 silences:',
        '3: disk /data on pi1, until 17:30 (1h 30m left)',
        '4: host silent on every host, until 19:00 (3h left): network work',
      ].join('\n'),
    );
  });

  it('no silence', async () => {
    expect((await ask('silences')).text).toBe('No silence running.');
  });

  it('unsilence by number', async () => {
    const answer = await ask('unsilence #3', { silences: [silenceView()] });
    expect(answer.recorded.removed).toEqual([{ id: 3 }]);
    expect(answer.text).toBe('Ended silence 3: every alert on pi1.');
  });

  it('unsilence of a number that runs no silence', async () => {
    const answer = await ask('unsilence 9', { silences: [silenceView()] });
    expect(answer.recorded.removed).toEqual([{ id: 9 }]);
    expect(answer.text).toBe('No silence 9 is running. See: silences');
  });

  it('unsilence by host, in another case: every silence of that host', async () => {
    const silences = [
      silenceView({ id: 3 }),
      silenceView({ id: 5, rule: 'cpu_percent' }),
      silenceView({ id: 6, host: 'nas' }),
    ];
    const answer = await ask('unsilence PI1', { silences });
    expect(answer.recorded.removed).toEqual([{ host: 'pi1' }]);
    expect(answer.text).toBe(
      'Ended 2 silences of pi1:\n3: every alert on pi1, until 18:00\n5: cpu on pi1, until 18:00',
    );
  });

  it('unsilence of a host without silences', async () => {
    const answer = await ask('unsilence nas');
    expect(answer.recorded.removed).toEqual([{ host: 'nas' }]);
    expect(answer.text).toBe('No silence of nas is running. See: silences');
  });

  it('unsilence all: the silences of every host', async () => {
    const answer = await ask('unsilence all', { silences: [silenceView({ host: '*' })] });
    expect(answer.recorded.removed).toEqual([{ host: '*' }]);
    expect(answer.text).toBe('Ended silence 3: every alert on every host.');
  });
});

describe('answerCommand: ack', () => {
  it.each<[string, AckOutcome, string]>([
    [
      'acknowledged',
      { acknowledged: true, incident: 'CPU % on pi1' },
      'Acknowledged: CPU % on pi1. Its repeats stop until it resolves or gets worse.',
    ],
    [
      'not a reply to an alert',
      { acknowledged: false, reason: 'not-an-alert' },
      'Nothing to acknowledge here: reply ack to an alert post (or favourite it).',
    ],
    [
      'resolved',
      { acknowledged: false, reason: 'resolved', incident: 'Disk / on nas' },
      'Disk / on nas has resolved already: nothing to acknowledge.',
    ],
    [
      'already, by someone',
      { acknowledged: false, reason: 'already', incident: 'CPU % on pi1', by: '@ops@example.social' },
      'CPU % on pi1 was acknowledged already by ops@example.social.',
    ],
    ['already, without a name', { acknowledged: false, reason: 'already' }, 'That alert was acknowledged already.'],
  ])('%s', async (_what, ack, expected) => {
    const answer = await ask('ack', { ack });
    expect(answer.recorded.acks).toBe(1);
    expect(answer.text).toBe(expected);
  });
});

describe('answerCommand: outside text and length', () => {
  const EVIL = host('@evil@example.org', {
    firing: [firing({ label: '#pwned CPU', key: 'cpu_percent' })],
    latest: { atMs: NOW, values: { cpu_percent: 1 } },
  });
  const evilFleet = { nowMs: NOW, hosts: [EVIL] };

  it.each<[string, Command]>([
    ['status', { verb: 'status' }],
    ['status of the host', { verb: 'status', host: '@evil@example.org' }],
    ['alerts', { verb: 'alerts' }],
    ['hosts', { verb: 'hosts' }],
    ['graph', { verb: 'graph', host: '@evil@example.org', metric: 'cpu_percent', rangeMs: H }],
    ['an unknown host asked for', { verb: 'status', host: '@admin@example.org' }],
    ['silence', { verb: 'silence', host: '@evil@example.org', durationMs: H, reason: 'ask @boss@example.org #urgent' }],
    [
      'invalid',
      { verb: 'invalid', of: 'status', usage: 'status [HOST]', problem: '"@x@example.org" is not a hostname' },
    ],
  ])('%s: no mention, no hashtag', async (_what, command) => {
    const { context } = contextFor({ fleet: evilFleet });
    const { text } = await answerCommand(command, context);
    expect(text).toMatch(/@\u200B/);
    expect(text).not.toMatch(MENTION);
    expect(text).not.toMatch(HASHTAG);
  });

  it('a silence reason from another account is neutralized when listed', async () => {
    const silences = [silenceView({ reason: 'asked by @boss@example.org #ops' })];
    const { text } = await ask('silences', { silences });
    expect(text).toContain('asked by @\u200Bboss@example.org #\u200Bops');
    expect(text).not.toMatch(MENTION);
  });

  describe('a fleet too big for one status', () => {
    const hosts = Array.from({ length: 60 }, (_, i) =>
      host(`host-number-${String(i).padStart(2, '0')}.example.lan`, {
        firing: [firing({ sinceMs: NOW - (60 - i) * MIN })],
      }),
    );
    const big = { nowMs: NOW, hosts };
    const silences = hosts.map((h, i) => silenceView({ id: i + 1, host: h.hostname, reason: 'disk swap' }));

    it.each<[string]>([['status'], ['alerts'], ['hosts'], ['silences'], [`unsilence ${hosts[0]!.hostname}`]])(
      '%s fits 500 characters with the mention, and says how many more',
      async (command) => {
        const asker = 'someone_with_a_long_name@a-long-server-name.example.social';
        const { context } = contextFor({ fleet: big, asker, silences });
        if (command.startsWith('unsilence')) context.silences.remove = () => silences;
        const { text } = await answerCommand(parseCommand(command), context);
        expect(textLength(`@${asker} ${text}`)).toBeLessThanOrEqual(500);
        const more = /\nand (\d+) more$/.exec(text);
        expect(more).not.toBeNull();
        const shown = text.split('\n').filter((line) => /^(\d+: |host-number-)/.test(line)).length;
        expect(shown).toBeGreaterThan(2);
        expect(shown + Number(more?.[1])).toBe(60);
      },
    );

    it('an unknown host lists as many hosts as fit', async () => {
      const { context } = contextFor({ fleet: big });
      const { text } = await answerCommand({ verb: 'status', host: 'nope' }, context);
      expect(textLength(`@${ASKER} ${text}`)).toBeLessThanOrEqual(500);
      expect(text).toMatch(/^I know no host "nope"\.\nHosts: host-number-00\.example\.lan, .* and \d+ more\.$/);
    });

    it('a smaller server limit is honoured', async () => {
      const { context } = contextFor({ fleet: big });
      context.maxChars = 200;
      const { text } = await answerCommand({ verb: 'alerts' }, context);
      expect(textLength(`@${ASKER} ${text}`)).toBeLessThanOrEqual(200);
      expect(text).toMatch(/\nand \d+ more$/);
    });
  });
});

describe('refusalAnswer', () => {
  it('says only who may command, nothing about the fleet', () => {
    expect(refusalAnswer({ publicRead: false }).text).toBe('Sorry, I take commands only from my owners.');
  });

  it('with public read, says what anyone may ask', () => {
    expect(refusalAnswer({ publicRead: true }).text).toBe(
      'Sorry, only my owners may change things. Anyone may ask: status, alerts, hosts, graph, silences, help.',
    );
  });
});
