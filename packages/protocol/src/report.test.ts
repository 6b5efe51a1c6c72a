import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonBody } from './json-body.ts';
import { parseReport } from './report.ts';
import type { DiskSample, NetworkSample, Sample } from './sample.ts';

const original = JSON.parse(
  readFileSync(new URL('../fixtures/original-remote-client-request.json', import.meta.url), 'utf8'),
) as { body: string };

const disk: DiskSample = {
  mount: '/',
  device: '/dev/sda1',
  fsType: 'ext4',
  totalBytes: 270_553_174_016,
  usedBytes: 25_177_784_320,
  freeBytes: 83_766_509_568,
  usedPercent: 23.1,
};
const nic: NetworkSample = { iface: 'eth0', rxBytesPerSecond: 1200.5, txBytesPerSecond: 0 };
const sample: Sample = {
  hostname: 'vm',
  collectedAtMs: 1_763_900_000_000,
  metrics: { cpu_percent: 26.8, load_1: 0.42, cpu_temperature: -3.5 },
  disks: [disk, { ...disk, mount: '/data', device: '/dev/sdb1', usedPercent: 100 }],
  network: [nic],
};

/** Parses `text` as JSON first, so the cases read like the bodies they stand for. */
function parseText(text: string) {
  const json = parseJsonBody(text);
  if (!json.ok) throw new Error(`test body is not JSON: ${text}`);
  return parseReport(json.value);
}

function withSample(patch: Record<string, unknown>): unknown {
  return { version: 2, sample: { ...sample, ...patch } };
}

