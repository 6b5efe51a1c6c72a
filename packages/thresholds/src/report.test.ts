import type { DiskSample } from '@janitor/protocol';
import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluation.ts';
import { DEFAULT_REPORT_FORMAT, formatMetricValue, formatReport, type ReportFormat } from './report.ts';
import type { ReportInput } from './report-input.ts';
import type { Rule } from './rule.ts';

const rule = (r: Partial<Rule> & Pick<Rule, 'metric' | 'value'>): Rule => ({ operator: '>', type: 'warning', ...r });
const disk = (mount: string, usedPercent: number): DiskSample => ({
  mount,
  device: 'd',
  fsType: 'ext4',
  totalBytes: 1000,
  usedBytes: 900,
  freeBytes: 100,
  usedPercent,
});

function report(input: ReportInput, rules: Rule[], format?: ReportFormat) {
  return formatReport(input, evaluate(input, rules), format);
}

describe('formatReport: spoiler', () => {
  const input: ReportInput = { hostname: 'pi', entries: [['cpu_percent', 95.5]] };
  it.each<[string, Rule['type'], string]>([
    ['warning icon, a space, the hostname', 'warning', '\u26A0\uFE0F pi'],
    ['alarm icon', 'alarm', '\u{1F6A8} pi'],
    ['error icon', 'error', '\u{1F525} pi'],
    ['info icon', 'info', '\u2139\uFE0F pi'],
    ['none: just the hostname, no stray space', 'none', 'pi'],
  ])('%s', (_meaning, type, spoiler) => {
    const out = report(input, [rule({ metric: 'cpu_percent', value: 80, type })]);
    expect(out).toEqual({ spoiler, text: '- **CPU %**: 95.5 \u2757\uFE0F', type });
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['blank', '  '],
  ])("names an %s hostname 'unknown host'", (_meaning, hostname) => {
    const out = report({ hostname, entries: [['cpu_percent', 99]] } as ReportInput, [
      rule({ metric: 'cpu_percent', value: 80 }),
    ]);
    expect(out.spoiler).toBe('\u26A0\uFE0F unknown host');
  });

  it('is of type none, without icon, when nothing crossed', () => {
    expect(report(input, [])).toEqual({ spoiler: 'pi', text: '- **CPU %**: 95.5', type: 'none' });
  });
});

describe('formatReport: lines', () => {
  it('marks every crossed entry once, whatever the number of rules it crossed', () => {
    const out = report(
      {
        entries: [
          ['cpu_percent', 95.5],
          ['memory_percent', 10],
          ['disk_usage_free', 512],
        ],
      },
      [
        rule({ metric: 'cpu_percent', value: 80 }),
        rule({ metric: 'cpu_percent', value: 90, type: 'alarm' }),
        rule({ metric: 'disk_usage_free', value: 1024, operator: '<' }),
      ],
    );
    expect(out.text).toBe('- **CPU %**: 95.5 \u2757\uFE0F\n- **Memory %**: 10\n- **Disk Free**: 512 B \u2757\uFE0F');
    expect(out.type).toBe('alarm');
  });

  it('lists a crossed unlisted metric after the entries, and leaves out the ones that did not cross', () => {
    const input: ReportInput = {
      entries: [['cpu_percent', 12]],
      unlisted: [
        ['load_1', 3.5],
        ['load_5', 0.5],
        ['uptime_seconds', 100],
      ],
    };
    const out = report(input, [
      rule({ metric: 'load_1', value: 2 }),
      rule({ metric: 'load_1', value: 3, type: 'error' }),
      rule({ metric: 'load_5', value: 2 }),
      rule({ metric: 'uptime_seconds', value: 300, operator: '<', type: 'info' }),
    ]);
    expect(out.text).toBe(
      ['- **CPU %**: 12', '- **Load 1 min**: 3.5 \u2757\uFE0F', '- **Uptime**: 1m \u2757\uFE0F'].join('\n'),
    );
    expect(out.type).toBe('error');
  });

  it('titles a metric without a name by its key and prints it as bytes, as the original', () => {
    const out = report({ entries: [['my_gauge', 2048]] }, []);
    expect(out.text).toBe('- **my_gauge**: 2 KB');
  });

  it('adds one line per crossed filesystem of a mount rule, after the entries, deduplicated', () => {
    const input: ReportInput = {
      hostname: 'nas',
      entries: [['disk_usage_percent', 70]],
      disks: [disk('/', 70), disk('/data', 93.2), disk('/boot', 85)],
    };
    const out = report(input, [
      rule({ metric: 'disk_usage_percent', value: 80, mount: '*' }),
      rule({ metric: 'disk_usage_percent', value: 90, mount: '/data', type: 'alarm' }),
    ]);
    expect(out.spoiler).toBe('\u{1F6A8} nas');
    expect(out.text).toBe(
      ['- **Disk %**: 70', '- **Disk % (/data)**: 93.2 \u2757\uFE0F', '- **Disk % (/boot)**: 85 \u2757\uFE0F'].join(
        '\n',
      ),
    );
  });

  it('marks the flat entry instead of adding a line when the root filesystem crossed with the same value', () => {
    const input: ReportInput = { entries: [['disk_usage_percent', 93.2]], disks: [disk('/', 93.2)] };
    const out = report(input, [rule({ metric: 'disk_usage_percent', value: 80, mount: '/' })]);
    expect(out.text).toBe('- **Disk %**: 93.2 \u2757\uFE0F');
  });

  it('adds a line for the root filesystem when the flat entry is absent or differs', () => {
    const rules = [rule({ metric: 'disk_usage_percent', value: 80, mount: '/' })];
    expect(report({ entries: [], disks: [disk('/', 93.2)] }, rules).text).toBe('- **Disk % (/)**: 93.2 \u2757\uFE0F');
    expect(report({ entries: [['disk_usage_percent', 93]], disks: [disk('/', 93.2)] }, rules).text).toBe(
      '- **Disk %**: 93\n- **Disk % (/)**: 93.2 \u2757\uFE0F',
    );
  });

  it('formats mount lines of byte metrics as sizes', () => {
    const input: ReportInput = { entries: [], disks: [{ ...disk('/data', 50), freeBytes: 1536 }] };
    const out = report(input, [rule({ metric: 'disk_usage_free', value: 2048, operator: '<', mount: '/data' })]);
    expect(out.text).toBe('- **Disk Free (/data)**: 1.5 KB \u2757\uFE0F');
  });

  it('uses the names map of the format given', () => {
    const format: ReportFormat = { ...DEFAULT_REPORT_FORMAT, namesMap: { cpu_percent: 'Processor' } };
    expect(
      report(
        {
          entries: [
            ['cpu_percent', 5],
            ['memory_percent', 6],
          ],
        },
        [],
        format,
      ).text,
    ).toBe('- **Processor**: 5\n- **memory_percent**: 6');
  });

  it('does not take titles from the prototype', () => {
    expect(report({ entries: [['constructor', 1]] }, []).text).toBe('- **constructor**: 1 B');
  });

  it('is empty when there are no entries', () => {
    expect(report({ hostname: 'h', entries: [] }, []).text).toBe('');
  });
});

