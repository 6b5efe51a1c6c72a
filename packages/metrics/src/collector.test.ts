import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sample } from '@janitor/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { createCollector } from './collector.ts';
import { type ReplayedMachine, replayMachine } from './replay.test-support.ts';

// Expected values were computed from the fixture files independently of this package (a short Python script with
// psutil's formulas): see fixtures/<name>/README.md for where each file came from.
const VM: Sample = {
  hostname: 'vm',
  collectedAtMs: 1795465553828,
  metrics: {
    // /proc/stat deltas: user 37, system 3, idle 158, steal 3 -> busy 43 of 201 ticks
    cpu_percent: 21.4,
    cpu_count: 2,
    memory_total: 25276514304,
    memory_avail: 24918360064,
    // MemTotal - MemFree - Buffers - Cached - SReclaimable, in bytes
    memory_used: 118628352,
    memory_free: 24761237504,
    memory_percent: 0.47,
    disk_usage_total: 270553174016,
    disk_usage_used: 24029630464,
    disk_usage_free: 84914663424,
    disk_usage_percent: 22.1,
    load_1: 0.48,
    load_5: 0.21,
    load_15: 0.07,
    swap_total: 0,
    swap_used: 0,
    swap_free: 0,
    swap_percent: 0,
    uptime_seconds: 4403,
    net_rx_bytes_per_second: 0,
    net_tx_bytes_per_second: 0,
  },
  disks: [
    {
      mount: '/',
      device: '/dev/vda',
      fsType: 'ext4',
      totalBytes: 270553174016,
      usedBytes: 24029630464,
      freeBytes: 84914663424,
      usedPercent: 22.1,
    },
  ],
  network: [
    { iface: 'ifb0', rxBytesPerSecond: 0, txBytesPerSecond: 0 },
    { iface: 'ifb1', rxBytesPerSecond: 0, txBytesPerSecond: 0 },
    { iface: 'eth0', rxBytesPerSecond: 0, txBytesPerSecond: 0 },
  ],
};

const PI: Sample = {
  hostname: 'ubuntu',
  collectedAtMs: 1573566002000,
  metrics: {
    // deltas over 2 s on 4 CPUs: 800 ticks, idle 517, iowait 12 -> busy 271 = 33.875 %
    cpu_percent: 33.9,
    cpu_count: 4,
    memory_total: 972111872,
    memory_avail: 905859072,
    memory_used: 35110912,
    memory_free: 50700288,
    memory_percent: 3.61,
    disk_usage_total: 30451703808,
    disk_usage_used: 6472425472,
    disk_usage_free: 22699520000,
    // df printed 23% (it rounds up); the original's one decimal is 22.2
    disk_usage_percent: 22.2,
    load_1: 0.52,
    load_5: 0.34,
    load_15: 0.28,
    swap_total: 104853504,
    swap_used: 4096,
    swap_free: 104849408,
    swap_percent: 0,
    uptime_seconds: 14736,
    cpu_temperature: 36,
    net_rx_bytes_per_second: 125001500,
    net_tx_bytes_per_second: 500750,
  },
  disks: [
    {
      mount: '/',
      device: '/dev/mmcblk0p2',
      fsType: 'ext4',
      totalBytes: 30451703808,
      usedBytes: 6472425472,
      freeBytes: 22699520000,
      usedPercent: 22.2,
    },
    {
      mount: '/boot/firmware',
      device: '/dev/mmcblk0p1',
      fsType: 'vfat',
      totalBytes: 264289280,
      usedBytes: 127480832,
      freeBytes: 136808448,
      usedPercent: 48.2,
    },
    {
      mount: '/home/ubuntu/usb',
      device: '/dev/sdb1',
      fsType: 'ext4',
      totalBytes: 1000203087872,
      usedBytes: 356789866496,
      freeBytes: 643413221376,
      usedPercent: 35.7,
    },
  ],
  network: [
    { iface: 'eth0', rxBytesPerSecond: 1500, txBytesPerSecond: 750 },
    { iface: 'wlan0', rxBytesPerSecond: 0, txBytesPerSecond: 0 },
    { iface: 'eth1', rxBytesPerSecond: 125000000, txBytesPerSecond: 500000 },
  ],
};