describe('parseReport: the original {"sys_data"}', () => {
  it("accepts the original client's exact body, keys in payload order", () => {
    const result = parseText(original.body);
    expect(result).toStrictEqual({
      ok: true,
      value: {
        kind: 'legacy',
        sysData: {
          hostname: 'vm',
          cpu_percent: 26.8,
          cpu_count: 2,
          memory_total: 25276502016,
          memory_avail: 24357281792,
          memory_used: 634871808,
          memory_free: 23092252672,
          memory_percent: 2.51,
          disk_usage_total: 270553174016,
          disk_usage_used: 25177784320,
          disk_usage_free: 83766509568,
          disk_usage_percent: 23.1,
        },
      },
    });
    expect(Object.keys(result.ok && result.value.kind === 'legacy' ? result.value.sysData : {})).toEqual(
      Object.keys((JSON.parse(original.body) as { sys_data: object }).sys_data),
    );
  });

  it.each([
    [
      'a subset of keys without hostname',
      '{"sys_data": {"cpu_percent": 99, "disk_usage_free": 1536}}',
      { cpu_percent: 99, disk_usage_free: 1536 },
    ],
    [
      'hostname anywhere keeps its place',
      '{"sys_data": {"cpu_percent": 1, "hostname": " h ", "cpu_count": 2}}',
      { cpu_percent: 1, hostname: 'h', cpu_count: 2 },
    ],
    [
      'a blank hostname is absent (unknown host)',
      '{"sys_data": {"hostname": "", "cpu_percent": 1}}',
      { cpu_percent: 1 },
    ],
    ['a null hostname is absent', '{"sys_data": {"hostname": null, "cpu_percent": 1}}', { cpu_percent: 1 }],
    ['a metric the original never sent', '{"sys_data": {"gpu_temp_2": 71.5}}', { gpu_temp_2: 71.5 }],
    ['an empty sys_data', '{"sys_data": {}}', {}],
    ['negative and zero values', '{"sys_data": {"a": -1, "b": 0, "c": -0.0}}', { a: -1, b: 0, c: -0 }],
    [
      'exactly 256 metrics',
      JSON.stringify({ sys_data: Object.fromEntries(Array.from({ length: 256 }, (_, i) => [`m${i}`, i])) }),
      Object.fromEntries(Array.from({ length: 256 }, (_, i) => [`m${i}`, i])),
    ],
  ])('accepts %s', (_, text, sysData) => {
    expect(parseText(text)).toStrictEqual({ ok: true, value: { kind: 'legacy', sysData } });
  });

  it.each([
    [
      'a string "95"',
      '{"sys_data": {"cpu_percent": "95"}}',
      'sys_data.cpu_percent',
      'metric values must be finite numbers',
    ],
    [
      '1e999 (Infinity)',
      '{"sys_data": {"cpu_percent": 1e999}}',
      'sys_data.cpu_percent',
      'metric values must be finite numbers',
    ],
    ['-1e999', '{"sys_data": {"memory_free": -1e999}}', 'sys_data.memory_free', 'metric values must be finite numbers'],
    ['a boolean', '{"sys_data": {"cpu_count": true}}', 'sys_data.cpu_count', 'metric values must be finite numbers'],
    ['null', '{"sys_data": {"cpu_count": null}}', 'sys_data.cpu_count', 'metric values must be finite numbers'],
    ['an array', '{"sys_data": {"cpu_count": [2]}}', 'sys_data.cpu_count', 'metric values must be finite numbers'],
    [
      'an upper-case metric name',
      '{"sys_data": {"CPU": 1}}',
      'sys_data',
      'metric names must be 1 to 64 lower-case letters, digits or underscores, starting with a letter',
    ],
    [
      'a metric name with a control character',
      '{"sys_data": {"cpu\\u0000": 1}}',
      'sys_data',
      'metric names must be 1 to 64 lower-case letters, digits or underscores, starting with a letter',
    ],
    [
      '__proto__ as a metric',
      '{"sys_data": {"__proto__": 1}}',
      'sys_data',
      'metric names must be 1 to 64 lower-case letters, digits or underscores, starting with a letter',
    ],
    [
      'a 65-character metric name',
      `{"sys_data": {"${'a'.repeat(65)}": 1}}`,
      'sys_data',
      'metric names must be 1 to 64 lower-case letters, digits or underscores, starting with a letter',
    ],
    [
      '257 metrics',
      JSON.stringify({ sys_data: Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`m${i}`, i])) }),
      'sys_data',
      'sys_data must not hold more than 256 metrics',
    ],
    ['a numeric hostname', '{"sys_data": {"hostname": 7}}', 'sys_data.hostname', 'sys_data.hostname must be a string'],
    [
      'a hostname with a line feed',
      '{"sys_data": {"hostname": "a\\nb"}}',
      'sys_data.hostname',
      'sys_data.hostname must not contain control characters',
    ],
    [
      'a hostname with a left-to-right isolate',
      '{"sys_data": {"hostname": "pi\\u2066-1"}}',
      'sys_data.hostname',
      'sys_data.hostname must not contain invisible characters such as direction overrides or zero-width spaces (found U+2066)',
    ],
    [
      'a 1 MB hostname',
      JSON.stringify({ sys_data: { hostname: 'h'.repeat(1_000_000) } }),
      'sys_data.hostname',
      'sys_data.hostname must be at most 255 characters',
    ],
    [
      'a lone surrogate in the hostname',
      '{"sys_data": {"hostname": "\\ud83d"}}',
      'sys_data.hostname',
      'sys_data.hostname must be valid Unicode (it holds a lone surrogate)',
    ],
    ['sys_data as an array', '{"sys_data": [1, 2]}', 'sys_data', 'sys_data must be an object of metrics'],
    ['sys_data as null', '{"sys_data": null}', 'sys_data', 'sys_data must be an object of metrics'],
    [
      'no sys_data and no version',
      '{"sysdata": {}}',
      'sys_data',
      'sys_data is required (or "version": 2 with a "sample")',
    ],
    [
      'a JSON array',
      '[{"sys_data": {}}]',
      'body',
      'body must be a JSON object: {"sys_data": {...}} or {"version": 2, "sample": {...}}',
    ],
    [
      'a JSON string',
      '"sys_data"',
      'body',
      'body must be a JSON object: {"sys_data": {...}} or {"version": 2, "sample": {...}}',
    ],
  ])('refuses %s with a 400', (_, text, field, error) => {
    expect(parseText(text)).toStrictEqual({ ok: false, error: { status: 400, error, field } });
  });

  it('lists every bad metric, the first as the error', () => {
    const result = parseText('{"sys_data": {"cpu_percent": "95", "cpu_count": 2, "memory_percent": 1e999}}');
    expect(result).toStrictEqual({
      ok: false,
      error: {
        status: 400,
        error: 'metric values must be finite numbers',
        field: 'sys_data.cpu_percent',
        issues: [
          { error: 'metric values must be finite numbers', field: 'sys_data.cpu_percent' },
          { error: 'metric values must be finite numbers', field: 'sys_data.memory_percent' },
        ],
      },
    });
  });

  it('lists at most 20 problems', () => {
    const sysData = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`m${i}`, 'x']));
    const result = parseReport({ sys_data: sysData });
    expect(result.ok ? undefined : result.error.issues?.length).toBe(20);
  });

  it('refuses NaN handed over directly (not through JSON)', () => {
    expect(parseReport({ sys_data: { cpu_percent: Number.NaN } })).toStrictEqual({
      ok: false,
      error: { status: 400, error: 'metric values must be finite numbers', field: 'sys_data.cpu_percent' },
    });
  });
});

