import type { HostAlertView } from '@janitor/alerting';
import { type GaugeFamily, writeExposition } from '@janitor/prometheus';
import { PublishError } from '@janitor/publisher';
import {
  type AlertState,
  createAlertPlan,
  DEFAULT_THRESHOLDS,
  parseAlerting,
  type SilenceSpan,
} from '@janitor/thresholds';
import { describe, expect, it } from 'vitest';
import {
  ALERT_STATE_FAMILY,
  alertFamily,
  exposedAlertState,
  HOST_METRICS,
  hostFamilies,
  LAST_REPORT_FAMILY,
  OTHER_VALUE_FAMILY,
  postFailureReason,
} from './metric-families.ts';

const T = Date.parse('2026-12-10T10:00:00Z');

/** The families' sample lines as Prometheus reads them, quotes left out: `name{k=v,...} value`. */
function lines(families: readonly GaugeFamily[]): string[] {
  return writeExposition(families, 'text')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.replaceAll('"', ''));
}

/** A report's values as a snapshot holds them: the keys, and the values in the same order. */
const samplesOf = (values: Record<string, number>) => ({ keys: Object.keys(values), values: Object.values(values) });

describe('hostFamilies', () => {
  it('names every known report key after Prometheus’ conventions, snake_case with the unit last', () => {
    for (const [key, metric] of HOST_METRICS) {
      expect(metric.name, key).toMatch(/^janitor_host_[a-z0-9_]+$/);
      expect(metric.name, key).not.toMatch(/_(total|count|sum|bucket)$/);
      if (metric.unit) expect(metric.name.endsWith(`_${metric.unit}`), key).toBe(true);
      // The report's sizes are bytes, its percents 0-100: the names say so.
      if (/^(memory|swap|disk_usage)_(total|avail|used|free)$/.test(key)) expect(metric.name, key).toMatch(/_bytes$/);
      if (key.endsWith('_percent')) expect(metric.name, key).toMatch(/_percent$/);
    }
  });

  it.each<[string, Record<string, number>, string[]]>([
    [
      'flat values get the host label',
      { cpu_percent: 12.5, memory_total: 8e9, load_1: 0.4 },
      [
        'janitor_host_cpu_percent{host=pi} 12.5',
        'janitor_host_load1{host=pi} 0.4',
        'janitor_host_memory_total_bytes{host=pi} 8000000000',
      ],
    ],
    [
      'a filesystem’s values get its mount',
      { 'disk_usage_percent@/data': 67, 'disk_usage_free@/data': 33e9 },
      [
        'janitor_host_filesystem_available_bytes{host=pi,mount=/data} 33000000000',
        'janitor_host_filesystem_used_percent{host=pi,mount=/data} 67',
      ],
    ],
    [
      'the original’s flat disk value is the root filesystem’s',
      { disk_usage_percent: 85 },
      ['janitor_host_filesystem_used_percent{host=pi,mount=/} 85'],
    ],
    [
      'the flat disk value is left out when the root filesystem is reported too (no duplicate series)',
      { disk_usage_percent: 50, 'disk_usage_percent@/': 50 },
      ['janitor_host_filesystem_used_percent{host=pi,mount=/} 50'],
    ],
    [
      'an interface’s rates get its interface; the flat sum is then left out',
      { net_rx_bytes_per_second: 1500, 'net_rx_bytes_per_second@eth0': 1200, 'net_rx_bytes_per_second@wlan0': 300 },
      [
        'janitor_host_network_receive_bytes_per_second{host=pi,interface=eth0} 1200',
        'janitor_host_network_receive_bytes_per_second{host=pi,interface=wlan0} 300',
      ],
    ],
    [
      'the flat sum is given when no interface is',
      { net_tx_bytes_per_second: 90 },
      ['janitor_host_network_transmit_bytes_per_second{host=pi} 90'],
    ],
    [
      'a key of its own goes to the reported values, by metric, with its scope',
      { backup_age_seconds: 60, 'queue_depth@/spool': 3, 'errors@eth0': 1, constructor: 5 },
      [
        `${OTHER_VALUE_FAMILY}{host=pi,metric=backup_age_seconds} 60`,
        `${OTHER_VALUE_FAMILY}{host=pi,metric=queue_depth,mount=/spool} 3`,
        `${OTHER_VALUE_FAMILY}{host=pi,metric=errors,interface=eth0} 1`,
        `${OTHER_VALUE_FAMILY}{host=pi,metric=constructor} 5`,
      ],
    ],
    [
      'a known metric with a scope it does not take goes to the reported values',
      { 'cpu_percent@eth0': 1, 'disk_usage_percent@sda': 2, 'net_rx_bytes_per_second@/x': 3 },
      [
        `${OTHER_VALUE_FAMILY}{host=pi,metric=cpu_percent,interface=eth0} 1`,
        `${OTHER_VALUE_FAMILY}{host=pi,metric=disk_usage_percent,interface=sda} 2`,
        `${OTHER_VALUE_FAMILY}{host=pi,metric=net_rx_bytes_per_second,mount=/x} 3`,
      ],
    ],
  ])('%s', (_, values, expected) => {
    const got = lines(hostFamilies([{ hostname: 'pi', ...samplesOf(values) }])).filter(
      (l) => !l.startsWith(LAST_REPORT_FAMILY),
    );
    expect(got.sort()).toEqual([...expected].sort());
  });

  it('gives each host’s last report in seconds, hosts in name order, a host without values its time only', () => {
    const families = hostFamilies([
      { hostname: 'pi2', lastReportMs: T + 500, ...samplesOf({ cpu_percent: 2 }) },
      { hostname: 'pi10', lastReportMs: T, ...samplesOf({ cpu_percent: 10 }) },
      { hostname: 'expected-but-silent', lastReportMs: T - 3_600_000 },
    ]);
    expect(lines(families)).toEqual([
      `${LAST_REPORT_FAMILY}{host=expected-but-silent} ${(T - 3_600_000) / 1000}`,
      `${LAST_REPORT_FAMILY}{host=pi10} ${T / 1000}`,
      `${LAST_REPORT_FAMILY}{host=pi2} ${(T + 500) / 1000}`,
      'janitor_host_cpu_percent{host=pi10} 10',
      'janitor_host_cpu_percent{host=pi2} 2',
    ]);
    // Every family is there from the start, empty or not: a scraper sees the same families every time.
    expect(hostFamilies([]).map((f) => f.name)).toEqual(families.map((f) => f.name));
  });

  it('escapes host names, mounts and interfaces, written in UTF-8', () => {
    const families = hostFamilies([
      {
        hostname: 'Bücher-日本',
        lastReportMs: T,
        ...samplesOf({ cpu_percent: 1, 'disk_usage_percent@/mnt/"x"\\': 2, 'net_rx_bytes_per_second@wlän0': 3 }),
      },
      { hostname: 'a"b', lastReportMs: T, ...samplesOf({ 'queue@/späcé': 4 }) },
    ]);
    expect(
      writeExposition(families, 'text')
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith('#')),
    ).toEqual([
      `${LAST_REPORT_FAMILY}{host="Bücher-日本"} ${T / 1000}`,
      `${LAST_REPORT_FAMILY}{host="a\\"b"} ${T / 1000}`,
      'janitor_host_cpu_percent{host="Bücher-日本"} 1',
      'janitor_host_filesystem_used_percent{host="Bücher-日本",mount="/mnt/\\"x\\"\\\\"} 2',
      'janitor_host_network_receive_bytes_per_second{host="Bücher-日本",interface="wlän0"} 3',
      `${OTHER_VALUE_FAMILY}{host="a\\"b",metric="queue",mount="/späcé"} 4`,
    ]);
  });
});