describe('formatMetricValue', () => {
  const plain: ReportFormat = { ...DEFAULT_REPORT_FORMAT, humanReadable: false };
  it.each<[string, string, number, ReportFormat, string]>([
    ['a byte metric as a size', 'memory_total', 25276502016, DEFAULT_REPORT_FORMAT, '23.54 GB'],
    ['an exception as JavaScript prints it', 'memory_percent', 2.51, DEFAULT_REPORT_FORMAT, '2.51'],
    ['90.0 prints as 90 (accepted difference)', 'disk_usage_percent', 90.0, DEFAULT_REPORT_FORMAT, '90'],
    ['cpu_count as a count', 'cpu_count', 2, DEFAULT_REPORT_FORMAT, '2'],
    ['load as a plain number', 'load_1', 1.25, DEFAULT_REPORT_FORMAT, '1.25'],
    ['swap size as a size', 'swap_used', 1536, DEFAULT_REPORT_FORMAT, '1.5 KB'],
    ['swap percent as a plain number', 'swap_percent', 12.5, DEFAULT_REPORT_FORMAT, '12.5'],
    ['uptime as a duration', 'uptime_seconds', 93_784, DEFAULT_REPORT_FORMAT, '1d 2h 3m'],
    ['temperature in degrees', 'cpu_temperature', 54.5, DEFAULT_REPORT_FORMAT, '54.5 \u00B0C'],
    ['a network rate as a size per second', 'net_rx_bytes_per_second', 1536, DEFAULT_REPORT_FORMAT, '1.5 KB/s'],
    ['not human readable: bytes are plain', 'memory_total', 8589934592, plain, '8589934592'],
    ['not human readable: uptime is plain', 'uptime_seconds', 93_784, plain, '93784'],
    [
      'a config written for the original (its own exceptions, no units) still prints v2 units',
      'load_1',
      0.5,
      {
        namesMap: {},
        humanReadable: true,
        humanReadableExceptions: ['cpu_percent', 'cpu_count', 'memory_percent', 'disk_usage_percent'],
      },
      '0.5',
    ],
    [
      'an exception wins over a unit',
      'uptime_seconds',
      93_784,
      { ...DEFAULT_REPORT_FORMAT, humanReadableExceptions: ['uptime_seconds'] },
      '93784',
    ],
  ])('%s', (_meaning, metric, value, format, expected) => {
    expect(formatMetricValue(metric, value, format)).toBe(expected);
  });

  it('has a title for every known metric', async () => {
    const { KNOWN_METRICS } = await import('./metrics.ts');
    expect(KNOWN_METRICS.filter((m) => !Object.hasOwn(DEFAULT_REPORT_FORMAT.namesMap, m))).toEqual([]);
  });
});
