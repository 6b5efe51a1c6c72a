import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LEGACY_METRIC_KEYS, type Logger } from '@janitor/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { collect } from './collect.ts';
import { type ReplayedMachine, replayMachine } from './replay.test-support.ts';
import { readStateFile, writeStateFile } from './state-file.ts';

function recordingLogger(): Logger & { warnings: { message: string; fields: Record<string, unknown> }[] } {
  const warnings: { message: string; fields: Record<string, unknown> }[] = [];
  return {
    warnings,
    debug() {},
    info() {},
    warn(message, fields) {
      warnings.push({ message, fields: fields ?? {} });
    },
    error() {},
  };
}

/** A /proc/stat 60 s after the Raspberry Pi fixture's later snapshot: 400 more ticks, 200 of them busy. */
const THIRD_STAT = [
  'cpu  107746 10 39734 5811049 3217 0 1851 0 0 0',
  'cpu0 28395 10 11332 1448866 876 0 1301 0 0 0',
  'cpu1 26631 0 9441 1454363 765 0 183 0 0 0',
  'cpu2 26191 0 9387 1454504 797 0 189 0 0 0',
  'cpu3 26529 0 9574 1453316 779 0 178 0 0 0',
  'btime 1573551233',
  '',
].join('\n');

let machine: ReplayedMachine | undefined;
afterEach(async () => {
  await machine?.cleanup();
  machine = undefined;
});

describe('collect (one-shot) with a state file', () => {
  it('samples briefly on the first run, then uses the kept counters and does not sleep', async () => {
    machine = await replayMachine('raspberry-pi');
    const stateFile = join(machine.dir, 'state/metrics-state.json');
    const first = await collect({ ...machine.options, stateFile });
    expect(machine.sleeps).toEqual([200]);
    expect(first.metrics.cpu_percent).toBe(33.9);
    const kept = await readStateFile(stateFile, 'procfs');
    expect(kept).toMatchObject({
      state: { base: { atMs: machine.recorded.firstAtMs }, last: { atMs: machine.recorded.laterAtMs } },
    });

    // The next cron run, a minute later: a new process, only the state file links the two.
    await writeFile(join(machine.dir, 'proc/stat'), THIRD_STAT);
    machine.clock.nowMs = machine.recorded.laterAtMs + 60_000;
    const second = await collect({ ...machine.options, stateFile });
    expect(machine.sleeps).toEqual([200]);
    expect(second.metrics.cpu_percent).toBe(50);
    expect(second.collectedAtMs).toBe(machine.recorded.laterAtMs + 60_000);
    expect(await readStateFile(stateFile, 'procfs')).toMatchObject({
      state: { base: { atMs: machine.recorded.laterAtMs }, last: { atMs: machine.recorded.laterAtMs + 60_000 } },
    });
  });

  it('a run right after another measures from the older kept reading, without sleeping or rewriting the file', async () => {
    machine = await replayMachine('raspberry-pi');
    const stateFile = join(machine.dir, 'metrics-state.json');
    await collect({ ...machine.options, stateFile });
    const before = await readFile(stateFile, 'utf8');
    const mtimeBefore = (await stat(stateFile)).mtimeMs;
    machine.clock.nowMs += 50;
    const again = await collect({ ...machine.options, stateFile });
    expect(machine.sleeps).toEqual([200]);
    // The window is first snapshot -> later snapshot, 2.05 s long.
    expect(again.metrics.cpu_percent).toBe(33.9);
    expect(again.network.find((n) => n.iface === 'eth1')?.rxBytesPerSecond).toBe(Math.round(250_000_000 / 2.05));
    expect(await readFile(stateFile, 'utf8')).toBe(before);
    expect((await stat(stateFile)).mtimeMs).toBe(mtimeBefore);
  });

  it('ignores a corrupt state file: warns, samples briefly, and replaces it with a valid one', async () => {
    machine = await replayMachine('raspberry-pi');
    const stateFile = join(machine.dir, 'metrics-state.json');
    await writeFile(stateFile, '{"version":1,"source":"procfs","base":');
    const logger = recordingLogger();
    const sample = await collect({ ...machine.options, stateFile, logger });
    expect(machine.sleeps).toEqual([200]);
    expect(sample.metrics.cpu_percent).toBe(33.9);
    expect(logger.warnings).toEqual([
      {
        message: 'metrics: state file ignored',
        fields: expect.objectContaining({ problem: 'corrupt', path: stateFile }),
      },
    ]);
    expect(await readStateFile(stateFile, 'procfs')).toHaveProperty('state');
  });

  it('does not use counters older than maxIntervalMs: samples briefly instead of averaging over hours', async () => {
    machine = await replayMachine('raspberry-pi');
    const stateFile = join(machine.dir, 'metrics-state.json');
    await collect({ ...machine.options, stateFile });
    await machine.restoreFirst();
    machine.clock.nowMs = machine.recorded.laterAtMs + 2 * 3_600_000;
    const sample = await collect({ ...machine.options, stateFile });
    expect(machine.sleeps).toEqual([200, 200]);
    expect(sample.metrics.cpu_percent).toBe(33.9);
    expect(sample.metrics.net_rx_bytes_per_second).toBe(125_001_500);
  });

  it('does not use counters from before a reboot', async () => {
    machine = await replayMachine('raspberry-pi');
    const stateFile = join(machine.dir, 'metrics-state.json');
    const before = {
      atMs: machine.recorded.firstAtMs - 60_000,
      bootTimeSec: 1573000000,
      cpu: [10, 0, 10, 100, 0, 0, 0, 0, 0, 0],
      net: { eth1: [1, 1] as const },
    };
    await writeStateFile(stateFile, 'procfs', { base: { ...before, atMs: before.atMs - 1000 }, last: before });
    const sample = await collect({ ...machine.options, stateFile });
    expect(machine.sleeps).toEqual([200]);
    expect(sample.metrics.cpu_percent).toBe(33.9);
  });

  it('with stateFile false samples briefly every time and writes nothing', async () => {
    machine = await replayMachine('vm-x86_64');
    await collect({ ...machine.options, stateFile: false });
    await machine.restoreFirst();
    await collect({ ...machine.options, stateFile: false });
    expect(machine.sleeps).toEqual([200, 200]);
  });

  it('still returns the sample when the state file cannot be written, and says so', async () => {
    machine = await replayMachine('vm-x86_64');
    const blocker = join(machine.dir, 'a-file');
    await writeFile(blocker, '');
    const logger = recordingLogger();
    const sample = await collect({ ...machine.options, stateFile: join(blocker, 'metrics-state.json'), logger });
    expect(sample.metrics.cpu_percent).toBe(21.4);
    // A path below a regular file can be neither read (ENOTDIR) nor written.
    expect(logger.warnings.map((w) => w.message)).toEqual([
      'metrics: state file ignored',
      'metrics: state file not written',
    ]);
  });
});