describe('exposedAlertState', () => {
  const firing: AlertState = { phase: 'firing', level: 'warning', since: T, firingSince: T };
  it.each<[string, AlertState, boolean, string | undefined]>([
    ['ok is not exposed', { phase: 'ok', since: T }, false, undefined],
    ['ok, held back or not', { phase: 'ok', since: T }, true, undefined],
    ['crossed, waiting for its for', { phase: 'pending', level: 'warning', since: T }, false, 'pending'],
    [
      'pending stays pending under a silence (nothing to hold back yet)',
      { phase: 'pending', since: T },
      true,
      'pending',
    ],
    ['firing', firing, false, 'firing'],
    ['firing and held back', firing, true, 'silenced'],
    [
      'firing and taken in hand',
      { ...firing, acknowledged: { by: 'a@b.social', at: T, level: 'warning' } },
      false,
      'acknowledged',
    ],
    [
      'held back wins over taken in hand',
      { ...firing, acknowledged: { by: 'a@b.social', at: T, level: 'warning' } },
      true,
      'silenced',
    ],
  ])('%s', (_, state, held, expected) => {
    expect(exposedAlertState(state, held)).toBe(expected);
  });
});

describe('alertFamily', () => {
  const plan = createAlertPlan({
    rules: DEFAULT_THRESHOLDS,
    settings: parseAlerting({ hosts: { muted: { mute: ['cpu_percent'] } } }).settings,
  });
  const firing = (level: AlertState['level'] = 'warning'): AlertState => ({
    phase: 'firing',
    level,
    since: T,
    firingSince: T,
  });
  const view = (hostname: string, states: Record<string, AlertState>): HostAlertView => ({ hostname, states });
  const stateOf = (views: HostAlertView[], silences: SilenceSpan[] = []) =>
    Object.fromEntries(
      alertFamily(views, { plan, silences, nowMs: T }).samples.map((s) => [
        `${s.labels?.host} ${s.labels?.rule} ${s.labels?.level}`,
        s.labels?.state,
      ]),
    );

  it('gives one sample of 1 per alert that is not ok, labelled host, rule, level and state', () => {
    const family = alertFamily([view('pi1', { cpu_percent: firing(), memory_percent: { phase: 'ok', since: T } })], {
      plan,
      silences: [],
      nowMs: T,
    });
    expect(family.name).toBe(ALERT_STATE_FAMILY);
    expect(family.samples).toEqual([
      { labels: { host: 'pi1', rule: 'cpu_percent', level: 'warning', state: 'firing' }, value: 1 },
    ]);
  });

  it.each<[string, SilenceSpan[], string]>([
    ['no silence', [], 'firing'],
    ['a silence of the key', [{ hostname: 'pi1', key: 'disk_usage_percent@/data', untilMs: T + 60_000 }], 'silenced'],
    ['a silence of the metric', [{ hostname: 'pi1', key: 'disk_usage_percent', untilMs: T + 60_000 }], 'silenced'],
    ['a silence of every alert of the host', [{ hostname: 'pi1', key: '*', untilMs: T + 60_000 }], 'silenced'],
    ['a silence of every host', [{ hostname: '*', key: '*', untilMs: T + 60_000 }], 'silenced'],
    ['a silence of another host', [{ hostname: 'pi2', key: '*', untilMs: T + 60_000 }], 'firing'],
    ['a silence of another metric', [{ hostname: 'pi1', key: 'cpu_percent', untilMs: T + 60_000 }], 'firing'],
    ['a silence that ended', [{ hostname: 'pi1', key: '*', untilMs: T }], 'firing'],
  ])('a firing filesystem alert with %s is %s', (_, silences, expected) => {
    expect(stateOf([view('pi1', { 'disk_usage_percent@/data': firing('alarm') })], silences)).toEqual({
      'pi1 disk_usage_percent@/data alarm': expected,
    });
  });

  it('holds back host_silent by its own silences, and a muted metric with no silence at all', () => {
    const views = [
      view('pi1', { host_silent: firing('alarm') }),
      view('muted', { cpu_percent: firing(), memory_percent: firing() }),
    ];
    expect(stateOf(views, [{ hostname: 'pi1', key: 'host_silent', untilMs: T + 1 }])).toEqual({
      'pi1 host_silent alarm': 'silenced',
      'muted cpu_percent warning': 'silenced',
      'muted memory_percent warning': 'firing',
    });
    expect(stateOf(views, [{ hostname: 'pi1', key: 'cpu_percent', untilMs: T + 1 }])).toMatchObject({
      'pi1 host_silent alarm': 'firing',
    });
  });

  it('says level unknown for a pending alert without one', () => {
    expect(stateOf([view('pi1', { 'load_1:below': { phase: 'pending', since: T } })])).toEqual({
      'pi1 load_1:below unknown': 'pending',
    });
  });
});

