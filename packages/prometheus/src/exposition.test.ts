import { describe, expect, it } from 'vitest';
import {
  createExpositionEncoder,
  createSampleColumns,
  type EncodedLabels,
  encodeExposition,
  encodeLabels,
  escapeLabelValue,
  formatValue,
  type Labels,
  type MetricFamily,
  renderLabels,
  type SampleSource,
  writeExposition,
} from './exposition.ts';

const gauge: MetricFamily = {
  type: 'gauge',
  name: 'janitor_host_cpu_percent',
  help: 'CPU busy, percent',
  samples: [
    { labels: { host: 'pi1' }, value: 12.5 },
    { labels: { host: 'pi2' }, value: 3 },
  ],
};
const counter: MetricFamily = {
  type: 'counter',
  name: 'janitor_posts',
  help: 'Posts made',
  samples: [{ value: 7 }],
};
const histogram: MetricFamily = {
  type: 'histogram',
  name: 'janitor_ingest_duration_seconds',
  help: 'Time to take a report',
  unit: 'seconds',
  samples: [
    {
      buckets: [
        { le: 0.005, count: 3 },
        { le: 1, count: 5 },
      ],
      count: 6,
      sum: 2.75,
    },
  ],
};

describe('escapeLabelValue', () => {
  it.each([
    ['plain text stays', 'pi-1.local', 'pi-1.local'],
    ['a backslash doubles', 'C:\\data', 'C:\\\\data'],
    ['a double quote gets a backslash', 'say "hi"', 'say \\"hi\\"'],
    ['a line feed becomes \\n', 'a\nb', 'a\\nb'],
    ['all three together, in order', '\\"\n', '\\\\\\"\\n'],
    ['other Unicode is written as it is', 'Bücher/日本 ✓\t', 'Bücher/日本 ✓\t'],
  ])('%s', (_, value, escaped) => {
    expect(escapeLabelValue(value)).toBe(escaped);
  });
});

describe('formatValue', () => {
  it.each([
    [12.5, '12.5'],
    [3, '3'],
    [-0.25, '-0.25'],
    [1e21, '1e+21'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, '+Inf'],
    [Number.NEGATIVE_INFINITY, '-Inf'],
  ])('%d is written %s', (value, text) => {
    expect(formatValue(value)).toBe(text);
  });
});

describe('writeExposition, text format 0.0.4', () => {
  it('writes HELP and TYPE before each family’s samples, labels escaped', () => {
    const text = writeExposition(
      [
        gauge,
        {
          type: 'gauge',
          name: 'janitor_host_filesystem_used_percent',
          help: 'Used, percent',
          samples: [{ labels: { host: 'pi1', mount: '/mnt/"odd"\\dir\n' }, value: 41.3 }],
        },
      ],
      'text',
    );
    expect(text).toBe(
      [
        '# HELP janitor_host_cpu_percent CPU busy, percent',
        '# TYPE janitor_host_cpu_percent gauge',
        'janitor_host_cpu_percent{host="pi1"} 12.5',
        'janitor_host_cpu_percent{host="pi2"} 3',
        '# HELP janitor_host_filesystem_used_percent Used, percent',
        '# TYPE janitor_host_filesystem_used_percent gauge',
        'janitor_host_filesystem_used_percent{host="pi1",mount="/mnt/\\"odd\\"\\\\dir\\n"} 41.3',
        '',
      ].join('\n'),
    );
  });

  it('names a counter _total in its TYPE line and its samples (a name given with _total too)', () => {
    const expected =
      '# HELP janitor_posts_total Posts made\n# TYPE janitor_posts_total counter\njanitor_posts_total 7\n';
    expect(writeExposition([counter], 'text')).toBe(expected);
    expect(writeExposition([{ ...counter, name: 'janitor_posts_total' }], 'text')).toBe(expected);
  });

  it('writes a histogram’s cumulative buckets, +Inf, count and sum; no UNIT line, no EOF', () => {
    expect(writeExposition([histogram], 'text')).toBe(
      [
        '# HELP janitor_ingest_duration_seconds Time to take a report',
        '# TYPE janitor_ingest_duration_seconds histogram',
        'janitor_ingest_duration_seconds_bucket{le="0.005"} 3',
        'janitor_ingest_duration_seconds_bucket{le="1"} 5',
        'janitor_ingest_duration_seconds_bucket{le="+Inf"} 6',
        'janitor_ingest_duration_seconds_count 6',
        'janitor_ingest_duration_seconds_sum 2.75',
        '',
      ].join('\n'),
    );
  });

  it('escapes backslash and line feed in HELP, and leaves a double quote alone', () => {
    const text = writeExposition([{ ...gauge, help: 'a "b" \\ c\nd', samples: [] }], 'text');
    expect(text.split('\n')[0]).toBe('# HELP janitor_host_cpu_percent a "b" \\\\ c\\nd');
  });

  it('puts a histogram’s labels before le', () => {
    const text = writeExposition(
      [{ ...histogram, samples: [{ ...histogram.samples[0]!, labels: { route: '/sysinfo' } } as never] }],
      'text',
    );
    expect(text).toContain('janitor_ingest_duration_seconds_bucket{route="/sysinfo",le="0.005"} 3\n');
    expect(text).toContain('janitor_ingest_duration_seconds_sum{route="/sysinfo"} 2.75\n');
  });
});