describe('collect on this machine (live smoke test)', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('returns finite numbers for every legacy key, and the second run reuses the counters', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'janitor-metrics-live-'));
    dirs.push(dir);
    const stateFile = join(dir, 'metrics-state.json');
    const sleeps: number[] = [];
    const sleep = (ms: number) => {
      sleeps.push(ms);
      return new Promise<void>((resolve) => setTimeout(resolve, ms));
    };
    const first = await collect({ stateFile, sleep });
    for (const key of LEGACY_METRIC_KEYS) {
      expect(Number.isFinite(first.metrics[key]), key).toBe(true);
    }
    expect(first.hostname).toBe(hostname());
    expect(first.metrics.cpu_count).toBeGreaterThanOrEqual(1);
    expect(first.metrics.memory_total).toBeGreaterThan(0);
    expect(first.metrics.cpu_percent).toBeGreaterThanOrEqual(0);
    expect(first.metrics.cpu_percent).toBeLessThanOrEqual(100);
    expect(first.disks.map((d) => d.mount)).toContain('/');
    expect(sleeps).toEqual([200]);
    const second = await collect({ stateFile, sleep });
    expect(sleeps).toEqual([200]);
    expect(Number.isFinite(second.metrics.cpu_percent)).toBe(true);
  });

  it('the systeminformation fallback returns finite numbers for every legacy key too', async () => {
    const sample = await collect({ source: 'systeminformation', stateFile: false });
    for (const key of LEGACY_METRIC_KEYS) {
      expect(Number.isFinite(sample.metrics[key]), key).toBe(true);
    }
    expect(sample.disks.length).toBeGreaterThan(0);
  });
});