describe('postFailureReason', () => {
  const failure = (details: ConstructorParameters<typeof PublishError>[1]) =>
    new PublishError('publish failed', details);
  it.each<[string, unknown, string]>([
    ['401', failure({ retryable: false, statusCode: 401, kind: 'http' }), 'unauthorized'],
    ['403', failure({ retryable: false, statusCode: 403, kind: 'http' }), 'forbidden'],
    ['429', failure({ retryable: true, statusCode: 429, kind: 'http' }), 'rate_limited'],
    ['422', failure({ retryable: false, statusCode: 422, kind: 'http' }), 'rejected'],
    ['413', failure({ retryable: false, statusCode: 413, kind: 'http' }), 'client_error'],
    ['503', failure({ retryable: true, statusCode: 503, kind: 'http' }), 'server_error'],
    ['an HTML error page', failure({ retryable: true, kind: 'error-page' }), 'server_error'],
    ['a timeout', failure({ retryable: true, kind: 'timeout' }), 'timeout'],
    ['no connection', failure({ retryable: true, kind: 'unreachable' }), 'network'],
    ['a broken connection', failure({ retryable: true, kind: 'connection' }), 'network'],
    ['an unreadable answer', failure({ retryable: true, kind: 'invalid-response' }), 'invalid_response'],
    ['aborted', failure({ retryable: true, kind: 'aborted' }), 'aborted'],
    ['a PublishError of another kind', failure({ retryable: false }), 'other'],
    ['not a PublishError', new TypeError('fetch failed'), 'other'],
    ['not an error', 'boom', 'other'],
  ])('%s: %s', (_, error, reason) => {
    expect(postFailureReason(error)).toBe(reason);
  });
});