let machine: ReplayedMachine | undefined;
afterEach(async () => {
  await machine?.cleanup();
  machine = undefined;
});

describe('createCollector on recorded machines', () => {
  it.each([
    ['vm-x86_64', VM, ['/']],
    ['raspberry-pi', PI, ['/', '/boot/firmware', '/home/ubuntu/usb']],
  ] as const)('%s: maps the recorded sources to the exact sample', async (name, expected, statfsPaths) => {
    machine = await replayMachine(name);
    const sample = await createCollector(machine.options).collect();
    expect(sample).toEqual(expected);
    // Pseudo filesystems are filtered before statfs: only the real ones were asked about.
    expect([...machine.statfsCalls].sort()).toEqual(statfsPaths);
    // The first collection sampled once, briefly.
    expect(machine.sleeps).toEqual([200]);
  });

  it('lists the legacy keys first, in the original order, then the additions', async () => {
    machine = await replayMachine('raspberry-pi');
    const sample = await createCollector(machine.options).collect();
    expect(Object.keys(sample.metrics).slice(0, 11)).toEqual([
      'cpu_percent',
      'cpu_count',
      'memory_total',
      'memory_avail',
      'memory_used',
      'memory_free',
      'memory_percent',
      'disk_usage_total',
      'disk_usage_used',
      'disk_usage_free',
      'disk_usage_percent',
    ]);
  });

  it('leaves cpu_temperature out, rather than 0, on a machine without a sensor', async () => {
    machine = await replayMachine('vm-x86_64');
    const sample = await createCollector(machine.options).collect();
    expect('cpu_temperature' in sample.metrics).toBe(false);
  });

  it('measures later collections over the time since the previous one, without sleeping', async () => {
    machine = await replayMachine('raspberry-pi');
    const { clock, recorded, dir } = machine;
    const collector = createCollector(machine.options);
    await collector.collect();
    // A third reading, 60 s after the later snapshot: 400 more ticks of which 200 busy, 6 MB more on eth1.
    await writeFile(
      join(dir, 'proc/stat'),
      [
        'cpu  107746 10 39734 5811049 3217 0 1851 0 0 0',
        'cpu0 28395 10 11332 1448866 876 0 1301 0 0 0',
        'cpu1 26631 0 9441 1454363 765 0 183 0 0 0',
        'cpu2 26191 0 9387 1454504 797 0 189 0 0 0',
        'cpu3 26529 0 9574 1453316 779 0 178 0 0 0',
        'btime 1573551233',
        '',
      ].join('\n'),
    );
    const later = await readFile(join(dir, 'proc/net/dev'), 'utf8');
    await writeFile(join(dir, 'proc/net/dev'), later.replace('21625449369', '21631449369'));
    clock.nowMs = recorded.laterAtMs + 60_000;
    const warm = await collector.collect();
    expect(machine.sleeps).toEqual([200]);
    expect(warm.collectedAtMs).toBe(recorded.laterAtMs + 60_000);
    expect(warm.metrics.cpu_percent).toBe(50);
    expect(warm.network.find((n) => n.iface === 'eth1')).toEqual({
      iface: 'eth1',
      rxBytesPerSecond: 100_000,
      txBytesPerSecond: 0,
    });
    expect(warm.metrics.net_rx_bytes_per_second).toBe(100_000);
  });

  it('serialises concurrent calls so each sees the state the previous one left', async () => {
    machine = await replayMachine('vm-x86_64');
    const collector = createCollector(machine.options);
    const [first, second] = await Promise.all([collector.collect(), collector.collect()]);
    // The second call ran after the first one's brief sample: it found the kept counters and did not sleep.
    expect(machine.sleeps).toEqual([200]);
    expect(first.metrics.cpu_percent).toBe(21.4);
    expect(second.metrics.cpu_percent).toBe(21.4);
    expect(second.collectedAtMs).toBe(first.collectedAtMs);
  });
});