describe('parseReport: v2', () => {
  it('accepts a full sample as the agent sends it', () => {
    const body = JSON.parse(JSON.stringify({ version: 2, sample })) as unknown;
    expect(parseReport(body)).toStrictEqual({ ok: true, value: { kind: 'v2', sample } });
  });

  it('drops unknown fields and trims the hostname', () => {
    const body = {
      version: 2,
      extra: true,
      sample: {
        ...sample,
        hostname: ' vm ',
        future: 1,
        disks: [{ ...disk, inodes: 5 }],
        network: [{ ...nic, mtu: 1500 }],
      },
    };
    expect(parseReport(body)).toStrictEqual({
      ok: true,
      value: { kind: 'v2', sample: { ...sample, disks: [disk], network: [nic] } },
    });
  });

  it('accepts an empty sample: no metrics, no disks, no network', () => {
    const empty: Sample = { hostname: 'h', collectedAtMs: 0, metrics: {}, disks: [], network: [] };
    expect(parseReport({ version: 2, sample: empty })).toStrictEqual({
      ok: true,
      value: { kind: 'v2', sample: empty },
    });
  });

  const manyDisks = Array.from({ length: 257 }, () => disk);
  it.each([
    ['version as a string', { version: '2', sample }, 400, 'version', 'version must be the number 2'],
    [
      'version 3',
      { version: 3, sample },
      422,
      'version',
      'unsupported report version 3: this hub reads version 2 and {"sys_data"}',
    ],
    [
      'version 1e999',
      { version: Number.POSITIVE_INFINITY, sample },
      422,
      'version',
      'unsupported report version that is not finite: this hub reads version 2 and {"sys_data"}',
    ],
    ['no sample', { version: 2 }, 400, 'sample', 'sample must be an object'],
    ['a sample array', { version: 2, sample: [sample] }, 400, 'sample', 'sample must be an object'],
    ['no hostname', withSample({ hostname: undefined }), 400, 'sample.hostname', 'sample.hostname is required'],
    ['a blank hostname', withSample({ hostname: ' ' }), 400, 'sample.hostname', 'sample.hostname is required'],
    [
      'a hostname with a NUL',
      withSample({ hostname: 'a\u0000' }),
      400,
      'sample.hostname',
      'sample.hostname must not contain control characters',
    ],
    [
      'a hostname with a zero-width joiner',
      withSample({ hostname: 'pi\u200D1' }),
      400,
      'sample.hostname',
      'sample.hostname must not contain invisible characters such as direction overrides or zero-width spaces (found U+200D)',
    ],
    [
      'collectedAtMs as a string',
      withSample({ collectedAtMs: '1763900000000' }),
      400,
      'sample.collectedAtMs',
      'collectedAtMs must be a finite number of milliseconds since the epoch',
    ],
    [
      'a negative collectedAtMs',
      withSample({ collectedAtMs: -1 }),
      400,
      'sample.collectedAtMs',
      'collectedAtMs must be a finite number of milliseconds since the epoch',
    ],
    [
      'metrics as an array',
      withSample({ metrics: [1] }),
      400,
      'sample.metrics',
      'sample.metrics must be an object of metrics',
    ],
    [
      'a string metric "95"',
      withSample({ metrics: { cpu_percent: '95' } }),
      400,
      'sample.metrics.cpu_percent',
      'metric values must be finite numbers',
    ],
    [
      'an infinite metric',
      withSample({ metrics: { load_1: Number.POSITIVE_INFINITY } }),
      400,
      'sample.metrics.load_1',
      'metric values must be finite numbers',
    ],
    [
      'a bad metric name',
      withSample({ metrics: { 'load 1': 1 } }),
      400,
      'sample.metrics',
      'metric names must be 1 to 64 lower-case letters, digits or underscores, starting with a letter',
    ],
    ['disks missing', withSample({ disks: undefined }), 400, 'sample.disks', 'sample.disks must be an array'],
    [
      '257 disks',
      withSample({ disks: manyDisks }),
      400,
      'sample.disks',
      'sample.disks must not hold more than 256 entries',
    ],
    [
      'a disk that is not an object',
      withSample({ disks: [disk, 'sda'] }),
      400,
      'sample.disks[1]',
      'sample.disks[1] must be an object',
    ],
    [
      'a disk at 101 %',
      withSample({ disks: [disk, disk, disk, { ...disk, usedPercent: 101 }] }),
      400,
      'sample.disks[3].usedPercent',
      'usedPercent must be a finite number from 0 to 100',
    ],
    [
      'a disk percent as a string',
      withSample({ disks: [{ ...disk, usedPercent: '23.1' }] }),
      400,
      'sample.disks[0].usedPercent',
      'usedPercent must be a finite number from 0 to 100',
    ],
    [
      'negative used bytes',
      withSample({ disks: [{ ...disk, usedBytes: -1 }] }),
      400,
      'sample.disks[0].usedBytes',
      'disk sizes must be finite numbers of bytes, 0 or more',
    ],
    [
      'a disk without mount',
      withSample({ disks: [{ ...disk, mount: undefined }] }),
      400,
      'sample.disks[0].mount',
      'sample.disks[0].mount must be a string',
    ],
    [
      'an empty mount',
      withSample({ disks: [{ ...disk, mount: '' }] }),
      400,
      'sample.disks[0].mount',
      'sample.disks[0].mount must not be empty',
    ],
    [
      'a mount with a line feed',
      withSample({ disks: [{ ...disk, mount: '/a\nb' }] }),
      400,
      'sample.disks[0].mount',
      'sample.disks[0].mount must not contain control characters',
    ],
    [
      'a 1 MB device',
      withSample({ disks: [{ ...disk, device: 'd'.repeat(1_000_000) }] }),
      400,
      'sample.disks[0].device',
      'sample.disks[0].device must be at most 4096 characters',
    ],
    [
      'network as an object',
      withSample({ network: { eth0: nic } }),
      400,
      'sample.network',
      'sample.network must be an array',
    ],
    [
      '257 interfaces',
      withSample({ network: Array.from({ length: 257 }, () => nic) }),
      400,
      'sample.network',
      'sample.network must not hold more than 256 entries',
    ],
    [
      'a NaN rate',
      withSample({ network: [{ ...nic, rxBytesPerSecond: Number.NaN }] }),
      400,
      'sample.network[0].rxBytesPerSecond',
      'network rates must be finite numbers of bytes per second, 0 or more',
    ],
    [
      'an empty iface',
      withSample({ network: [{ ...nic, iface: ' ' }] }),
      400,
      'sample.network[0].iface',
      'sample.network[0].iface must not be empty',
    ],
  ])('refuses %s', (_, body, status, field, error) => {
    expect(parseReport(body)).toStrictEqual({ ok: false, error: { status, error, field } });
  });

  it('lists problems across disks and interfaces with their paths', () => {
    const result = parseReport(
      withSample({
        disks: [{ ...disk, freeBytes: '1' }, disk, { ...disk, usedPercent: -1 }],
        network: [{ ...nic, iface: 3 }],
      }),
    );
    expect(result.ok ? [] : result.error.issues?.map((issue) => issue.field)).toEqual([
      'sample.disks[0].freeBytes',
      'sample.disks[2].usedPercent',
      'sample.network[0].iface',
    ]);
  });
});

