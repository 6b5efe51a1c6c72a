import { describe, expect, it } from 'vitest';
import { COMMAND_USAGE, type Command, type CommandVerb, parseCommand } from './command.ts';

const H = 3_600_000;
const D = 24 * H;

// The bot's mention, as Mastodon, Pleroma/Akkoma and GoToSocial send it, around a command.
const FLAVOURS: Record<string, (command: string) => string> = {
  mastodon: (c) =>
    `<p><span class="h-card" translate="no"><a href="https://example.social/@janitor" class="u-url mention">@<span>janitor</span></a></span> ${c}</p>`,
  pleroma: (c) =>
    `<span class="h-card"><a class="u-url mention" data-user="AbC" href="https://pleroma.example/users/janitor" rel="ugc">@<span>janitor</span></a></span> ${c}`,
  gotosocial: (c) =>
    `<p><span class="h-card"><a href="https://gts.example/@janitor" class="mention">@<span>janitor</span></a></span> ${c}</p>`,
};

describe('parseCommand', () => {
  it.each<[string, string, Command]>([
    ['help', 'help', { verb: 'help' }],
    ['help on one command', 'help graph', { verb: 'help', topic: 'graph' }],
    ['help on an alias', 'help mute', { verb: 'help', topic: 'silence' }],
    ['help on something unknown is the help', 'help me', { verb: 'help' }],
    ['a question mark', '?', { verb: 'help' }],
    ['status of the fleet', 'status', { verb: 'status' }],
    ['the verb in any case', 'STATUS', { verb: 'status' }],
    ['chat style', '/status', { verb: 'status' }],
    ['status of a host', 'Status pi1', { verb: 'status', host: 'pi1' }],
    ['a sentence ends with punctuation', 'status pi1?', { verb: 'status', host: 'pi1' }],
    ['the verb with punctuation', 'status, pi1', { verb: 'status', host: 'pi1' }],
    ['a host keeps its case (the answer matches it)', 'status PI1.lan', { verb: 'status', host: 'PI1.lan' }],
    ['status of all is the fleet', 'status all', { verb: 'status' }],
    ['a hostname with spaces in quotes', 'status "Auto Git Pull"', { verb: 'status', host: 'Auto Git Pull' }],
    ['curly quotes too', 'status “Auto Git Pull”', { verb: 'status', host: 'Auto Git Pull' }],
    ['alerts', 'alerts', { verb: 'alerts' }],
    ['alert, singular', 'alert', { verb: 'alerts' }],
    ['words after a plain command are ignored', 'alerts please', { verb: 'alerts' }],
    ['hosts', 'hosts', { verb: 'hosts' }],
    ['silences', 'silences', { verb: 'silences' }],
    ['ack', 'ack', { verb: 'ack' }],
    ['ack with thanks', 'Ack, thanks!', { verb: 'ack' }],
    ['acknowledge', 'acknowledge', { verb: 'ack' }],

    [
      'graph: cpu, 6 hours by default',
      'graph pi1 cpu',
      { verb: 'graph', host: 'pi1', metric: 'cpu_percent', rangeMs: 6 * H },
    ],
    [
      'graph: mem over a day',
      'graph pi1 mem 24h',
      { verb: 'graph', host: 'pi1', metric: 'memory_percent', rangeMs: D },
    ],
    ['graph: memory', 'graph pi1 memory 1h', { verb: 'graph', host: 'pi1', metric: 'memory_percent', rangeMs: H }],
    [
      'graph: swap over a week',
      'graph pi1 swap 7d',
      { verb: 'graph', host: 'pi1', metric: 'swap_percent', rangeMs: 7 * D },
    ],
    ['graph: load', 'graph pi1 load 30d', { verb: 'graph', host: 'pi1', metric: 'load_1', rangeMs: 30 * D }],
    ['graph: load15', 'graph pi1 load15', { verb: 'graph', host: 'pi1', metric: 'load_15', rangeMs: 6 * H }],
    ['graph: temp', 'graph pi1 temp', { verb: 'graph', host: 'pi1', metric: 'cpu_temperature', rangeMs: 6 * H }],
    [
      'graph: temperature',
      'graph pi1 Temperature 2h',
      { verb: 'graph', host: 'pi1', metric: 'cpu_temperature', rangeMs: 2 * H },
    ],
    [
      'graph: disk is the root filesystem',
      'graph pi1 disk',
      { verb: 'graph', host: 'pi1', metric: 'disk_usage_percent@/', rangeMs: 6 * H },
    ],
    [
      'graph: disk and a mount',
      'graph pi1 disk /data 7d',
      { verb: 'graph', host: 'pi1', metric: 'disk_usage_percent@/data', rangeMs: 7 * D },
    ],
    [
      'graph: a series key',
      'graph pi1 net_rx_bytes_per_second@eth0',
      { verb: 'graph', host: 'pi1', metric: 'net_rx_bytes_per_second@eth0', rangeMs: 6 * H },
    ],
    [
      'graph: a key with a mount keeps the mount case',
      'graph pi1 DISK_usage_percent@/Data',
      { verb: 'graph', host: 'pi1', metric: 'disk_usage_percent@/Data', rangeMs: 6 * H },
    ],
    ['graph: a year', 'graph pi1 cpu 1y', { verb: 'graph', host: 'pi1', metric: 'cpu_percent', rangeMs: 365 * D }],
    ['graph: two weeks', 'graph pi1 cpu 2w', { verb: 'graph', host: 'pi1', metric: 'cpu_percent', rangeMs: 14 * D }],
    [
      'graph: a range in words',
      'graph pi1 cpu 2 days',
      { verb: 'graph', host: 'pi1', metric: 'cpu_percent', rangeMs: 2 * D },
    ],
    [
      'graph: a compound range',
      'graph pi1 cpu 1h30m.',
      { verb: 'graph', host: 'pi1', metric: 'cpu_percent', rangeMs: 1.5 * H },
    ],
    ['chart is graph', 'chart pi1 cpu', { verb: 'graph', host: 'pi1', metric: 'cpu_percent', rangeMs: 6 * H }],

    ['silence: a host for a while', 'silence pi1 2h', { verb: 'silence', host: 'pi1', durationMs: 2 * H }],
    ['silence: with for', 'silence pi1 for 2h', { verb: 'silence', host: 'pi1', durationMs: 2 * H }],
    [
      'silence: a rule',
      'silence pi1 cpu 30m',
      { verb: 'silence', host: 'pi1', rule: 'cpu_percent', durationMs: 1_800_000 },
    ],
    [
      'silence: a rule, for, a duration in words and a reason',
      'silence pi1 cpu for 2 hours kernel upgrade, back soon!',
      { verb: 'silence', host: 'pi1', rule: 'cpu_percent', durationMs: 2 * H, reason: 'kernel upgrade, back soon!' },
    ],
    [
      'silence: disk alone is every filesystem',
      'silence pi1 disk 1d',
      { verb: 'silence', host: 'pi1', rule: 'disk_usage_percent', durationMs: D },
    ],
    [
      'silence: one filesystem',
      'silence pi1 disk /data 1d',
      { verb: 'silence', host: 'pi1', rule: 'disk_usage_percent@/data', durationMs: D },
    ],
    [
      'silence: an alert key',
      'silence pi1 cpu_percent:below 1d',
      { verb: 'silence', host: 'pi1', rule: 'cpu_percent:below', durationMs: D },
    ],
    [
      'silence: the host-silent alarm',
      'silence nas silent 1w',
      { verb: 'silence', host: 'nas', rule: 'host_silent', durationMs: 7 * D },
    ],
    [
      'silence: offline is host silent',
      'silence nas offline 1h',
      { verb: 'silence', host: 'nas', rule: 'host_silent', durationMs: H },
    ],
    ['silence: every alert, said', 'silence pi1 all 1h', { verb: 'silence', host: 'pi1', durationMs: H }],
    ['silence: every host', 'silence * 30m', { verb: 'silence', host: '*', durationMs: 1_800_000 }],
    [
      'silence: all hosts',
      'silence all for 30m maintenance window',
      { verb: 'silence', host: '*', durationMs: 1_800_000, reason: 'maintenance window' },
    ],
    ['silence: the longest', 'silence pi1 366d', { verb: 'silence', host: 'pi1', durationMs: 366 * D }],
    ['mute is silence', 'mute pi1 1h', { verb: 'silence', host: 'pi1', durationMs: H }],

    ['unsilence a number', 'unsilence 3', { verb: 'unsilence', target: '3' }],
    ['unsilence #number', 'unsilence #3', { verb: 'unsilence', target: '3' }],
    ['unsilence a host', 'unsilence pi1', { verb: 'unsilence', target: 'pi1' }],
    ['unsilence every host', 'unsilence all', { verb: 'unsilence', target: '*' }],
    ['unmute', 'unmute pi1.', { verb: 'unsilence', target: 'pi1' }],

    ['a bare mention', '', { verb: 'unknown', text: '' }],
    ['unknown text', 'hello there', { verb: 'unknown', text: 'hello there' }],
    ['a verb inside a word is no verb', 'statuses', { verb: 'unknown', text: 'statuses' }],
  ])('%s: %j', (_what, text, expected) => {
    for (const [flavour, wrap] of Object.entries(FLAVOURS)) {
      expect(parseCommand(wrap(text)), flavour).toEqual(expected);
    }
  });

  it.each<[string, string, CommandVerb, RegExp]>([
    ['status with two words', 'status pi1 pi2', 'status', /one host at most .*quotes/],
    ['status of a path', 'status ../etc', 'status', /"..\/etc" is not a hostname/],
    ['graph without a metric', 'graph pi1', 'graph', /expected a host and a metric/],
    ['graph without anything', 'graph', 'graph', /expected a host and a metric/],
    [
      'graph of an unknown metric',
      'graph pi1 CPU-load',
      'graph',
      /unknown metric "CPU-load": expected cpu, mem, swap, load, temp, disk/,
    ],
    [
      'graph of a range that is no range',
      'graph pi1 cpu yesterday',
      'graph',
      /"yesterday" is not a range: expected 1h, 6h, 24h, 7d, 30d/,
    ],
    ['graph over more than a year', 'graph pi1 cpu 2y', 'graph', /from 1 minute to 1 year, got 2y/],
    ['graph over seconds', 'graph pi1 cpu 30s', 'graph', /from 1 minute to 1 year, got 30s/],
    ['graph with a number but no unit', 'graph pi1 cpu 24', 'graph', /24 needs a unit, such as 24h/],
    [
      'graph with words after the range',
      'graph pi1 cpu 24h please',
      'graph',
      /unexpected words after the range: please/,
    ],
    ['graph of a disk that is no mount', 'graph pi1 disk /da\u0001ta', 'graph', /is not a mount point/],
    ['silence without a host', 'silence', 'silence', /expected a host \(or \* for every host\) and how long/],
    ['silence without a duration', 'silence pi1', 'silence', /how long\? expected a duration such as 2h/],
    ['silence of a rule without a duration', 'silence pi1 cpu because', 'silence', /how long\?.*got "because"/],
    ['silence with a number but no unit', 'silence pi1 2', 'silence', /2 needs a unit/],
    [
      'silence of an unknown rule',
      'silence pi1 maintenance 2h',
      'silence',
      /unknown rule "maintenance": expected cpu, mem/,
    ],
    [
      'silence of a metric that has no mount',
      'silence pi1 cpu_percent@/data 2h',
      'silence',
      /^cpu_percent has no mount: only disk metrics do$/,
    ],
    ['silence for zero', 'silence pi1 0m', 'silence', /must be more than 0/],
    ['silence for more than a year', 'silence pi1 367d', 'silence', /at most 366 days/],
    [
      'silence with a reason too long',
      `silence pi1 1h ${'x'.repeat(501)}`,
      'silence',
      /reason: must not be longer than 500/,
    ],
    ['silence of a host with a slash', 'silence a/b 1h', 'silence', /"a\/b" is not a hostname/],
    ['unsilence of nothing', 'unsilence', 'unsilence', /expected one silence number .* or one host/],
    ['unsilence of two things', 'unsilence 3 4', 'unsilence', /expected one silence number/],
  ])('%s: invalid, with the usage and the problem', (_what, text, of, problem) => {
    const command = parseCommand(FLAVOURS.mastodon!(text));
    expect(command).toMatchObject({ verb: 'invalid', of, usage: COMMAND_USAGE[of] });
    expect(command.verb === 'invalid' && command.problem).toMatch(problem);
  });

  it('keeps unknown text short', () => {
    const command = parseCommand(`tell me ${'a'.repeat(500)}`);
    expect(command.verb).toBe('unknown');
    expect(command.verb === 'unknown' && [...command.text].length).toBe(200);
  });

  it('never throws, whatever the HTML', () => {
    for (const html of [
      '<',
      '<p',
      '&',
      '&#xffffffff;',
      '"',
      '“',
      'graph "',
      'silence "" 1h',
      '\u0000',
      '<p></p>'.repeat(100),
    ]) {
      expect(() => parseCommand(html)).not.toThrow();
    }
  });
});