describe('writeExposition, OpenMetrics 1.0.0', () => {
  it('names a counter’s family without _total and its samples with it, gives units, ends with # EOF', () => {
    expect(writeExposition([counter, histogram], 'openmetrics')).toBe(
      [
        '# HELP janitor_posts Posts made',
        '# TYPE janitor_posts counter',
        'janitor_posts_total 7',
        '# HELP janitor_ingest_duration_seconds Time to take a report',
        '# TYPE janitor_ingest_duration_seconds histogram',
        '# UNIT janitor_ingest_duration_seconds seconds',
        'janitor_ingest_duration_seconds_bucket{le="0.005"} 3',
        'janitor_ingest_duration_seconds_bucket{le="1.0"} 5',
        'janitor_ingest_duration_seconds_bucket{le="+Inf"} 6',
        'janitor_ingest_duration_seconds_count 6',
        'janitor_ingest_duration_seconds_sum 2.75',
        '# EOF',
        '',
      ].join('\n'),
    );
  });

  it('escapes the double quote in HELP too', () => {
    const text = writeExposition([{ ...gauge, help: 'a "b" \\ c\nd', samples: [] }], 'openmetrics');
    expect(text.split('\n')[0]).toBe('# HELP janitor_host_cpu_percent a \\"b\\" \\\\ c\\nd');
  });

  it('is only # EOF without families', () => {
    expect(writeExposition([], 'openmetrics')).toBe('# EOF\n');
    expect(writeExposition([], 'text')).toBe('');
  });
});

describe('writeExposition refuses what a scraper would refuse', () => {
  it.each<[string, MetricFamily, RegExp]>([
    ['a name with a dash', { ...gauge, name: 'janitor-cpu' }, /"janitor-cpu": expected a name/],
    ['a name starting with a digit', { ...gauge, name: '1cpu' }, /"1cpu": expected a name/],
    ['a gauge ending with _total', { ...gauge, name: 'memory_total' }, /may not end with a suffix/],
    ['a gauge ending with _count', { ...gauge, name: 'cpu_count' }, /may not end with a suffix/],
    ['a unit the name does not end with', { ...gauge, unit: 'bytes' }, /to end with its unit "_bytes"/],
    [
      'a label name with a dash',
      { ...gauge, samples: [{ labels: { 'my-host': 'a' }, value: 1 }] },
      /label "my-host": expected a name/,
    ],
    ['a reserved label name', { ...gauge, samples: [{ labels: { __name__: 'a' }, value: 1 }] }, /label "__name__"/],
    ['le on a gauge', { ...gauge, samples: [{ labels: { le: '1' }, value: 1 }] }, /label "le"/],
    ['a negative counter', { ...counter, samples: [{ value: -1 }] }, /counter janitor_posts: expected a value of 0/],
    ['a NaN counter', { ...counter, samples: [{ value: Number.NaN }] }, /expected a value of 0 or more, got NaN/],
    [
      'buckets out of order',
      {
        ...histogram,
        samples: [
          {
            buckets: [
              { le: 1, count: 1 },
              { le: 0.5, count: 1 },
            ],
            count: 1,
            sum: 1,
          },
        ],
      },
      /increasing order/,
    ],
  ])('%s', (_, family, error) => {
    expect(() => writeExposition([family], 'text')).toThrow(error);
  });

  it('a family given twice', () => {
    expect(() => writeExposition([gauge, gauge], 'text')).toThrow(/"janitor_host_cpu_percent": given twice/);
    expect(() => writeExposition([counter, { ...counter, name: 'janitor_posts_total' }], 'openmetrics')).toThrow(
      /given twice/,
    );
  });
});