describe('parseReport properties', () => {
  const metricName = fc.stringMatching(/^[a-z][a-z0-9_]{0,63}$/);
  const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
  const nonNegative = fc.double({ min: 0, noNaN: true, noDefaultInfinity: true });
  const text = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '');
  const validSample = fc.record<Sample>({
    hostname: text.map((s) => s.trim()),
    collectedAtMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
    metrics: fc.dictionary(metricName, finite, { maxKeys: 20 }),
    disks: fc.array(
      fc.record<DiskSample>({
        mount: text,
        device: fc.string({ maxLength: 40 }),
        fsType: fc.string({ maxLength: 10 }),
        totalBytes: nonNegative,
        usedBytes: nonNegative,
        freeBytes: nonNegative,
        usedPercent: fc.double({ min: 0, max: 100, noNaN: true }),
      }),
      { maxLength: 5 },
    ),
    network: fc.array(
      fc.record<NetworkSample>({ iface: text, rxBytesPerSecond: nonNegative, txBytesPerSecond: nonNegative }),
      { maxLength: 5 },
    ),
  });

  it('accepts every valid sample after a JSON round trip, unchanged', () => {
    fc.assert(
      fc.property(validSample, (s) => {
        const body = JSON.parse(JSON.stringify({ version: 2, sample: s })) as unknown;
        // JSON has no -0: compare with what the wire carries.
        expect(parseReport(body)).toStrictEqual({
          ok: true,
          value: { kind: 'v2', sample: JSON.parse(JSON.stringify(s)) },
        });
      }),
      { numRuns: 500 },
    );
  });

  it('accepts every legacy sys_data of finite numbers, in order', () => {
    fc.assert(
      fc.property(fc.dictionary(metricName, finite, { maxKeys: 30 }), (metrics) => {
        const result = parseReport({ sys_data: metrics });
        expect(result.ok && result.value.kind === 'legacy' ? Object.entries(result.value.sysData) : []).toEqual(
          Object.entries(metrics),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on any value, and refuses only with a 4xx and a string error', () => {
    const mutatedSample = validSample.chain((s) =>
      fc.record({
        version: fc.constantFrom(2, 2, 1, '2', null),
        sample: fc.oneof(
          fc.constant(s),
          fc.anything(),
          fc.tuple(fc.anything(), fc.array(fc.anything())).map(([disks, network]) => ({ ...s, disks, network })),
          fc.tuple(fc.string(), fc.anything()).map(([key, value]) => ({ ...s, [key]: value })),
          fc.dictionary(fc.string(), fc.oneof(fc.double(), fc.string())).map((metrics) => ({ ...s, metrics })),
        ),
      }),
    );
    const inputs = fc.oneof(
      fc.jsonValue(),
      fc.anything(),
      fc.record({ sys_data: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.anything()) }),
      mutatedSample,
    );
    fc.assert(
      fc.property(inputs, (body) => {
        const result = parseReport(body);
        if (result.ok) return;
        expect([400, 422]).toContain(result.error.status);
        expect(result.error.error).toMatch(/\S/);
        expect(typeof result.error.field).toBe('string');
      }),
      { numRuns: 3000 },
    );
  });
});