describe('createSampleColumns and renderLabels', () => {
  it('write the same lines as sample objects, in both formats', () => {
    const lines = createSampleColumns({ type: 'gauge', name: 'janitor_host_cpu_percent' });
    const pi1 = renderLabels({ host: 'pi1' });
    expect(pi1).toBe('{host="pi1"}');
    lines.add(pi1, 12.5);
    lines.add(renderLabels({ host: 'pi2' }), 3);
    expect(lines.length).toBe(2);
    for (const format of ['text', 'openmetrics'] as const) {
      expect(writeExposition([{ ...gauge, samples: lines }], format)).toBe(writeExposition([gauge], format));
    }
  });

  it('escape the label values once, and render no labels as nothing', () => {
    expect(renderLabels({ host: 'a"b', mount: 'C:\\x\n' })).toBe('{host="a\\"b",mount="C:\\\\x\\n"}');
    expect(renderLabels(undefined)).toBe('');
    expect(renderLabels({})).toBe('');
    expect(() => renderLabels({ 'bad-name': 'x' })).toThrow(/label "bad-name": expected a name/);
  });

  it('name a counter’s samples _total, and refuse a negative count', () => {
    const lines = createSampleColumns({ type: 'counter', name: 'janitor_posts' });
    lines.add(renderLabels(undefined), 7);
    expect(writeExposition([{ ...counter, samples: lines }], 'openmetrics')).toBe(
      writeExposition([counter], 'openmetrics'),
    );
    expect(() => lines.add(renderLabels(undefined), -1)).toThrow(
      'counter janitor_posts: expected a value of 0 or more',
    );
  });

  it('refuse a bad name, and lines of another family', () => {
    expect(() => createSampleColumns({ type: 'gauge', name: 'a-b' })).toThrow(/"a-b": expected a name/);
    const lines = createSampleColumns({ type: 'gauge', name: 'other_metric' });
    expect(() => writeExposition([{ ...gauge, samples: lines }], 'text')).toThrow(
      /"janitor_host_cpu_percent": its samples are other_metric's/,
    );
  });
});

/** A source writing `values` with `labels` (one set per value), as a fleet's keeper would. */
function sourceOf(sampleName: string, labels: readonly EncodedLabels[], values: readonly number[]): SampleSource {
  const column = Float64Array.from(values);
  return {
    sampleName,
    sizeHint: () => 0,
    write(out) {
      for (let i = 0; i < column.length; i++) out.sample(labels[i]!, column, i);
    },
  };
}

describe('sample sources and encodeLabels', () => {
  it('write the same lines as sample objects, in both formats, labels escaped and in UTF-8', () => {
    const labels: Labels[] = [{ host: 'pi1' }, { host: 'Bücher "日本"\\', mount: '/d' }, {}];
    const values = [12.5, 3, -0.25];
    const sets = encodeLabels(labels.map((l) => renderLabels(l)));
    expect(Buffer.from(sets[0]!).toString()).toBe('{host="pi1"}');
    expect(Buffer.from(sets[1]!).toString()).toBe('{host="Bücher \\"日本\\"\\\\",mount="/d"}');
    expect(sets[2]!.length).toBe(0);
    const objects: MetricFamily = { ...gauge, samples: labels.map((l, i) => ({ labels: l, value: values[i]! })) };
    const source: MetricFamily = { ...gauge, samples: sourceOf(gauge.name, sets, values) };
    for (const format of ['text', 'openmetrics'] as const) {
      expect(writeExposition([source], format)).toBe(writeExposition([objects], format));
    }
  });

  it('name a counter’s samples _total, refuse a negative count and samples of another family', () => {
    const none = encodeLabels([renderLabels(undefined)]);
    expect(writeExposition([{ ...counter, samples: sourceOf('janitor_posts_total', none, [7]) }], 'openmetrics')).toBe(
      writeExposition([counter], 'openmetrics'),
    );
    expect(() =>
      writeExposition([{ ...counter, samples: sourceOf('janitor_posts_total', none, [-1]) }], 'text'),
    ).toThrow('counter janitor_posts: expected a value of 0 or more, got -1');
    expect(() => writeExposition([{ ...gauge, samples: sourceOf('other_metric', none, [1]) }], 'text')).toThrow(
      /"janitor_host_cpu_percent": its samples are other_metric's/,
    );
  });

  it('grow the buffer past a size hint too small', () => {
    const sets = encodeLabels([renderLabels({ host: 'x'.repeat(100) })]);
    const values = Array.from({ length: 2000 }, (_, i) => i + 0.5);
    const text = writeExposition(
      [{ ...gauge, samples: sourceOf(gauge.name, Array(2000).fill(sets[0]), values) }],
      'text',
    );
    expect(text.split('\n').slice(2, -1)).toEqual(
      values.map((v) => `janitor_host_cpu_percent{host="${'x'.repeat(100)}"} ${v}`),
    );
  });
});

describe('createExpositionEncoder', () => {
  const families = (value: number): MetricFamily[] => [
    { ...gauge, samples: [{ labels: { host: 'pi1' }, value }] },
    counter,
    histogram,
  ];

  it('writes what encodeExposition writes, into the buffer of an exposition released, a new one while it is out', () => {
    const encoder = createExpositionEncoder();
    const first = encoder.encode(families(1), 'text');
    expect(first.equals(encodeExposition(families(1), 'text'))).toBe(true);
    const second = encoder.encode(families(2), 'openmetrics');
    expect(second.buffer).not.toBe(first.buffer);
    expect(first.equals(encodeExposition(families(1), 'text'))).toBe(true);
    encoder.release(first);
    const third = encoder.encode(families(3), 'text');
    expect(third.buffer).toBe(first.buffer);
    expect(third.equals(encodeExposition(families(3), 'text'))).toBe(true);
    expect(second.equals(encodeExposition(families(2), 'openmetrics'))).toBe(true);
    // Released twice, or bytes it did not make: ignored.
    encoder.release(first);
    encoder.release(encodeExposition(families(4), 'text'));
    encoder.release(Buffer.from('not its own'));
    expect(encoder.encode(families(5), 'text').buffer).not.toBe(first.buffer);
  });

  it('keeps the buffer when an exposition throws', () => {
    const encoder = createExpositionEncoder();
    const first = encoder.encode(families(1), 'text');
    encoder.release(first);
    expect(() => encoder.encode([gauge, gauge], 'text')).toThrow(/given twice/);
    expect(encoder.encode(families(2), 'text').buffer).toBe(first.buffer);
  });
});

describe('values written from columns and sources', () => {
  it('read the same as formatValue’s, integers and decimals digit by digit included', () => {
    const values = [0, -0, 7, -12, 41, 8e9, 999_999_999_999_999, 1e15, -1e15, 1e15 + 2, 2 ** 53, 1e21, 12.5, -0.25];
    values.push(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MIN_VALUE, Number.MAX_VALUE);
    values.push(2 ** 53 - 1, 2 ** 53 + 2, -(2 ** 53), 1e9, 1e9 - 1, 1e9 + 0.5, 999_999_999.999_999, 0.1 + 0.2, 1e-6);
    values.push(
      1e-7,
      0.000_001_5,
      123_456.789_012,
      1_796_224_846.475,
      5e14 + 0.5,
      2 ** 49 / 10 + 0.1,
      -1_000_000.000_001,
    );
    // And many more, from a fixed sequence: integers of every length, and fractions of every length up to 8 decimals.
    let x = 12345;
    const next = () => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return x;
    };
    for (let i = 0; i < 2000; i++) {
      values.push(Math.floor(next() / 10 ** (i % 10)), -(next() % 100_000), next() / 1000);
      values.push(next() / 10 ** (i % 9), (next() * 2 ** 22 + next()) / 10 ** (i % 8), -next() / 3, next() * 1e-9);
    }
    const columns = createSampleColumns({ type: 'gauge', name: 'v' });
    const labels = renderLabels({ i: 'x' });
    for (const value of values) columns.add(labels, value);
    const expected = values.map((v) => `v{i="x"} ${formatValue(v)}`);
    const fromColumns = writeExposition([{ type: 'gauge', name: 'v', help: 'v', samples: columns }], 'text');
    expect(fromColumns.split('\n').slice(2, -1)).toEqual(expected);
    const sets = Array(values.length).fill(encodeLabels([labels])[0]);
    const fromSource = writeExposition(
      [{ type: 'gauge', name: 'v', help: 'v', samples: sourceOf('v', sets, values) }],
      'text',
    );
    expect(fromSource.split('\n').slice(2, -1)).toEqual(expected);
  });
});
